# SPDX-License-Identifier: Apache-2.0
"""`make synth`: Yosys (pyosys) area reports for the XR-NPE designs -> build/synth/summary.json.

For every design of the table (xrnpe.ppa.designs) the manifest lists, two Yosys processes run
(logs and reports under build/synth/<design>/):

  xilinx  synth_xilinx -family xcup -noiopad [-flatten] -top <top>   (Virtex UltraScale+)
          -> lut, ff, dsp, carry, levels (LUT depth, computed here from the JSON netlist)
  asic    synth [-flatten] -top <top>, then
            (a) dfflegalize + abc -g cmos + stat -tech cmos          -> cmos_transistors
            (b) dfflibmap + abc -liberty sky130_fd_sc_hd_area.lib     -> area_um2
          and the per-module sky130 area -> build/synth/<design>/breakdown.json

Clock gates (xrnpe_prim_clock_gate): the xilinx flow reads the FPGA view (the enable drives the
flip-flops' CE), the asic flow the ungated view (the same file: hold multiplexers), since the
area Liberty has no latch to map the behavioural gate to; xrnpe.ppa.designs.VIEWS.

Flattened designs (the PEs) are optimised across module boundaries; hierarchical ones (the
co-processor) map each module once and count it per instance (the design table's
flatten_inside is make ppa's: this area flow keeps every module, the PE's too).

Output (CONTRACT section 5):
  {"designs": {"<name>": {"lut", "ff", "dsp", "carry", "levels", "cmos_transistors", "area_um2"}}}
plus build/synth/<design>/details.json (raw cell counts, runtimes) and breakdown.json.
See docs/synthesis.md for what each number means and its limits.

Usage (make synth runs `python -m scripts.synth.run_synth`, which calls main() here):
  synth                                  every design of the table the manifest lists
  synth --design pe_rmmec                one of them
  synth --design foo=my_top:W=8,N=2      any block or module, with parameter overrides
                                         (/hier, /flat)
  synth --jobs 2                         run two Yosys processes at once
  synth --check                          only check that Yosys reads every module of rtl/
  synth --yosys /usr/bin/yosys           use a yosys executable instead of pyosys
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from xrnpe.ppa.designs import DESIGNS, Design, parse_design
from xrnpe.ppa.liberty import zero_area_fixes
from xrnpe.ppa.yosys import quote as _q
from xrnpe.ppa.yosys import read_commands

# area-only sky130 Liberty (data/README.md), next to the manifest in a checkout
LIBERTY = Path("data") / "liberty" / "sky130_fd_sc_hd_area.lib"

SUMMARY_KEYS = ("lut", "ff", "dsp", "carry", "levels", "cmos_transistors", "area_um2")

# ---------------------------------------------------------------------------------------------
# Worker side (runs inside its own Python process; Yosys output goes to stdout -> log file)
# ---------------------------------------------------------------------------------------------


def script_read(spec: dict, key: str = "sources") -> list[tuple[str, str]]:
    """Read spec[key] (the asic flow: "sources_asic", the ungated view of the clock gate)."""
    cmds = read_commands(spec["top"], spec.get(key, spec["sources"]), spec["params"], [spec["rtl"]])
    return [("read", c) for c in cmds]


def script_xilinx(spec: dict, out: Path) -> list[tuple[str, str]]:
    top = spec["top"]
    flat = spec.get("flatten", True)
    return (
        script_read(spec)
        + [
            (
                "synth_xilinx",
                f"synth_xilinx -family xcup -noiopad {'-flatten ' if flat else ''}-top {top}",
            ),
            ("report", "delete t:$scopeinfo"),  # flatten's scope annotations, not logic
            ("report", f"tee -q -o {_q(out / 'xilinx_stat.json')} stat -json"),
            ("report", f"tee -q -o {_q(out / 'xilinx_stat.txt')} stat"),
        ]
        + ([] if flat else [("report", "flatten"), ("report", "delete t:$scopeinfo")])
        + [
            ("report", f"write_json {_q(out / 'xilinx_netlist.json')}"),
        ]
    )


def post_xilinx(spec: dict, out: Path) -> dict:
    st = json.loads((out / "xilinx_stat.json").read_text())
    cells = leaf_cells(st, spec["top"])
    netlist = out / "xilinx_netlist.json"
    net = json.loads(netlist.read_text())
    depth = lut_depth(net["modules"][spec["top"]])
    netlist.unlink()  # large; the counts are in xilinx_stat.json
    return {"cells": cells, **xilinx_counts(cells), **depth}


def xilinx_counts(cells: dict[str, int]) -> dict:
    def total(pred) -> int:
        return sum(n for t, n in cells.items() if pred(t))

    return {
        "lut_primitives": total(lambda t: re.fullmatch(r"LUT[1-6](_2)?", t) is not None),
        "inv": cells.get("INV", 0),
        "ff": total(lambda t: t in ("FDRE", "FDSE", "FDCE", "FDPE")),
        "latch": total(lambda t: t.startswith("LD")),
        "srl": total(lambda t: t.startswith("SRL")),
        "lutram": total(lambda t: t.startswith("RAM") and not t.startswith("RAMB")),
        "bram": total(lambda t: t.startswith("RAMB")),
        "uram": total(lambda t: t.startswith("URAM")),
        "dsp": total(lambda t: t.startswith("DSP48")),
        "carry4": cells.get("CARRY4", 0),
        "carry8": cells.get("CARRY8", 0),
        "muxf": total(lambda t: t.startswith("MUXF")),
    }


# Cell types that start and end combinational paths (registered or hard blocks).
_SEQ = re.compile(r"^(FD|LD|SRL|RAM|URAM|DSP48|BUFG|IBUF|OBUF)")


def lut_depth(mod: dict) -> dict:
    """Longest combinational path of the flattened xilinx netlist, from inputs / FF and DSP
    outputs to outputs / FF and DSP inputs.  `levels` counts LUTs (LUT1..6, INV); carry and
    wide-mux cells are traversed at weight 0.  `levels_all` also counts CARRY4/8 and MUXF7/8/9
    as one level each (the way Vivado reports logic levels).  Also returns the CARRY8 equivalent
    of the CARRY4 chains (Yosys maps UltraScale+ carries to CARRY4: one CARRY8 per two CARRY4s
    of a chain)."""
    cells = mod["cells"]
    driver: dict[int, str] = {}
    comb: dict[str, dict] = {}
    for name, c in cells.items():
        if _SEQ.match(c["type"]):
            continue
        comb[name] = c
        for port, bits in c["connections"].items():
            if c.get("port_directions", {}).get(port) == "output":
                for b in bits:
                    if isinstance(b, int):
                        driver[b] = name

    def weights(t: str) -> tuple[int, int]:
        if re.fullmatch(r"LUT[1-6](_2)?|INV", t):
            return 1, 1
        if t.startswith(("CARRY", "MUXF")):
            return 0, 1
        return 0, 0

    # predecessors among combinational cells
    preds: dict[str, set[str]] = {}
    for name, c in comb.items():
        ps = set()
        for port, bits in c["connections"].items():
            if c.get("port_directions", {}).get(port) != "output":
                ps.update(driver[b] for b in bits if isinstance(b, int) and b in driver)
        preds[name] = ps
    # Kahn topological order
    succ: dict[str, list[str]] = defaultdict(list)
    indeg = {n: len(p) for n, p in preds.items()}
    for n, ps in preds.items():
        for p in ps:
            succ[p].append(n)
    order = [n for n, k in indeg.items() if k == 0]
    i = 0
    while i < len(order):
        for s in succ[order[i]]:
            indeg[s] -= 1
            if indeg[s] == 0:
                order.append(s)
        i += 1
    if len(order) != len(comb):
        raise RuntimeError("combinational loop in the xilinx netlist")
    d_lut: dict[str, int] = {}
    d_all: dict[str, int] = {}
    for n in order:
        wl, wa = weights(comb[n]["type"])
        d_lut[n] = wl + max((d_lut[p] for p in preds[n]), default=0)
        d_all[n] = wa + max((d_all[p] for p in preds[n]), default=0)

    # CARRY4 chains: a CARRY4 whose CI is driven by another CARRY4 continues that chain
    carry4 = {n for n, c in comb.items() if c["type"] == "CARRY4"}
    heads = [
        n
        for n in carry4
        if not (
            set(driver.get(b) for b in comb[n]["connections"].get("CI", []) if isinstance(b, int))
            & carry4
        )
    ]
    nxt = {}
    for n in carry4:
        for b in comb[n]["connections"].get("CI", []):
            if isinstance(b, int) and driver.get(b) in carry4:
                nxt[driver[b]] = n
    chains = []
    for h in heads:
        length, n = 1, h
        while n in nxt:
            n = nxt[n]
            length += 1
        chains.append(length)
    return {
        "levels": max(d_lut.values(), default=0),
        "levels_all": max(d_all.values(), default=0),
        "carry4_chains": sorted(chains, reverse=True),
        "carry8_equiv": sum(math.ceil(k / 2) for k in chains),
    }


# Transistors of flip-flop types that `stat -tech cmos` does not price ("N+" in its report):
# Yosys prices $_DFF_P_/$_DFF_N_ at 16; an asynchronous clear or preset replaces two inverters
# of the latch loops by 2-input NAND/NOR gates (+4), as sky130_fd_sc_hd dfrtp_1 (28 devices)
# vs dfxtp_1 (24) in the package's SPICE netlists.
CMOS_EXTRA = {
    **{f"$_DFF_{c}{r}{v}_": 20 for c in "PN" for r in "PN" for v in "01"},
    **{f"$_DFFSR_{c}{s}{r}_": 24 for c in "PN" for s in "PN" for r in "PN"},
    "$_DLATCH_P_": 8,
    "$_DLATCH_N_": 8,
}
# dfflegalize target: plain, async-reset and async-set flops; enables and synchronous
# resets become gates (mapped by the following abc -g cmos run).
CMOS_FF_CELLS = (
    "-cell $_DFF_P_ 01 -cell $_DFF_PN0_ 01 -cell $_DFF_PN1_ 01 -cell $_DFF_PP0_ 01 "
    "-cell $_DFF_PP1_ 01 -cell $_DFFSR_PNN_ 01 -cell $_DLATCH_P_ 01"
)


def script_asic(spec: dict, out: Path) -> list[tuple[str, str]]:
    top, lib = spec["top"], _q(spec["liberty"])
    flat = spec.get("flatten", True)
    cmds = script_read(spec, "sources_asic") + [
        ("read", "design -save elab"),
        ("generic_synth", f"synth {'-flatten ' if flat else ''}-top {top}"),
        ("generic_synth", "delete t:$scopeinfo"),  # flatten's scope annotations, not logic
        ("generic_synth", "design -save generic"),
        # (a) transistor estimate
        ("cmos", f"dfflegalize {CMOS_FF_CELLS}"),
        ("cmos", "abc -g cmos"),
        ("cmos", "opt_clean"),
        ("cmos", f"tee -q -o {_q(out / 'cmos_stat.json')} stat -json -tech cmos"),
        ("cmos", f"tee -q -o {_q(out / 'cmos_stat.txt')} stat -tech cmos"),
        # (b) sky130 standard-cell area (flattened)
        ("sky130", "design -load generic"),
        ("sky130", f"dfflibmap -liberty {lib}"),
        ("sky130", f"abc -liberty {lib}"),
        ("sky130", "opt_clean"),
        ("sky130", f"tee -q -o {_q(out / 'sky130_stat.json')} stat -json -liberty {lib}"),
        ("sky130", f"tee -q -o {_q(out / 'sky130_stat.txt')} stat -liberty {lib}"),
    ]
    if flat and not spec.get("no_breakdown"):
        # (c) hierarchical sky130 mapping for the per-module breakdown
        cmds += [
            ("breakdown", "design -load elab"),
            ("breakdown", f"synth -top {top}"),
            ("breakdown", f"dfflibmap -liberty {lib}"),
            ("breakdown", f"abc -liberty {lib}"),
            ("breakdown", "opt_clean"),
            (
                "breakdown",
                f"tee -q -o {_q(out / 'sky130_hier_stat.json')} stat -json -liberty {lib}",
            ),
            ("breakdown", f"tee -q -o {_q(out / 'sky130_hier_stat.txt')} stat -liberty {lib}"),
        ]
    return cmds


def post_asic(spec: dict, out: Path) -> dict:
    top = spec["top"]
    res: dict = {}
    st = json.loads((out / "cmos_stat.json").read_text())
    cells = leaf_cells(st, top)
    est = str(st["design"].get("estimated_num_transistors", "0"))
    unknown = {t: n for t, n in cells.items() if t not in CMOS_COST and t not in CMOS_EXTRA}
    if unknown:
        raise RuntimeError(f"cmos: no transistor cost for cell types {unknown}")
    gates = sum(CMOS_COST[t] * n for t, n in cells.items() if t in CMOS_COST)
    extra = sum(CMOS_EXTRA[t] * n for t, n in cells.items() if t in CMOS_EXTRA)
    res["cmos"] = {
        "cells": cells,
        "yosys_estimate": est,
        "priced_by_yosys_table": gates,
        "ff_extra": extra,
        "transistors": gates + extra,
    }

    lib = Path(spec["liberty"])
    lib_areas, _ = liberty_cells(lib)
    st = json.loads((out / "sky130_stat.json").read_text())
    local = local_areas(st, lib, out / "sky130_stat.txt")
    cells = leaf_cells(st, top)
    bad = [t for t in cells if t not in lib_areas]
    if bad:
        raise RuntimeError(f"sky130: cells not in the library {bad}")
    area, seq_area = total_area(st, top, local)
    res["sky130"] = {"cells": cells, "area_um2": area, "sequential_area_um2": seq_area}
    if not spec.get("flatten", True):  # the mapping above is the hierarchical one
        res["breakdown"] = breakdown(st, top, local)
    elif not spec.get("no_breakdown"):
        hier = json.loads((out / "sky130_hier_stat.json").read_text())
        res["breakdown"] = breakdown(
            hier, top, local_areas(hier, lib, out / "sky130_hier_stat.txt")
        )
    return res


# `stat -tech cmos` transistor prices (Yosys kernel/cost.h, CellCosts::cmos_gate_cost)
CMOS_COST = {
    "$_BUF_": 1,
    "$_NOT_": 2,
    "$_AND_": 6,
    "$_NAND_": 4,
    "$_OR_": 6,
    "$_NOR_": 4,
    "$_ANDNOT_": 6,
    "$_ORNOT_": 6,
    "$_XOR_": 12,
    "$_XNOR_": 12,
    "$_AOI3_": 6,
    "$_OAI3_": 6,
    "$_AOI4_": 8,
    "$_OAI4_": 8,
    "$_MUX_": 12,
    "$_NMUX_": 10,
    "$_DFF_P_": 16,
    "$_DFF_N_": 16,
}


def instances(st: dict, top: str) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """(instances of each module under `top`, submodule counts of each module) of a
    `stat -json` report."""
    mods = st["modules"]
    key = {k.lstrip("\\"): k for k in mods}
    children = {
        k: {
            key[t.lstrip("\\")]: n
            for t, n in v.get("num_cells_by_type", {}).items()
            if t.lstrip("\\") in key
        }
        for k, v in mods.items()
    }
    inst: dict[str, int] = defaultdict(int)

    def walk(k: str, mult: int) -> None:
        inst[k] += mult
        for c, n in children[k].items():
            walk(c, mult * n)

    walk(key[top.lstrip("\\")], 1)
    return dict(inst), children


def leaf_cells(st: dict, top: str) -> dict[str, int]:
    """Cell counts of the whole design under `top`: each module's own cells (not its
    submodule instances) times its number of instances."""
    inst, _ = instances(st, top)
    mods = {m.lstrip("\\") for m in st["modules"]}
    total: dict[str, int] = defaultdict(int)
    for m, k in inst.items():
        for t, n in st["modules"][m].get("num_cells_by_type", {}).items():
            if t.lstrip("\\") not in mods:
                total[t] += n * k
    return dict(sorted(total.items()))


def liberty_cells(lib: Path) -> tuple[dict[str, float], set[str]]:
    """(area of each cell, names of sequential cells) of a Liberty file."""
    text = re.sub(r"//[^\n]*|/\*.*?\*/", " ", lib.read_text(), flags=re.S)
    areas, seq = {}, set()
    for m in re.finditer(r"\bcell\s*\(\s*\"?([\w$]+)\"?\s*\)\s*\{", text):
        body = text[m.end() : m.end() + 400]
        a = re.search(r"\barea\s*:\s*([\d.eE+-]+)", body)
        if a:
            areas[m.group(1)] = float(a.group(1))
        nxt = text.find("cell (", m.end())
        if re.search(r"\b(ff|latch)\s*\(", text[m.end() : nxt if nxt > 0 else None]):
            seq.add(m.group(1))
    areas.update(zero_area_fixes(lib))
    return areas, seq


def local_areas(st: dict, lib: Path, txt: Path | None = None) -> dict[str, tuple[float, float]]:
    """(area, sequential area) of each module's own cells, from its cell counts and the
    Liberty areas (Yosys 0.70's `stat -json` module area includes some submodules and
    not others; 0.23 has none).  Checked against the text report's local `Chip area` lines."""
    areas, seq = liberty_cells(lib)
    res = {}
    for m, v in st["modules"].items():
        cells = v.get("num_cells_by_type", {})
        res[m] = (
            sum(areas.get(t, 0.0) * n for t, n in cells.items()),
            sum(areas.get(t, 0.0) * n for t, n in cells.items() if t in seq),
        )
    if txt is not None and txt.exists():
        for m, a in re.findall(r"Chip area for module '([^']+)':\s*([\d.]+)", txt.read_text()):
            if m in res and abs(res[m][0] - float(a)) > 1e-3 * max(1.0, float(a)):
                raise RuntimeError(f"area of {m}: {res[m][0]} from cell counts, {a} in {txt.name}")
    return res


