#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Speed of the exact Python models: quantize throughput and 64x64x64 matmul time.

Writes build/bench/models.json:
  {"quantize": {fmt: values_per_s}, "matmul_64": {fmt: {out_fmt: seconds}}}
and prints a table.  Quantize: 1,000,000 float32 values (normal, sigma 4) per input format;
matmul: random 64x64 by 64x64 codes (NaR-free) for every input x output format.  Each figure
is the best of --repeat runs after a warm-up (the lookup tables are built once per process).

Run standalone (`python scripts/bench/bench_models.py`) or through `make bench`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
from xrnpe import vector  # noqa: E402
from xrnpe.formats import FORMATS, INPUT_FORMATS, OUTPUT_FORMATS  # noqa: E402

mm = importlib.import_module("xrnpe.matmul")


def best_time(fn, repeat: int) -> float:
    fn()  # warm-up: builds the per-format tables
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def random_codes(rng, fmt, shape):
    f = FORMATS[fmt]
    c = rng.integers(0, 1 << f.width, shape)
    if f.nar is not None:
        c[c == f.nar] = 0
    return c.astype(f.dtype)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("-o", "--output", default=str(ROOT / "build" / "bench" / "models.json"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("-n", type=int, default=1_000_000, help="values per quantize run")
    args = ap.parse_args(argv)

    rng = np.random.default_rng(2026)
    x = (rng.standard_normal(args.n) * 4).astype(np.float32)
    quant = {}
    for f in INPUT_FORMATS:
        t = best_time(lambda: vector.quantize(f, x), args.repeat)
        quant[f] = args.n / t

    mat = {}
    for f in INPUT_FORMATS:
        a, b = random_codes(rng, f, (64, 64)), random_codes(rng, f, (64, 64))
        mat[f] = {o: best_time(lambda: mm.matmul(a, b, f, o), args.repeat) for o in OUTPUT_FORMATS}

    report = {"quantize": quant, "matmul_64": mat}
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, indent=2) + "\n")
    tmp.replace(out)

    print(f"quantize ({args.n:,} float32 values, best of {args.repeat})")
    print(f"  {'format':<8}{'Mvalues/s':>12}")
    for f, v in quant.items():
        print(f"  {f:<8}{v / 1e6:>12.1f}")
    print(f"matmul 64x64x64 (ms, best of {args.repeat})")
    print("  " + "in/out".ljust(8) + "".join(f"{o:>9}" for o in OUTPUT_FORMATS))
    for f, row in mat.items():
        print("  " + f"{f:<8}" + "".join(f"{row[o] * 1e3:>9.2f}" for o in OUTPUT_FORMATS))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
