# SPDX-License-Identifier: Apache-2.0
"""The RTL engine: matrix multiplies on the real co-processor RTL, in simulation, over AXI.

``matmul_rtl(a, b, fmt, out_fmt, sim="icarus")`` validates the formats and operands (once:
:func:`xrnpe.jobs.prepare_jobs`), writes them to a temporary folder and runs the cocotb
module :mod:`xrnpe.sim.engine_tb` on the co-processor (built once per simulator by
:mod:`xrnpe.sim.runner` into the user cache directory, see
:func:`xrnpe.sim.runner.build_root`) in a child process.  There the driver lays A and Bt out
in an AXI RAM, programs the co-processor over AXI4-Lite, waits for the interrupt and reads C
back.  The result is the hardware's (the model is never consulted); compare it with
:func:`xrnpe.matmul.matmul`.

The RTL and the FuseSoC manifest ship inside the package, so this works from any directory
after ``pip install 'xrnpe[rtl]'``.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from .jobs import MAX_DIM, PROGRESS_PREFIX, RtlEngineError, emit, prepare_jobs

SIMS = ("icarus", "verilator", "verilator-native")


def matmul_rtl_many(
    jobs: list[dict],
    sim: str = "icarus",
    progress=None,
    *,
    build_dir: str | os.PathLike | None = None,
    pe_kind: str = "rmmec",
) -> list[tuple]:
    """Run several multiplies in one simulator session.

    Each job is a dict with ``a``, ``b``, ``fmt``, ``out_fmt`` and optionally ``block_rows`` /
    ``block_cols`` (split C into blocks, one co-processor job each).  Returns a list of
    ``(C, stats)``; stats has m, k, n, cycles (the co-processor's CYCLES counter, summed over
    blocks), macs, peak_macs_per_cycle, utilization, jobs (blocks run), invalid, and the
    instance geometry.  ``build_dir`` overrides where simulator builds go
    (default ``$XRNPE_BUILD_DIR`` or the user cache directory).  ``pe_kind``: the PEs of the
    co-processor (``PE_KINDS``: rmmec, the default, baseline or wide; the same results, other
    timing and cost).
    """
    if sim not in SIMS:
        raise ValueError(f"unknown simulator {sim!r} (choose {', '.join(SIMS)})")
    params = pe_kind_parameters(pe_kind)
    prepared = prepare_jobs(jobs)  # the only check of the formats and operands
    if sim == "verilator-native":  # the co-processor in a C++ harness: xrnpe.sim.native.engine
        from .sim.native.engine import matmul_native_many

        return matmul_native_many(
            prepared, progress=progress, build_dir=build_dir, parameters=params
        )
    _check_installation(sim)
    env = dict(os.environ)
    env.pop("COCOTB_TEST_FILTER", None)
    if build_dir is not None:
        env["XRNPE_BUILD_DIR"] = str(Path(build_dir).expanduser().resolve())
    with tempfile.TemporaryDirectory(prefix="xrnpe-rtl-") as tmp:
        d = Path(tmp)
        spec = {"jobs": []}
        for i, job in enumerate(prepared):
            np.save(d / f"a{i}.npy", job.a)
            np.save(d / f"b{i}.npy", job.b)
            spec["jobs"].append(job.spec())
        (d / "jobs.json").write_text(json.dumps(spec))
        emit(progress, f"RTL co-processor on {sim}: {len(prepared)} job(s)")
        cmd = [sys.executable, "-m", "xrnpe.rtl", str(d), sim, pe_kind]
        log = []
        # The child leads its own process group (simulator included) and gets SIGTERM if
        # this process dies, so an interrupted run never leaves a simulator behind.
        proc = subprocess.Popen(
            cmd,
            cwd=d,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            start_new_session=True,
            preexec_fn=_parent_death_signal,
        )
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                log.append(line)
                if line.startswith(PROGRESS_PREFIX):
                    emit(progress, line[len(PROGRESS_PREFIX) :].rstrip("\n"))
            rc = proc.wait()
        finally:
            if proc.poll() is None:
                _kill_group(proc.pid)
                proc.wait()
        results = []
        for i in range(len(prepared)):
            cf, sf = d / f"c{i}.npy", d / f"stats{i}.json"
            if rc != 0 or not cf.exists() or not sf.exists():
                raise RtlEngineError(_failure(d, log, sim))
            results.append((np.load(cf), json.loads(sf.read_text())))
    return results


def _check_installation(sim: str) -> None:
    from .sim import manifest, runner

    try:
        manifest.hw_root()
        runner.check_simulator(sim)
        import cocotb  # noqa: F401 - the rtl extra
        import cocotbext.axi  # noqa: F401
    except ImportError as e:
        raise RtlEngineError(
            f"--engine rtl needs the rtl extra (pip install 'xrnpe[rtl]'): {e}"
        ) from None
    except (manifest.ManifestError, runner.SimulationError) as e:
        raise RtlEngineError(str(e)) from None


def _failure(job_dir: Path, log: list[str], sim: str) -> str:
    from .sim import runner

    logf = runner.build_root() / "rtl-engine-last.log"
    try:
        logf.parent.mkdir(parents=True, exist_ok=True)
        logf.write_text("".join(log))
        where = f" (full log: {logf})"
    except OSError:
        where = ""
    err_file = job_dir / "error.txt"
    reason = err_file.read_text().strip() if err_file.exists() else ""
    errs = [ln.strip() for ln in log if "Error" in ln or "error" in ln or "FAIL" in ln]
    detail = reason or (errs[-1] if errs else "".join(log[-3:]).strip())
    return f"RTL simulation ({sim}) failed: {' '.join(detail.split())[:400]}{where}"


def _parent_death_signal() -> None:
    """In the child, before exec: SIGTERM when the parent dies (Linux prctl PDEATHSIG)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG
    except Exception:
        pass


