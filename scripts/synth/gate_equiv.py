#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Gate-level equivalence by simulation: each RTL module as the simulators read it against the
netlist Yosys makes of it.

Why: the area figures of `make synth` describe what Yosys *read*, and Yosys can read the same
SystemVerilog differently from Icarus and Verilator.  (Yosys 0.70 drops the minus in front of
a size cast, `-W'(x)` reads as `W'(x)`: the synthesised posit encoders returned minpos for most
values until that was found this way.)  So every combinational datapath module is synthesised
(`synth -flatten`, `abc` to simple gates, as the activity bench does), renamed `<top>_gl`, and
run next to the RTL in Icarus on random inputs, shaped where uniform random bits would miss
the interesting cases; every output bit must agree.  The two PEs are checked end to end the
same way by scripts/bench/bench_pe_activity.py (it verifies every gate-level result against
the model before counting toggles) and by tests/test_gate_equiv.py.

Usage: python scripts/synth/gate_equiv.py [--vectors N] [--list] [CASE ...]   (default: all)
Exit status 0 when every case matches, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from xrnpe.ppa.yosys import stdout_to

ROOT = Path(__file__).resolve().parents[2]
RTL: Path | None = None  # None: the manifest's files; else read every file by name from here


def set_rtl(path: Path | None) -> None:
    """Read the RTL from another directory (e.g. a modified copy)."""
    global RTL
    RTL = Path(path).resolve() if path else None


@dataclass(frozen=True)
class Case:
    top: str
    params: dict = field(default_factory=dict)
    # Verilog statements run after the uniform random fill of every input (port names)
    shaping: str = ""
    # sequential: clk / rst_n driven by the bench, random inputs every cycle, outputs compared
    # every cycle wherever the RTL's value is known (registers without reset start as X)
    clocked: bool = False
    # sequential: the share of (cycle, output) samples whose RTL value must be known (not X)
    min_known: float = 0.9


ENC = dict(SCALE_W=8, FRAC_W=24)
# scales near the formats' ranges are the interesting ones: shift the random scale right
ENC_SHAPE = (
    "scale = $signed(scale) >>> ($urandom % 8); "
    "zero = $urandom % 16 == 0; nar = $urandom % 16 == 0;"
)
ACC_SHAPE = (
    "in_live = ($urandom % 4 == 0) ? 8'hff : ($urandom % 3 == 0) ? 8'h18 : "
    "($urandom % 2) ? 8'h38 : 8'h3c; in_seg = in_seg >> ($urandom % 128); "
    "in_out_fmt = $urandom % 5; "
)
MODES = "{m16, m8, m4} = 3'b001 << ($urandom % 3);"  # one-hot, as pe_rmmec drives them