def total_area(st: dict, top: str, local: dict[str, tuple[float, float]]) -> tuple[float, float]:
    inst, _ = instances(st, top)
    return (
        sum(local[m][0] * k for m, k in inst.items()),
        sum(local[m][1] * k for m, k in inst.items()),
    )


def pretty_module(name: str) -> str:
    """`$paramod\\posit_decode\\N=s32'00..01000\\ES=...` -> `posit_decode(N=8,ES=...)`."""
    name = name.lstrip("\\")
    if not name.startswith("$paramod"):
        return name
    parts = name.split("\\")
    if parts[0] != "$paramod":  # hashed form $paramod$<hash>\name
        return f"{parts[-1]}({parts[0][len('$paramod$') :][:8]})"
    args = []
    for p in parts[2:]:
        k, _, v = p.partition("=")
        m = re.fullmatch(r"(s?)(\d+)'([01xz]+)", v)
        if m and set(m.group(3)) <= {"0", "1"}:
            val = int(m.group(3), 2)
            if m.group(1) and m.group(3)[0] == "1":
                val -= 1 << len(m.group(3))
            v = str(val)
        args.append(f"{k}={v}")
    return f"{parts[1]}({','.join(args)})"


def paramod_names(log: Path) -> dict[str, str]:
    """`$paramod$<hash>\\name` -> `name(P=V,...)` from the `Parameter \\P = V` lines that
    precede each derived module in a Yosys log (Yosys hashes long parameter lists)."""
    names: dict[str, str] = {}
    params: list[str] = []
    if not log.exists():
        return names
    with open(log, errors="replace") as fh:
        for line in fh:
            if line.startswith("Parameter \\"):
                k, _, v = line[len("Parameter \\") :].strip().partition(" = ")
                m = re.fullmatch(r"(\d+)'([01]+)", v)
                params.append(f"{k}={int(m.group(2), 2) if m else v}")
                continue
            m = re.search(
                r"(?:Generating|Found cached) RTLIL representation for module `(\$paramod[^']*)'",
                line,
            )
            if m:
                raw = m.group(1)
                if params and raw not in names:
                    names[raw] = f"{raw.rsplit(chr(92), 1)[-1]}({','.join(params)})"
                params = []
            elif "Executing AST frontend in derive mode" in line:
                params = []
    return names


