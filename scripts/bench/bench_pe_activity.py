#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Switching-activity proxy for the PE energy comparison: pe_rmmec vs pe_baseline.

Each PE is synthesised by Yosys (pyosys: `synth -flatten` + `abc` to simple gates) and the
gate-level netlist runs the same random workload (per input format: WORDS words of random
non-NaR codes in dot products of 16 words, random output formats) in Icarus with a VCD of the
netlist's nets.  Every bit change of a gate output or flip-flop (the clock excluded) counts as
one toggle -- the same netlist-level measure for both PEs, independent of how the RTL is
written; the figure of merit is toggles per MAC (lane product).  Every result of the netlist
is checked bit-exactly against the model first (a wrong stimulus or netlist aborts the run).
Writes build/bench/pe_activity.json:
  {"pe_rmmec": {"fp4": toggles_per_mac, ...}, "pe_baseline": {...}, "workload": {...}}
and prints a table.  Standalone: python scripts/bench/bench_pe_activity.py [--words N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from scripts.synth import gate_equiv
from xrnpe.formats import FORMATS
from xrnpe.sim import manifest
from xrnpe.sim import pe_model as pm

ROOT = Path(__file__).resolve().parents[2]

TB = """
`timescale 1ns/1ps
module bench_tb;
  logic clk = 0, rst_n = 0;
  always #5 clk = ~clk;
  logic in_ready, out_valid, out_nar;
  logic [31:0] out_data;
  logic [15:0] a, b;
  logic [2:0] fmt, ofmt;
  logic first, last, valid;
  logic [39:0] mem [0:NWORDS-1];
  integer i, nout, fd;
  TOP dut (.clk(clk), .rst_n(rst_n), .clear(1'b0), .in_valid(valid), .in_ready(in_ready), .in_a(a), .in_b(b),
           .in_fmt(fmt), .in_out_fmt(ofmt), .in_first(first), .in_last(last),
           .out_valid(out_valid), .out_ready(1'b1), .out_data(out_data), .out_nar(out_nar));
  // every result, for the bit-exact check against the model (a wrong netlist or stimulus
  // must not produce activity figures)
  always @(posedge clk) if (out_valid) begin
    $fwrite(fd, "%08x %0d\\n", out_data, out_nar);
    nout <= nout + 1;
  end
  initial begin
    $readmemh("words.hex", mem);
    fd = $fopen("results.txt", "w");
    {a, b, fmt, ofmt, first, last, valid} = '0;
    nout = 0;
    repeat (3) @(posedge clk);
    rst_n = 1;
    // warm-up word of this mode, then start counting
    @(negedge clk);
    {a, b, fmt, ofmt, first, last} = mem[0];
    valid = 1;
    @(negedge clk);
    valid = 0;
    repeat (10) @(negedge clk);
    $dumpfile("act.vcd");
    $dumpvars(1, dut);  // the flattened netlist's nets, not the gate-library internals
    for (i = 0; i < NWORDS; i = i + 1) begin
      {a, b, fmt, ofmt, first, last} = mem[i];
      valid = 1;
      @(negedge clk);
    end
    valid = 0;
    repeat (12) @(negedge clk);
    $dumpoff;
    $fclose(fd);
    $finish;
  end
endmodule
"""


def workload(fmt: str, words: int, seed: int) -> tuple[str, pm.Stream]:
    """Dot products of K = 16 random non-NaR words, a random output format each; returns the
    hex image for $readmemh (a, b, fmt, out_fmt, first, last = 16+16+3+3+1+1 bits) and the
    stream with its expected results."""
    rng = np.random.default_rng(seed)
    k = 16
    if words % k:
        raise ValueError(f"--words must be a multiple of {k}")
    jobs = [
        (
            fmt,
            pm.OUT_FMTS[int(rng.integers(0, len(pm.OUT_FMTS)))],
            pm.random_words(rng, fmt, k),
            pm.random_words(rng, fmt, k),
        )
        for _ in range(words // k)
    ]
    st = pm.chain_jobs(jobs)
    lines = []
    for i in range(words):
        w = (
            (int(st.a[i]) << 24)
            | (int(st.b[i]) << 8)
            | (int(st.fmt[i]) << 5)
            | (int(st.ofmt[i]) << 2)
            | (int(st.first[i]) << 1)
            | int(st.last[i])
        )
        lines.append(f"{w:010x}")
    return "\n".join(lines) + "\n", st


def check_results(path: Path, st: pm.Stream, what: str) -> None:
    """The netlist's results must equal the model's, job by job."""
    got = [ln.split() for ln in path.read_text().split("\n") if ln.strip()]
    if len(got) != st.n_jobs:
        raise RuntimeError(f"{what}: {len(got)} results, expected {st.n_jobs}")
    for j, (code, nar) in enumerate(got):
        if int(code, 16) != int(st.exp_code[j]) or int(nar) != int(st.exp_nar[j]):
            raise RuntimeError(
                f"{what}: job {j}: got {code} nar {nar}, expected "
                f"{int(st.exp_code[j]):08x} nar {int(st.exp_nar[j])}"
            )


def count_toggles(vcd: Path) -> int:
    """Bit changes of every signal in the VCD except clocks."""
    ids_clk = set()
    last: dict[str, str] = {}
    width: dict[str, int] = {}
    total = 0
    in_defs = True
    with open(vcd) as fh:
        for line in fh:
            if in_defs:
                if line.startswith("$var"):
                    p = line.split()
                    width[p[3]] = int(p[2])
                    if p[4] == "clk":
                        ids_clk.add(p[3])
                elif line.startswith("$enddefinitions"):
                    in_defs = False
                continue
            c = line[:1]
            if c in "01xz" and len(line) > 1:
                ident, val = line[1:].strip(), line[0]
            elif c == "b":
                val, ident = line[1:].split()
            else:
                continue
            if ident in ids_clk:
                continue
            w = width.get(ident, 1)
            val = val.rjust(w, "0" if val[0] in "01" else val[0])
            prev = last.get(ident)
            if prev is not None:
                total += sum(1 for x, y in zip(prev, val) if x != y)
            last[ident] = val
    return total


def netlist(top: str, work: Path) -> tuple[Path, Path]:
    """Gate-level Verilog of ``top`` (the flow scripts/synth/gate_equiv.py checks against the
    RTL) and the cell library."""
    gates, _ = gate_equiv.gate_netlist(manifest.toplevel(top), work, stat=True)
    return gates, gate_equiv.simcells()


def run(top: str, fmt: str, words: int, seed: int, work: Path, gates: tuple[Path, Path]) -> float:
    d = work / f"{top}_{fmt}"
    d.mkdir(parents=True, exist_ok=True)
    image, st = workload(fmt, words, seed)
    (d / "words.hex").write_text(image)
    (d / "bench_tb.sv").write_text(
        TB.replace("TOP", manifest.toplevel(top)).replace("NWORDS", str(words))
    )
    subprocess.run(
        [
            "iverilog",
            "-g2012",
            "-o",
            "sim.vvp",
            "-s",
            "bench_tb",
            str(gates[0]),
            str(gates[1]),
            "bench_tb.sv",
        ],
        cwd=d,
        check=True,
        capture_output=True,
    )
    subprocess.run(["vvp", "-n", "sim.vvp"], cwd=d, check=True, capture_output=True)
    check_results(d / "results.txt", st, f"{top} {fmt}")
    toggles = count_toggles(d / "act.vcd")
    macs = words * FORMATS[fmt].lanes
    return toggles / macs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=256, help="words per format (default 256)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", action="store_true", help="keep the simulation directory")
    args = ap.parse_args()
    if not shutil.which("iverilog"):
        print("bench_pe_activity: iverilog not found", file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix="pe_activity_"))
    res: dict = {"pe_rmmec": {}, "pe_baseline": {}}
    for top in res:
        gates = netlist(top, work)
        for fmt in pm.IN_FMTS:
            res[top][fmt] = round(run(top, fmt, args.words, args.seed, work, gates), 1)
    res["workload"] = {
        "words_per_format": args.words,
        "dot_product_words": 16,
        "seed": args.seed,
        "counted": "bit changes of every net of the Yosys gate-level netlist "
        "(synth -flatten; abc simple gates) except clk",
        "unit": "toggles per MAC (lane product)",
    }
    out = ROOT / "build" / "bench" / "pe_activity.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2) + "\n")
    print(f"{'format':<8}{'pe_rmmec':>12}{'pe_baseline':>14}{'ratio':>8}   (toggles per MAC)")
    for fmt in pm.IN_FMTS:
        r, b = res["pe_rmmec"][fmt], res["pe_baseline"][fmt]
        print(f"{fmt:<8}{r:>12.1f}{b:>14.1f}{r / b:>8.2f}")
    print(f"wrote {out.relative_to(ROOT)}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