CASES: dict[str, Case] = {
    "lzc_15": Case("xrnpe_lzc", {"W": 15}, "data = data >> ($urandom % 16);"),
    "shift_right_sticky_26": Case("xrnpe_shift_right_sticky", {"W": 26}),
    "posit_decode_16_1": Case("xrnpe_posit_decode", {"N": 16, "ES": 1}),
    "posit_decode_8_0": Case("xrnpe_posit_decode", {"N": 8, "ES": 0}),
    "posit_decode_4_1": Case("xrnpe_posit_decode", {"N": 4, "ES": 1}),
    "fp4_decode": Case("xrnpe_fp4_decode"),
    "posit_encode_16_1": Case("xrnpe_posit_encode", {"N": 16, "ES": 1, **ENC}, ENC_SHAPE),
    "posit_encode_8_0": Case("xrnpe_posit_encode", {"N": 8, "ES": 0, **ENC}, ENC_SHAPE),
    "posit_encode_4_1": Case("xrnpe_posit_encode", {"N": 4, "ES": 1, **ENC}, ENC_SHAPE),
    "fp4_encode": Case("xrnpe_fp4_encode", ENC, ENC_SHAPE),
    "fp32_encode": Case("xrnpe_fp32_encode", ENC, ENC_SHAPE),
    "rmmec_mul": Case("xrnpe_rmmec_mul", {}, MODES),
    "rmmec_scale_add": Case("xrnpe_rmmec_scale_add"),
    "rmmec_align": Case("xrnpe_rmmec_align", {}, MODES),
    "pe_mul_array_13": Case("xrnpe_pe_mul_array", {"W": 13}),
    "pe_mul_array_6": Case("xrnpe_pe_mul_array", {"W": 6}),
    "pe_byte_shift": Case("xrnpe_pe_byte_shift"),
    # sequential blocks: random inputs every cycle exercise their decoding, counters and FSMs
    # (not whole jobs: tb/coprocessor does that on the RTL); the PEs are checked end to end by
    # tests/test_gate_equiv.py
    "acc_seg": Case(
        "xrnpe_acc_seg",
        {},
        "w_fmt = $urandom % 4; w_first = $urandom % 8 == 0; res_take = $urandom % 2;",
        clocked=True,
    ),
    # finished sums of every format: live segments as the format masks, values of every size
    "acc_readout": Case(
        "xrnpe_acc_readout",
        {"TAG_W": 2},
        ACC_SHAPE + "out_ready = $urandom % 4 != 0;",
        clocked=True,
    ),
    "coproc_fifo": Case("xrnpe_coproc_fifo", {"W": 8, "DEPTH": 4}, clocked=True),
    "coproc_regs": Case("xrnpe_coproc_regs", {}, clocked=True),
    # datapath registers have no reset (docs/rtl-style.md): outputs read from them are X
    # until random inputs happen to write them, hence the lower known-sample floors
    "coproc_ctrl": Case("xrnpe_coproc_ctrl", {}, clocked=True, min_known=0.55),
    "coproc_rd_dma": Case("xrnpe_coproc_rd_dma", {}, clocked=True, min_known=0.8),
    "coproc_wr_dma": Case("xrnpe_coproc_wr_dma", {}, clocked=True),
    # small array and C buffer: the default one is ~17 k flip-flops at gate level
    "coproc_collect": Case(
        "xrnpe_coproc_collect", {"ROWS": 2, "COLS": 2, "CBUF_TILES": 4}, clocked=True
    ),
    # the A/B buffers and the PE array at the co-processor's "small" parameter set (2x3 PEs,
    # 32-bit bus, 4/8-word buffers)
    "coproc_feed": Case(
        "xrnpe_coproc_feed",
        {"ROWS": 2, "COLS": 3, "DATA_W": 32, "ABUF_WORDS": 4, "BBUF_WORDS": 8, "CBUF_TILES": 16},
        clocked=True,
        min_known=0.3,
    ),  # PE results of never-written buffer entries are X
}


def rtl_sources(top: str) -> list[Path]:
    """The files of the manifest block that lists ``top`` (packages first); --rtl may point
    elsewhere."""
    from xrnpe.sim import manifest

    return manifest.sources_for_module(top, rtl_dir=RTL)


def simcells() -> Path:
    """Yosys' simulation models of its internal gate cells (for Icarus)."""
    from pyosys import libyosys as ys

    return Path(ys.__file__).resolve().parent / "share" / "simcells.v"


def gate_netlist(
    top: str, work: Path, params: dict | None = None, rename: str | None = None, stat: bool = False
) -> tuple[Path, dict[str, tuple[str, int]]]:
    """The project's gate-level flow, shared with the activity bench: `top` and the files it
    uses, flattened and mapped by ABC to simple gates.  Writes work/<name>_gates.v (name =
    ``rename`` or ``top``; the module is renamed too) and returns it with the ports
    {name: (direction, width)}.  Yosys' log goes to work/<name>_yosys.log."""
    from pyosys import libyosys as ys

    name = rename or top
    out, js = work / f"{name}_gates.v", work / f"{name}_gates.json"
    srcs = rtl_sources(top)
    incs = " ".join(f"-I{d}" for d in dict.fromkeys(s.parent for s in srcs))
    cmds = [f"read_verilog -sv {incs} {src}" for src in srcs]
    cmds += [f"chparam -set {k} {v} {top}" for k, v in (params or {}).items()]
    cmds += [
        f"synth -flatten -top {top}",
        "abc -g AND,NAND,OR,NOR,XOR,XNOR,ANDNOT,ORNOT,MUX",
        "opt_clean",
    ]
    cmds += [f"rename -top {rename}"] if rename else []
    cmds += [f"tee -q -o {work / (name + '_gates.stat')} stat"] if stat else []
    cmds += [f"write_verilog -noattr -noexpr {out}", f"write_json {js}"]
    d = ys.Design()
    with stdout_to(work / f"{name}_yosys.log"):
        for cmd in cmds:
            ys.run_pass(cmd, d)
    mod = json.loads(js.read_text())["modules"][name]
    js.unlink()  # large; only the ports were needed
    return out, {n: (p["direction"], len(p["bits"])) for n, p in mod["ports"].items()}


