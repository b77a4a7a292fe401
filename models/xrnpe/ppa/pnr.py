# SPDX-License-Identifier: Apache-2.0
"""Place and route a mapped netlist with qflow (graywolf, qrouter) and extract its wires.

From the flow's mapped netlist (xrnpe.ppa.asic: netlist.json, flat, osu018 cells) in a
generated qflow project directory (every design the same settings; docs/pnr-section.md):

  blif        the netlist as BLIF (qflow's netlist format); ports keep their names, other nets
              the flow's preferred net names (sta.preferred_names), a name that is not a plain
              identifier (optionally with one [index]) becomes x<bit>_ in the qflow files and
              gets its flow name back in the post-P&R netlist; constant inputs come from one
              BUFX2 per value with its input on the gnd/vdd rail (qflow's own replacement of
              LOGIC0/LOGIC1 on a library without tie cells); an output port that is another
              port or a constant gets a BUFX2 (qflow's output buffering)
  buffer      blifFanout -f (fanout buffering only: the gate sizes ABC chose stay), iterated
              until it changes nothing, as qflow's synthesize.sh does: every net above
              MAX_FANOUT sinks becomes a buffer tree, the driver keeps the original net name,
              the new nets are <net>_bF$buf<k> (<net>_hier<l>_bF$buf<k> for upper levels).
              The clock tree is that tree (BUFX2 near the root, CLKBUF1 at the flip-flops, at
              most MAX_FANOUT sinks per buffer, levels equal by construction), whose sinks
              graywolf re-assigns to the nearest buffer after placement (qflow's buffer-tree
              swap groups, back-annotated by blifanno.tcl)
  place       qflow placement.sh -d: blif2cel, decongest.tcl to INITIAL_DENSITY (fill cells
              pad the cell area so that cells cover that fraction of the rows), graywolf
              (TimberWolfSC with `fast GRAYWOLF_FAST`), place2def, addspacers (power
              stripes), arrangepins, blifanno
  route       qflow router.sh: qrouter (all routing layers of the LEF) with qflow's
              standard_route script without its stage-3 clean-up (<top>.cfg2): stage 1, stage 2
              rip-up and reroute until no net fails; failed nets from the route log
  extract     per routed net its wire length per metal layer (the routed DEF) times the LEF's
              capacitance per um of that layer (WIDTH x CPERSQDIST + 2 x EDGECAPACITANCE); no
              vias, no coupling capacitance.  qrouter's RC trees (<top>.rc, one edge only) are
              a cross-check and the topology of the SPEF file (lumped pin caps excluded: they
              are the library's)

Result (run(), also WORK/pnr.json): placed cell area (LEF footprints, without fill), core area
(placed rows), utilisation, routed wire length (total, per layer), clock tree, failed nets,
per-net wire capacitance in pF (the post-P&R netlist's net names: ``wire_pf``; per net of the
flow's netlist, a buffered net with its whole buffer tree: ``wire_pf_original``), the
post-P&R netlist (WORK/netlist/netlist.v + netlist.json, flow naming, loadable by
sta.Netlist.load and energy.run), the SPEF path, wall and CPU seconds per step, (fanout, pF)
of every routed net.

sta_compare(), net_compare(), energy_compare(): the flow's STA and energy with the per-pin
estimate and with the extracted wires.  fit_from_results(), wire_load_model(),
model_wire_caps(): a wire-load model (mean extracted wire per fanout) fitted on routed designs
for a netlist too large to route in the flow's time budget.

Standalone: ``python -m xrnpe.ppa.pnr NETLIST_DIR TOP --work DIR [--compare]``;
``python -m xrnpe.ppa.pnr NETLIST_DIR TOP --work DIR --wire-load-from PNR_JSON...``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from xrnpe.ppa.liberty import OSU018, Library
from xrnpe.ppa.sta import preferred_names

TECHDIR = Path("/usr/share/qflow/tech/osu018")
QFLOW_SCRIPTS = Path("/usr/lib/qflow/scripts")
QFLOW_BIN = Path("/usr/lib/qflow/bin")
TECH = "osu018"
INITIAL_DENSITY = 0.6  # cells / row area after decongest's fill (every design the same)
MAX_FANOUT = 16  # blifFanout -F (its default)
FANOUT_OPTIONS = "-l 100 -c 20"  # osu018.sh's fanout_options (latency ps, output load fF)
BUF = ("BUFX2", "A", "Y")
CLKBUF = ("CLKBUF1", "A", "Y")
VDD, GND = "vdd", "gnd"
ROUTE_TIMEOUT_S = 1800
# graywolf's TimberWolfSC: annealing moves per cell and temperature divided by this (its
# `fast` parameter); 1 (the default) takes 5.6 CPU-min on a 10k-cell PE
GRAYWOLF_FAST = 4
PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[0-9]+\])?$")
FILL_CELLS = re.compile(r"^FILL")
ROW_HEIGHT_UM = 10.0  # osu018 core site height


def tools_present() -> bool:
    """Everything run() needs: qflow's scripts and binaries, tcsh, tclsh and the osu018 tech."""
    need = [
        QFLOW_SCRIPTS / "placement.sh",
        QFLOW_SCRIPTS / "router.sh",
        QFLOW_BIN / "blifFanout",
        QFLOW_BIN / "graywolf",
        QFLOW_BIN / "qrouter",
        QFLOW_BIN / "blif2Verilog",
        TECHDIR / f"{TECH}.sh",
    ]
    return all(p.exists() for p in need) and bool(shutil.which("tcsh") and shutil.which("tclsh"))


# ---------------------------------------------------------------------------------------------
# Netlist <-> BLIF
# ---------------------------------------------------------------------------------------------


def load_module(netlist_json: Path, top: str) -> dict:
    data = json.loads(Path(netlist_json).read_text())
    mods = {k.lstrip("\\"): v for k, v in data["modules"].items()}
    if top not in mods:
        raise ValueError(f"{netlist_json}: no module {top} (has {sorted(mods)[:5]})")
    return mods[top]


