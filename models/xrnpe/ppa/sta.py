# SPDX-License-Identifier: Apache-2.0
"""Static timing analysis of a mapped netlist (Yosys JSON) on its Liberty library, and the
qflow `vesta` cross-check.

Graph-based STA with the library's NLDM tables: rise and fall arrival times and slews are
propagated through every combinational arc (positive/negative unate, non-unate), the worst
arrival and the worst slew of each net edge are kept.  The clock is ideal: arrival 0 at every
flip-flop clock pin, with the slew CLOCK_SLEW; paths start at flip-flop outputs (clock-to-Q
from the rising_edge arcs at the real load) and primary inputs (arrival 0, slew INPUT_SLEW),
and end at flip-flop data pins (plus the setup time from the library's setup tables at the
clock and data slews) and primary outputs.  Asynchronous set/reset arcs are not data paths.

Net load = the driven pins' capacitances + a wire-load estimate (WIRE_PF_PER_PIN per driven
pin; docs/ppa.md) + OUTPUT_LOAD_PF at a primary output.  The energy calculator
(xrnpe/ppa/energy.py) uses the same loads.

Report per design: the critical register-to-register path (start, end, clock-to-Q, path,
setup, logic levels, every cell), the worst path into every pipeline stage (endpoint
registers grouped by stage_of()), and the worst input-to-register and register-to-output
paths.  Fmax = 1 / (clock-to-Q + path + setup) of the critical path.

Standalone: ``python -m xrnpe.ppa.sta NETLIST.json TOP [--vesta NETLIST.v]``.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from xrnpe.ppa.liberty import OSU018, Cell, Library

WIRE_PF_PER_PIN = 0.002  # 2 fF per driven pin: ~10 um (one osu018 row) at 0.2 fF/um
OUTPUT_LOAD_PF = 0.0088  # a primary output drives a flip-flop D pin (DFFPOSX1: 8.8 fF)
VESTA = Path("/usr/lib/qflow/bin/vesta")
RISE, FALL = 0, 1


@dataclass
class Netlist:
    """A flat mapped netlist: cells with pin -> net bit, net drivers and loads, names."""

    top: str
    lib: Library
    cells: list[tuple[str, str, dict[str, int]]]  # (instance, cell type, pin -> bit)
    driver: dict[int, tuple[int, str]]  # bit -> (cell index, output pin)
    sinks: dict[int, list[tuple[int, str]]]  # bit -> [(cell index, input pin)]
    inputs: dict[int, str]  # bit -> port bit name
    outputs: dict[int, str]
    names: dict[int, str]  # bit -> preferred net name
    wire_pf_per_pin: float = WIRE_PF_PER_PIN
    json_path: Path | None = None
    wire_pf: dict[int, float] = field(default_factory=dict)  # bit -> extracted wire (pnr.py)

    @classmethod
    def load(
        cls,
        path: Path,
        top: str,
        lib: Library,
        wire_pf_per_pin: float = WIRE_PF_PER_PIN,
        wire_pf: dict[str, float] | None = None,
    ) -> Netlist:
        """``wire_pf``: net name (any name the JSON gives the bit) -> wire capacitance, which
        replaces the per-pin estimate of that net (xrnpe.ppa.pnr's extraction)."""
        data = json.loads(Path(path).read_text())
        mods = {k.lstrip("\\"): v for k, v in data["modules"].items()}
        mod = mods[top]
        cells, driver, sinks = [], {}, defaultdict(list)
        unknown = set()
        for inst, c in mod["cells"].items():
            ctype = c["type"].lstrip("\\")
            cell = lib.cells.get(ctype)
            if cell is None:
                unknown.add(ctype)
                continue
            conns = {}
            for pin, bits in c["connections"].items():
                if len(bits) != 1:
                    raise ValueError(f"{inst}: pin {pin} of {ctype} has {len(bits)} bits")
                conns[pin] = bits[0]
            idx = len(cells)
            cells.append((inst, ctype, conns))
            for pin, bit in conns.items():
                if not isinstance(bit, int):
                    continue  # a constant
                if cell.pins[pin].direction == "output":
                    driver[bit] = (idx, pin)
                else:
                    sinks[bit].append((idx, pin))
        if unknown:
            raise ValueError(f"{path}: cells not in {lib.name}: {sorted(unknown)} (not mapped?)")
        inputs, outputs = {}, {}
        for pname, p in mod["ports"].items():
            for k, bit in enumerate(p["bits"]):
                if not isinstance(bit, int):
                    continue
                label = pname if len(p["bits"]) == 1 else f"{pname}[{k}]"
                (inputs if p["direction"] == "input" else outputs)[bit] = label
        names = preferred_names(mod["netnames"])
        wire = {}
        if wire_pf:
            bit_of = {}
            for name, n in mod["netnames"].items():
                label, bits = name.lstrip("\\"), n["bits"]
                for k, b in enumerate(bits):
                    if isinstance(b, int):
                        bit_of[label if len(bits) == 1 else f"{label}[{k}]"] = b
            wire = {bit_of[n]: c for n, c in wire_pf.items() if n in bit_of}
        return cls(
            top,
            lib,
            cells,
            driver,
            dict(sinks),
            inputs,
            outputs,
            names,
            wire_pf_per_pin,
            Path(path),
            wire,
        )

    def load_pf(self, bit: int) -> float:
        """Capacitance a net's driver sees: pins + wire estimate (+ an output port's load)."""
        pins = self.sinks.get(bit, [])
        cap = sum(self.lib.cells[self.cells[c][1]].pins[p].capacitance for c, p in pins)
        n_out = 1 if bit in self.outputs else 0
        wire = self.wire_pf.get(bit)
        if wire is None:
            wire = self.wire_pf_per_pin * (len(pins) + n_out)
        return cap + wire + OUTPUT_LOAD_PF * n_out

    def name(self, bit: int) -> str:
        return self.names.get(bit, f"n{bit}")

    def clock_network(self, clock: str = "clk") -> set[int]:
        """The bits of the clock network: the clock input, every net a combinational cell
        drives from it (a clock gate's AND, inverters, clock buffers) and the output of a latch
        enabled from it (a clock gate's enable latch; the designs use latches nowhere else).
        The STA treats these nets as ideal clock, the energy calculator counts them as clock."""
        key = f"_clock_network_{clock}"
        if key not in self.__dict__:
            todo = [b for b, label in self.inputs.items() if label == clock]
            seen = set(todo)
            while todo:
                bit = todo.pop()
                for c, pin in self.sinks.get(bit, []):
                    cell = self.lib.cells[self.cells[c][1]]
                    if cell.ff is not None:
                        continue
                    if cell.latch is not None and pin not in re.findall(
                        r"\w+", cell.latch["enable"]
                    ):
                        continue
                    for opin in cell.outputs:
                        ob = self.cells[c][2].get(opin)
                        if isinstance(ob, int) and ob not in seen:
                            seen.add(ob)
                            todo.append(ob)
            self.__dict__[key] = seen
        return self.__dict__[key]

    def register(self, cell_index: int) -> str:
        """A flip-flop's register name: the name of the net its output drives."""
        inst, ctype, conns = self.cells[cell_index]
        cell = self.lib.cells[ctype]
        out = [conns[p] for p in cell.outputs if isinstance(conns.get(p), int)]
        return self.name(out[0]) if out else inst


MEMORY_REGISTER = re.compile(r"(^|\.)mem\[")


def memory_flops(net: Netlist) -> dict:
    """Flip-flops that implement inferred memories (Yosys names them ``<ram>.mem[addr]``): a
    standard-cell flow without SRAM macros builds every RAM bit from one; their count and
    cell area (the read multiplexers are not included: they are ordinary logic)."""
    bits, area = 0, 0.0
    for i, (_inst, ctype, _conns) in enumerate(net.cells):
        cell = net.lib.cells[ctype]
        if cell.sequential and MEMORY_REGISTER.search(net.register(i)):
            bits += 1
            area += cell.area
    return {"bits": bits, "area_um2": round(area, 1)}


def preferred_names(netnames: dict) -> dict[int, str]:
    """bit -> one readable name: public names first, register names (`_q`) first among those,
    then the deepest in the hierarchy (the name in the module that declares the register, not
    the name of the wire a parent connects it to), then the shortest."""
    cand: dict[int, list[tuple]] = defaultdict(list)
    for name, n in netnames.items():
        bits = n["bits"]
        hidden = bool(n.get("hide_name", 0)) or name.startswith("$")
        for k, bit in enumerate(bits):
            if isinstance(bit, int):
                label = name.lstrip("\\") if len(bits) == 1 else f"{name.lstrip(chr(92))}[{k}]"
                depth = label.split("[", 1)[0].count(".")
                cand[bit].append((hidden, "_q" not in name, -depth, len(label), label))
    return {b: min(c)[4] for b, c in cand.items()}


def clock_pin(cell: Cell) -> str:
    return re.findall(r"[A-Za-z_]\w*", cell.ff["clocked_on"])[0] if cell.ff else ""


def data_pin(cell: Cell) -> str:
    if cell.latch is not None:
        return re.findall(r"[A-Za-z_]\w*", cell.latch["data_in"])[0]
    return re.findall(r"[A-Za-z_]\w*", cell.ff["next_state"])[0] if cell.ff else ""


@dataclass
class Timing:
    """Arrival/slew per net edge and the worst-path back-pointers."""

    arrival: dict[int, list[float]] = field(default_factory=dict)
    slew: dict[int, list[float]] = field(default_factory=dict)
    prev: dict[int, list] = field(default_factory=dict)  # bit -> [(bit, edge, cell) x 2]


def analyse(
    net: Netlist,
    clock: str = "clk",
    clock_slew: float | None = None,
    input_slew: float | None = None,
    launch: str = "all",
) -> Timing:
    """Propagate arrival times and slews through the netlist (ns).  ``launch``: "all" paths,
    only those from flip-flops ("reg") or only those from primary inputs ("in")."""
    lib = net.lib
    fo4 = lib.fo4()
    clock_slew = fo4["slew_ns"] if clock_slew is None else clock_slew
    input_slew = fo4["slew_ns"] if input_slew is None else input_slew
    tm = Timing()
    loads: dict[int, float] = {}

    def load(bit):
        if bit not in loads:
            loads[bit] = net.load_pf(bit)
        return loads[bit]

    for bit, label in net.inputs.items():
        if label != clock and launch != "reg":
            tm.arrival[bit] = [0.0, 0.0]
            tm.slew[bit] = [input_slew, input_slew]
            tm.prev[bit] = [None, None]
    # launch: flip-flop outputs (the clock network is ideal: its gates and latches launch
    # nothing and are not data paths)
    clock_net = net.clock_network(clock)
    comb: list[int] = []
    for idx, (_inst, ctype, conns) in enumerate(net.cells):
        cell = lib.cells[ctype]
        if any(conns.get(p) in clock_net for p in cell.outputs):
            continue
        if not cell.sequential:
            comb.append(idx)
            continue
        if launch == "in" or cell.ff is None:
            continue
        clk = clock_pin(cell)
        for opin in cell.outputs:
            bit = conns.get(opin)
            if not isinstance(bit, int):
                continue
            arcs = [a for a in cell.pins[opin].arcs if a.related == clk and "edge" in a.timing_type]
            c = load(bit)
            arr = [
                max(a.tables["cell_rise"].load_slew(c, clock_slew) for a in arcs),
                max(a.tables["cell_fall"].load_slew(c, clock_slew) for a in arcs),
            ]
            sl = [
                max(a.tables["rise_transition"].load_slew(c, clock_slew) for a in arcs),
                max(a.tables["fall_transition"].load_slew(c, clock_slew) for a in arcs),
            ]
            tm.arrival[bit], tm.slew[bit], tm.prev[bit] = (
                arr,
                sl,
                [("launch", idx), ("launch", idx)],
            )
    # combinational cells in topological order
    for idx in topological(net, comb):
        _inst, ctype, conns = net.cells[idx]
        cell = lib.cells[ctype]
        for opin in cell.outputs:
            bit = conns.get(opin)
            if not isinstance(bit, int):
                continue
            c = load(bit)
            arr = [-1.0, -1.0]
            sl = [0.0, 0.0]
            prev = [None, None]
            for arc in cell.pins[opin].arcs:
                ibit = conns.get(arc.related)
                if not isinstance(ibit, int) or ibit not in tm.arrival:
                    continue  # a constant or an unconstrained input
                iarr, isl = tm.arrival[ibit], tm.slew[ibit]
                if arc.sense == "positive_unate":
                    pairs = ((RISE, RISE), (FALL, FALL))
                elif arc.sense == "negative_unate":
                    pairs = ((RISE, FALL), (FALL, RISE))
                else:
                    pairs = ((RISE, RISE), (RISE, FALL), (FALL, RISE), (FALL, FALL))
                for out_edge, in_edge in pairs:
                    dkey, skey = (
                        ("cell_rise", "rise_transition")
                        if out_edge == RISE
                        else ("cell_fall", "fall_transition")
                    )
                    if dkey not in arc.tables:
                        continue
                    t = iarr[in_edge] + arc.tables[dkey].load_slew(c, isl[in_edge])
                    s = arc.tables[skey].load_slew(c, isl[in_edge])
                    if t > arr[out_edge]:
                        arr[out_edge] = t
                        prev[out_edge] = (ibit, in_edge, idx)
                    sl[out_edge] = max(sl[out_edge], s)
            if prev[RISE] is None and prev[FALL] is None:
                continue  # driven by constants only
            for e in (RISE, FALL):
                if prev[e] is None:  # one edge unreachable (e.g. a constant-fed arc)
                    arr[e], sl[e], prev[e] = arr[1 - e], sl[1 - e], prev[1 - e]
            tm.arrival[bit], tm.slew[bit], tm.prev[bit] = arr, sl, prev
    return tm


def topological(net: Netlist, comb: list[int]) -> list[int]:
    """Combinational cells in an order where every driver comes before its loads."""
    lib = net.lib
    comb_set = set(comb)
    indeg = {i: 0 for i in comb}
    succ: dict[int, list[int]] = defaultdict(list)
    for i in comb:
        _inst, ctype, conns = net.cells[i]
        seen = set()
        for pin in lib.cells[ctype].inputs:
            bit = conns.get(pin)
            d = net.driver.get(bit) if isinstance(bit, int) else None
            if d and d[0] in comb_set and d[0] not in seen:
                seen.add(d[0])
                indeg[i] += 1
                succ[d[0]].append(i)
    order = [i for i, k in indeg.items() if k == 0]
    k = 0
    while k < len(order):
        for s in succ[order[k]]:
            indeg[s] -= 1
            if indeg[s] == 0:
                order.append(s)
        k += 1
    if len(order) != len(comb):
        raise ValueError("combinational loop in the netlist")
    return order


@dataclass
class TimingPath:
    start: str
    end: str
    kind: str  # reg2reg, in2reg, reg2out, in2out
    arrival_ns: float  # at the endpoint, clock-to-Q included
    clock_to_q_ns: float
    setup_ns: float
    levels: int
    cells: list[dict]

    @property
    def period_ns(self) -> float:
        return self.arrival_ns + self.setup_ns

    @property
    def logic_ns(self) -> float:
        return self.arrival_ns - self.clock_to_q_ns

    def summary(self, fo4_ns: float) -> dict:
        return {
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "period_ps": round(self.period_ns * 1000, 1),
            "clock_to_q_ps": round(self.clock_to_q_ns * 1000, 1),
            "logic_ps": round(self.logic_ns * 1000, 1),
            "setup_ps": round(self.setup_ns * 1000, 1),
            "levels": self.levels,
            "period_fo4": round(self.period_ns / fo4_ns, 1),
            "fmax_mhz": round(1000 / self.period_ns, 2) if self.period_ns > 0 else None,
        }


def trace(net: Netlist, tm: Timing, bit: int, edge: int) -> tuple[str, str, float, list[dict]]:
    """Walk the worst path back from a net edge: (start kind, start name, clock-to-Q, cells)."""
    steps = []
    while True:
        p = tm.prev[bit][edge]
        if p is None:  # a primary input
            return "in", net.inputs.get(bit, net.name(bit)), 0.0, steps[::-1]
        if p[0] == "launch":
            idx = p[1]
            inst, ctype, _ = net.cells[idx]
            steps.append(
                {
                    "cell": inst,
                    "type": ctype,
                    "net": net.name(bit),
                    "edge": "rise" if edge == RISE else "fall",
                    "arrival_ps": round(tm.arrival[bit][edge] * 1000, 1),
                }
            )
            return "reg", net.register(idx), tm.arrival[bit][edge], steps[::-1]
        ibit, iedge, idx = p
        inst, ctype, _ = net.cells[idx]
        steps.append(
            {
                "cell": inst,
                "type": ctype,
                "net": net.name(bit),
                "edge": "rise" if edge == RISE else "fall",
                "arrival_ps": round(tm.arrival[bit][edge] * 1000, 1),
            }
        )
        bit, edge = ibit, iedge


def endpoints(net: Netlist, tm: Timing, clock_slew: float | None = None) -> list[TimingPath]:
    """The worst path into every flip-flop data pin, every clock gate's enable latch (set up
    to the clock edge that closes it, the rising edge of the gated clock) and every primary
    output."""
    lib = net.lib
    clock_slew = lib.fo4()["slew_ns"] if clock_slew is None else clock_slew
    out = []
    for idx, (_inst, ctype, conns) in enumerate(net.cells):
        cell = lib.cells[ctype]
        if not cell.sequential:
            continue
        dpin = data_pin(cell)
        bit = conns.get(dpin)
        if not isinstance(bit, int) or bit not in tm.arrival:
            continue
        best = None
        for edge, key in ((RISE, "rise_constraint"), (FALL, "fall_constraint")):
            setup = 0.0
            for arc in cell.pins[dpin].arcs:
                if arc.timing_type.startswith("setup") and key in arc.tables:
                    setup = max(
                        setup,
                        arc.tables[key].at(related=clock_slew, constrained=tm.slew[bit][edge]),
                    )
            total = tm.arrival[bit][edge] + setup
            if best is None or total > best[0]:
                best = (total, edge, setup)
        _, edge, setup = best
        skind, start, cq, steps = trace(net, tm, bit, edge)
        out.append(
            TimingPath(
                start,
                net.register(idx),
                f"{skind}2reg",
                tm.arrival[bit][edge],
                cq,
                setup,
                sum(1 for s in steps if not lib.cells[s["type"]].sequential),
                steps,
            )
        )
    for bit, label in net.outputs.items():
        if bit not in tm.arrival:
            continue
        edge = RISE if tm.arrival[bit][RISE] >= tm.arrival[bit][FALL] else FALL
        skind, start, cq, steps = trace(net, tm, bit, edge)
        out.append(
            TimingPath(
                start,
                label,
                f"{skind}2out",
                tm.arrival[bit][edge],
                cq,
                0.0,
                sum(1 for s in steps if not lib.cells[s["type"]].sequential),
                steps,
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# Pipeline stages of the PEs (register names of the flattened netlists)
# ---------------------------------------------------------------------------------------------

PE_STAGES = [
    # (regex on the endpoint register name, stage label); first match wins.  The readout's
    # registers carry their stage number (val1_q .. fp32_5_q, out_data), the front end's its
    # register (mant2_q, prod3a_q, red3_q); docs/pe.md has the pipeline.
    (r"u_readout\.(v|fmt|nar|tag)_q\b", "P1-P6 readout valid bits and attributes"),
    (r"u_readout\.out_data\b", "P6 output pick (P5->out)"),
    (r"u_readout\.\w*5_q\b", "P5 encode (P4->P5)"),
    (r"u_readout\.\w*4_q\b", "P4 round-up, scale (P3->P4)"),
    (r"u_readout\.\w*3_q\b", "P3 leading zeros, keep (P2->P3)"),
    (r"u_readout\.\w*2_q\b", "P2 window (P1->P2)"),
    (r"u_readout\.", "P1 carry resolve (acc->P1)"),
    (r"u_acc\.|(^|\.)res_\w*_q\b", "S4 accumulate (R3->acc)"),
    (r"(^|\.)(u_r3\.|\w*3_q\b)", "S3b align, lane sum (R3a->R3)"),
    (r"(^|\.)(u_r3a\.|\w*3a_q\b)", "S3a multiply, scale add (R2->R3a)"),
    (r"(^|\.)(u_r2\.|\w*2_q\b)", "S2 decode (R1->R2)"),
    (r"u_operands\.|(^|\.)lane_q\b", "R1 operands (in->R1)"),
]
PE_PREFIX = re.compile(r"^(?P<pe>.*\bu_pe)\.")


def stage_of(register: str, pe_top: bool = True) -> str:
    """Pipeline stage of an endpoint register: a PE's stages (PE_STAGES) when the design is a
    PE (``pe_top``) or the register sits in a PE instance (`u_pe`, labelled 'PE ...'),
    otherwise the first level of the instance hierarchy."""
    m = PE_PREFIX.search(register)
    if m or pe_top:
        inner = register[m.end() :] if m else register
        for pattern, label in PE_STAGES:
            if re.search(pattern, inner):
                return ("PE " + label) if m else label
    parts = register.split(".")
    return parts[0] if len(parts) > 1 else "(top level)"


def report(
    net: Netlist, paths: list[TimingPath], fo4_ns: float, top_cells: int = 400, pe_top: bool = True
) -> dict:
    """Critical path, per-stage worst paths and I/O paths as a JSON-able dict."""
    reg = [p for p in paths if p.kind == "reg2reg"]
    crit = max(reg, key=lambda p: p.period_ns) if reg else None
    stages: dict[str, TimingPath] = {}
    for p in paths:
        if p.kind.endswith("2reg"):
            s = stage_of(p.end, pe_top)
            if p.kind == "reg2reg" and (s not in stages or p.period_ns > stages[s].period_ns):
                stages[s] = p
    io = {}
    for kind in ("in2reg", "reg2out", "in2out"):
        ks = [p for p in paths if p.kind == kind]
        if ks:
            io[kind] = max(ks, key=lambda p: p.period_ns).summary(fo4_ns)
    return {
        "critical": crit.summary(fo4_ns) if crit else None,
        "critical_cells": crit.cells[:top_cells] if crit else [],
        "stages": {
            s: p.summary(fo4_ns) for s, p in sorted(stages.items(), key=lambda kv: -kv[1].period_ns)
        },
        "io": io,
        "endpoints": len(paths),
    }


# ---------------------------------------------------------------------------------------------
# vesta (qflow) cross-check
# ---------------------------------------------------------------------------------------------


def vesta(netlist_v: Path, liberty: Path = OSU018, timeout: float = 1800) -> dict | None:
    """qflow's vesta on the Verilog netlist (no wire load, its own slew assumptions): the worst
    register-to-register path (start/end instance, delay incl. clock-to-Q and setup, ps)."""
    if not VESTA.exists():
        return None
    r = subprocess.run(
        [str(VESTA), "-L", "-n", "1", str(netlist_v), str(liberty)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    m = re.search(r"Path (\S+)/\S+ to (\S+)/\S+ delay ([0-9.]+) ps", r.stdout)
    if not m:
        return {"error": (r.stdout + r.stderr)[-500:]}
    return {"start_cell": m.group(1), "end_cell": m.group(2), "period_ps": float(m.group(3))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("netlist", type=Path, help="Yosys JSON netlist (flat, mapped)")
    ap.add_argument("top")
    ap.add_argument("--liberty", type=Path, default=OSU018)
    ap.add_argument("--wire-ff-per-pin", type=float, default=WIRE_PF_PER_PIN * 1000)
    ap.add_argument("--vesta", type=Path, help="also run vesta on this Verilog netlist")
    args = ap.parse_args(argv)
    lib = Library(args.liberty)
    fo4 = lib.fo4()["fo4_ns"]
    net = Netlist.load(args.netlist, args.top, lib, args.wire_ff_per_pin / 1000)
    tm = analyse(net)
    rep = report(net, endpoints(net, tm), fo4)
    rep.pop("critical_cells")
    if args.vesta:
        rep["vesta"] = vesta(args.vesta, args.liberty)
    print(json.dumps(rep, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