def testbench(case: Case, ports: dict[str, tuple[str, int]], vectors: int) -> str:
    ins = [(n, w) for n, (d, w) in ports.items() if d == "input"]
    outs = [(n, w) for n, (d, w) in ports.items() if d == "output"]
    decl = [f"  logic [{w - 1}:0] {n};" for n, w in ins]
    decl += [f"  logic [{w - 1}:0] {n}_rtl, {n}_gl;" for n, w in outs]
    params = ", ".join(f".{k}({v})" for k, v in case.params.items())
    conn = lambda sfx: ", ".join(
        [f".{n}({n})" for n, _ in ins] + [f".{n}({n}_{sfx})" for n, _ in outs]
    )
    fill = "\n".join(
        f"      {n} = {{{', '.join(['$urandom'] * ((w + 31) // 32))}}};" for n, w in ins
    )
    differ = " || ".join(f"{n}_rtl !== {n}_gl" for n, _ in outs)
    shown = ", ".join([n for n, _ in ins] + [f"{n}_rtl, {n}_gl" for n, _ in outs])
    fmt = " ".join([f"{n}=%h" for n, _ in ins] + [f"{n}: rtl %h gate %h" for n, _ in outs])
    return f"""`timescale 1ns/1ps
module gate_equiv_tb;
{chr(10).join(decl)}
  {case.top} {"#(" + params + ")" if params else ""} u_rtl ({conn("rtl")});
  {case.top}_gl u_gl ({conn("gl")});
  integer i, bad;
  initial begin
    bad = 0;
    for (i = 0; i < {vectors}; i = i + 1) begin
{fill}
      {case.shaping}
      #1;
      if ({differ}) begin
        bad = bad + 1;
        if (bad <= 3) $display("MISMATCH {fmt}", {shown});
      end
    end
    $display("RESULT %0d %0d", bad, {vectors});
    $finish;
  end
endmodule
"""


def testbench_clocked(case: Case, ports: dict[str, tuple[str, int]], cycles: int) -> str:
    ins = [(n, w) for n, (d, w) in ports.items() if d == "input" and n not in ("clk", "rst_n")]
    outs = [(n, w) for n, (d, w) in ports.items() if d == "output"]
    # the reset is asserted at 1 ns, before the first clock edge: an asynchronous reset then
    # defines the valid bits, and with them the clock gates' enables, before the first edge (a
    # gate whose latch is still X would see a 0 -> X "edge" there)
    decl = ["  logic clk = 1'b0, rst_n = 1'b1;", "  always #5 clk = ~clk;"]
    decl += [f"  logic [{w - 1}:0] {n};" for n, w in ins]
    decl += [f"  logic [{w - 1}:0] {n}_rtl, {n}_gl;" for n, w in outs]
    params = ", ".join(f".{k}({v})" for k, v in case.params.items())
    fixed = [".clk(clk)", ".rst_n(rst_n)"]
    conn = lambda sfx: ", ".join(
        fixed + [f".{n}({n})" for n, _ in ins] + [f".{n}({n}_{sfx})" for n, _ in outs]
    )
    fill = "\n".join(
        f"      {n} = {{{', '.join(['$urandom'] * ((w + 31) // 32))}}};" for n, w in ins
    )
    # an output differs when the RTL's value has no X/Z bit and the netlist's is not the same
    cmp_ = "\n".join(
        f"      if (({n}_rtl ^ {n}_rtl) === '0) known = known + 1;\n"
        f"      if (({n}_rtl ^ {n}_rtl) === '0 && {n}_rtl !== {n}_gl) begin\n"
        f"        bad = bad + 1;\n"
        f'        if (bad <= 3) $display("MISMATCH cycle %0d {n}: rtl %h gate %h", i, {n}_rtl, {n}_gl);\n'
        f"      end"
        for n, _ in outs
    )
    return f"""`timescale 1ns/1ps
module gate_equiv_tb;
{chr(10).join(decl)}
  {case.top} {"#(" + params + ")" if params else ""} u_rtl ({conn("rtl")});
  {case.top}_gl u_gl ({conn("gl")});
  integer i, bad, known;
  initial begin
    bad = 0;
    known = 0;
{fill}
    #1 rst_n = 1'b0;
    repeat (3) @(negedge clk);
    rst_n = 1'b1;
    for (i = 0; i < {cycles}; i = i + 1) begin
      @(negedge clk);
{cmp_}
{fill}
      {case.shaping}
      rst_n = ($urandom % 1000) != 0;  // an occasional reset
    end
    $display("RESULT %0d %0d %0d", bad, {cycles}, known);
    $finish;
  end
endmodule
"""