def write_blif(mod: dict, top: str, lib: Library, path: Path) -> dict:
    """The module as a BLIF netlist (see the module docstring); returns the naming:
    ``blif_of`` bit -> BLIF net name, ``bit_of`` BLIF net name -> bit (None: a net the
    conversion added), ``added`` the cells the conversion added."""
    pref = preferred_names(mod["netnames"])
    blif_of: dict = {}
    used: set[str] = {VDD, GND}
    lines_in, lines_out, subckts, added = [], [], [], []

    def claim(name: str) -> str:
        if name in used:
            raise ValueError(f"net name {name} used twice")
        used.add(name)
        return name

    ports = [(n, p) for n, p in mod["ports"].items()]
    for pname, p in ports:  # inputs first: an input bit keeps its port name
        if p["direction"] != "input":
            continue
        for k, bit in enumerate(p["bits"]):
            label = pname if len(p["bits"]) == 1 else f"{pname}[{k}]"
            if not PLAIN.match(label):
                raise ValueError(f"port {label}: not a plain identifier")
            lines_in.append(claim(label))
            if isinstance(bit, int):
                blif_of.setdefault(bit, label)
    feed: list[tuple[str, object]] = []  # output label -> source (bit or constant)
    for pname, p in ports:
        if p["direction"] != "output":
            continue
        for k, bit in enumerate(p["bits"]):
            label = pname if len(p["bits"]) == 1 else f"{pname}[{k}]"
            if not PLAIN.match(label):
                raise ValueError(f"port {label}: not a plain identifier")
            lines_out.append(claim(label))
            if isinstance(bit, int) and bit not in blif_of:
                blif_of[bit] = label
            else:
                feed.append((label, bit))
    for bit, name in sorted(pref.items()):
        if bit in blif_of:
            continue
        base = name if PLAIN.match(name) and name not in used else f"x{bit}_"
        blif_of[bit] = claim(base)
    const_net: dict[str, str] = {}

    def source(b) -> str:
        if isinstance(b, int):
            if b not in blif_of:
                blif_of[b] = claim(f"x{b}_")
            return blif_of[b]
        value = "1" if b == "1" else "0"  # x/z were set to 0 by the mapping (setundef -zero)
        if value not in const_net:
            net = claim(f"pnr_const{value}")
            const_net[value] = net
            inst = f"pnr_tie{value}"
            subckts.append(f".gate {BUF[0]} {BUF[1]}={VDD if value == '1' else GND} {BUF[2]}={net}")
            added.append((inst, BUF[0]))
        return const_net[value]

    for inst, c in mod["cells"].items():
        ctype = c["type"].lstrip("\\")
        if ctype not in lib.cells:
            raise ValueError(f"cell {inst}: {ctype} is not an {lib.name} cell")
        conns = " ".join(f"{pin}={source(bits[0])}" for pin, bits in c["connections"].items())
        subckts.append(f".gate {ctype} {conns}")
    for k, (label, b) in enumerate(feed):
        subckts.append(f".gate {BUF[0]} {BUF[1]}={source(b)} {BUF[2]}={label}")
        added.append((f"pnr_obuf{k}", BUF[0]))
    text = [f".model {top}", ".inputs " + " ".join(lines_in), ".outputs " + " ".join(lines_out)]
    text += subckts + [".end", ""]
    path.write_text("\n".join(text))
    return {
        "blif_of": blif_of,
        "bit_of": {n: b for b, n in blif_of.items()},
        "added": added,
        "port_labels": lines_in + lines_out,
    }


def read_blif(path: Path) -> tuple[str, list[str], list[str], list[tuple[str, dict[str, str]]]]:
    """(model, inputs, outputs, [(cell type, pin -> net)]) of a qflow BLIF netlist."""
    text = path.read_text().replace("\\\n", " ")
    model, ins, outs, cells = "", [], [], []
    for line in text.splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        if parts[0] == ".model":
            model = parts[1]
        elif parts[0] == ".inputs":
            ins += parts[1:]
        elif parts[0] == ".outputs":
            outs += parts[1:]
        elif parts[0] in (".subckt", ".gate"):
            cells.append((parts[1], dict(p.split("=", 1) for p in parts[2:])))
        elif parts[0] in (".names", ".latch"):
            raise ValueError(f"{path}: {parts[0]} (not a mapped netlist)")
    return model, ins, outs, cells


IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")
VECTOR_BIT = re.compile(r"^(.+)\[([0-9]+)\]$")


def ident(name: str) -> str:
    """A Verilog identifier: plain, else escaped."""
    return name if IDENT.match(name) else f"\\{name} "


def write_verilog(
    blif: Path, lib: Library, path: Path, instance_names: list[str], rename: dict[str, str]
) -> None:
    """The BLIF netlist as structural Verilog: the ports of the flow's netlist, every other
    net under its name in ``rename`` (the flow's net names; a net the P&R added keeps its
    BLIF name), vectors rebuilt from name[k]."""
    model, ins, outs, cells = read_blif(blif)
    ports = set(ins) | set(outs)
    nets = set(ports)
    for _t, conns in cells:
        nets.update(conns.values())
    nets -= {VDD, GND}
    vec: dict[str, int] = {}
    scalars: set[str] = set()
    for n in nets:
        name = n if n in ports else rename.get(n, n)
        m = VECTOR_BIT.match(name)
        if m:
            vec[m.group(1)] = max(vec.get(m.group(1), 0), int(m.group(2)))
        else:
            scalars.add(name)

    def ref(net: str) -> str:
        if net == VDD:
            return "1'b1"
        if net == GND:
            return "1'b0"
        name = net if net in ports else rename.get(net, net)
        m = VECTOR_BIT.match(name)
        return f"{ident(m.group(1))}[{m.group(2)}]" if m else ident(name)

    port_base: list[str] = []
    for n in ins + outs:
        base = n.split("[", 1)[0]
        if base not in port_base:
            port_base.append(base)
    ins_b = {n.split("[", 1)[0] for n in ins}
    out = [f"module {model}({', '.join(port_base)});"]
    for base in port_base:
        d = "input" if base in ins_b else "output"
        out.append(f"  {d} [{vec[base]}:0] {base};" if base in vec else f"  {d} {base};")
    out += [f"  wire [{vec[v]}:0] {ident(v)};" for v in sorted(vec) if v not in port_base]
    out += [f"  wire {ident(n)};" for n in sorted(scalars) if n not in port_base]
    for k, (ctype, conns) in enumerate(cells):
        cell = lib.cells[ctype]
        pins = []
        for pin, net in conns.items():
            if pin not in cell.pins:
                raise ValueError(f"{blif}: {ctype} has no pin {pin}")
            pins.append(f".{pin}({ref(net)})")
        out.append(f"  {ctype} {ident(instance_names[k])} ({', '.join(pins)});")
    out.append("endmodule\n")
    path.write_text("\n".join(out))


def flow_names(naming: dict, mod: dict) -> dict[str, str]:
    """BLIF net name -> the flow's net name (sta.preferred_names) for every net of the flow's
    netlist that is not a port bit."""
    pref = preferred_names(mod["netnames"])
    ports = set(naming["port_labels"])
    return {n: pref[b] for n, b in naming["bit_of"].items() if n not in ports and b in pref}


