"""The RTL engine: matrix multiplies on the real co-processor RTL, in simulation, over AXI.

``matmul_rtl(a, b, fmt, out_fmt, sim="icarus")`` validates the operands, writes them to a
temporary folder and runs the cocotb module ``tb/coprocessor/rtl_engine.py`` (through the
shared runner ``tb/common/runner.py``, which reuses the build in ``build/sim/``) in a child
process.  There the driver (:mod:`xrnpe.driver`) lays A and Bt out in an AxiRam, programs the
co-processor over AXI4-Lite, waits for the interrupt and reads C back.  The result is the
hardware's (the model is never consulted); compare it with :func:`xrnpe.matmul.matmul`.

The repository is found from this file (``models/xrnpe/`` is installed editable), so it works
from any working directory, e.g. ``xrnpe matmul --engine rtl --sim verilator ...``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from .formats import get_format

ROOT = Path(__file__).resolve().parents[2]
TB = ROOT / "tb" / "coprocessor"
SIMS = ("icarus", "verilator")
MAX_DIM = 65536  # M and N per co-processor job (larger matrices are split into blocks)


class RtlEngineError(RuntimeError):
    """The simulation failed (build error, co-processor error status, timeout...)."""


def _emit(progress, msg: str) -> None:
    if progress is None:
        return
    if callable(progress):
        progress(msg)
    elif hasattr(progress, "write"):
        progress.write(msg + "\n")
        getattr(progress, "flush", lambda: None)()


def _check_tree() -> None:
    missing = [p for p in (TB / "rtl_engine.py", ROOT / "tb" / "common" / "runner.py",
                           ROOT / "rtl" / "coprocessor.sv") if not p.exists()]
    if missing:
        raise RtlEngineError("the RTL engine needs the XR-NPE repository checkout; missing "
                             + ", ".join(str(p) for p in missing))


def matmul_rtl_many(jobs: list[dict], sim: str = "icarus", progress=None) -> list[tuple]:
    """Run several multiplies in one simulator session.

    Each job is a dict with ``a``, ``b``, ``fmt``, ``out_fmt`` and optionally ``block_rows`` /
    ``block_cols`` (split C into blocks, one co-processor job each).  Returns a list of
    ``(C, stats)``; stats has m, k, n, cycles (the co-processor's CYCLES counter, summed over
    blocks), macs, peak_macs_per_cycle, utilization, jobs (blocks run), invalid, and the
    instance geometry.
    """
    from .matmul import check_operands

    if sim not in SIMS:
        raise ValueError(f"unknown simulator {sim!r} (choose icarus or verilator)")
    prepared = []
    for j in jobs:
        f = get_format(j["fmt"])
        o = get_format(j["out_fmt"], output=True)
        a, b = check_operands(j["a"], j["b"], f)
        br = int(j.get("block_rows") or 0) or min(a.shape[0], MAX_DIM)
        bc = int(j.get("block_cols") or 0) or min(b.shape[1], MAX_DIM)
        if not (1 <= br <= MAX_DIM and 1 <= bc <= MAX_DIM):
            raise ValueError(f"block_rows/block_cols must be 1..{MAX_DIM}")
        prepared.append((a, b, f.name, o.name, br, bc))
    _check_tree()
    with tempfile.TemporaryDirectory(prefix="xrnpe-rtl-") as tmp:
        d = Path(tmp)
        spec = {"jobs": []}
        for i, (a, b, f, o, br, bc) in enumerate(prepared):
            np.save(d / f"a{i}.npy", a)
            np.save(d / f"b{i}.npy", b)
            spec["jobs"].append({"fmt": f, "out_fmt": o, "block_rows": br, "block_cols": bc})
        (d / "jobs.json").write_text(json.dumps(spec))
        _emit(progress, f"RTL co-processor on {sim}: {len(prepared)} job(s)")
        cmd = [sys.executable, "-c", "import sys; from xrnpe.rtl import _child; sys.exit(_child())",
               str(d), sim]
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "models"), env.get("PYTHONPATH", "")])
        env.pop("COCOTB_TEST_FILTER", None)
        log = []
        # The child leads its own process group (simulator included) and gets SIGTERM if
        # this process dies, so an interrupted run never leaves a simulator behind.
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, bufsize=1,
                                start_new_session=True, preexec_fn=_parent_death_signal)
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                log.append(line)
                if line.startswith("XRNPE-PROGRESS "):
                    _emit(progress, line[len("XRNPE-PROGRESS "):].rstrip("\n"))
            rc = proc.wait()
        finally:
            if proc.poll() is None:
                _kill_group(proc.pid)
                proc.wait()
        err_file = d / "error.txt"
        results = []
        for i in range(len(prepared)):
            cf, sf = d / f"c{i}.npy", d / f"stats{i}.json"
            if rc != 0 or not cf.exists() or not sf.exists():
                logf = ROOT / "build" / "sim" / "rtl-engine-last.log"
                logf.parent.mkdir(parents=True, exist_ok=True)
                logf.write_text("".join(log))
                reason = err_file.read_text().strip() if err_file.exists() else ""
                errs = [ln.strip() for ln in log if "Error" in ln or "error" in ln or "FAIL" in ln]
                detail = reason or (errs[-1] if errs else "".join(log[-3:]).strip())
                raise RtlEngineError(f"RTL simulation ({sim}) failed: {detail[:400]} "
                                     f"(full log: {logf})")
            results.append((np.load(cf), json.loads(sf.read_text())))
    return results


def _parent_death_signal() -> None:
    """In the child, before exec: SIGTERM when the parent dies (Linux prctl PDEATHSIG)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - best effort (non-Linux)
        pass