def _kill_group(pgid: int) -> None:
    import signal

    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def pe_kind_parameters(pe_kind: str) -> dict:
    """The co-processor parameters of a PE kind (the RMMEC default: none, so the engine shares
    the test benches' default build)."""
    from .sim.coproc_params import PARAM_SETS, PE_KINDS

    if pe_kind not in PE_KINDS:
        raise ValueError(f"unknown PE kind {pe_kind!r} (choose {', '.join(PE_KINDS)})")
    return PARAM_SETS["default"] if pe_kind == "rmmec" else PARAM_SETS[pe_kind]


def matmul_rtl(
    a,
    b,
    fmt,
    out_fmt,
    sim: str = "icarus",
    progress=None,
    *,
    stats: dict | None = None,
    block_rows: int | None = None,
    block_cols: int | None = None,
    build_dir: str | os.PathLike | None = None,
    pe_kind: str = "rmmec",
) -> np.ndarray:
    """C = A x B computed by the RTL co-processor in simulation (icarus, verilator, or
    verilator-native: the Verilator model in a C++ harness, no Python per cycle).

    ``a`` (M, K) and ``b`` (K, N) are code arrays in CONTRACT dtypes; bad operands raise
    ValueError (same checks as the model).  ``progress``: a callable taking one line, or a
    stream, for progress messages.  ``stats``: a dict filled with the co-processor's counters
    (cycles, macs, peak_macs_per_cycle, utilization, ...).  Matrices with M or N above 65536, or
    ``block_rows``/``block_cols`` given, run as several co-processor jobs.
    """
    ((c, st),) = matmul_rtl_many(
        [dict(a=a, b=b, fmt=fmt, out_fmt=out_fmt, block_rows=block_rows, block_cols=block_cols)],
        sim=sim,
        progress=progress,
        build_dir=build_dir,
        pe_kind=pe_kind,
    )
    if stats is not None:
        stats.clear()
        stats.update(st)
    return c


def _child(job_dir: str, sim: str, pe_kind: str = "rmmec") -> int:
    """Child process: build (if needed) and run :mod:`xrnpe.sim.engine_tb`."""
    import shutil
    import signal

    from .sim import manifest, runner
    from .sim.coproc_params import coproc_sources, effective

    # SIGTERM (e.g. the parent died): take the simulator down with us (we lead the group)
    signal.signal(signal.SIGTERM, lambda *_: _kill_group(os.getpgid(0)))
    print(
        f"{PROGRESS_PREFIX}building the {sim} simulation of the co-processor"
        + (" (the first Verilator build takes a minute or two)" if sim == "verilator" else ""),
        flush=True,
    )
    params = pe_kind_parameters(pe_kind)
    name = f"engine-{os.getpid()}"
    results = None
    try:
        results = runner.run(
            toplevel=manifest.toplevel("coprocessor"),
            sources=coproc_sources(),
            test_module="xrnpe.sim.engine_tb",
            sim=sim,
            parameters=params,
            extra_env={
                "XRNPE_ENGINE_DIR": job_dir,
                "XRNPE_PARAMS": json.dumps(effective(params)),
            },
            name=name,
        )
    except Exception as e:
        if not Path(job_dir, "error.txt").exists():  # the cocotb side may have said more
            Path(job_dir, "error.txt").write_text(f"{type(e).__name__}: {e}")
        return 1
    finally:
        if results is not None:
            shutil.rmtree(results, ignore_errors=True)
    return 0


__all__ = [
    "MAX_DIM",
    "SIMS",
    "RtlEngineError",
    "matmul_rtl",
    "matmul_rtl_many",
    "pe_kind_parameters",
]


if __name__ == "__main__":
    sys.exit(_child(*sys.argv[1:4]))