def verilog_to_json(verilog: Path, top: str, liberty: Path, out: Path) -> None:
    """Yosys JSON of a structural netlist (the cells as Liberty blackboxes), the format
    sta.Netlist.load reads."""
    script = (
        f"read_liberty -lib {liberty}; read_verilog {verilog}; hierarchy -top {top}; "
        f"write_json {out}"
    )
    r = subprocess.run(["yosys", "-q", "-p", script], capture_output=True, text=True, timeout=600)
    if r.returncode != 0 or not out.exists():
        raise RuntimeError(f"yosys write_json: {(r.stdout + r.stderr)[-800:]}")


# ---------------------------------------------------------------------------------------------
# qflow steps
# ---------------------------------------------------------------------------------------------


def project(work: Path, top: str, density: float) -> dict[str, Path]:
    """A qflow project directory (qflow_vars.sh, project_vars.sh, source/synthesis/layout)."""
    dirs = {k: work / k for k in ("source", "synthesis", "layout", "log")}
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    (work / "qflow_vars.sh").write_text(
        "#!/bin/tcsh -f\n"
        f"set projectpath={work}\nset techdir={TECHDIR}\nset sourcedir={dirs['source']}\n"
        f"set synthdir={dirs['synthesis']}\nset layoutdir={dirs['layout']}\n"
        f"set techname={TECH}\nset scriptdir={QFLOW_SCRIPTS}\nset bindir={QFLOW_BIN}\n"
        f"set logdir={dirs['log']}\n"
    )
    (work / "project_vars.sh").write_text(
        "#!/bin/tcsh -f\n"
        f"set initial_density = {density}\n"
        'set graywolf_options = "-n"\n'
        f'set fanout_options = "{FANOUT_OPTIONS}"\n'
    )
    (dirs["synthesis"] / f"{top}_powerground").write_text(
        f'set vddnet="{VDD}"\nset gndnet="{GND}"\n'
    )
    (dirs["log"] / "synth.log").write_text("netlist from xrnpe.ppa.asic\n")
    # qflow.sh's set-up: graywolf's parameter file (the tech's) and magic's start-up file
    par = (TECHDIR / f"{TECH}.par").read_text()
    (dirs["layout"] / f"{top}.par").write_text(par + f"\nTWSC*fast : {GRAYWOLF_FAST}\n")
    shutil.copy(TECHDIR / f"{TECH}.magicrc", dirs["layout"] / ".magicrc")
    # qrouter script (placement.sh appends <top>.cfg2 to the router configuration in place of
    # its default): qflow's standard_route without the stage3 clean-up pass
    (dirs["layout"] / f"{top}.cfg2").write_text(
        f"qrouter::standard_route {top}_route.def false true\nquit\n"
    )
    return dirs