def _kill_group(pgid: int) -> None:
    import signal

    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def matmul_rtl(a, b, fmt, out_fmt, sim: str = "icarus", progress=None, *, stats: dict | None = None,
               block_rows: int | None = None, block_cols: int | None = None) -> np.ndarray:
    """C = A x B computed by the RTL co-processor in simulation (icarus or verilator).

    ``a`` (M, K) and ``b`` (K, N) are code arrays in CONTRACT dtypes; bad operands raise
    ValueError (same checks as the model).  ``progress``: a callable taking one line, or a
    stream, for progress messages.  ``stats``: a dict filled with the co-processor's counters
    (cycles, macs, peak_macs_per_cycle, utilization, ...).  Matrices with M or N above 65536, or
    ``block_rows``/``block_cols`` given, run as several co-processor jobs.
    """
    ((c, st),) = matmul_rtl_many([dict(a=a, b=b, fmt=fmt, out_fmt=out_fmt, block_rows=block_rows,
                                       block_cols=block_cols)], sim=sim, progress=progress)
    if stats is not None:
        stats.clear()
        stats.update(st)
    return c


def _child() -> int:
    """Child process: build (if needed) and run tb/coprocessor/rtl_engine.py."""
    import signal

    job_dir, sim = sys.argv[1], sys.argv[2]
    # SIGTERM (e.g. the parent died): take the simulator down with us (we lead the group)
    signal.signal(signal.SIGTERM, lambda *_: _kill_group(os.getpgid(0)))
    for p in (ROOT / "tb", TB):
        sys.path.insert(0, str(p))
    from common import runner  # noqa: E402
    from coproc_params import PARAM_SETS, effective  # noqa: E402
    from coproc_sources import hierarchy_sources  # noqa: E402

    print("XRNPE-PROGRESS building/starting the simulation (first Verilator build takes a "
          "while)", flush=True)
    name = f"engine-{os.getpid()}"
    try:
        runner.run(toplevel="coprocessor", sources=hierarchy_sources("coprocessor"),
                   test_module="rtl_engine", test_dir=TB, sim=sim,
                   parameters=PARAM_SETS["default"],
                   extra_env={"XRNPE_ENGINE_DIR": job_dir,
                              "XRNPE_PARAMS": json.dumps(effective(PARAM_SETS["default"]))},
                   name=name)
    except Exception as e:  # noqa: BLE001 - reported to the parent
        if not Path(job_dir, "error.txt").exists():  # the cocotb side may have said more
            Path(job_dir, "error.txt").write_text(f"{type(e).__name__}: {e}")
        return 1
    finally:
        import shutil

        for d in (ROOT / "build" / "sim").glob(f"coprocessor-{sim}-*/runs/{name}"):
            shutil.rmtree(d, ignore_errors=True)
    return 0
