#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Co-processor throughput benchmark (RTL in simulation, default parameters).

For each input format (fp4, p4, p8, p16) a 64x64x64 and a 128x128x128 matrix multiply of random
codes run on the RTL co-processor over AXI (xrnpe.rtl, one simulator session); the output
format is the input format (fp4->fp4, p4->p4, p8->p8, p16->p16).  Results are checked bit-exact
against the model (xrnpe.matmul.matmul).  Cycles come from the co-processor's own CYCLES
counter (accepted START to done, all DMA included), MACs from its MACS counter (M*N*K),
peak_macs_per_cycle = ROWS*COLS*lanes from CONFIG.

Writes (CONTRACT section 5):
  build/bench/coproc.json      {"fp4": {"m": 64, "k": 64, "n": 64, "cycles", "macs",
                                "peak_macs_per_cycle", "utilization"}, "p4": ..., "p8": ..., "p16": ...}
  build/bench/coproc_128.json  the same objects for 128x128x128, plus "meta" (simulator,
                                output formats, instance geometry)

Usage: python scripts/bench/bench_coproc.py [--sim verilator|icarus] [--sizes 64 128]
(default verilator: Icarus simulates the PE datapath far too slowly for 64^3 and 128^3.)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]

from xrnpe.formats import INPUT_FORMATS  # noqa: E402
from xrnpe.matmul import matmul  # noqa: E402
from xrnpe.rtl import matmul_rtl_many  # noqa: E402
from xrnpe.vector import quantize  # noqa: E402

KEYS = ("m", "k", "n", "cycles", "macs", "peak_macs_per_cycle", "utilization")


def operands(rng, fmt, m, k, n):
    """Random normal values quantized to ``fmt`` (no NaR)."""
    a = quantize(fmt, rng.standard_normal((m, k)))
    b = quantize(fmt, rng.standard_normal((k, n)))
    return a, b


def same(c, e) -> bool:
    if e.dtype == np.float32:
        return np.array_equal(c.view(np.uint32), e.view(np.uint32))
    return c.dtype == e.dtype and np.array_equal(c, e)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--sim",
        choices=("icarus", "verilator"),
        default="verilator",
        help="simulator (default verilator: Icarus needs hours for these sizes)",
    )
    ap.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[64, 128],
        help="square sizes to run (64 goes to coproc.json, others to coproc_<n>.json)",
    )
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    jobs, keys = [], []
    for size in args.sizes:
        for fmt in INPUT_FORMATS:
            a, b = operands(rng, fmt, size, size, size)
            jobs.append(dict(a=a, b=b, fmt=fmt, out_fmt=fmt))
            keys.append((size, fmt))
    t0 = time.time()
    results = matmul_rtl_many(jobs, sim=args.sim, progress=lambda s: print("  " + s, flush=True))
    wall = time.time() - t0
    out: dict[int, dict] = {s: {} for s in args.sizes}
    ok = True
    rows = []
    meta = {}
    for (size, fmt), job, (c, st) in zip(keys, jobs, results):
        exact = same(c, matmul(job["a"], job["b"], fmt, job["out_fmt"]))
        ok &= exact
        if st["macs"] != size**3:
            print(f"MACS counter {st['macs']} != {size**3}", file=sys.stderr)
            ok = False
        out[size][fmt] = {k: st[k] for k in KEYS}
        out[size][fmt]["utilization"] = round(float(st["utilization"]), 6)
        meta = {k: st[k] for k in ("rows", "cols", "data_bytes", "abuf_words", "bbuf_words")}
        rows.append(
            (
                f"{size}x{size}x{size}",
                fmt,
                job["out_fmt"],
                st["cycles"],
                st["macs"],
                st["peak_macs_per_cycle"],
                st["utilization"],
                "PASS" if exact else "FAIL",
            )
        )
    bench = ROOT / "build" / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        if size == 64:
            (bench / "coproc.json").write_text(json.dumps(out[size], indent=2) + "\n")
        else:
            extra = dict(out[size])
            extra["meta"] = dict(
                sim=args.sim, out_fmt="same as input format", m=size, k=size, n=size, **meta
            )
            (bench / f"coproc_{size}.json").write_text(json.dumps(extra, indent=2) + "\n")
    print(
        f"\nCo-processor benchmark ({args.sim}, ROWS={meta.get('rows')} COLS={meta.get('cols')} "
        f"bus {8 * meta.get('data_bytes', 0)} bits; output format = input format; "
        f"{wall:.0f} s wall)"
    )
    print(
        f"{'shape':<14}{'fmt':<6}{'out':<6}{'cycles':>10}{'MACs':>11}{'peak/cyc':>10}"
        f"{'util':>8}  check"
    )
    for shape, fmt, o, cyc, macs, peak, util, verdict in rows:
        print(f"{shape:<14}{fmt:<6}{o:<6}{cyc:>10}{macs:>11}{peak:>10}{util:>8.3f}  {verdict}")
    written = ["build/bench/coproc.json"] if 64 in args.sizes else []
    written += [f"build/bench/coproc_{s}.json" for s in args.sizes if s != 64]
    print("wrote " + ", ".join(written))
    if not ok:
        print("bench_coproc: RTL results differ from the model", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
