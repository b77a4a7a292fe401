#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`make bench`: run every benchmark under scripts/bench/ and list the reports it wrote.

Each bench_*.py is standalone (`python scripts/bench/bench_X.py`) and writes its JSON under
build/bench/.  Benchmarks measure; they never assert timing.  Extra arguments are passed on.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ORDER = ["bench_models.py", "bench_pe_activity.py", "bench_coproc.py"]


def main() -> int:
    found = sorted(
        HERE.glob("bench_*.py"),
        key=lambda p: (ORDER.index(p.name) if p.name in ORDER else 99, p.name),
    )
    if not found:
        print("bench: no benchmarks found", file=sys.stderr)
        return 1
    failed = []
    for script in found:
        print(f"\n=== {script.name} ===", flush=True)
        t0 = time.time()
        r = subprocess.run(
            [sys.executable, "-m", f"scripts.bench.{script.stem}", *sys.argv[1:]], cwd=ROOT
        )
        print(
            f"=== {script.name}: {'ok' if r.returncode == 0 else 'FAILED'} in {time.time() - t0:.0f} s"
        )
        if r.returncode:
            failed.append(script.name)
    reports = sorted((ROOT / "build" / "bench").glob("*.json"))
    print("\nreports: " + ", ".join(str(p.relative_to(ROOT)) for p in reports))
    if failed:
        print(f"bench: failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