def breakdown(st: dict, top: str, local_area: dict[str, tuple[float, float]]) -> dict:
    """Per-module sky130 area of the hierarchical mapping: each module's own cells (excluding
    its submodules) times its number of instances, and the subtree of every direct child of
    the top module."""
    mods = st["modules"]
    topk = {k.lstrip("\\"): k for k in mods}[top]
    local = {k: a for k, (a, _) in local_area.items()}
    seqa = {k: sa for k, (_, sa) in local_area.items()}
    inst, children = instances(st, top)
    subtree_cache: dict[str, float] = {}

    def subtree(k: str) -> float:
        if k not in subtree_cache:
            subtree_cache[k] = local[k] + sum(n * subtree(c) for c, n in children[k].items())
        return subtree_cache[k]

    total = subtree(topk)
    by_module = sorted(
        (
            {
                "module": pretty_module(k),
                "yosys_name": k.lstrip("\\"),
                "instances": inst[k],
                "area_um2_each": round(local[k], 3),
                "area_um2": round(local[k] * inst[k], 3),
                "sequential_um2": round(seqa[k] * inst[k], 3),
                "share": round(local[k] * inst[k] / total, 4) if total else 0.0,
            }
            for k in inst
        ),
        key=lambda r: -r["area_um2"],
    )
    top_children = [
        {
            "module": "(top-level logic)",
            "instances": 1,
            "area_um2": round(local[topk], 3),
            "share": round(local[topk] / total, 4) if total else 0.0,
        }
    ]
    for c, n in sorted(children[topk].items(), key=lambda kv: -kv[1] * subtree(kv[0])):
        top_children.append(
            {
                "module": pretty_module(c),
                "yosys_name": c.lstrip("\\"),
                "instances": n,
                "area_um2": round(n * subtree(c), 3),
                "share": round(n * subtree(c) / total, 4) if total else 0.0,
            }
        )
    return {
        "total_area_um2_hierarchical": round(total, 3),
        "by_module": by_module,
        "top_children": top_children,
    }


