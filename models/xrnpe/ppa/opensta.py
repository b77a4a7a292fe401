# SPDX-License-Identifier: Apache-2.0
"""OpenSTA cross-check of the flow's timing (xrnpe/ppa/sta.py) and energy (xrnpe/ppa/energy.py)
on the same mapped netlist, Liberty and loads.

OpenSTA (Debian's `sta`, 2.0.17) reads the netlist, the Liberty and either a SPEF or the flow's
wire estimate, and reports the worst path (`report_checks`) per kind and the power
(`report_power`) with the activity of the gate-level run.

Constraints (those of sta.py): an ideal clock on port `clk` with the FO4 slew of the library,
every other input arriving at t=0 with the FO4 slew (no driving cell), every output required
at the clock edge (output delay 0) and loaded with OUTPUT_LOAD_PF.  Without SPEF each driven
net carries WIRE_PF_PER_PIN per driven pin (and per output port) as `set_load` on the net,
the estimate sta.py and energy.py use.  A path's delay (period_ps) is its arrival from the
launch edge plus the setup time: clock-to-Q + logic + setup for a register endpoint, the
arrival at an output.  Clock gates (LATCH + AND2X1) are timed as OpenSTA infers them: the
clock propagates through the AND to the flip-flops, the gating check is reported in the
group `**clock_gating_default**`.

Activity: OpenSTA's activity of a pin is transitions per clock period (both edges counted;
power = activity / period), its duty the fraction of time at 1.  This OpenSTA has no VCD or
SAIF reader, and its `set_power_activity -pins` fails (it calls get_pins_error, absent from
2.0.17, and would skip output pins), so the script sets the measured activity of every net
on its driver and on all its load pins with the underlying `sta::set_power_pin_activity`.
2.0.17 re-derives the activity of every pin its propagation reaches from an input port
(function of the inputs' activities and duties) and of flip-flop outputs whose D pin it meets
without an activity; the load pins and, in the power pass only, a flip-flop between each data
input port and its loads (isolate_tcl; its power is subtracted) keep it from overwriting the
measurement.  Pins of the clock network always get 2.0.  After report_power the script reads
every driver pin back (`activity`: kept, overridden and the overridden nets).

Netlist: OpenSTA 2.0.17's Verilog reader rejects `wire signed` and concatenations in
`assign` statements (Yosys writes both); sanitize_verilog() writes a copy without them (the
same nets and names: `signed` dropped, each assign split into one assign per bit).

CLI: ``python -m xrnpe.ppa.opensta NETLIST_DIR TOP [--period NS] [--spef F]
[--activity JSON]`` (NETLIST_DIR with netlist.v and netlist.json from xrnpe.ppa.asic;
JSON: {"cycles": N, "nets": {name: [transitions, duty]}}).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from xrnpe.ppa.liberty import OSU018, Library
from xrnpe.ppa.sta import OUTPUT_LOAD_PF, WIRE_PF_PER_PIN, Netlist

STA = "sta"
# path kind -> report_checks -from/-to (Tcl).  Register paths are flip-flop to flip-flop, as
# sta.py's critical path: a clock gate's latch is captured at the edge that opens it, so its
# enable paths have the least slack without being the longest ("reg2gate" reports them).
KINDS = {
    "reg2reg": (
        "[all_registers -edge_triggered -clock_pins]",
        "[all_registers -edge_triggered -data_pins]",
    ),
    "in2reg": ("$data_inputs", "[all_registers -edge_triggered -data_pins]"),
    "reg2out": ("[all_registers -edge_triggered -clock_pins]", "[all_outputs]"),
    "in2out": ("$data_inputs", "[all_outputs]"),
    "reg2gate": (
        "[all_registers -edge_triggered -clock_pins]",
        "[all_registers -level_sensitive -data_pins]",
    ),
}

# ---------------------------------------------------------------------------------------------
# Netlist: what OpenSTA 2.0.17 cannot read
# ---------------------------------------------------------------------------------------------

_DECL = re.compile(
    r"^(\s*)(input|output|inout|wire|reg)\s+(signed\s+)?(?:\[(-?\d+):(-?\d+)\]\s*)?"
    r"(\\\S+\s|[A-Za-z_][\w$]*)\s*;",
    re.M,
)
_ASSIGN = re.compile(r"^[ \t]*assign\s+([^;]*?);[ \t]*$", re.M)
_CONST = re.compile(r"(\d+)'([bhdo])([0-9a-fA-FxXzZ_]+)")
# tokens of an assign: escaped names (up to white space), names, bit/part selects, sized
# constants, concatenation braces, commas and the `=`
_TOK = re.compile(
    r"\s*(\\\S+|\d+'[bhdo][0-9a-fA-FxXzZ_]+|[A-Za-z_][\w$]*|\[-?\d+(?::-?\d+)?\]|[{},=])"
)


def _const_bits(tok: str) -> list[str]:
    """A sized constant as bits, MSB first (x and z as 0: the flow's setundef -zero)."""
    m = _CONST.fullmatch(tok)
    width, base, digits = int(m.group(1)), m.group(2), m.group(3).replace("_", "")
    digits = re.sub("[xXzZ]", "0", digits)
    value = int(digits, {"b": 2, "h": 16, "d": 10, "o": 8}[base])
    return ["1'b1" if (value >> k) & 1 else "1'b0" for k in range(width - 1, -1, -1)]


def _tokens(body: str) -> list[str]:
    toks, pos = [], 0
    body = body.rstrip()
    while pos < len(body):
        m = _TOK.match(body, pos)
        if not m:
            raise ValueError(f"assign not understood at: {body[pos : pos + 60]!r}")
        toks.append(m.group(1))
        pos = m.end()
    return toks


def _bits(toks: list[str], ranges: dict[str, tuple[int, int] | None]) -> list[str]:
    """An assign operand's tokens (one element or a concatenation) as bit references, MSB
    first."""
    if toks and toks[0] == "{":
        if toks[-1] != "}":
            raise ValueError(f"assign operand not understood: {' '.join(toks)[:80]}")
        toks = toks[1:-1]
    out: list[str] = []
    k = 0
    while k < len(toks):
        tok = toks[k]
        k += 1
        if tok == ",":
            continue
        if _CONST.fullmatch(tok):
            out += _const_bits(tok)
            continue
        if tok in "{}=" or tok.startswith("["):
            raise ValueError(f"assign operand not understood: {' '.join(toks)[:80]}")
        if tok not in ranges:
            raise ValueError(f"assign: net {tok} is not declared")
        ref = tok + " " if tok.startswith("\\") else tok
        sel = toks[k] if k < len(toks) and toks[k].startswith("[") else None
        if sel is not None:
            k += 1
            hi_s, _, lo_s = sel[1:-1].partition(":")
            hi, lo = int(hi_s), int(lo_s or hi_s)
        elif ranges[tok] is None:
            out.append(ref)
            continue
        else:
            hi, lo = ranges[tok]
        step = -1 if hi >= lo else 1
        out += [f"{ref}[{i}]" for i in range(hi, lo + step, step)]
    return out


def sanitize_verilog(text: str) -> tuple[str, dict]:
    """A Yosys netlist OpenSTA 2.0.17 can read: `signed` dropped from declarations, every
    assign split into single-bit assigns (right-aligned, the shorter side zero-extended or
    the longer truncated as Verilog does).  Names and connectivity unchanged."""
    ranges: dict[str, tuple[int, int] | None] = {}
    for m in _DECL.finditer(text):
        name = m.group(6).strip()
        ranges[name] = (int(m.group(4)), int(m.group(5))) if m.group(4) is not None else None
    n_signed = 0

    def unsign(m: re.Match) -> str:
        nonlocal n_signed
        if m.group(3):
            n_signed += 1
            return m.group(0).replace(m.group(3), "", 1)
        return m.group(0)

    text = _DECL.sub(unsign, text)
    n_assign = n_bits = 0

    def split(m: re.Match) -> str:
        nonlocal n_assign, n_bits
        toks = _tokens(m.group(1))
        if toks.count("=") != 1:
            raise ValueError(f"assign not understood: {m.group(0)[:80]}")
        eq = toks.index("=")
        lhs, rhs = _bits(toks[:eq], ranges), _bits(toks[eq + 1 :], ranges)
        n_assign += 1
        if len(rhs) < len(lhs):
            rhs = ["1'b0"] * (len(lhs) - len(rhs)) + rhs
        rhs = rhs[len(rhs) - len(lhs) :]
        lines = [f"  assign {a} = {b};" for a, b in zip(lhs, rhs, strict=True) if a != b]
        n_bits += len(lines)
        return "\n".join(lines)

    text = _ASSIGN.sub(split, text)
    return text, {"signed_declarations": n_signed, "assigns": n_assign, "assign_bits": n_bits}


# ---------------------------------------------------------------------------------------------
# Activity: nets of the gate-level run -> driver pins
# ---------------------------------------------------------------------------------------------


def net_bits(net: Netlist) -> dict[str, int]:
    """Every name of every net bit in the JSON netlist (Verilog bit names: `name[i]` with the
    wire's offset and direction; `name` for a one-bit wire)."""
    data = json.loads(Path(net.json_path).read_text())["modules"]
    mod = {k.lstrip("\\"): v for k, v in data.items()}[net.top]
    out: dict[str, int] = {}
    for name, n in mod["netnames"].items():
        bits, off, upto = n["bits"], int(n.get("offset", 0)), bool(n.get("upto", 0))
        base = name.lstrip("\\")
        for k, bit in enumerate(bits):
            if not isinstance(bit, int):
                continue
            if len(bits) == 1:
                out[base] = bit
            else:
                idx = off + (len(bits) - 1 - k if upto else k)
                out[f"{base}[{idx}]"] = bit
    return out


def tcl_brace(s: str) -> str:
    if re.search(r"[{}\\]", s):
        raise ValueError(f"name not usable in Tcl braces: {s!r}")
    return "{" + s + "}"


def driver_ref(net: Netlist, bit: int) -> tuple[str, str] | None:
    """('pin', 'inst/PIN') or ('port', name) of a net bit's driver; None if undriven."""
    d = net.driver.get(bit)
    if d is not None:
        return "pin", f"{net.cells[d[0]][0]}/{d[1]}"
    if bit in net.inputs:
        return "port", net.inputs[bit]
    return None


ISOLATE_CELL = "DFFPOSX1"
ISOLATE_PREFIX = "xrnpe_iso_"


def isolate_tcl(net: Netlist, clock: str = "clk") -> tuple[list[str], dict[int, str]]:
    """Tcl putting a flip-flop (ISOLATE_CELL, clocked by the clock port) between every data
    input port and its loads, for the power pass only: 2.0.17 re-derives the activity of
    everything its propagation reaches from an input port (and through asynchronous set/reset
    arcs), and stops at flip-flop D pins.  Returns the lines and bit -> instance name."""
    lines, made = [], {}
    for k, (bit, _label) in enumerate(sorted(net.inputs.items())):
        sinks = net.sinks.get(bit, [])
        if _label == clock or not sinks:
            continue
        inst, new = f"{ISOLATE_PREFIX}{k}", f"{ISOLATE_PREFIX}n{k}"
        pins = [tcl_brace(f"{net.cells[c][0]}/{p}") for c, p in sinks]
        lines += [
            f"set port_net [get_nets -of_objects [get_pins {pins[0]}]]",
            f"make_instance {inst} {ISOLATE_CELL}",
            f"make_net {new}",
            *(f"disconnect_pin $port_net [get_pins {p}]" for p in pins),
            *(f"connect_pin {new} [get_pins {p}]" for p in pins),
            f"connect_pin $port_net [get_pins {inst}/D]",
            f"connect_pin {new} [get_pins {inst}/Q]",
            f"connect_pin [get_nets {clock}] [get_pins {inst}/CLK]",
            f"set_load {net.wire_pf_per_pin * len(sinks):.9g} [get_nets {new}]",
        ]
        made[bit] = inst
    return lines, made


def activity_tcl(
    net: Netlist,
    activity: dict,
    cycles: float,
    names: dict[str, int] | None = None,
    isolated: dict[int, str] | None = None,
) -> tuple[list[str], dict[int, tuple[float, float]], int]:
    """Tcl lines setting the measured activity of every net (transitions per clock period,
    duty) on its driver and on every load pin (2.0.17 seeds the flip-flops' outputs from
    their D pins, overwriting what they drive, when it meets a flip-flop input without an
    activity of its own), bit -> (activity, duty) of what was set, and the number of driven
    nets without a measurement (set to 0 transitions, duty 0.5, so that no load pin is left
    without an activity).  ``activity``: net name or bit -> (transitions over ``cycles``
    clock cycles, duty); ``isolated``: input bit -> its isolate_tcl() flip-flop."""
    if cycles <= 0:
        raise ValueError(f"activity window of {cycles} cycles")
    names = names if names is not None else net_bits(net)
    isolated = isolated or {}
    measured: dict[int, tuple[float, float]] = {}
    for key, (transitions, duty) in activity.items():
        bit = key if isinstance(key, int) else names.get(key)
        if bit is None:
            raise ValueError(f"activity: net {key!r} is not in the netlist")
        if not 0.0 <= duty <= 1.0:
            raise ValueError(f"activity: net {key!r} has duty {duty} (not in 0..1)")
        if transitions < 0:
            raise ValueError(f"activity: net {key!r} has {transitions} transitions")
        measured[bit] = (transitions / cycles, duty)
    lines, set_bits, unmeasured = [], {}, 0
    for bit in sorted(set(net.driver) | set(net.inputs)):
        ref = driver_ref(net, bit)
        if bit not in measured:
            unmeasured += 1
        act, duty = measured.get(bit, (0.0, 0.5))
        set_bits[bit] = (act, duty)
        pins = [f"{net.cells[c][0]}/{p}" for c, p in net.sinks.get(bit, [])]
        if ref[0] == "port":
            lines.append(
                f"sta::set_power_input_port_activity [get_ports {tcl_brace(ref[1])}] "
                f"{act:.9g} {duty:.9g}"
            )
            if bit in isolated:
                pins += [f"{isolated[bit]}/D", f"{isolated[bit]}/Q"]
        else:
            pins.append(ref[1])
        lines += [
            f"sta::set_power_pin_activity [get_pins {tcl_brace(p)}] {act:.9g} {duty:.9g}"
            for p in pins
        ]
    return lines, set_bits, unmeasured


# ---------------------------------------------------------------------------------------------
# Tcl script
# ---------------------------------------------------------------------------------------------


def load_tcl(net: Netlist) -> list[str]:
    """set_load per driven net: the flow's wire estimate (WIRE_PF_PER_PIN per driven pin and
    per output port; sta.Netlist.load_pf minus the pin capacitances, which OpenSTA adds)."""
    lines = []
    for bit, (idx, pin) in sorted(net.driver.items()):
        n = len(net.sinks.get(bit, [])) + (1 if bit in net.outputs else 0)
        if n:
            ref = tcl_brace(f"{net.cells[idx][0]}/{pin}")
            lines.append(
                f"set_load {net.wire_pf_per_pin * n:.9g} [get_nets -of_objects [get_pins {ref}]]"
            )
    return lines


def script(
    netlist_v: Path,
    top: str,
    liberty: Path,
    period_ns: float,
    clock: str,
    clock_slew_ns: float,
    input_slew_ns: float,
    work: Path,
    spef: Path | None = None,
    propagated_clock: bool = False,
    activity_file: Path | None = None,
    loads_file: Path | None = None,
    readback_file: Path | None = None,
    unit_activity_dump: bool = False,
) -> str:
    """The OpenSTA script: read, constrain, report every path kind and the power."""
    w = work
    t = [
        f"read_liberty {tcl_brace(str(liberty))}",
        f"read_verilog {tcl_brace(str(netlist_v))}",
        f"link_design {top}",
        f"create_clock -name {clock} -period {period_ns:.9g} [get_ports {clock}]",
        f"set_clock_transition {clock_slew_ns:.9g} [get_clocks {clock}]",
    ]
    if propagated_clock:
        t.append(f"set_propagated_clock [get_clocks {clock}]")
    t += [
        f"set data_inputs [delete_from_list [all_inputs] [get_ports {clock}]]",
        f"set_input_delay 0 -clock {clock} $data_inputs",
        f"set_input_transition {input_slew_ns:.9g} $data_inputs",
        f"set_output_delay 0 -clock {clock} [all_outputs]",
        f"set_load -pin_load {OUTPUT_LOAD_PF:.9g} [all_outputs]",
    ]
    if spef is not None:
        t.append(f"read_spef {tcl_brace(str(spef))}")
    elif loads_file is not None:
        t.append(f"source {tcl_brace(str(loads_file))}")
    fields = "-fields {capacitance slew} -digits 4"
    t.append(f"report_checks -path_delay max {fields} > {tcl_brace(str(w / 'checks_groups.txt'))}")
    for kind, (frm, to) in KINDS.items():
        out = tcl_brace(str(w / f"checks_{kind}.txt"))
        # an empty -from/-to (no latch, no data input) is an error in report_checks
        t.append(
            f"if {{[llength {frm}] && [llength {to}]}} "
            f"{{ report_checks -path_delay max -from {frm} -to {to} {fields} > {out} }} "
            f"else {{ close [open {out} w] }}"
        )
    if activity_file is not None:
        t.append(f"source {tcl_brace(str(activity_file))}")
    t.append(f"report_power -digits 6 > {tcl_brace(str(w / 'power.txt'))}")
    if readback_file is not None:
        t.append(f"source {tcl_brace(str(readback_file))}")
    if unit_activity_dump:
        # every instance's power with every non-clock pin at 0 and at 1 transition per
        # period (-global overrides all pins; clock pins keep 2.0): per-transition energies
        for a in (0, 1):
            f = tcl_brace(str(w / f"instances_a{a}.txt"))
            t += [
                f"set_power_activity -global -activity {a} -duty 0.5",
                f"set fh [open {f} w]",
                "foreach inst [get_cells *] {",
                '  puts $fh "[get_full_name $inst] [sta::instance_power $inst [sta::cmd_corner]]"',
                "}",
                "close $fh",
            ]
    t.append("exit")
    return "\n".join(t) + "\n"


# ---------------------------------------------------------------------------------------------
# Report parsers
# ---------------------------------------------------------------------------------------------

_ROW = re.compile(
    r"^\s*((?:-?[0-9.]+\s+)*)(-?[0-9.]+)\s+(-?[0-9.]+)\s+([\^v])\s+(\S+)\s+\((\S+)\)\s*$"
)


def parse_checks(text: str) -> list[dict]:
    """The paths of a report_checks (-format full) report: start, end, group, the launch
    clock edge, the cells (pin, cell type, edge, delay and arrival ns), arrival, setup
    (library setup or output external delay), required and slack (ns)."""
    paths = []
    for block in re.split(r"\n(?=Startpoint: )", text):
        m = re.search(r"Startpoint: (\S+)(?: \((.*?)\))?\n", block)
        if not m:
            continue
        p = {
            "start": m.group(1),
            "start_kind": m.group(2) or "",
            "end": re.search(r"Endpoint: (\S+)", block).group(1),
            "end_kind": (re.search(r"Endpoint: \S+(?: \((.*?)\))?\n", block).group(1) or ""),
            "group": re.search(r"Path Group: (\S+)", block).group(1),
            "cells": [],
        }
        arrival_part, _, required_part = block.partition("data arrival time")
        for line in arrival_part.splitlines():
            r = _ROW.match(line)
            if r:
                p["cells"].append(
                    {
                        "pin": r.group(5),
                        "type": r.group(6),
                        "edge": "rise" if r.group(4) == "^" else "fall",
                        "delay_ns": float(r.group(2)),
                        "arrival_ns": float(r.group(3)),
                        "columns": [float(x) for x in r.group(1).split()],
                    }
                )
        num = r"(-?[0-9.]+)"
        p["arrival_ns"] = float(re.search(num + r"\s+data arrival time", block).group(1))
        p["required_ns"] = float(re.search(num + r"\s+data required time", block).group(1))
        s = re.search(num + r"\s+slack \((\w+)\)", block)
        p["slack_ns"], p["met"] = float(s.group(1)), s.group(2) == "MET"
        st = re.search(
            r"(-?[0-9.]+)\s+-?[0-9.]+\s+(?:library (?:setup|recovery)|clock gating setup) time",
            required_part,
        )
        od = re.search(r"(-?[0-9.]+)\s+-?[0-9.]+\s+output external delay", required_part)
        p["setup_ns"] = (-float(st.group(1)) if st else (-float(od.group(1)) if od else 0.0)) + 0.0
        ck = re.findall(r"\s(-?[0-9.]+)\s+clock (\S+) \((rise|fall) edge\)", block)
        p["launch_ns"] = float(ck[0][0]) if ck else 0.0
        p["capture_ns"] = float(ck[1][0]) if len(ck) > 1 else None
        paths.append(p)
    return paths


_POWER_ROW = re.compile(
    r"^(Sequential|Combinational|Macro|Pad|Total)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)"
)


def parse_power(text: str) -> dict:
    """report_power's table (W) as mW per group: internal, switching, leakage, total."""
    out = {}
    for line in text.splitlines():
        m = _POWER_ROW.match(line.strip())
        if m:
            vals = [float(x) * 1e3 for x in m.groups()[1:]]
            out[m.group(1).lower()] = dict(
                zip(("internal_mw", "switching_mw", "leakage_mw", "total_mw"), vals, strict=True)
            )
    if "total" not in out:
        raise ValueError("report_power: no Total row")
    return out


# ---------------------------------------------------------------------------------------------
# Run
# ---------------------------------------------------------------------------------------------


def path_summary(p: dict, net: Netlist | None = None) -> dict:
    """A path summarised as sta.py does (ps): delay = arrival from the launch edge + setup
    (clock-to-Q + logic + setup for a register endpoint); start and end as register names
    where the netlist is given (the net a flip-flop drives), else OpenSTA's point names."""
    index = {c[0]: i for i, c in enumerate(net.cells)} if net is not None else {}

    def reg(point: str) -> str:
        inst = point.split("/")[0]
        return net.register(index[inst]) if inst in index else point

    rows = p["cells"]
    from_reg = bool(rows) and "/" in rows[0]["pin"]
    middle = rows[1:-1]
    cq = middle[0]["arrival_ns"] - p["launch_ns"] if from_reg and middle else 0.0
    arrival = p["arrival_ns"] - p["launch_ns"]
    return {
        "start": reg(p["start"]),
        "end": reg(p["end"]),
        "start_point": p["start"],
        "end_point": p["end"],
        "group": p["group"],
        "period_ps": round((arrival + p["setup_ns"]) * 1000, 1),
        "clock_to_q_ps": round(cq * 1000, 1),
        "logic_ps": round((arrival - cq) * 1000, 1),
        "setup_ps": round(p["setup_ns"] * 1000, 1),
        "slack_ps": round(p["slack_ns"] * 1000, 1),
        "levels": len(middle) - (1 if from_reg else 0),
        "cells": [
            {
                "pin": c["pin"],
                "type": c["type"],
                "edge": c["edge"],
                "arrival_ps": round((c["arrival_ns"] - p["launch_ns"]) * 1000, 1),
            }
            for c in rows
        ],
    }


def readback_tcl(set_bits: dict[int, tuple[float, float]], net: Netlist, out: Path) -> list[str]:
    """Tcl writing `bit activity_per_s duty origin` of every pin whose activity was set."""
    lines = [f"set rb [open {tcl_brace(str(out))} w]"]
    for bit in sorted(set_bits):
        ref = driver_ref(net, bit)
        if ref and ref[0] == "pin":
            lines.append(f'puts $rb "{bit} [get_property [get_pins {tcl_brace(ref[1])}] activity]"')
    lines.append("close $rb")
    return lines


def run(
    netlist_v: Path,
    top: str,
    liberty: Path = OSU018,
    period_ns: float = 10.0,
    activity: dict | None = None,
    spef: Path | None = None,
    work: Path | None = None,
    cycles: float | None = None,
    netlist_json: Path | None = None,
    clock: str = "clk",
    propagated_clock: bool = False,
    wire_pf_per_pin: float = WIRE_PF_PER_PIN,
    timeout: float = 900,
    unit_activity_dump: bool = False,
    isolate_inputs: bool = True,
    clock_slew_ns: float | None = None,
    input_slew_ns: float | None = None,
) -> dict:
    """OpenSTA on a mapped netlist: the worst path of every kind (reg2reg, in2reg, reg2out,
    in2out) and of every path group, and the power (mW at ``period_ns``; with ``activity``
    {net name or bit: (transitions, duty)} measured over ``cycles`` clock cycles, else
    OpenSTA's defaults: 0.1 transitions per cycle at the inputs, propagated).  Clock and
    input slews default to the library's FO4 slew (sta.py's)."""
    if period_ns <= 0:
        raise ValueError(f"opensta: clock period {period_ns} ns")
    if shutil.which(STA) is None:
        raise RuntimeError("opensta: `sta` (OpenSTA) not found")
    netlist_v = Path(netlist_v).resolve()
    netlist_json = Path(netlist_json or netlist_v.with_suffix(".json"))
    work = Path(work or netlist_v.parent / "opensta").resolve()
    work.mkdir(parents=True, exist_ok=True)
    lib = Library(liberty)
    fo4_slew = lib.fo4()["slew_ns"]
    clock_slew = fo4_slew if clock_slew_ns is None else clock_slew_ns
    input_slew = fo4_slew if input_slew_ns is None else input_slew_ns
    net = Netlist.load(netlist_json, top, lib, wire_pf_per_pin)
    text, stats = sanitize_verilog(netlist_v.read_text())
    (work / "netlist_sta.v").write_text(text)
    loads = work / "loads.tcl"
    loads.write_text("\n".join(load_tcl(net)) + "\n")
    act_file = readback = None
    set_bits: dict[int, tuple[float, float]] = {}
    if activity is not None:
        if cycles is None:
            raise ValueError("opensta: activity given without its window (cycles)")
        iso_lines, isolated = isolate_tcl(net, clock) if isolate_inputs else ([], {})
        lines, set_bits, unmeasured = activity_tcl(net, activity, cycles, isolated=isolated)
        iso_dump = [
            f"set fh [open {tcl_brace(str(work / 'isolate_power.txt'))} w]",
            *(
                f'puts $fh "{i} [sta::instance_power [get_cells {i}] [sta::cmd_corner]]"'
                for i in isolated.values()
            ),
            "close $fh",
        ]
        act_file = work / "activity.tcl"
        act_file.write_text("\n".join(iso_lines + lines) + "\n")
        readback = work / "readback.tcl"
        readback.write_text(
            "\n".join(readback_tcl(set_bits, net, work / "activity_readback.txt") + iso_dump) + "\n"
        )
    for f in (
        "power.txt",
        "checks_groups.txt",
        "instances_a0.txt",
        "isolate_power.txt",
        "instances_a1.txt",
        *(f"checks_{k}.txt" for k in KINDS),
    ):
        (work / f).unlink(missing_ok=True)
    tcl = script(
        work / "netlist_sta.v",
        top,
        Path(liberty),
        period_ns,
        clock,
        clock_slew,
        input_slew,
        work,
        spef=spef,
        propagated_clock=propagated_clock,
        activity_file=act_file,
        loads_file=None if spef else loads,
        readback_file=readback,
        unit_activity_dump=unit_activity_dump,
    )
    (work / "run.tcl").write_text(tcl)
    r = subprocess.run(
        [STA, "-no_init", "-no_splash", "-exit", str(work / "run.tcl")],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=work,
    )
    log = r.stdout + r.stderr
    (work / "sta.log").write_text(log)
    errors = [ln for ln in log.splitlines() if ln.startswith("Error")]
    if errors or r.returncode or not (work / "power.txt").exists():
        raise RuntimeError(
            f"opensta failed ({r.returncode}): {' | '.join(errors[:5]) or log[-800:]}"
        )
    res: dict = {
        "period_ns": period_ns,
        "clock_slew_ps": round(clock_slew * 1000, 1),
        "input_slew_ps": round(input_slew * 1000, 1),
        "wire_pf_per_pin": None if spef else wire_pf_per_pin,
        "spef": str(spef) if spef else None,
        "netlist_fixes": stats,
        "warnings": sum(1 for ln in log.splitlines() if ln.startswith("Warning")),
        "paths": {},
        "groups": {},
    }
    for kind in KINDS:
        paths = parse_checks((work / f"checks_{kind}.txt").read_text())
        if paths:
            res["paths"][kind] = path_summary(paths[0], net)
    for p in parse_checks((work / "checks_groups.txt").read_text()):
        res["groups"][p["group"]] = path_summary(p, net)
    res["power_mw"] = parse_power((work / "power.txt").read_text())
    if unit_activity_dump:
        res["instances_w"] = {a: read_instance_power(work / f"instances_a{a}.txt") for a in (0, 1)}
    if activity is not None:
        res["activity"] = check_readback(work / "activity_readback.txt", set_bits, period_ns, net)
        res["activity"]["nets_unmeasured"] = unmeasured
        res["activity"]["isolated_inputs"] = len(isolated)
        if isolated:
            res["power_mw_with_isolation_flops"] = res["power_mw"]
            res["power_mw"] = subtract_isolation(
                res["power_mw"], read_instance_power(work / "isolate_power.txt")
            )
    return res


def subtract_isolation(power_mw: dict, iso_w: dict[str, tuple[float, float, float]]) -> dict:
    """report_power's groups without the isolation flip-flops (sequential, total)."""
    sub = [sum(v[k] for v in iso_w.values()) * 1e3 for k in range(3)]
    out = {g: dict(v) for g, v in power_mw.items()}
    for g in ("sequential", "total"):
        for k, key in enumerate(("internal_mw", "switching_mw", "leakage_mw")):
            out[g][key] -= sub[k]
        out[g]["total_mw"] -= sum(sub)
    return out


def check_readback(
    path: Path, set_bits: dict[int, tuple[float, float]], period_ns: float, net: Netlist
) -> dict:
    """Which of the set driver pins kept their measured activity in OpenSTA (after its
    propagation and the clock override)."""
    kept, changed = 0, []
    for ln in path.read_text().splitlines():
        bit_s, per_s, duty, origin = ln.split()
        bit = int(bit_s)
        act = float(per_s) * period_ns * 1e-9
        want, want_duty = set_bits[bit]
        if abs(act - want) <= 1e-4 * max(want, 1e-3) and abs(float(duty) - want_duty) < 2e-3:
            kept += 1
        else:
            changed.append(
                {
                    "net": net.name(bit),
                    "bit": bit,
                    "set": round(want, 6),
                    "duty_set": round(want_duty, 4),
                    "opensta": round(act, 6),
                    "duty_opensta": float(duty),
                    "origin": origin,
                }
            )
    return {
        "pins_set": len(set_bits),
        "pins_checked": kept + len(changed),
        "kept": kept,
        "overridden": len(changed),
        "overridden_nets": changed,
    }


# ---------------------------------------------------------------------------------------------
# Activity of the energy flow's gate-level run
# ---------------------------------------------------------------------------------------------


def vcd_high_time(
    vcd: Path, net: Netlist, windows: dict[str, tuple[int, int]]
) -> tuple[dict[str, dict[int, int]], set[int]]:
    """Per window: net bit -> time at 1 (VCD time units) inside the window, and the bits the
    VCD covers (energy.vcd_changes maps the VCD variables to bits)."""
    from xrnpe.ppa.energy import vcd_changes

    high = {w: defaultdict(int) for w in windows}
    spans = sorted((t0, t1, w) for w, (t0, t1) in windows.items())
    held: dict[str, tuple[str, int, list]] = {}  # id -> (value, since, bits)

    def close(ident: str, t_end: int) -> None:
        """Credit the time at 1 of ident's bits since its last change to the windows."""
        old, t_start, bits = held[ident]
        width = len(bits)
        for t0, t1, w in spans:
            lo, hi = max(t0, t_start), min(t1, t_end)
            if hi <= lo:
                continue
            for k in range(width):
                if bits[k] is not None and old[width - 1 - k] == "1":
                    high[w][bits[k]] += hi - lo

    covered: set[int] = set()
    for now, ident, bits, val in vcd_changes(vcd, net, covered):
        if ident in held:
            close(ident, now)
        held[ident] = (val, now, bits)
    end = max((t1 for _t0, t1, _w in spans), default=0)
    for ident, (_v, since, _b) in held.items():
        close(ident, max(end, since))
    return {w: dict(h) for w, h in high.items()}, covered


def energy_run_activity(energy_dir: Path, net: Netlist) -> dict[str, dict]:
    """The activity of an energy run (energy.run(..., keep_vcd=True): its act.vcd and
    windows.txt): per format window {"cycles": clock cycles, "toggles": bit -> [rise, fall]
    (energy.vcd_toggles, what energy.calculate() used), "nets": bit -> (transitions,
    duty)}."""
    from xrnpe.ppa import energy

    energy_dir = Path(energy_dir)
    vcd = energy_dir / "act.vcd"
    if not vcd.exists():
        raise FileNotFoundError(f"{vcd}: run the energy flow with keep_vcd=True")
    per_ns = energy.vcd_units_per_ns(vcd)
    windows = energy.read_windows(energy_dir)
    toggles = energy.vcd_toggles(vcd, net, windows)
    high, covered = vcd_high_time(vcd, net, windows)
    out = {}
    for fmt, (t0, t1) in windows.items():
        span = t1 - t0
        if span <= 0:
            raise ValueError(f"{energy_dir / 'windows.txt'}: window {fmt} is empty")
        nets = {}
        for bit in covered:
            r, f = toggles[fmt].get(bit, [0, 0])
            nets[bit] = (r + f, high[fmt].get(bit, 0) / span)
        out[fmt] = {
            "cycles": span / per_ns / energy.PERIOD_NS,
            "toggles": toggles[fmt],
            "nets": nets,
        }
    return out


def read_instance_power(path: Path) -> dict[str, tuple[float, float, float]]:
    """instance -> (internal, switching, leakage) W from the script's instance dump."""
    out = {}
    for ln in path.read_text().splitlines():
        inst, internal, switching, leakage, _total = ln.split()
        out[inst] = (float(internal), float(switching), float(leakage))
    return out


# ---------------------------------------------------------------------------------------------
# Comparison with the energy flow
# ---------------------------------------------------------------------------------------------


def _pj(watts: float, period_ns: float) -> float:
    return watts * period_ns * 1e3  # W x ns = nJ


def compare_energy(
    netlist_dir: Path,
    top: str,
    energy_dir: Path,
    fmt: str,
    macs: int,
    period_ns: float = 10.0,
    liberty: Path = OSU018,
    work: Path | None = None,
) -> dict:
    """The energy flow's window energy (energy.calculate on the run's toggles) against
    OpenSTA on the same netlist and activity, in pJ per window and per MAC, by part:

    flow       energy.calculate() split by the driver of each net (combinational cell,
               flip-flop, input port, the clock port)
    opensta    report_power with the measured activity set on every pin (2.0.17 overwrites
               most of it by its own propagation: see ``activity``)
    model      OpenSTA's per-instance power at 0 and 1 transition per period on every
               non-clock pin (its tables, slews, loads and internal-power formula), times
               each instance's measured output transitions; the clock pins at OpenSTA's
               2 transitions per period.  A flip-flop's D-pin internal energy is counted
               per Q transition (one activity per instance)."""
    from xrnpe.ppa import energy
    from xrnpe.ppa.sta import analyse

    netlist_dir = Path(netlist_dir)
    lib = Library(liberty)
    net = Netlist.load(netlist_dir / "netlist.json", top, lib)
    act = energy_run_activity(energy_dir, net)[fmt]
    cycles, toggles = act["cycles"], act["toggles"]
    res = run(
        netlist_dir / "netlist.v",
        top,
        liberty,
        period_ns,
        activity=act["nets"],
        cycles=cycles,
        work=work,
        unit_activity_dump=True,
    )
    window_ns = cycles * period_ns
    # the flow, split by the driver of each net
    tm = analyse(net)
    clock_bits = net.clock_network()
    parts: dict[str, dict[int, list[int]]] = defaultdict(dict)
    for bit, rf in toggles.items():
        if bit in clock_bits:
            kind = "clock_net"
        elif bit in net.inputs:
            kind = "input_ports"
        elif bit in net.driver:
            cell = lib.cells[net.cells[net.driver[bit][0]][1]]
            kind = "sequential" if cell.sequential else "combinational"
        else:
            continue
        parts[kind][bit] = rf
    flow = {}
    for kind, tg in parts.items():
        r = energy.calculate(net, tg, cycles, tm)
        flow[kind] = r
    v2 = lib.voltage**2
    clk_sw = sum(0.5 * net.load_pf(b) * v2 * sum(rf) for b, rf in parts["clock_net"].items())
    flow_parts = {
        "combinational_switching": flow["combinational"]["switching_pj"],
        "combinational_internal": flow["combinational"]["internal_output_pj"],
        "sequential_switching": flow["sequential"]["switching_pj"],
        "sequential_internal_q": flow["sequential"]["internal_output_pj"],
        "input_pins_internal_d": sum(
            flow[k]["internal_input_pins_pj"]
            for k in ("combinational", "sequential", "input_ports")
            if k in flow
        ),
        "input_port_nets_switching": flow["input_ports"]["switching_pj"]
        if "input_ports" in flow
        else 0.0,
        "clock_pins_internal": flow["clock_net"]["clock_pj"] - clk_sw
        if "clock_net" in flow
        else 0.0,
        "clock_net_switching": clk_sw,
    }
    flow_parts["dynamic"] = sum(flow_parts.values())
    flow_parts["leakage"] = next(iter(flow.values()))["leakage_nw"] * window_ns * 1e-6
    # the per-instance model
    p0, p1 = res["instances_w"][0], res["instances_w"][1]
    model = defaultdict(float)
    by_type = defaultdict(lambda: [0.0, 0.0])  # cell type -> [OpenSTA, flow] internal, pJ
    for inst, ctype, conns in net.cells:
        cell = lib.cells[ctype]
        outs = [conns[p] for p in cell.outputs if isinstance(conns.get(p), int)]
        n = sum(sum(toggles.get(b, [0, 0])) for b in outs) / max(len(outs), 1)
        i0, s0, _leak = p0[inst]
        i1, s1, _ = p1[inst]
        kind = "sequential" if cell.sequential else "combinational"
        model[f"{kind}_switching"] += _pj(s1 - s0, period_ns) * n
        model[f"{kind}_internal"] += _pj(i1 - i0, period_ns) * n
        model["clock_pins_internal"] += _pj(i0 + s0, period_ns) * cycles
        by_type[ctype][0] += _pj(i1 - i0, period_ns) * n
    model["leakage"] = _pj(sum(v[2] for v in p0.values()), window_ns)
    for ctype in by_type:
        tg = {
            b: rf
            for b, rf in toggles.items()
            if b in net.driver and net.cells[net.driver[b][0]][1] == ctype
        }
        by_type[ctype][1] = energy.calculate(net, tg, cycles, tm)["internal_output_pj"]
    model = dict(model)
    model["dynamic"] = sum(v for k, v in model.items() if k != "leakage")
    pw = res["power_mw"]["total"]
    opensta = {
        "internal": pw["internal_mw"] * 1e-3 * window_ns * 1e3,
        "switching": pw["switching_mw"] * 1e-3 * window_ns * 1e3,
        "leakage": pw["leakage_mw"] * 1e-3 * window_ns * 1e3,
    }
    opensta["dynamic"] = opensta["internal"] + opensta["switching"]

    def per_mac(d: dict) -> dict:
        return {k: round(v / macs, 4) for k, v in d.items()}

    return {
        "format": fmt,
        "cycles": cycles,
        "macs": macs,
        "period_ns": period_ns,
        "pj_per_mac": {
            "flow": per_mac(flow_parts),
            "opensta_measured_activity": per_mac(opensta),
            "opensta_unit_activity_model": per_mac(model),
        },
        "internal_by_cell_type_pj": {
            t: {
                "opensta": round(v[0], 2),
                "flow": round(v[1], 2),
                "ratio": round(v[0] / v[1], 3) if v[1] else None,
            }
            for t, v in sorted(by_type.items(), key=lambda kv: -kv[1][1])
        },
        "activity": {k: v for k, v in res["activity"].items() if k != "overridden_nets"},
        "timing": {
            k: {kk: vv for kk, vv in p.items() if kk != "cells"} for k, p in res["paths"].items()
        },
    }


def load_activity(path: Path) -> tuple[dict, float]:
    """An activity file: {"cycles": N, "nets": {name: [transitions, duty]}}."""
    data = json.loads(Path(path).read_text())
    if "cycles" not in data or "nets" not in data:
        raise ValueError(f"{path}: needs 'cycles' and 'nets'")
    return {k: (float(v[0]), float(v[1])) for k, v in data["nets"].items()}, float(data["cycles"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("netlist_dir", type=Path, help="directory with netlist.v and netlist.json")
    ap.add_argument("top")
    ap.add_argument("--period", type=float, default=10.0, help="clock period, ns")
    ap.add_argument("--liberty", type=Path, default=OSU018)
    ap.add_argument("--spef", type=Path, help="parasitics (instead of the wire estimate)")
    ap.add_argument("--activity", type=Path, help='JSON {"cycles": N, "nets": {net: [n, duty]}}')
    ap.add_argument("--energy-dir", type=Path, help="compare with this energy run (keep_vcd)")
    ap.add_argument("--format", default="fp4", help="energy window (with --energy-dir)")
    ap.add_argument("--macs", type=int, help="MACs of the window (with --energy-dir)")
    ap.add_argument("--propagated-clock", action="store_true")
    ap.add_argument("--work", type=Path, help="default: NETLIST_DIR/opensta")
    args = ap.parse_args(argv)
    for f in ("netlist.v", "netlist.json"):
        if not (args.netlist_dir / f).exists():
            print(
                f"opensta: {args.netlist_dir / f} missing (xrnpe.ppa.asic output)", file=sys.stderr
            )
            return 2
    if args.energy_dir:
        if not args.macs:
            print("opensta: --energy-dir needs --macs", file=sys.stderr)
            return 2
        rep = compare_energy(
            args.netlist_dir,
            args.top,
            args.energy_dir,
            args.format,
            args.macs,
            args.period,
            args.liberty,
            args.work,
        )
    else:
        activity, cycles = load_activity(args.activity) if args.activity else (None, None)
        rep = run(
            args.netlist_dir / "netlist.v",
            args.top,
            args.liberty,
            args.period,
            activity=activity,
            spef=args.spef,
            work=args.work,
            cycles=cycles,
            propagated_clock=args.propagated_clock,
        )
        for p in (*rep["paths"].values(), *rep["groups"].values()):
            p.pop("cells")
        if "activity" in rep:
            rep["activity"]["overridden_nets"] = rep["activity"]["overridden_nets"][:20]
    print(json.dumps(rep, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
