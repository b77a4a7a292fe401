#!/usr/bin/env python3
"""Lint every RTL module with `verilator --lint-only -Wall` (each file as its own top).

Packages (rtl/*_pkg.sv) are passed first; other modules are found through -y rtl.  Exits
non-zero if any module has a warning or error.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RTL = ROOT / "rtl"


def main() -> int:
    pkgs = sorted(RTL.glob("*_pkg.sv"))
    # the format package first: other packages may refer to it
    pkgs.sort(key=lambda p: p.name != "xrnpe_pkg.sv")
    modules = sorted(p for p in RTL.glob("*.sv") if p not in pkgs)
    if not modules:
        print("lint: no RTL modules found", file=sys.stderr)
        return 1
    failed = []
    for mod in modules:
        cmd = ["verilator", "--lint-only", "-Wall", "-y", str(RTL), "--top-module", mod.stem,
               *map(str, pkgs), str(mod)]
        r = subprocess.run(cmd, capture_output=True, text=True)
        status = "ok" if r.returncode == 0 and "%Warning" not in r.stderr else "FAIL"
        print(f"lint {mod.stem:<32} {status}")
        if status != "ok":
            failed.append(mod.stem)
            sys.stderr.write(r.stderr)
    print(f"lint: {len(modules) - len(failed)} clean, {len(failed)} with findings")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