def run_script(cmds: list[tuple[str, str]], out: Path, flow: str, yosys: str) -> dict:
    """Run the Yosys commands (pyosys in this process, or a yosys binary); seconds per stage."""
    times: dict[str, float] = defaultdict(float)
    if yosys == "pyosys":
        from pyosys import libyosys as ys  # only the worker processes load Yosys

        d = ys.Design()
        for stage, cmd in cmds:
            t = time.time()
            ys.run_pass(cmd, d)  # a Yosys error ends this process (status 1)
            times[stage] += time.time() - t
    else:
        script = out / f"{flow}.ys"
        script.write_text("".join(f"{c}\n" for _, c in cmds))
        t = time.time()
        subprocess.run([yosys, "-s", str(script)], check=True)
        times["all"] = time.time() - t
    return {f"seconds_{k}": round(v, 2) for k, v in times.items()}


def check_modules(core: Path | None, rtl: Path | None, tops: list[str], yosys: str) -> int:
    """Quick Yosys front-end check (read, hierarchy, proc, flatten) of each module: does it fall
    inside the SystemVerilog subset Yosys reads?  One process per module."""
    from xrnpe.sim.manifest import ManifestError

    failed = 0
    for top in tops:
        try:
            srcs = Design(top, top=top).sources(core, rtl)
        except ManifestError as e:
            print(f"check {top:<24} skipped: {e}")
            continue
        spec = {
            "top": top,
            "params": {},
            "rtl": str(srcs[-1].parent),
            "sources": [str(s) for s in srcs],
        }
        cmds = [c for _, c in script_read(spec)] + ["proc", "flatten"]
        if yosys == "pyosys":
            code = "from pyosys import libyosys as ys\nd = ys.Design()\n" + "".join(
                f"ys.run_pass({c!r}, d)\n" for c in cmds
            )
            r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        else:
            r = subprocess.run([yosys, "-p", "; ".join(cmds)], capture_output=True, text=True)
        errs = [ln.strip() for ln in (r.stdout + r.stderr).splitlines() if "ERROR" in ln]
        ok = r.returncode == 0
        failed += not ok
        print(
            f"check {top:<24} {'ok' if ok else 'FAIL'}"
            + ("" if ok or not errs else f"  {errs[-1]}")
        )
    return 1 if failed else 0


