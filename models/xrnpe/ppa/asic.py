# SPDX-License-Identifier: Apache-2.0
"""Map a design onto a Liberty standard-cell library with Yosys (pyosys) and ABC.

The flow (every design the same; docs/ppa.md):

  read_verilog -sv -DSYNTHESIS ...; chparam ...; hierarchy -check -top TOP
  [proc; flatten PE]                        hierarchical designs: each PE one block
                                            (the design table's flatten_inside, designs.py)
  synth [-flatten] -noabc -top TOP          generic synthesis, no generic ABC pass
  dfflibmap -liberty LIB                    flip-flops
  abc -liberty LIB -constr CONSTR -script ABC_SCRIPT
  opt_clean; flatten (hierarchical designs: after mapping); setundef -zero; opt_clean
  rename -enumerate (short private names shared by the JSON and the Verilog netlist)
  stat -liberty LIB; write_json; write_verilog -noattr -noexpr

ABC_SCRIPT is Yosys' own script for `abc -liberty -constr` (delay-oriented mapping `&nf`, then
`buffer`, `upsize`, `dnsize` and the timing report `stime -p`) without its `dc2` step, and the
generic `abc` pass of `synth` is skipped for the same reason: `dc2` rewrites the Brent-Kung
carry trees that Yosys builds for every adder into ripple chains (a 128-bit adder: 234 levels
instead of 26; 15.0 ns instead of 2.8 ns on osu018).  `adder_check()` measures that on a
128-bit adder (tests/test_ppa.py runs it), so a change of Yosys or ABC that brings it back
shows up.

Worker: ``python -m xrnpe.ppa.asic --spec SPEC.json`` (one design; pyosys logs to stdout).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

from xrnpe.ppa.designs import view_sources
from xrnpe.ppa.liberty import OSU018, zero_area_fixes
from xrnpe.ppa.yosys import flatten_inside_commands, read_commands, stdout_to
from xrnpe.ppa.yosys import quote as _q

# Yosys' script for -liberty with -constr, without dc2 (see the module docstring)
ABC_SCRIPT = (
    "strash; &get -n; &fraig -x; &put; scorr; dretime; strash; &get -n; &dch -f; "
    "&nf; &put; buffer; upsize; dnsize; stime -p"
)
# ABC's view of the boundary of each mapped module: inputs driven like a minimum inverter
# (about a flip-flop's Q drive), outputs loaded like a flip-flop's D pin (femtofarads)
DRIVING_CELL = "INVX1"
OUTPUT_LOAD_FF = 8.8


# The clock-gate cell's view in each mapping (xrnpe.ppa.designs.VIEWS): "gated" builds it from
# osu018 cells, "ungated" passes the clock through and keeps the registers' enables (the hold
# multiplexers of a design without clock gating)
CLOCK_GATE_VIEWS = {"gated": "osu018", "ungated": "ungated"}


def clock_gate_view(sources: list, view: str) -> list[str]:
    """The sources with the clock-gate cell replaced by its ``view`` (CLOCK_GATE_VIEWS)."""
    if view not in CLOCK_GATE_VIEWS:
        raise ValueError(f"clock-gate view {view!r}: expected one of {sorted(CLOCK_GATE_VIEWS)}")
    return [str(p) for p in view_sources([Path(s) for s in sources], CLOCK_GATE_VIEWS[view])]


def script(spec: dict) -> list[str]:
    """The Yosys commands of one mapping (spec: top, sources, params, flatten,
    flatten_inside, liberty, out)."""
    out = Path(spec["out"])
    lib = _q(spec["liberty"])
    flat = spec.get("flatten", True)
    # the library's cells are known before the sources (the gated clock-gate view instantiates
    # them); they stay black boxes through synthesis
    cmds = [f"read_liberty -lib {lib}"] + read_commands(
        spec["top"],
        clock_gate_view(spec["sources"], spec.get("clock_gate", "gated")),
        spec.get("params", {}),
        [Path(s).parent for s in spec["sources"]],
    )
    if not flat:  # hierarchical: these modules are still flattened inside (each PE one block)
        cmds += flatten_inside_commands(spec.get("flatten_inside", []))
    cmds += [
        f"synth {'-flatten ' if flat else ''}-noabc -top {spec['top']}",
        "delete t:$scopeinfo",
        f"dfflibmap -liberty {lib}",
        f"tee -q -o {_q(out / 'abc.log')} abc -liberty {lib} -constr {_q(out / 'abc.constr')} "
        f"-script {_q(out / 'abc.script')}",
        "opt_clean",
    ]
    if not flat:
        cmds += ["flatten", "delete t:$scopeinfo"]
    cmds += [
        "setundef -zero",
        "opt_clean",
        # short names that the JSON and the Verilog netlist share (vesta, the VCD of the
        # gate-level simulation): private nets n<k>_, instances c<k>_
        "rename -enumerate -pattern n%_ w:*",
        "rename -enumerate -pattern c%_ t:*",
        f"tee -q -o {_q(out / 'stat.json')} stat -json -liberty {lib}",
        f"tee -q -o {_q(out / 'stat.txt')} stat -liberty {lib}",
        f"write_json {_q(out / 'netlist.json')}",
        f"write_verilog -noattr -noexpr {_q(out / 'netlist.v')}",
    ]
    return cmds


def run_worker(spec_path: Path) -> int:
    """Run one mapping in this process (its Yosys log goes to stdout)."""
    from pyosys import libyosys as ys  # only the worker loads Yosys

    spec = json.loads(spec_path.read_text())
    out = Path(spec["out"])
    out.mkdir(parents=True, exist_ok=True)
    (out / "abc.script").write_text(ABC_SCRIPT.replace("; ", "\n") + "\n")
    (out / "abc.constr").write_text(f"set_driving_cell {DRIVING_CELL}\nset_load {OUTPUT_LOAD_FF}\n")
    design = ys.Design()
    t0 = time.time()
    for cmd in script(spec):
        ys.run_pass(cmd, design)
    (out / "asic_done.json").write_text(json.dumps({"seconds": round(time.time() - t0, 1)}))
    return 0


def area_um2(out: Path, top: str, liberty: Path = OSU018) -> tuple[float, dict[str, int]]:
    """Total cell area and cell counts of a flat mapping (stat.json)."""
    st = json.loads((out / "stat.json").read_text())
    mods = {k.lstrip("\\"): v for k, v in st["modules"].items()}
    mod = mods[top]
    cells = {k.lstrip("\\"): v for k, v in mod.get("num_cells_by_type", {}).items()}
    area = mod.get("area")
    if area is None:
        raise RuntimeError(f"{out / 'stat.json'}: no area (liberty not applied?)")
    # Yosys counts the Liberty's area; cells it gives area 0 (osu018's LATCH) get their layout's
    fixes = zero_area_fixes(liberty)
    return float(area) + sum(n * fixes.get(c, 0.0) for c, n in cells.items()), cells


def stime_reports(log: Path) -> list[float]:
    """ABC's `stime -p` critical delays (ps) of every ABC run in a Yosys log (one per mapped
    module: ABC sees the combinational logic between flip-flops and module ports)."""
    text = log.read_text(errors="replace")
    return [float(x) for x in re.findall(r"Delay =\s*([0-9.]+) ps", text)]


def adder_check(work: Path, liberty: Path = OSU018, width: int = 128) -> dict:
    """Map a registered ``width``-bit adder with this flow and with Yosys' default scripts
    (generic `abc` in synth, default -liberty script with dc2); ABC's stime delays (ps).  The
    flow keeps the Brent-Kung carry tree, the defaults turn it into a ripple chain."""
    from pyosys import libyosys as ys

    work.mkdir(parents=True, exist_ok=True)
    src = work / "adder.v"
    src.write_text(
        f"module adder(input clk, input [{width - 1}:0] a, b, output reg [{width - 1}:0] y);\n"
        f"  reg [{width - 1}:0] a_q, b_q;\n"
        "  always @(posedge clk) begin a_q <= a; b_q <= b; y <= a_q + b_q; end\n"
        "endmodule\n"
    )
    (work / "abc.script").write_text(ABC_SCRIPT.replace("; ", "\n") + "\n")
    (work / "abc.constr").write_text(
        f"set_driving_cell {DRIVING_CELL}\nset_load {OUTPUT_LOAD_FF}\n"
    )
    lib = _q(liberty)
    res = {}
    for name, synth, abc in (
        (
            "flow",
            "synth -noabc -top adder",
            f"abc -liberty {lib} -constr {_q(work / 'abc.constr')} -script {_q(work / 'abc.script')}",
        ),
        (
            "yosys_default",
            "synth -top adder",
            f"abc -liberty {lib} -constr {_q(work / 'abc.constr')}",
        ),
    ):
        log = work / f"{name}.log"
        log.write_text("")
        with stdout_to(log):
            design = ys.Design()
            for cmd in (f"read_verilog {_q(src)}", synth, f"dfflibmap -liberty {lib}", abc):
                ys.run_pass(cmd, design)
        res[name] = max(stime_reports(log))
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spec", type=Path, help="run one mapping (worker)")
    ap.add_argument(
        "--adder-check",
        type=Path,
        metavar="WORK",
        help="map a 128-bit adder with this flow and Yosys' defaults, print stime",
    )
    args = ap.parse_args(argv)
    if args.spec:
        return run_worker(args.spec)
    if args.adder_check:
        print(json.dumps(adder_check(args.adder_check), indent=1))
        return 0
    ap.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