def check(
    name: str, vectors: int = 20000, keep: bool = False, cycles: int = 3000
) -> tuple[int, list[str]]:
    """Run one case (``vectors`` random inputs, or ``cycles`` clock cycles for a sequential
    one); returns (mismatching vectors or cycles, the first mismatch lines)."""
    case = CASES[name]
    work = Path(tempfile.mkdtemp(prefix=f"gate_equiv_{name}_"))
    try:
        gl, ports = gate_netlist(case.top, work, case.params, rename=f"{case.top}_gl")
        make_tb = testbench_clocked if case.clocked else testbench
        (work / "tb.sv").write_text(make_tb(case, ports, cycles if case.clocked else vectors))
        cells = simcells()
        srcs = [str(s) for s in rtl_sources(case.top)]
        incs = [f"-I{d}" for d in dict.fromkeys(Path(s).parent for s in srcs)]
        # random inputs break the blocks' input protocols on purpose: assertions off
        r = subprocess.run(
            [
                "iverilog",
                "-g2012",
                "-DXRNPE_NO_ASSERT",
                *incs,
                "-o",
                "sim.vvp",
                "-s",
                "gate_equiv_tb",
                *srcs,
                str(gl),
                str(cells),
                "tb.sv",
            ],
            cwd=work,
            capture_output=True,
            text=True,
        )
        if r.returncode:
            raise RuntimeError(f"{name}: iverilog failed: {r.stderr.strip()[:2000]}")
        r = subprocess.run(
            ["vvp", "-n", "sim.vvp"], cwd=work, capture_output=True, text=True, check=True
        )
        lines = r.stdout.splitlines()
        res = [ln for ln in lines if ln.startswith("RESULT ")]
        if not res:
            raise RuntimeError(f"{name}: the simulation printed no result:\n{r.stdout[-2000:]}")
        fields = res[0].split()
        if case.clocked:
            # every output was compared in most cycles (not only X from unreset registers)
            n_out = sum(1 for d, _ in ports.values() if d == "output")
            total = int(fields[2]) * n_out
            if int(fields[3]) < case.min_known * total:
                raise RuntimeError(
                    f"only {fields[3]} of {total} output samples of the RTL were "
                    f"known (not X), fewer than {case.min_known:.0%}"
                )
        return int(fields[1]), [ln for ln in lines if ln.startswith("MISMATCH")]
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cases", nargs="*", help="case names (default: all; --list shows them)")
    ap.add_argument(
        "--vectors", type=int, default=20000, help="random input vectors per combinational case"
    )
    ap.add_argument(
        "--cycles", type=int, default=3000, help="clock cycles of random inputs per sequential case"
    )
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("--keep", action="store_true", help="keep the work directories (/tmp)")
    ap.add_argument(
        "--rtl",
        type=Path,
        default=None,
        help="read the RTL files by name from this directory (default: the manifest's)",
    )
    args = ap.parse_args(argv)
    set_rtl(args.rtl)
    if args.list:
        for n, c in CASES.items():
            print(f"{n:<24} {c.top} {c.params or ''}")
        return 0
    unknown = [c for c in args.cases if c not in CASES]
    if unknown:
        print(f"gate_equiv: unknown case(s) {unknown}; --list shows them", file=sys.stderr)
        return 2
    if args.vectors < 1 or args.cycles < 1:
        print("gate_equiv: --vectors and --cycles must be at least 1", file=sys.stderr)
        return 2
    failed = 0
    for name in args.cases or list(CASES):
        try:
            bad, first = check(name, args.vectors, args.keep, args.cycles)
        except RuntimeError as e:
            failed += 1
            print(f"{name:<24} ERROR {e}")
            continue
        failed += bad > 0
        n = f"{args.cycles} cycles" if CASES[name].clocked else f"{args.vectors} vectors"
        print(f"{name:<24} {'ok' if not bad else f'{bad} of {n} differ'}")
        for ln in first:
            print("    " + ln)
    print(f"gate_equiv: {len(args.cases or CASES) - failed} match, {failed} differ")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