def run_worker(flow: str, spec_path: Path) -> int:
    spec = json.loads(spec_path.read_text())
    out = Path(spec["out"])
    script, post = (script_xilinx, post_xilinx) if flow == "xilinx" else (script_asic, post_asic)
    try:
        times = run_script(script(spec, out), out, flow, spec.get("yosys", "pyosys"))
        res = {**post(spec, out), **times}
    except Exception as e:
        (out / f"{flow}_result.json").write_text(json.dumps({"error": f"{type(e).__name__}: {e}"}))
        print(f"ERROR: {type(e).__name__}: {e}", flush=True)
        return 1
    (out / f"{flow}_result.json").write_text(json.dumps(res, indent=1))
    return 0


# ---------------------------------------------------------------------------------------------
# Parent side
# ---------------------------------------------------------------------------------------------


def _top_of(d: Design, core: Path | None) -> str:
    from xrnpe.sim import manifest

    try:
        return d.top_module(core)
    except manifest.ManifestError:  # reported by the check
        return d.top or d.name


def _rel(p: Path) -> str:
    """A path relative to the checkout (the manifest's directory) if inside it."""
    from xrnpe.sim import manifest

    root = manifest.hw_root()
    return str(p.relative_to(root)) if root in p.parents else str(p)


def main(argv: list[str] | None = None, prog: str | None = None, out: Path | None = None) -> int:
    """The command line; ``out`` is the default of --out (else build/synth here)."""
    from xrnpe.sim import manifest

    ap = argparse.ArgumentParser(
        prog=prog, description="Yosys area reports -> build/synth/summary.json"
    )
    ap.add_argument(
        "--design",
        action="append",
        default=[],
        help="design to synthesise: NAME (of the design table), or NAME=BLOCK|TOP[:P=V,...], "
        "optionally with /flat or /hier; repeatable",
    )
    ap.add_argument(
        "--core",
        type=Path,
        default=None,
        help="FuseSoC core (source manifest) to read (default: xrnpe.core)",
    )
    ap.add_argument(
        "--rtl",
        type=Path,
        default=None,
        help="read every RTL file by name from this directory instead",
    )
    ap.add_argument(
        "--out", type=Path, default=out or Path("build") / "synth", help="default: %(default)s"
    )
    ap.add_argument(
        "--liberty", type=Path, default=None, help=f"default: {LIBERTY} of the checkout"
    )
    ap.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=int(os.environ.get("SYNTH_JOBS", min(2, os.cpu_count() or 1))),
        help="Yosys processes at once (default: 2 or the number of cores if fewer; env SYNTH_JOBS)",
    )
    ap.add_argument("--timeout", type=float, default=3600.0, help="seconds per Yosys process")
    ap.add_argument("--no-breakdown", action="store_true", help="skip the hierarchical area run")
    ap.add_argument(
        "--flatten",
        choices=("auto", "yes", "no"),
        default="auto",
        help="flatten before synthesis: per design (auto: PEs yes, coprocessor no)",
    )
    ap.add_argument(
        "--yosys",
        default=os.environ.get("SYNTH_YOSYS", "pyosys"),
        help="'pyosys' (default) or a yosys executable, e.g. /usr/bin/yosys (env SYNTH_YOSYS)",
    )
    ap.add_argument(
        "--check",
        action="store_true",
        help="only check that Yosys reads each module of rtl/ (or each --design top)",
    )
    ap.add_argument("--worker", choices=("xilinx", "asic"), help=argparse.SUPPRESS)
    ap.add_argument("--spec", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        return run_worker(args.worker, args.spec)

    rtl = args.rtl.resolve() if args.rtl else None
    core = args.core.resolve() if args.core else None
    designs = [parse_design(a, core) for a in args.design] if args.design else DESIGNS
    if args.check:
        tops = (
            [_top_of(d, core) for d in designs]
            if args.design
            else [
                p.stem
                for p in manifest.load(core).all_files()
                if p.parent.name == "rtl" and p.suffix == ".sv"
            ]
        )
        tops = [t_ for t_ in tops if not t_.endswith("_pkg")]
        return check_modules(core, rtl, tops, args.yosys)
    out_root = args.out.resolve()
    liberty = (args.liberty or manifest.hw_root() / LIBERTY).resolve()
    if not liberty.is_file():
        print(f"synth: {liberty} not found (--liberty: the area Liberty)", file=sys.stderr)
        return 2
    out_root.mkdir(parents=True, exist_ok=True)
    t_start = time.time()

    jobs: list[tuple[Design, str, Path, Path]] = []
    present: list[Design] = []
    for d in designs:
        try:
            srcs = d.sources(core, rtl, view="fpga")
            srcs_asic = d.sources(core, rtl, view="ungated")
            top = d.top_module(core)
            params = d.parameters(core)
        except manifest.ManifestError as e:
            print(f"synth {d.name:<14} skipped: {e}")
            continue
        present.append(d)
        out = out_root / d.name
        out.mkdir(parents=True, exist_ok=True)
        for stale in [*out.glob("*_result.json"), out / "details.json", out / "breakdown.json"]:
            stale.unlink(missing_ok=True)
        spec = {
            "name": d.name,
            "top": top,
            "params": params,
            "rtl": str(srcs[-1].parent),
            "sources": [str(s) for s in srcs],  # the xilinx flow's (fpga view)
            "sources_asic": [str(s) for s in srcs_asic],
            "out": str(out),
            "liberty": str(liberty),
            "no_breakdown": args.no_breakdown,
            "flatten": not d.hierarchical if args.flatten == "auto" else args.flatten == "yes",
            "yosys": args.yosys,
        }
        spec_path = out / "spec.json"
        spec_path.write_text(json.dumps(spec, indent=1))
        for flow in ("xilinx", "asic"):
            jobs.append((d, flow, spec_path, out / f"yosys_{flow}.log"))

    # run the Yosys processes, at most --jobs at once
    running: list[tuple[subprocess.Popen, Design, str, float, object]] = []
    results: dict[tuple[str, str], dict] = {}
    pending = list(jobs)
    while pending or running:
        while pending and len(running) < max(1, args.jobs):
            d, flow, spec_path, log = pending.pop(0)
            fh = open(log, "w")  # noqa: SIM115 (open for the worker's lifetime, closed when it ends)
            p = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "xrnpe.ppa.synth",
                    "--worker",
                    flow,
                    "--spec",
                    str(spec_path),
                ],
                stdout=fh,
                stderr=subprocess.STDOUT,
            )
            running.append((p, d, flow, time.time(), fh))
        time.sleep(0.2)
        for item in list(running):
            p, d, flow, t0, fh = item
            rc = p.poll()
            if rc is None and time.time() - t0 > args.timeout:
                p.kill()
                rc = p.wait()
                results[(d.name, flow)] = {"error": f"timeout after {args.timeout:.0f} s"}
            if rc is None:
                continue
            fh.close()
            running.remove(item)
            rfile = out_root / d.name / f"{flow}_result.json"
            if (d.name, flow) not in results:
                if rfile.exists():
                    results[(d.name, flow)] = json.loads(rfile.read_text())
                else:
                    errs = [
                        ln.strip()
                        for ln in Path(fh.name).read_text(errors="replace").splitlines()
                        if "ERROR" in ln
                    ]
                    results[(d.name, flow)] = {
                        "error": f"yosys process exited with status {rc}"
                        + (f": {errs[-1]}" if errs else "")
                    }
            results[(d.name, flow)]["seconds"] = round(time.time() - t0, 1)
            r = results[(d.name, flow)]
            status = "FAILED: " + r["error"] if "error" in r else "ok"
            print(f"synth {d.name:<14} {flow:<7} {r['seconds']:7.1f} s  {status}", flush=True)

    summary: dict[str, dict] = {}
    failed = []
    for d in present:
        rx, ra = results.get((d.name, "xilinx"), {}), results.get((d.name, "asic"), {})
        if "error" in rx or "error" in ra or not rx or not ra:
            failed.append(d.name)
            print(
                f"synth {d.name:<14} FAILED, see {out_root / d.name}/yosys_*.log", file=sys.stderr
            )
            continue
        entry = {
            "lut": rx["lut_primitives"] + rx["inv"],
            "ff": rx["ff"],
            "dsp": rx["dsp"],
            "carry": rx["carry8"] + rx["carry8_equiv"],
            "levels": rx["levels"],
            "cmos_transistors": ra["cmos"]["transistors"],
            "area_um2": round(ra["sky130"]["area_um2"], 3),
        }
        summary[d.name] = entry
        spec = json.loads((out_root / d.name / "spec.json").read_text())
        details = {
            "top": spec["top"],
            "params": spec["params"],
            "flatten": spec["flatten"],
            "sources": [_rel(Path(s)) for s in spec["sources"]],
            "summary": entry,
            "xilinx": rx,
            "asic": {k: v for k, v in ra.items() if k != "breakdown"},
        }
        (out_root / d.name / "details.json").write_text(json.dumps(details, indent=1) + "\n")
        if "breakdown" in ra:
            names = paramod_names(out_root / d.name / "yosys_asic.log")
            for row in ra["breakdown"]["by_module"] + ra["breakdown"]["top_children"]:
                if row.get("yosys_name") in names:
                    row["module"] = names[row["yosys_name"]]
            (out_root / d.name / "breakdown.json").write_text(
                json.dumps(ra["breakdown"], indent=1) + "\n"
            )

    (out_root / "summary.json").write_text(json.dumps({"designs": summary}, indent=1) + "\n")
    print_table(summary, results)
    print(
        f"synth: {len(summary)} designs in {time.time() - t_start:.1f} s -> "
        f"{out_root / 'summary.json'}"
    )
    return 1 if failed else 0


