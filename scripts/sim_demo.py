#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`make sim`: the main demo.

1. The co-processor demo (scripts/coproc_demo.py): random matrices in every format through the
   RTL co-processor over AXI, checked bit-exactly against the model, with cycles and utilization.
2. A pass/fail table of the codec-level testbenches (tb/<dut>/) on each simulator; the PE and
   co-processor regressions are longer and run in `make test` (or add --all-blocks).

Options: --sim icarus|verilator (default: both for the table, icarus for the demo),
--blocks-only / --demo-only, --all-blocks, --jobs N (suites at a time).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIMS = ("icarus", "verilator")


def run_block_suite(dut_dir: Path, sim: str) -> tuple[int, int, float]:
    """Run one tb/<dut> folder under one simulator; return (passed, failed, seconds)."""
    env = dict(os.environ, SIM=sim)
    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "junit.xml"
        t0 = time.time()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-m",
                "not soak",
                "-p",
                "no:cacheprovider",
                f"--junitxml={xml}",
                str(dut_dir),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        secs = time.time() - t0
        if not xml.exists():
            return 0, 1, secs
        suite = ET.parse(xml).getroot()
        suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
        total = int(suite.get("tests", 0))
        bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped = int(suite.get("skipped", 0))
        return total - bad - skipped, bad, secs


LONG_SUITES = ("pe", "coprocessor")  # minutes each: part of make test, opt-in here


def block_table(sims: list[str], all_blocks: bool, jobs: int) -> bool:
    """The suites run ``jobs`` at a time (each is one simulator process); rows print in order."""
    duts = sorted(
        p.parent
        for p in ROOT.glob("tb/*/test_*.py")
        if all_blocks or p.parent.name not in LONG_SUITES
    )
    print(f"\nBlock-level testbenches ({len(duts)} DUTs x {', '.join(sims)}, {jobs} at a time)")
    print(f"{'DUT':<24}" + "".join(f"{s:>22}" for s in sims))
    ok = True
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        runs = {(dut, sim): pool.submit(run_block_suite, dut, sim) for dut in duts for sim in sims}
        for dut in duts:
            cells = []
            for sim in sims:
                passed, failed, secs = runs[(dut, sim)].result()
                ok &= failed == 0 and passed > 0
                verdict = "PASS" if failed == 0 and passed > 0 else "FAIL"
                cells.append(f"{verdict} {passed:>3}/{passed + failed:<3} {secs:5.0f} s")
            print(f"{dut.name:<24}" + "".join(f"{c:>22}" for c in cells), flush=True)
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sim", choices=SIMS, help="one simulator only")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--blocks-only", action="store_true")
    g.add_argument("--demo-only", action="store_true")
    ap.add_argument(
        "--all-blocks", action="store_true", help="also run the PE and co-processor suites"
    )
    ap.add_argument(
        "--jobs",
        type=int,
        default=int(os.environ.get("JOBS") or os.cpu_count() or 1),
        help="suites run at a time (default: $JOBS or the number of cores)",
    )
    args = ap.parse_args()
    sims = [args.sim] if args.sim else list(SIMS)
    ok = True
    if not args.blocks_only:
        print("Co-processor demo (RTL over AXI vs the exact model)", flush=True)
        r = subprocess.run(
            [sys.executable, "-m", "scripts.coproc_demo", "--sim", args.sim or "icarus"], cwd=ROOT
        )
        ok &= r.returncode == 0
    if not args.demo_only:
        ok &= block_table(sims, args.all_blocks, max(1, args.jobs))
    print("\nmake sim: " + ("ALL PASS" if ok else "FAILURES (see above)"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
