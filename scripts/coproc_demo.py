#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""XR-NPE co-processor demo: random matrices in every input format (and a spread of output
formats) through the RTL co-processor in simulation, over AXI, checked bit-exactly against the
exact model; prints format, shape, cycles, utilization and PASS/FAIL per job.

Exit status: 0 if every result matches the model, 1 otherwise (2 for a failed simulation).
Usage: python scripts/coproc_demo.py [--sim icarus|verilator] [--seed N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

from xrnpe.formats import FORMATS  # noqa: E402
from xrnpe.matmul import matmul  # noqa: E402
from xrnpe.rtl import RtlEngineError, matmul_rtl_many  # noqa: E402
from xrnpe.vector import quantize  # noqa: E402

# (input format, output format, M, K, N): every input format, every output format at least
# once, shapes that are not multiples of the 4x4 array or of the lanes, and a few larger ones
# (K over an A buffer slot, many tiles).  About 6,700 cycles in all: ~15 s on Icarus.
CASES = [
    ("fp4", "fp4", 4, 8, 4),
    ("fp4", "fp32", 5, 9, 3),
    ("p4", "p4", 4, 8, 4),
    ("p4", "p8", 3, 11, 5),
    ("p8", "p8", 4, 8, 4),
    ("p8", "p16", 5, 7, 3),
    ("p8", "fp4", 2, 6, 2),
    ("p16", "p16", 4, 4, 4),
    ("p16", "fp32", 3, 5, 2),
    ("p16", "p4", 1, 3, 1),
    ("fp4", "fp4", 8, 64, 8),
    ("p8", "fp32", 8, 32, 8),
    ("fp4", "fp32", 9, 600, 7),
    ("p8", "p8", 16, 64, 16),
    ("p16", "fp32", 7, 150, 9),
    ("p8", "p8", 32, 32, 32),
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sim", choices=("icarus", "verilator"), default="icarus")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    jobs = []
    for fmt, out, m, k, n in CASES:
        a = quantize(fmt, rng.standard_normal((m, k)))
        b = quantize(fmt, rng.standard_normal((k, n)))
        if FORMATS[fmt].nar is not None and len(jobs) == 2:
            a[0, 0] = FORMATS[fmt].nar  # one NaR operand: row 0 of C is NaR, STATUS.INVALID
        jobs.append(dict(a=a, b=b, fmt=fmt, out_fmt=out))
    print(
        f"{len(jobs)} random matrix multiplies on the RTL co-processor ({args.sim}), checked "
        "against the exact model",
        flush=True,
    )
    t0 = time.time()
    try:
        results = matmul_rtl_many(
            jobs, sim=args.sim, progress=lambda s: print("  " + s, flush=True)
        )
    except RtlEngineError as e:
        print(f"coproc_demo: {e}", file=sys.stderr)
        return 2
    wall = time.time() - t0
    print(
        f"\n{'in':<5}{'out':<6}{'M x K x N':<14}{'cycles':>8}{'MACs':>8}{'peak':>6}{'util':>7}"
        f"{'NaR':>5}  result"
    )
    fails = 0
    for job, (c, st) in zip(jobs, results):
        exp = matmul(job["a"], job["b"], job["fmt"], job["out_fmt"])
        ok = (
            np.array_equal(c.view(np.uint32), exp.view(np.uint32))
            if exp.dtype == np.float32
            else c.dtype == exp.dtype and np.array_equal(c, exp)
        )
        fails += not ok
        shape = f"{st['m']}x{st['k']}x{st['n']}"
        print(
            f"{job['fmt']:<5}{job['out_fmt']:<6}{shape:<14}{st['cycles']:>8}{st['macs']:>8}"
            f"{st['peak_macs_per_cycle']:>6}{st['utilization']:>7.3f}{'yes' if st['invalid'] else '':>5}"
            f"  {'PASS' if ok else 'FAIL'}"
        )
    print(f"\n{len(jobs) - fails}/{len(jobs)} bit-exact ({wall:.0f} s)")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