def print_table(summary: dict, results: dict) -> None:
    if not summary:
        print("synth: no design synthesised")
        return
    hdr = f"{'design':<14}{'LUT':>8}{'FF':>7}{'DSP':>5}{'CARRY':>7}{'levels':>7}{'transistors':>13}{'area_um2':>12}{'time_s':>8}"
    print(hdr)
    print("-" * len(hdr))
    for n, e in summary.items():
        secs = sum(results.get((n, f), {}).get("seconds", 0) for f in ("xilinx", "asic"))
        print(
            f"{n:<14}{e['lut']:>8}{e['ff']:>7}{e['dsp']:>5}{e['carry']:>7}{e['levels']:>7}"
            f"{e['cmos_transistors']:>13}{e['area_um2']:>12.1f}{secs:>8.1f}"
        )
    if "pe_rmmec" in summary and "pe_baseline" in summary:
        a, b = summary["pe_rmmec"], summary["pe_baseline"]

        def ratio(k: str) -> str:
            return f"{a[k] / b[k]:.3f}" if b[k] else "n/a"

        print(
            f"pe_rmmec / pe_baseline: LUT {ratio('lut')}, FF {ratio('ff')}, "
            f"transistors {ratio('cmos_transistors')}, area {ratio('area_um2')}"
        )


if __name__ == "__main__":
    sys.exit(main())
