# SPDX-License-Identifier: Apache-2.0
"""Glitches: what the zero-delay energy simulation misses, measured on a delay-annotated run.

`make ppa`'s energy comes from a zero-delay gate-level simulation (xrnpe.ppa.energy): every
net changes at most once per cycle, so the spurious transitions a real circuit makes while
its inputs arrive at different times (glitches) are not counted.  This module runs the same
netlist, testbench and stimulus again with delays and counts again:

- every combinational cell output gets its own rise and fall delay, the Liberty's cell_rise /
  cell_fall at the net's real load (pins + wire estimate, as the STA) and the input slew the
  STA computed (averaged over the cell's input arcs: which input switched is not known); the
  delays are inertial (Verilog continuous-assignment delays), so a pulse shorter than the
  cell's delay does not pass, as in a real gate;
- flip-flops and latches get their clock-to-Q / D-to-Q delay at their load;
- the clock network (the clock, clock gates) stays ideal, as in the STA: zero delay.

This is an SDF-style annotation made by the flow's own STA (the same tables OpenSTA's
write_sdf would use), not an SDF file; the clock period of the testbench (10 ns) is longer than
every design's critical path, so every result is still checked against the model.

Report: per format, transitions and data energy with and without delays, and the share the
zero-delay run misses.  Clock energy does not change (the clock net's transitions are fixed).

Standalone: ``python -m xrnpe.ppa.glitch NETLIST_DIR TOP [--words N] [--formats F,...]``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from xrnpe.formats import FORMATS
from xrnpe.ppa import energy
from xrnpe.ppa.liberty import OSU018, Library
from xrnpe.ppa.sta import Netlist, analyse


def _param(pin: str, edge: str) -> str:
    """The delay parameter of an output pin in energy.cell_models(..., delays=True)."""
    return f"{edge}_{pin}"


def instance_delays(net: Netlist) -> dict[str, dict[str, float]]:
    """Instance name -> its delay parameters (ns) at its load and the STA's input slews;
    nothing for the cells of the clock network (ideal clock)."""
    lib = net.lib
    tm = analyse(net)
    fo4_slew = lib.fo4()["slew_ns"]
    clock = net.clock_network()

    def slew(bit) -> float:
        s = tm.slew.get(bit) if isinstance(bit, int) else None
        return sum(s) / 2 if s else fo4_slew

    out: dict[str, dict[str, float]] = {}
    for inst, ctype, conns in net.cells:
        cell = lib.cells[ctype]
        if any(conns.get(p) in clock for p in cell.outputs):
            continue
        params: dict[str, float] = {}
        for opin in cell.outputs:
            bit = conns.get(opin)
            if not isinstance(bit, int):
                continue
            load = net.load_pf(bit)
            rise, fall = [], []
            for arc in cell.pins[opin].arcs:
                if arc.timing_type.startswith(("setup", "hold", "clear", "preset")):
                    continue
                s = fo4_slew if cell.sequential else slew(conns.get(arc.related))
                if "cell_rise" in arc.tables:
                    rise.append(arc.tables["cell_rise"].load_slew(load, s))
                if "cell_fall" in arc.tables:
                    fall.append(arc.tables["cell_fall"].load_slew(load, s))
            if not rise or not fall:
                continue
            r, f = sum(rise) / len(rise), sum(fall) / len(fall)
            if cell.sequential:
                params["CQ"] = round((r + f) / 2, 4)
            else:
                params[_param(opin, "R")] = round(r, 4)
                params[_param(opin, "F")] = round(f, 4)
        if params:
            out[inst.lstrip("\\")] = params
    return out


def annotate(netlist_text: str, delays: dict[str, dict[str, float]]) -> str:
    """The Verilog netlist with each instance's delay parameters."""

    def sub(m: re.Match) -> str:
        params = delays.get(m.group(3).lstrip("\\"))
        if not params:
            return m.group(0)
        args = ", ".join(f".{k}({v})" for k, v in params.items())
        return f"{m.group(1)}{m.group(2)} #({args}) {m.group(3)} ("

    return re.sub(r"^(\s*)([A-Z][A-Z0-9_]*)\s+(\S+)\s*\(", sub, netlist_text, flags=re.M)


def run(
    netlist_dir: Path,
    top: str,
    lib: Library,
    words: int = 64,
    seed: int = 7,
    formats=("fp4", "p8", "p16"),
    work: Path | None = None,
) -> dict:
    """Zero-delay and delay-annotated runs of the same windows; per format their transitions
    and data energy (pJ/MAC) and the share of the delayed run's data energy the zero-delay
    run misses."""
    work = work or netlist_dir / "glitch"
    windows = energy.workload(words, seed, formats)
    net = Netlist.load(netlist_dir / "netlist.json", top, lib)
    tm = analyse(net)
    delays = instance_delays(net)
    annotated = work / "netlist_delays.v"
    work.mkdir(parents=True, exist_ok=True)
    annotated.write_text(annotate((netlist_dir / "netlist.v").read_text(), delays))
    used = energy.used_cells(netlist_dir / "netlist.v", lib)
    runs = {}
    for kind, netlist_v, cells in (
        ("zero_delay", None, None),
        ("delays", annotated, energy.cell_models(lib, used, delays=True)),
    ):
        vcd, spans = energy.simulate(
            netlist_dir, top, lib, windows, work / kind, netlist_v=netlist_v, cells_v=cells
        )
        counts = energy.vcd_toggles(vcd, net, spans)
        per_ns = energy.vcd_units_per_ns(vcd)
        vcd.unlink()
        runs[kind] = {}
        for win in windows:
            t0, t1 = spans[win.label]
            res = energy.calculate(
                net, counts[win.label], (t1 - t0) / per_ns / energy.PERIOD_NS, tm
            )
            runs[kind][win.label] = res
    out = {}
    for win in windows:
        z, d = runs["zero_delay"][win.label], runs["delays"][win.label]
        out[win.label] = {
            "macs": win.macs,
            "toggles_zero_delay": z["toggles"],
            "toggles_delays": d["toggles"],
            "data_pj_per_mac_zero_delay": round(z["data_pj"] / win.macs, 3),
            "data_pj_per_mac_delays": round(d["data_pj"] / win.macs, 3),
            "clock_pj_per_mac": round(z["clock_pj"] / win.macs, 3),
            "missed_share_of_data": round(1 - z["data_pj"] / d["data_pj"], 4)
            if d["data_pj"]
            else 0.0,
        }
    return {"words": words, "seed": seed, "annotated_instances": len(delays), "formats": out}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m xrnpe.ppa.glitch", description=__doc__.split("\n")[0]
    )
    ap.add_argument("netlist_dir", type=Path)
    ap.add_argument("top")
    ap.add_argument("--words", type=int, default=64)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--formats", default="fp4,p8,p16")
    args = ap.parse_args(argv)
    fmts = tuple(f for f in args.formats.split(",") if f)
    bad = [f for f in fmts if f not in FORMATS or f == "fp32"]
    if bad:
        print(f"glitch: unknown input format(s) {bad}", file=sys.stderr)
        return 2
    if not (args.netlist_dir / "netlist.json").is_file():
        print(f"glitch: {args.netlist_dir}: no netlist.json (xrnpe.ppa.asic)", file=sys.stderr)
        return 2
    res = run(args.netlist_dir, args.top, Library(OSU018), args.words, args.seed, fmts)
    print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