def cpu_now() -> float:
    """CPU seconds of this process and its finished children (the qflow tools)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def sh(cmd: list[str], cwd: Path, log: Path, timeout: float) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    with open(log, "a") as fh:
        fh.write(f"$ {' '.join(cmd)}\n")
        fh.flush()
        r = subprocess.run(
            cmd, cwd=cwd, stdout=fh, stderr=subprocess.STDOUT, env=env, timeout=timeout, text=True
        )
    return r


def buffer_fanout(synth: Path, top: str, log: Path) -> int:
    """blifFanout -f until it changes nothing (qflow's synthesize.sh loop); returns the
    number of passes."""
    (synth / f"{top}_nofanout").write_text(f"{GND}\n{VDD}\n")
    blif = synth / f"{top}.blif"
    shutil.copy(blif, synth / f"{top}_bak.blif")
    bufopt = [
        "-b",
        f"{BUF[0]},{CLKBUF[0]}",
        "-i",
        f"{BUF[1]},{CLKBUF[1]}",
        "-o",
        f"{BUF[2]},{CLKBUF[2]}",
    ]
    for npass in range(1, 21):
        tmp = synth / "tmp.blif"
        blif.replace(tmp)
        cmd = [
            str(QFLOW_BIN / "blifFanout"),
            "-f",
            *FANOUT_OPTIONS.split(),
            "-F",
            str(MAX_FANOUT),
            "-I",
            f"{top}_nofanout",
            "-s",
            "nullstring",
            "-p",
            str(TECHDIR / f"{TECH}_stdcells.lib"),
            *bufopt,
            "tmp.blif",
            f"{top}.blif",
        ]
        r = subprocess.run(cmd, cwd=synth, capture_output=True, text=True, timeout=600)
        with open(log, "a") as fh:
            fh.write(f"$ {' '.join(cmd)}\n{r.stdout}{r.stderr}")
        m = re.search(r"gates changed:\s*(-?\d+)", r.stdout + r.stderr)
        if not blif.exists() or r.returncode > 127:
            raise RuntimeError(f"blifFanout failed: {(r.stdout + r.stderr)[-500:]}")
        if not m or int(m.group(1)) <= 0:
            return npass
    return npass


def blif_views(synth: Path, top: str, log: Path) -> None:
    """qflow's Verilog views of the BLIF netlist (placement.sh keeps them up to date)."""
    for opts, suffix in (
        (["-c"], "rtl.v"),
        (["-c", "-p"], "rtlnopwr.v"),
        (["-c", "-p", "-b", "-n"], "rtlbb.v"),
    ):
        with open(synth / f"{top}.{suffix}", "w") as fh:
            subprocess.run(
                [str(QFLOW_BIN / "blif2Verilog"), *opts, "-v", VDD, "-g", GND, f"{top}.blif"],
                cwd=synth,
                stdout=fh,
                stderr=subprocess.DEVNULL,
                timeout=600,
                check=True,
            )


# ---------------------------------------------------------------------------------------------
# Results: DEF, RC
# ---------------------------------------------------------------------------------------------


def lef_areas(lef: Path = TECHDIR / f"{TECH}_stdcells.lef") -> dict[str, float]:
    """Cell footprint (um^2) per LEF macro (the fill cells have no Liberty entry)."""
    text = lef.read_text()
    return {
        m.group(1): float(m.group(2)) * float(m.group(3))
        for m in re.finditer(
            r"^MACRO (\S+).*?^\s*SIZE\s+([0-9.]+)\s+BY\s+([0-9.]+)", text, re.M | re.S
        )
    }


def lef_wire_pf_per_um(lef: Path = TECHDIR / f"{TECH}_stdcells.lef") -> dict[str, float]:
    """Wire capacitance per um of a minimum-width wire on each routing layer from the LEF:
    WIDTH x CAPACITANCE CPERSQDIST + 2 x EDGECAPACITANCE (both edges; pF/um)."""
    out = {}
    for m in re.finditer(r"^LAYER (\S+)\s*\n(.*?)^END \1", lef.read_text(), re.M | re.S):
        body = m.group(2)
        if not re.search(r"TYPE\s+ROUTING", body):
            continue
        width = float(re.search(r"WIDTH\s+([0-9.eE+-]+)", body).group(1))
        area = float(re.search(r"CPERSQDIST\s+([0-9.eE+-]+)", body).group(1))
        edge = float(re.search(r"EDGECAPACITANCE\s+([0-9.eE+-]+)", body).group(1))
        out[m.group(1)] = width * area + 2 * edge
    return out


def def_wire_caps(net_layer_um: dict[str, dict[str, float]]) -> dict[str, float]:
    """Per net wire capacitance (pF) of the routed DEF: length per layer x the LEF's
    capacitance per um (lef_wire_pf_per_um; vias and coupling not included)."""
    per_um = lef_wire_pf_per_um()
    return {
        net: sum(length * per_um[layer] for layer, length in layers.items())
        for net, layers in net_layer_um.items()
    }


def def_summary(path: Path, lib: Library) -> dict:
    """Die, core (the placed rows), cell area without fill and routed wire length of a DEF."""
    text = path.read_text()
    units = float(re.search(r"UNITS DISTANCE MICRONS (\d+)", text).group(1))
    die = [
        float(x) / units
        for x in re.search(r"DIEAREA \( (-?\d+) (-?\d+) \) \( (-?\d+) (-?\d+) \)", text).groups()
    ]
    comp = re.search(r"^COMPONENTS \d+ ;(.*?)^END COMPONENTS", text, re.M | re.S).group(1)
    area, fill_area, counts = 0.0, 0.0, defaultdict(int)
    rows: set[float] = set()
    x0, x1 = float("inf"), float("-inf")
    lef = lef_areas()
    for m in re.finditer(
        r"^\s*-\s+(\S+)\s+(\S+)\s+\+\s+\S+\s+\(\s*(-?\d+)\s+(-?\d+)\s*\)", comp, re.M
    ):
        ctype = m.group(2)
        a = lef.get(ctype, 0.0)
        x, y = float(m.group(3)) / units, float(m.group(4)) / units
        rows.add(y)
        x0 = min(x0, x)
        x1 = max(x1, x + (a / ROW_HEIGHT_UM))
        if FILL_CELLS.match(ctype):
            fill_area += a
        else:
            area += a
            counts[ctype] += 1
    core = len(rows) * ROW_HEIGHT_UM * (x1 - x0) if rows else 0.0
    per_net: dict[str, float] = {}
    per_layer: dict[str, dict[str, float]] = {}
    nets = re.search(r"^NETS \d+ ;(.*?)^END NETS", text, re.M | re.S)
    for block in nets.group(1).split(";\n") if nets else []:
        m = re.match(r"\s*-\s+(\S+)", block)
        if not m:
            continue
        layers: dict[str, float] = defaultdict(float)
        for seg in re.split(r"\+ ROUTED\b|\bNEW\b", block)[1:]:
            layer = seg.split(None, 1)[0]
            prev = None
            for x, y in re.findall(r"\(\s*(\S+)\s+(\S+)(?:\s+\S+)?\s*\)", seg):
                px = prev[0] if x == "*" and prev else float(x)
                py = prev[1] if y == "*" and prev else float(y)
                if prev is not None:
                    layers[layer] += (abs(px - prev[0]) + abs(py - prev[1])) / units
                prev = (px, py)
        per_net[m.group(1)] = sum(layers.values())
        per_layer[m.group(1)] = dict(layers)
    return {
        "die_um": die,
        "die_um2": (die[2] - die[0]) * (die[3] - die[1]),
        "rows": len(rows),
        "core_um2": core,
        "cell_area_um2": area,
        "fill_area_um2": fill_area,
        "cells": dict(counts),
        "wirelength_um": sum(per_net.values()),
        "net_wirelength_um": per_net,
        "net_layer_um": per_layer,
    }


def parse_rc(text: str) -> dict[str, dict]:
    """qrouter's RC file (write_delays): one line per routed net, ``NET <n drivers>
    <driver> <n sinks> <tree>``, the tree nested ``( R C <pin> , <subtrees> )`` with each
    route segment's resistance (ohm) and wire capacitance (pF; qrouter: LEF area and edge
    capacitance per track, pins not included).  Per net: driver, sinks, wire C and R sums."""
    out = {}
    for line in text.splitlines():
        parts = line.split(None, 4)
        if len(parts) < 5:
            continue
        net, _nd, driver, nsinks, tree = parts
        rc = re.findall(r"\(\s*([-0-9.eE+]+)\s+([-0-9.eE+]+)", tree)
        out[net] = {
            "driver": driver,
            "sinks": int(nsinks),
            "wire_pf": sum(float(c) for _r, c in rc),
            "res_ohm": sum(float(r) for r, _c in rc),
            "tree": tree.strip(),
        }
    return out


def write_spef(
    rc: dict[str, dict],
    caps: dict[str, float],
    top: str,
    path: Path,
    inst: dict[str, str],
    rename: dict[str, str],
) -> None:
    """The extracted wires as SPEF: per net its total wire capacitance (*D_NET, ``caps``) and
    qrouter's RC tree as *CAP/*RES between internal nodes net:k and pins (instance:pin,
    ``inst`` maps the DEF instance names to the netlist's; a port by its name), the node
    capacitances scaled so that they add up to the net's total."""

    def pin(token: str) -> str:
        if token.startswith("PIN/"):
            return token[4:]
        i, _, p = token.rpartition("/")
        return f"{inst.get(i, i)}:{p}"

    lines = [
        '*SPEF "IEEE 1481-1998"',
        f'*DESIGN "{top}"',
        '*DATE ""',
        '*VENDOR "xrnpe.ppa.pnr"',
        '*PROGRAM "qrouter write_delays"',
        '*VERSION "1"',
        '*DESIGN_FLOW "NETLIST_TYPE_VERILOG"',
        "*DIVIDER /",
        "*DELIMITER :",
        "*BUS_DELIMITER [ ]",
        "*T_UNIT 1 NS",
        "*C_UNIT 1 PF",
        "*R_UNIT 1 OHM",
        "*L_UNIT 1 HENRY",
        "",
    ]
    for blif_net, r in rc.items():
        net = rename.get(blif_net, blif_net)
        total = caps.get(blif_net, r["wire_pf"])
        scale = total / r["wire_pf"] if r["wire_pf"] > 0 else 0.0
        node_caps, ress = [], []
        tokens = re.findall(r"\(|\)|,|[^\s(),]+", r["tree"])
        counter = [0]

        def walk(i: int, parent: str) -> int:
            # tokens[i] == "(": R C [pin] [, subtree ...] ")"
            res, cap = float(tokens[i + 1]), float(tokens[i + 2])
            counter[0] += 1
            node = f"{net}:{counter[0]}"
            i += 3
            if i < len(tokens) and tokens[i] not in ("(", ")", ","):
                node = pin(tokens[i])
                i += 1
            node_caps.append((node, cap * scale))
            ress.append((parent, node, res))
            while i < len(tokens) and tokens[i] != ")":
                if tokens[i] == "(":
                    i = walk(i, node)
                else:
                    i += 1
            return i + 1

        k = 0
        root = pin(r["driver"])
        while k < len(tokens):
            k = walk(k, root) if tokens[k] == "(" else k + 1
        lines.append(f"*D_NET {net} {total:.6g}")
        lines.append("*CAP")
        lines += [f"{j + 1} {n} {c:.6g}" for j, (n, c) in enumerate(node_caps)]
        lines.append("*RES")
        lines += [f"{j + 1} {a} {b} {x:.6g}" for j, (a, b, x) in enumerate(ress)]
        lines += ["*END", ""]
    for blif_net in sorted(set(caps) - set(rc)):  # no RC tree (a net within one via stack)
        net = rename.get(blif_net, blif_net)
        lines += [f"*D_NET {net} {caps[blif_net]:.6g}", "*CAP", f"1 {net}:1 {caps[blif_net]:.6g}"]
        lines += ["*END", ""]
    path.write_text("\n".join(lines))


def route_failures(log: Path) -> int:
    """Failed nets of the last qrouter run (its route log)."""
    text = log.read_text(errors="replace") if log.exists() else ""
    if "Final: No failed routes!" in text:
        return 0
    m = re.findall(r"Final: Failed net routes:\s*(\d+)", text)
    if m:
        return int(m[-1])
    raise RuntimeError(f"{log}: qrouter did not report a final routing result")


# ---------------------------------------------------------------------------------------------
# The wire-load model fitted on routed designs
# ---------------------------------------------------------------------------------------------


MIN_BIN_SAMPLES = 20  # a fanout bin with fewer routed nets is taken from the line


def fit_wire_load(samples: list[tuple[int, float]]) -> dict:
    """Wire-load fit from (fanout, extracted wire pF) samples of routed nets: the mean per
    fanout (bins {fanout: [nets, mean pF]}) and a least-squares line over all samples
    (pF = intercept + slope x fanout) for fanouts with fewer than MIN_BIN_SAMPLES nets."""
    if not samples:
        raise ValueError("wire-load fit without data")
    bins: dict[int, list[float]] = defaultdict(list)
    for fo, c in samples:
        bins[int(fo)].append(c)
    n = len(samples)
    mx = sum(f for f, _ in samples) / n
    my = sum(c for _, c in samples) / n
    var = sum((f - mx) ** 2 for f, _ in samples)
    slope = sum((f - mx) * (c - my) for f, c in samples) / var if var else 0.0
    return {
        "bins": {fo: [len(v), sum(v) / len(v)] for fo, v in sorted(bins.items())},
        "min_bin_samples": MIN_BIN_SAMPLES,
        "intercept_pf": my - slope * mx,
        "slope_pf_per_sink": slope,
    }


def wire_load_model(fit: dict, fanout: int) -> float:
    """Wire capacitance (pF) of a net with ``fanout`` sinks from a fit_wire_load() fit: the
    mean of the routed nets with that fanout, or the line where they are too few."""
    b = {int(k): v for k, v in fit["bins"].items()}.get(int(fanout))
    if b and b[0] >= fit["min_bin_samples"]:
        return b[1]
    return max(0.0, fit["intercept_pf"] + fit["slope_pf_per_sink"] * fanout)


def fit_from_results(results: list[dict]) -> dict:
    """The wire-load fit over routed designs (run() results: their fanout_samples), with
    the designs it was fitted on."""
    samples = [tuple(x) for r in results for x in r["fanout_samples"]]
    fit = fit_wire_load(samples)
    fit["designs"] = [r["top"] for r in results]
    fit["nets"] = len(samples)
    return fit


def model_wire_caps(netlist_json: Path, top: str, fit: dict, liberty: Path = OSU018) -> dict:
    """Per-net wire capacitance (net name -> pF) of a netlist from a wire-load fit: each
    driven net by its fanout (driven pins, a primary output counting as one), for
    sta.Netlist.load(wire_pf=...) on a design too large to route in the flow's budget."""
    from xrnpe.ppa.sta import Netlist

    net = Netlist.load(Path(netlist_json), top, Library(liberty))
    out = {}
    for b in set(net.driver) | set(net.inputs):
        fo = len(net.sinks.get(b, [])) + (b in net.outputs)
        if fo:
            out[net.name(b)] = wire_load_model(fit, fo)
    return out


# ---------------------------------------------------------------------------------------------
# run
# ---------------------------------------------------------------------------------------------


def instance_names(cells, mod: dict, naming: dict, lib: Library, def_names: list[str]) -> list[str]:
    """Instance names for the post-P&R netlist: a cell of the flow's netlist keeps its name
    (found by type and output nets: a driver keeps its net's name through the buffering), a
    cell the P&R added keeps its DEF name."""
    blif_of = naming["blif_of"]

    def key(ctype, conn_names: dict) -> tuple:
        outs = lib.cells[ctype].outputs
        return (ctype, tuple(sorted((p, n) for p, n in conn_names.items() if p in outs)))

    by_key = {}
    for inst, c in mod["cells"].items():
        ctype = c["type"].lstrip("\\")
        conn = {p: blif_of.get(b[0]) for p, b in c["connections"].items() if isinstance(b[0], int)}
        by_key[key(ctype, conn)] = inst
    names, taken = [], set()
    for k, (ctype, conns) in enumerate(cells):
        name = by_key.get(key(ctype, conns))
        if name is None or name in taken:
            name = def_names[k]
        taken.add(name)
        names.append(name)
    return names


def run(
    netlist_dir: Path,
    top: str,
    work: Path,
    density: float = INITIAL_DENSITY,
    liberty: Path = OSU018,
    route: bool = True,
    route_timeout: float = ROUTE_TIMEOUT_S,
    collect_only: bool = False,
) -> dict:
    """Place (and route) the mapped netlist in netlist_dir; see the module docstring.
    ``collect_only``: do not run qflow, collect the results of an earlier run in ``work``."""
    if not tools_present():
        raise RuntimeError("qflow tools missing (Debian packages qflow, qrouter, graywolf)")
    lib = Library(liberty)
    work = Path(work).resolve()
    seconds: dict[str, float] = {}
    cpu: dict[str, float] = {}
    if collect_only:
        prev = json.loads((work / "pnr.json").read_text()) if (work / "pnr.json").exists() else {}
        seconds = dict(prev.get("seconds", {}))
        cpu = dict(prev.get("cpu_seconds", {}))
        dirs = {k: work / k for k in ("source", "synthesis", "layout", "log")}
    elif work.exists():
        shutil.rmtree(work)
    t, c = time.time(), cpu_now()
    if not collect_only:
        dirs = project(work, top, density)
    synth, layout, logd = dirs["synthesis"], dirs["layout"], dirs["log"]
    mod = load_module(Path(netlist_dir) / "netlist.json", top)
    blif = synth / (f"{top}_flow.blif" if collect_only else f"{top}.blif")
    naming = write_blif(mod, top, lib, blif)
    if not collect_only:
        seconds["blif"] = time.time() - t
        cpu["blif"] = cpu_now() - c
        t, c = time.time(), cpu_now()
        buffer_fanout(synth, top, logd / "buffer.log")
        blif_views(synth, top, logd / "buffer.log")
        seconds["buffer"] = time.time() - t
        cpu["buffer"] = cpu_now() - c
        t, c = time.time(), cpu_now()
        r = sh(
            ["tcsh", "-f", str(QFLOW_SCRIPTS / "placement.sh"), "-d", str(work), top],
            work,
            logd / "place.out",
            route_timeout,
        )
        if r.returncode != 0 or not (layout / f"{top}.def").exists():
            raise RuntimeError(f"placement failed: see {logd / 'place.log'}")
        seconds["place"] = time.time() - t
        cpu["place"] = cpu_now() - c
        if route:
            t, c = time.time(), cpu_now()
            sh(
                ["tcsh", "-f", str(QFLOW_SCRIPTS / "router.sh"), str(work), top],
                work,
                logd / "route.out",
                route_timeout,
            )
            seconds["route"] = time.time() - t
            cpu["route"] = cpu_now() - c
    unrouted = layout / f"{top}_unroute.def"
    placed = def_summary(unrouted if unrouted.exists() else layout / f"{top}.def", lib)
    passes = (logd / "buffer.log").read_text().count("$ ")
    res: dict = {
        "top": top,
        "work": str(work),
        "density_target": density,
        "max_fanout": MAX_FANOUT,
        "graywolf_fast": GRAYWOLF_FAST,
        "buffer_passes": passes,
    }
    final_blif = synth / f"{top}_anno.blif"
    if not final_blif.exists():
        final_blif = synth / f"{top}.blif"
    routed = None
    rc: dict[str, dict] = {}
    if route:
        t, c = time.time(), cpu_now()
        res["failed_nets"] = route_failures(logd / "route.log")
        rc = parse_rc((layout / f"{top}.rc").read_text())
        routed = def_summary(layout / f"{top}.def", lib)
        caps = def_wire_caps(routed["net_layer_um"])
        seconds["extract"] = time.time() - t
        cpu["extract"] = cpu_now() - c

    t, c = time.time(), cpu_now()
    _model, _ins, _outs, cells = read_blif(final_blif)
    def_names = def_instance_names(layout / f"{top}.def", cells)
    names = instance_names(cells, mod, naming, lib, def_names)
    out_dir = work / "netlist"
    out_dir.mkdir(exist_ok=True)
    rename = flow_names(naming, mod)
    write_verilog(final_blif, lib, out_dir / "netlist.v", names, rename)
    verilog_to_json(out_dir / "netlist.v", top, liberty, out_dir / "netlist.json")
    if route:
        write_spef(rc, caps, top, work / f"{top}.spef", dict(zip(def_names, names)), rename)
        res["spef"] = str(work / f"{top}.spef")
    # qflow's names (BLIF/DEF nets, blif2cel instances) -> the post-P&R netlist's (flow's)
    (work / "names.json").write_text(
        json.dumps(
            {
                "nets": {n: f for n, f in sorted(rename.items()) if n != f},
                "instances": {d: n for d, n in zip(def_names, names) if d != n},
            },
            indent=0,
        )
        + "\n"
    )
    res["names"] = str(work / "names.json")
    seconds["netlist"] = time.time() - t
    cpu["netlist"] = cpu_now() - c

    geo = routed or placed
    clock = clock_tree(cells, naming, lib, mod)
    res.update(
        cell_area_um2=round(geo["cell_area_um2"], 1),
        cell_area_flow_um2=round(
            sum(lib.cells[c["type"].lstrip("\\")].area for c in mod["cells"].values()), 1
        ),
        core_um2=round(geo["core_um2"], 1),
        die_um2=round(geo["die_um2"], 1),
        die_um=geo["die_um"],
        rows=geo["rows"],
        utilisation=round(geo["cell_area_um2"] / geo["core_um2"], 4) if geo["core_um2"] else None,
        fill_area_um2=round(geo["fill_area_um2"], 1),
        cells=len(mod["cells"]),
        cells_after=len(cells),
        added_cells=naming["added"],
        buffers_added=len(cells) - len(mod["cells"]) - len(naming["added"]),
        clock=clock,
        netlist_dir=str(out_dir),
    )
    if route:
        wire = {rename.get(n, n): c for n, c in caps.items()}
        res["wirelength_um"] = round(routed["wirelength_um"], 1)
        res["wirelength_by_layer_um"] = layer_totals(routed["net_layer_um"])
        res["wire_pf"] = wire
        res["wire_pf_original"] = original_wire_caps(caps, naming, mod)
        res["wire_total_pf"] = round(sum(wire.values()), 4)
        res["qrouter_rc_wire_total_pf"] = round(sum(v["wire_pf"] for v in rc.values()), 4)
        res["fanout_samples"] = fanout_samples(cells, caps, lib)
    res["seconds"] = {k: round(v, 2) for k, v in seconds.items()}
    res["cpu_seconds"] = {k: round(v, 2) for k, v in cpu.items()}
    (work / "pnr.json").write_text(json.dumps(res, indent=1) + "\n")
    return res


def def_instance_names(def_path: Path, cells) -> list[str]:
    """blif2cel's instance names (<type>_<k>, k counting per type in BLIF order)."""
    count: dict[str, int] = defaultdict(int)
    names = []
    for ctype, _c in cells:
        count[ctype] += 1
        names.append(f"{ctype}_{count[ctype]}")
    text = def_path.read_text()
    missing = [n for n in names[:50] if f"- {n} " not in text]
    if missing:
        raise RuntimeError(f"{def_path}: instances {missing[:3]} not found (naming changed?)")
    return names


def base_net(name: str) -> str:
    """The net a blifFanout buffer-tree net comes from (``<net>_bF$buf<k>``,
    ``<net>_hier<l>_bF$buf<k>``), else the name itself."""
    m = re.match(r"^(.*?)(?:_hier\d+)?_bF\$buf\d+$", name)
    return m.group(1) if m else name


def original_wire_caps(wire: dict[str, float], naming: dict, mod: dict) -> dict[str, float]:
    """Per net of the flow's netlist (keyed by the flow's preferred net name, a port bit by
    its port name), the wire capacitance of the net and of its whole buffer tree (what the
    flow's netlist, which has no buffers, drives)."""
    pref = preferred_names(mod["netnames"])
    out: dict[str, float] = defaultdict(float)
    for net, c in wire.items():
        bit = naming["bit_of"].get(base_net(net))
        if bit is not None:
            out[pref.get(bit, base_net(net))] += c
    return dict(out)


def clock_tree(cells, naming: dict, lib: Library, mod: dict) -> dict:
    """The clock net after buffering: buffers per level, flip-flops per leaf buffer."""
    clk_pins = defaultdict(int)
    for ctype, conns in cells:
        cell = lib.cells[ctype]
        if cell.ff:
            pin = re.findall(r"[A-Za-z_]\w*", cell.ff["clocked_on"])[0]
            clk_pins[conns.get(pin)] += 1
    roots = {base_net(n) for n in clk_pins if n}
    drive = {
        conns.get("Y"): (ctype, conns.get("A"))
        for ctype, conns in cells
        if ctype in (BUF[0], CLKBUF[0])
    }
    bufs = [(net, t, a) for net, (t, a) in drive.items() if base_net(net) in roots and net != a]
    tree = [b for b in bufs if base_net(b[0]) != b[0]]
    types = defaultdict(int)
    for _n, t, _a in tree:
        types[t] += 1
    leaves = [clk_pins[n] for n, _t, _a in tree if clk_pins.get(n)]
    depth = 0
    for n, _t, _a in tree:
        d, cur = 0, n
        while cur in drive and base_net(cur) != cur and d < 20:
            d += 1
            cur = drive[cur][1]
        depth = max(depth, d)
    return {
        "roots": sorted(roots),
        "buffers": len(tree),
        "buffer_types": dict(types),
        "levels": depth,
        "flops": sum(clk_pins.values()),
        "flops_per_leaf_buffer": [min(leaves), max(leaves)] if leaves else None,
    }


def layer_totals(net_layer_um: dict[str, dict[str, float]]) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for layers in net_layer_um.values():
        for layer, length in layers.items():
            out[layer] += length
    return {k: round(v, 1) for k, v in sorted(out.items())}


def fanout_samples(cells, caps: dict[str, float], lib: Library) -> list[list]:
    """(fanout, extracted wire pF) of every routed net: the wire-load model's fit data."""
    sinks = defaultdict(int)
    for ctype, conns in cells:
        cell = lib.cells[ctype]
        for pin, net in conns.items():
            if cell.pins[pin].direction != "output":
                sinks[net] += 1
    return [[sinks[n], round(c, 6)] for n, c in caps.items() if sinks.get(n)]


# ---------------------------------------------------------------------------------------------
# Before/after: the flow's STA and energy with the extracted wires
# ---------------------------------------------------------------------------------------------


def sta_compare(netlist_dir: Path, top: str, res: dict, liberty: Path = OSU018) -> dict:
    """The flow's STA (sta.py) three ways: the flow's netlist with the per-pin wire estimate
    (before), the flow's netlist with the extracted wires (each net its whole buffer tree's
    wire), the post-P&R netlist (buffer trees, clock tree) with its extracted wires.  The
    clock stays ideal (arrival 0 at every flip-flop clock pin) in all three."""
    from xrnpe.ppa.sta import Netlist, analyse, endpoints, report

    lib = Library(liberty)
    fo4 = lib.fo4()["fo4_ns"]
    out = {}
    views = {
        "estimate": (Path(netlist_dir) / "netlist.json", None),
        "extracted": (Path(netlist_dir) / "netlist.json", res["wire_pf_original"]),
        "post_pnr": (Path(res["netlist_dir"]) / "netlist.json", res["wire_pf"]),
    }
    for view, (path, wire) in views.items():
        net = Netlist.load(path, top, lib, wire_pf=wire)
        tm = analyse(net)
        rep = report(net, endpoints(net, tm), fo4)
        crit = rep["critical"] or {}
        bits = list(net.driver) + [b for b in net.inputs if b not in net.driver]
        est = sum(
            net.wire_pf_per_pin * (len(net.sinks.get(b, [])) + (b in net.outputs)) for b in bits
        )
        wire_total = sum(net.wire_pf.get(b, 0.0) for b in bits) if wire else est
        out[view] = {
            "critical": {
                k: crit.get(k)
                for k in (
                    "start",
                    "end",
                    "period_ps",
                    "fmax_mhz",
                    "levels",
                    "clock_to_q_ps",
                    "logic_ps",
                )
            },
            "wire_total_pf": round(wire_total, 4),
            "nets_with_extracted_wire": len(net.wire_pf),
            "nets": len(bits),
        }
    return out


def net_compare(netlist_dir: Path, top: str, res: dict, liberty: Path = OSU018) -> dict:
    """The per-pin wire estimate against the extraction for the clock net (its whole buffer
    tree), the highest-fanout data net, and summed over all nets, plus the fit of the
    extracted wire per fanout."""
    from xrnpe.ppa.sta import Netlist

    lib = Library(liberty)
    net = Netlist.load(Path(netlist_dir) / "netlist.json", top, lib)
    by_name = {net.name(b): b for b in net.driver}
    by_name.update({label: b for b, label in net.inputs.items()})

    def row(name):
        b = by_name.get(name)
        if b is None:
            return None
        fo = len(net.sinks.get(b, []))
        return {
            "net": net.name(b),
            "fanout": fo,
            "estimate_pf": round(net.wire_pf_per_pin * (fo + (b in net.outputs)), 5),
            "extracted_pf": round(res["wire_pf_original"].get(net.name(b), 0.0), 5),
        }

    clock = row("clk")
    data = [b for b in net.driver if net.name(b) != "clk"]
    hf = max(data, key=lambda b: len(net.sinks.get(b, [])))
    return {
        "clock": clock,
        "high_fanout": row(net.name(hf)),
        "wire_load_fit": fit_wire_load([tuple(x) for x in res["fanout_samples"]]),
    }


def energy_compare(
    netlist_dir: Path, top: str, res: dict, words: int = 64, seed: int = 7, work: Path | None = None
) -> dict:
    """energy.py's calculation on one gate-level simulation per netlist, with the per-pin
    estimate and with the extracted wires: the flow's netlist (estimate, extracted) and the
    post-P&R netlist (extracted; its clock tree switches too).  pJ per MAC at 100 MHz."""
    from xrnpe.ppa import energy as en
    from xrnpe.ppa.sta import Netlist, analyse

    lib = Library()
    work = Path(work or Path(res["work"]) / "energy").resolve()
    windows = en.workload(words, seed)
    out = {}
    for tag, ndir, wire_sets in (
        (
            "flow",
            Path(netlist_dir).resolve(),
            {"estimate": None, "extracted": res["wire_pf_original"]},
        ),
        ("post_pnr", Path(res["netlist_dir"]).resolve(), {"extracted": res["wire_pf"]}),
    ):
        vcd, spans = en.simulate(ndir, top, lib, windows, work / tag)
        per_ns = en.vcd_units_per_ns(vcd)
        for view, wire in wire_sets.items():
            net = Netlist.load(ndir / "netlist.json", top, lib, wire_pf=wire)
            tm = analyse(net)
            counts = en.vcd_toggles(vcd, net, spans)
            per_fmt = {}
            for win in windows:
                t0, t1 = spans[win.fmt]
                r = en.calculate(net, counts[win.fmt], (t1 - t0) / per_ns / en.PERIOD_NS, tm)
                per_fmt[win.fmt] = round(en.energy_at(r, 100.0) / win.macs, 4)
            out[f"{tag}/{view}"] = per_fmt
        vcd.unlink()
    return out


def wire_load_report(netlist_dir: Path, top: str, pnr_results: list[Path], out: Path) -> dict:
    """Fit the wire-load model on routed designs (their pnr.json), apply it to a netlist too
    large to route and run the flow's STA with the estimate and with the model; the fit data
    and both critical paths are written to ``out``."""
    from xrnpe.ppa.sta import Netlist, analyse, endpoints, report

    fit = fit_from_results([json.loads(Path(p).read_text()) for p in pnr_results])
    lib = Library()
    fo4 = lib.fo4()["fo4_ns"]
    path = Path(netlist_dir) / "netlist.json"
    res: dict = {"fit": fit}
    t = time.time()
    wire = model_wire_caps(path, top, fit)
    res["model_seconds"] = round(time.time() - t, 1)
    for view, w in (("estimate", None), ("wire_load_model", wire)):
        t = time.time()
        net = Netlist.load(path, top, lib, wire_pf=w)
        rep = report(net, endpoints(net, analyse(net, launch="reg")), fo4, pe_top=False)
        bits = list(net.driver) + [b for b in net.inputs if b not in net.driver]
        total = sum(
            net.wire_pf.get(
                b, net.wire_pf_per_pin * (len(net.sinks.get(b, [])) + (b in net.outputs))
            )
            for b in bits
        )
        crit = rep["critical"] or {}
        res[view] = {
            "critical": {
                k: crit.get(k) for k in ("start", "end", "period_ps", "fmax_mhz", "levels")
            },
            "wire_total_pf": round(total, 3),
            "nets": len(bits),
            "seconds": round(time.time() - t, 1),
        }
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps(res, indent=1) + "\n")
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("netlist_dir", type=Path, help="directory with netlist.json (xrnpe.ppa.asic)")
    ap.add_argument("top")
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--density", type=float, default=INITIAL_DENSITY)
    ap.add_argument("--no-route", action="store_true", help="placement only")
    ap.add_argument(
        "--collect-only", action="store_true", help="collect the results of an earlier run in WORK"
    )
    ap.add_argument(
        "--compare",
        action="store_true",
        help="also the flow's STA and energy with the estimate and with the extracted wires "
        "(WORK/compare.json)",
    )
    ap.add_argument("--words", type=int, default=256, help="--compare: energy words per format")
    ap.add_argument(
        "--wire-load-from",
        type=Path,
        nargs="+",
        metavar="PNR_JSON",
        help="no P&R: fit the wire-load model on these routed results and time NETLIST_DIR with "
        "it (WORK/wire_load_model.json)",
    )
    args = ap.parse_args(argv)
    if args.wire_load_from:
        missing = [p for p in args.wire_load_from if not p.exists()]
        if missing:
            print(f"pnr: no such P&R result: {missing[0]}", file=sys.stderr)
            return 1
        wl = wire_load_report(
            args.netlist_dir, args.top, args.wire_load_from, args.work / "wire_load_model.json"
        )
        print(json.dumps({k: v for k, v in wl.items() if k != "fit"}, indent=1))
        return 0
    if not tools_present():
        print(
            "pnr: qflow tools missing (Debian packages qflow, qrouter, graywolf)", file=sys.stderr
        )
        return 1
    res = run(
        args.netlist_dir,
        args.top,
        args.work,
        args.density,
        route=not args.no_route,
        collect_only=args.collect_only,
    )
    keep = ("seconds", "cpu_seconds", "clock", "die_um", "wirelength_by_layer_um")
    print(
        json.dumps(
            {k: v for k, v in res.items() if not isinstance(v, (dict, list)) or k in keep}, indent=1
        )
    )
    if args.compare and not args.no_route:
        cmp = {"sta": sta_compare(args.netlist_dir, args.top, res)}
        cmp.update(net_compare(args.netlist_dir, args.top, res))
        if shutil.which("iverilog") and args.top.startswith("xrnpe_pe_"):  # the PE testbench
            cmp["energy_pj_per_mac_100mhz"] = energy_compare(
                args.netlist_dir, args.top, res, words=args.words
            )
        (Path(args.work) / "compare.json").write_text(json.dumps(cmp, indent=1) + "\n")
        print(json.dumps(cmp["sta"], indent=1))
    return 0 if not res.get("failed_nets") else 2


if __name__ == "__main__":
    sys.exit(main())
