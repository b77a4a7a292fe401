# SPDX-License-Identifier: Apache-2.0
"""Fail when a cocotb results file holds a failed test, or no test at all.

FuseSoC (and cocotb's makefiles) exit 0 whatever the tests did; the core's sim targets run
``python -m xrnpe.sim.results results.xml`` after the simulation.  Exit 0: at least one test
ran and none failed; 1: failures or no test; 2: the file is missing or unreadable.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def summarize(path: Path) -> tuple[int, list[str]]:
    """(tests run, names of failed tests) of a cocotb/JUnit results file."""
    root = ET.parse(path).getroot()
    ran, failed = 0, []
    for case in root.iter("testcase"):
        ran += 1
        if case.find("failure") is not None or case.find("error") is not None:
            failed.append(case.get("name", "?"))
    return ran, failed


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0] if args else "results.xml")
    try:
        ran, failed = summarize(path)
    except (OSError, ET.ParseError) as e:
        print(f"xrnpe.sim.results: cannot read {path}: {e}", file=sys.stderr)
        return 2
    if not ran:
        print(f"xrnpe.sim.results: {path} holds no test", file=sys.stderr)
        return 1
    if failed:
        print(
            f"xrnpe.sim.results: {len(failed)} of {ran} tests failed: {', '.join(failed)}",
            file=sys.stderr,
        )
        return 1
    print(f"xrnpe.sim.results: {ran} tests passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
