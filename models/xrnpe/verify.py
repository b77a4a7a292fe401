# SPDX-License-Identifier: Apache-2.0
"""Exhaustive verification of a processing element: every operand pair through the RTL.

``xrnpe verify exhaustive --format F --out-format O`` checks every pair of F codes (NaR
included) of a range through the RTL PE (native Verilator harness,
:mod:`xrnpe.sim.native.pe`) against the reference model, sharded over a Dask cluster.

Pair index ``i = (A code << width) | B code``, so the range of a format is
``0 .. 2**(2*width)``: 2**32 pairs for p16, 65,536 for p8, 256 for fp4 and p4.  Each pair is
one single-word dot product ``round_O(a * b)``; p8 pairs run in both lanes and fp4/p4 pairs in
every lane (the pair in one lane, zeros in the others), so a pair is ``lanes`` results and it
mismatches if any of them differs (code or NaR flag) from the model.

A *shard* is a slice of the range aligned to the shard size.  A worker computes the expected
codes of its shard with vectorised NumPy (:func:`reference`: exact float64 products, then
``xrnpe.vector.quantize``), streams the shard through the harness (one word per cycle) and the
harness compares every result.  Finished shards are recorded under ``--state`` (one JSON file
each, written by the client as results arrive), so a rerun with the same state directory
skips them; a worker that dies loses only the shard it was running, which Dask reruns.  The
state of a run is keyed by design, formats and a hash of everything the result depends on
(RTL sources, harness, reference model), so a changed RTL never reuses stale shards.

Report (CONTRACT section 5): ``{"format", "out_format", "design", "range", "pairs",
"mismatches", "first_mismatches": [{"a", "b", "expected", "got"}], "seconds",
"pairs_per_s"}``.  Exit status of the command: 0 no mismatch, 1 mismatches, 2 bad input (one
line on stderr, nothing written), 3 the run could not complete (build failure, a shard failed
repeatedly; finished shards stay recorded), 130 interrupted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import os
import signal
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import codec, vector
from .formats import FORMATS, INPUT_FORMATS, OUTPUT_FORMATS

FIRST_MISMATCHES = 20  # entries of the report's first_mismatches
SHARD_REPORT = 64  # mismatches each shard returns in detail
DEFAULT_SHARD = {4: 256, 8: 8192, 16: 1 << 22}  # pairs per shard by operand width
DEFAULT_DESIGN = "pe_rmmec"
PROG = "xrnpe verify exhaustive"


class VerifyInputError(ValueError):
    """Bad input: one line on stderr, exit status 2, nothing written."""


class VerifyRunError(RuntimeError):
    """The run could not complete (exit status 3)."""


# ------------------------------------------------------------------------------ reference
def pair_count(fmt: str) -> int:
    """Number of operand pairs of an input format: 2**(2*width)."""
    return 1 << (2 * FORMATS[fmt].width)


def split_pairs(fmt: str, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
    """A and B codes of the pair indices start..stop-1 (i = A << width | B)."""
    w = FORMATS[fmt].width
    idx = np.arange(stop - start, dtype=np.uint64) + np.uint64(start)
    dtype = np.uint16 if w > 8 else np.uint8
    return (idx >> np.uint64(w)).astype(dtype), (idx & np.uint64((1 << w) - 1)).astype(dtype)


def reference(fmt: str, out_fmt: str, a_codes, b_codes) -> tuple[np.ndarray, np.ndarray]:
    """Expected PE result (out_data as uint32, out_nar as uint8) of one-word dot products a*b.

    Exact: a product of two input values has at most 26 significant bits, so the float64
    product is exact and :func:`xrnpe.vector.quantize` (or the float32 conversion, RNE) rounds
    it once, as CONTRACT section 2 says.  NaR operands give the output format's NaR code
    (posit NaR, fp4 0x8, fp32 0x7FC00000); an exact zero is +0.
    """
    table = vector.value_table(fmt)
    product = table[a_codes] * table[b_codes]  # NaR is nan, so a NaR operand gives nan
    nar = np.isnan(product)
    out = FORMATS[out_fmt]
    if out.kind == "ieee":
        expected = product.astype(np.float32).view(np.uint32)
        expected[product == 0] = 0  # -0.0 products: an exact zero sum is +0
    else:
        any_nar = bool(nar.any())
        expected = vector.quantize(out, np.where(nar, 0.0, product) if any_nar else product)
        expected = expected.astype(np.uint32)
    if nar.any():
        expected[nar] = codec.encode(out, 0, nar=True)
    return expected, nar.astype(np.uint8)


def operand_words(fmt: str, a_codes, b_codes) -> tuple[np.ndarray, np.ndarray]:
    """16-bit operand words, pair-major: pair p in lane l is word ``p * lanes + l`` (the other
    lanes 0)."""
    f = FORMATS[fmt]
    a = np.asarray(a_codes).astype(np.uint16)
    b = np.asarray(b_codes).astype(np.uint16)
    if f.lanes == 1:
        return a, b
    shifts = (np.arange(f.lanes, dtype=np.uint16) * f.width)[None, :]
    return (a[:, None] << shifts).reshape(-1), (b[:, None] << shifts).reshape(-1)


# ------------------------------------------------------------------------------ one shard
def check_shard(
    design: str,
    fmt: str,
    out_fmt: str,
    start: int,
    stop: int,
    library: str | None = None,
    build_tag: str | None = None,
) -> dict:
    """Check pairs start..stop-1 of ``fmt`` rounded into ``out_fmt`` on ``design``.

    Runs on a Dask worker (or anywhere).  ``library`` is the harness the client built (used
    if it exists here); otherwise it is built from this host's manifest, and ``build_tag``
    (the client's build directory name) must match, so every shard checks the same RTL.
    """
    from .sim.native import pe as native_pe

    _inject_fault(start)
    t0, c0 = time.perf_counter(), time.thread_time()
    lib = Path(library) if library else None
    if lib is None or not lib.is_file():
        lib = native_pe.pe_library(design)
        if build_tag and lib.parent.name != build_tag:
            raise VerifyRunError(
                f"this worker's RTL for {design} differs from the client's "
                f"({lib.parent.name} != {build_tag})"
            )
    t_build, c_build = time.perf_counter(), time.thread_time()
    a_codes, b_codes = split_pairs(fmt, start, stop)
    expected, nar = reference(fmt, out_fmt, a_codes, b_codes)
    lanes = FORMATS[fmt].lanes
    a_words, b_words = operand_words(fmt, a_codes, b_codes)
    if lanes > 1:
        expected, nar = np.repeat(expected, lanes), np.repeat(nar, lanes)
    t_ref, c_ref = time.perf_counter(), time.thread_time()
    res = native_pe.stream(
        lib, a_words, b_words, fmt, out_fmt, expected, nar, group=lanes, max_report=SHARD_REPORT
    )
    t_sim, c_sim = time.perf_counter(), time.thread_time()
    details = []
    for word, got, got_nar in zip(
        res.index.tolist(), res.got.tolist(), res.got_nar.tolist(), strict=True
    ):
        pair = word // lanes
        details.append(
            {
                "a": int(a_codes[pair]),
                "b": int(b_codes[pair]),
                "lane": word % lanes,
                "expected": int(expected[word]),
                "got": int(got),
                "expected_nar": int(nar[word]),
                "got_nar": int(got_nar),
            }
        )
    return {
        "start": start,
        "stop": stop,
        "pairs": stop - start,
        "mismatches": res.mismatches,
        "first_mismatches": details,
        "cycles": res.cycles,
        "seconds": t_sim - t0,
        "build_seconds": t_build - t0,
        "reference_seconds": t_ref - t_build,
        "simulation_seconds": t_sim - t_ref,
        # CPU time of the task's thread: the per-core cost, whatever else the host runs
        "cpu_seconds": c_sim - c0,
        "reference_cpu_seconds": c_ref - c_build,
        "simulation_cpu_seconds": c_sim - c_ref,
        "host": socket.gethostname(),
        "pid": os.getpid(),
    }


def _inject_fault(start: int) -> None:
    """Fault injection for the tests: ``XRNPE_VERIFY_FAULT=FLAG:START`` makes the worker
    process that starts shard START die once (FLAG records that it did)."""
    spec = os.environ.get("XRNPE_VERIFY_FAULT")
    if not spec:
        return
    flag, _, at = spec.rpartition(":")
    if at == str(start) and flag:
        try:
            fd = os.open(flag, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return
        os.close(fd)
        os._exit(17)


# ------------------------------------------------------------------------------ planning
@dataclass
class Plan:
    design: str
    fmt: str
    out_fmt: str
    start: int
    stop: int
    shard_size: int
    library: Path
    run_key: str
    shards: list[tuple[int, int]] = field(default_factory=list)

    @property
    def pairs(self) -> int:
        return self.stop - self.start


def parse_range(text: str | None, fmt: str) -> tuple[int, int]:
    """``START:STOP`` (decimal or 0x hex, either side may be empty) -> (start, stop)."""
    total = pair_count(fmt)
    if text is None:
        return 0, total
    parts = text.split(":")
    if len(parts) != 2:
        raise VerifyInputError(f"--range {text!r}: expected START:STOP")
    try:
        start = int(parts[0], 0) if parts[0].strip() else 0
        stop = int(parts[1], 0) if parts[1].strip() else total
    except ValueError:
        raise VerifyInputError(f"--range {text!r}: START and STOP must be integers") from None
    if not 0 <= start < stop <= total:
        raise VerifyInputError(
            f"--range {text!r}: need 0 <= START < STOP <= {total} ({fmt} has {total} operand pairs)"
        )
    return start, stop


def shards(start: int, stop: int, size: int) -> list[tuple[int, int]]:
    """Slices of start..stop aligned to multiples of ``size``."""
    out = []
    s = start
    while s < stop:
        e = min(stop, (s // size + 1) * size)
        out.append((s, e))
        s = e
    return out


def _model_digest() -> str:
    """Hash of the reference model's sources (a changed model invalidates recorded shards)."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for name in ("formats.py", "codec.py", "vector.py", "verify.py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()


def check_design(design: str) -> None:
    """Raise VerifyInputError unless ``design`` is a manifest design with the PE ports."""
    from .sim import manifest
    from .sim.native import pe as native_pe

    try:
        names = manifest.load().block_names()
    except manifest.ManifestError as e:
        raise VerifyRunError(str(e)) from None
    if design not in names:
        raise VerifyInputError(
            f"unknown design {design!r} (PE designs: {', '.join(native_pe.pe_designs())})"
        )
    missing = native_pe.missing_pe_ports(design)
    if missing:
        raise VerifyInputError(
            f"design {design!r} is not a PE: its top module "
            f"{manifest.toplevel(design) or '(none)'} lacks {', '.join(missing)}"
        )


def make_plan(
    design: str,
    fmt: str,
    out_fmt: str,
    start: int,
    stop: int,
    shard_size: int | None = None,
    progress=None,
) -> Plan:
    """Validate, build the harness (once) and cut the range into shards."""
    from .sim.native import pe as native_pe

    if fmt not in INPUT_FORMATS:
        raise VerifyInputError(f"unknown input format {fmt!r} (choose {', '.join(INPUT_FORMATS)})")
    if out_fmt not in OUTPUT_FORMATS:
        raise VerifyInputError(
            f"unknown output format {out_fmt!r} (choose {', '.join(OUTPUT_FORMATS)})"
        )
    check_design(design)
    size = shard_size or DEFAULT_SHARD[FORMATS[fmt].width]
    if size < 1:
        raise VerifyInputError(f"--shard-size {size}: must be at least 1")
    if progress:
        progress(f"building the native {design} harness (first time: about a minute)")
    try:
        lib = native_pe.pe_library(design)
    except native_pe.NativeBuildError as e:
        raise VerifyRunError(str(e)) from None
    run_key = (
        f"{design}-{fmt}-{out_fmt}-{size}-"
        + hashlib.sha256((lib.parent.name + _model_digest()).encode()).hexdigest()[:16]
    )
    return Plan(design, fmt, out_fmt, start, stop, size, lib, run_key, shards(start, stop, size))


# ------------------------------------------------------------------------------ state
class State:
    """Finished shards of one run under ``root/<run key>/`` (JSON files, atomic writes)."""

    def __init__(self, root: Path | None, plan: Plan):
        self.dir = (Path(root) / plan.run_key) if root else None
        self.plan = plan

    def _open(self) -> None:
        """Create the directory on the first write (a run that never starts writes nothing)."""
        if not (self.dir / "run.json").is_file():
            (self.dir / "shards").mkdir(parents=True, exist_ok=True)
            meta = {
                "design": self.plan.design,
                "format": self.plan.fmt,
                "out_format": self.plan.out_fmt,
                "shard_size": self.plan.shard_size,
                "build": self.plan.library.parent.name,
            }
            _write_json(self.dir / "run.json", meta)

    def _shard_file(self, start: int, stop: int) -> Path:
        return self.dir / "shards" / f"{start}-{stop}.json"

    def finished(self) -> dict[tuple[int, int], dict]:
        if not self.dir:
            return {}
        out = {}
        for s, e in self.plan.shards:
            p = self._shard_file(s, e)
            if p.is_file():
                try:
                    rec = json.loads(p.read_text())
                except (OSError, ValueError):
                    continue  # a damaged record is simply rerun
                if rec.get("start") == s and rec.get("stop") == e and "mismatches" in rec:
                    out[(s, e)] = rec
        return out

    def record(self, rec: dict) -> None:
        if self.dir:
            self._open()
            _write_json(self._shard_file(rec["start"], rec["stop"]), rec)

    def previous_seconds(self) -> float:
        """Wall time of earlier sessions of this run (for a resumed report)."""
        if not self.dir or not (self.dir / "sessions.jsonl").is_file():
            return 0.0
        total = 0.0
        for line in (self.dir / "sessions.jsonl").read_text().splitlines():
            try:
                total += float(json.loads(line)["seconds"])
            except (ValueError, KeyError):
                continue
        return total

    def add_session(self, seconds: float, pairs: int, start: int, stop: int) -> None:
        if self.dir:
            self._open()
            with open(self.dir / "sessions.jsonl", "a") as fh:
                fh.write(
                    json.dumps(
                        {
                            "seconds": seconds,
                            "pairs_checked": pairs,
                            "range": [start, stop],
                            "finished": time.time(),
                        }
                    )
                    + "\n"
                )


def _write_json(path: Path, obj) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(obj, fh, indent=1)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# ------------------------------------------------------------------------------ progress
class Progress:
    """Pairs done, rate and ETA: a tqdm bar on a terminal, else a plain line every
    ``interval`` seconds (and at the end)."""

    def __init__(self, total: int, label: str, stream=None, interval: float = 15.0):
        self.stream = stream or sys.stderr
        self.total, self.label, self.interval = total, label, interval
        self.done = 0
        self.t0 = time.monotonic()
        self.last = 0.0
        self.bar = None
        if getattr(self.stream, "isatty", lambda: False)():
            try:
                from tqdm import tqdm

                self.bar = tqdm(
                    total=total,
                    desc=label,
                    unit="pair",
                    unit_scale=True,
                    file=self.stream,
                    smoothing=0.1,
                    dynamic_ncols=True,
                )
            except ImportError:
                self.bar = None

    def restart(self) -> None:
        """Start the clock (and the bar) now: the rate excludes the build."""
        self.t0 = time.monotonic()
        self.done = 0
        if self.bar is not None:
            self.bar.reset(total=self.total)

    def message(self, msg: str) -> None:
        if self.bar is not None:
            self.bar.write(f"xrnpe: {msg}", file=self.stream)
        else:
            print(f"xrnpe: {msg}", file=self.stream, flush=True)

    def update(self, pairs: int, note: str = "") -> None:
        self.done += pairs
        if self.bar is not None:
            self.bar.update(pairs)
            if note:
                self.bar.set_postfix_str(note, refresh=False)
            return
        now = time.monotonic()
        if now - self.last >= self.interval or self.done >= self.total:
            self.last = now
            self.message(self.line(note))

    def line(self, note: str = "") -> str:
        elapsed = max(1e-9, time.monotonic() - self.t0)
        rate = self.done / elapsed
        left = self.total - self.done
        eta = _duration(left / rate) if rate > 0 and left > 0 else "0 s"
        pct = 100.0 * self.done / self.total if self.total else 100.0
        return (
            f"{self.label}: {self.done:,}/{self.total:,} pairs ({pct:.1f}%), "
            f"{_rate(rate)}, elapsed {_duration(elapsed)}, ETA {eta}"
            + (f", {note}" if note else "")
        )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _duration(s: float) -> str:
    if s < 90:
        return f"{s:.0f} s"
    if s < 5400:
        return f"{s / 60:.1f} min"
    return f"{s / 3600:.2f} h"


def _rate(r: float) -> str:
    return f"{r / 1e6:.2f} M pairs/s" if r >= 1e5 else f"{r:,.0f} pairs/s"


# ------------------------------------------------------------------------------ the run
def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def connect(workers: int | None = None, scheduler: str | None = None):
    """(client, cluster): a Dask client on an existing scheduler, or on a new LocalCluster of
    ``workers`` single-threaded worker processes (cluster is None for an existing one)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise VerifyInputError("xrnpe verify needs Dask: pip install 'xrnpe[verify]'") from None
    if scheduler:
        try:
            return Client(scheduler, timeout="10s"), None
        except (OSError, TimeoutError, ValueError) as e:
            raise VerifyInputError(
                f"--scheduler {scheduler}: no Dask scheduler answered "
                f"({' '.join(str(e).split())[:120]})"
            ) from None
    n = workers or default_workers()
    # The worker processes start with SIGINT ignored (inherited), so Ctrl-C reaches only this
    # process, which records what finished and shuts the cluster down.
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        cluster = LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        )
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)
    return Client(cluster), cluster


def run(
    plan: Plan,
    *,
    state_dir: str | os.PathLike | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    client=None,
    progress: Progress | None = None,
    log=None,
) -> tuple[dict, dict]:
    """Run every unfinished shard of ``plan`` on Dask; returns (report, summary).

    ``client``: an existing ``distributed.Client`` (else one is made from ``workers`` /
    ``scheduler``).  ``summary`` has shards run/skipped/failed and the time breakdown.
    Raises VerifyRunError if some shard failed (the others stay recorded).
    """
    say = log or (lambda msg: None)
    t0 = time.monotonic()
    state = State(state_dir, plan)
    earlier_seconds = state.previous_seconds()
    finished = state.finished()
    todo = [s for s in plan.shards if s not in finished]
    records = dict(finished)
    skipped_pairs = sum(e - s for s, e in finished)
    if finished:
        say(
            f"{len(finished)} of {len(plan.shards)} shards already recorded in {state.dir}, "
            f"{len(todo)} to run"
        )
    own_client = client is None and bool(todo)
    cluster = None
    failures: list[str] = []
    checked = 0
    if progress is not None:
        progress.total = plan.pairs - skipped_pairs
        progress.restart()
    try:
        if todo:
            if own_client:
                client, cluster = connect(workers, scheduler)
            say(
                f"{len(todo)} shards of up to {plan.shard_size:,} pairs on "
                f"{len(client.scheduler_info().get('workers', {}))} Dask workers"
            )
            from distributed import as_completed

            keys = {f"xrnpe-verify-{plan.run_key}-{s}-{e}": (s, e) for s, e in todo}
            futures = client.map(
                check_shard,
                [plan.design] * len(todo),
                [plan.fmt] * len(todo),
                [plan.out_fmt] * len(todo),
                [s for s, _ in todo],
                [e for _, e in todo],
                library=str(plan.library),
                build_tag=plan.library.parent.name,
                key=list(keys),
                pure=False,
            )
            try:
                for future in as_completed(futures):
                    if future.status != "finished":
                        s, e = keys[future.key]
                        try:
                            future.result()
                        except KeyboardInterrupt:
                            raise
                        except BaseException as exc:  # errors, KilledWorker, cancelled: per shard
                            failures.append(
                                f"shard {s}:{e}: {type(exc).__name__}: "
                                f"{' '.join(str(exc).split())[:200]}"
                            )
                        if progress is not None:
                            progress.message(failures[-1])
                        continue
                    rec = future.result()
                    state.record(rec)
                    records[(rec["start"], rec["stop"])] = rec
                    checked += rec["pairs"]
                    future.release()
                    if progress is not None:
                        mism = sum(r["mismatches"] for r in records.values())
                        progress.update(rec["pairs"], f"{mism} mismatches" if mism else "")
            except BaseException:
                client.cancel(futures)
                raise
    finally:
        seconds_here = time.monotonic() - t0
        if todo and client is not None:
            state.add_session(seconds_here, checked, plan.start, plan.stop)
        if own_client and client is not None:
            client.close()
            if cluster is not None:
                cluster.close()
    if failures:
        raise VerifyRunError(
            f"{len(failures)} of {len(plan.shards)} shards failed (finished ones "
            f"are recorded; rerun with the same --state to finish): {failures[0]}"
        )
    report = build_report(plan, records, earlier_seconds + seconds_here)
    ran = [records[s] for s in todo]
    summary = {
        "shards": len(plan.shards),
        "run": len(todo),
        "skipped": len(finished),
        "pairs_checked": checked,
        "seconds": seconds_here,
        "task_seconds": sum(r["seconds"] for r in ran),
        "reference_seconds": sum(r["reference_seconds"] for r in ran),
        "simulation_seconds": sum(r["simulation_seconds"] for r in ran),
        "build_seconds": sum(r["build_seconds"] for r in ran),
        "cpu_seconds": sum(r.get("cpu_seconds", 0.0) for r in ran),
        "reference_cpu_seconds": sum(r.get("reference_cpu_seconds", 0.0) for r in ran),
        "simulation_cpu_seconds": sum(r.get("simulation_cpu_seconds", 0.0) for r in ran),
        "cycles": sum(r["cycles"] for r in ran),
    }
    return report, summary


def build_report(plan: Plan, records: dict, seconds: float) -> dict:
    """The CONTRACT section 5 report from the shard records."""
    details = sorted(
        (m for r in records.values() for m in r["first_mismatches"]),
        key=lambda m: (m["a"], m["b"], m.get("lane", 0)),
    )
    first, seen = [], set()
    for m in details:
        if (m["a"], m["b"]) in seen:
            continue
        seen.add((m["a"], m["b"]))
        first.append({"a": m["a"], "b": m["b"], "expected": m["expected"], "got": m["got"]})
        if len(first) == FIRST_MISMATCHES:
            break
    pairs = sum(r["pairs"] for r in records.values())
    seconds = max(seconds, 1e-6)
    return {
        "format": plan.fmt,
        "out_format": plan.out_fmt,
        "design": plan.design,
        "range": [plan.start, plan.stop],
        "pairs": pairs,
        "mismatches": sum(r["mismatches"] for r in records.values()),
        "first_mismatches": first,
        "seconds": round(seconds, 3),
        "pairs_per_s": round(pairs / seconds, 1),
    }


def time_breakdown(summary: dict) -> str:
    """Where a worker's time went, per pair, from the shards this session ran: CPU time of the
    task threads (the per-core cost) and, in brackets, their wall time (longer when the host
    is shared)."""
    pairs = summary["pairs_checked"]
    if not pairs:
        return "no shard ran in this session"
    cpu = summary["cpu_seconds"]
    ref, sim = summary["reference_cpu_seconds"], summary["simulation_cpu_seconds"]
    other = max(0.0, cpu - ref - sim)
    task = summary["task_seconds"]

    def ns(x):
        return f"{1e9 * x / pairs:.0f} ns/pair"

    return (
        f"per core {_rate(pairs / cpu if cpu else math.inf)} (CPU time; "
        f"{_rate(pairs / task if task else math.inf)} by task wall time): "
        f"reference model {ns(ref)} ({100 * ref / cpu:.0f}%), RTL simulation + compare "
        f"{ns(sim)} ({100 * sim / cpu:.0f}%, {summary['cycles'] / sim / 1e6:.2f} M cycles/s), "
        f"other {ns(other)}; wall {_duration(summary['seconds'])} on the cluster"
    )


# ------------------------------------------------------------------------------ command
def exhaustive_command(args) -> int:
    """``xrnpe verify exhaustive`` (arguments parsed by xrnpe.cli); returns the exit status."""
    out = args.output
    try:
        if args.workers is not None and args.workers < 1:
            raise VerifyInputError(f"--workers {args.workers}: must be at least 1")
        if out != "-":
            d = os.path.dirname(os.path.abspath(out))
            if not os.path.isdir(d):
                raise VerifyInputError(f"{out}: output directory {d} does not exist")
            if os.path.exists(out) and not os.path.isfile(out):
                raise VerifyInputError(f"{out}: exists and is not a regular file")
            if not os.access(d, os.W_OK):
                raise VerifyInputError(f"{out}: output directory {d} is not writable")
        if args.state and os.path.exists(args.state) and not os.path.isdir(args.state):
            raise VerifyInputError(f"--state {args.state}: exists and is not a directory")
        start, stop = parse_range(args.range, args.format)
        if args.shard_size is not None and args.shard_size < 1:
            raise VerifyInputError(f"--shard-size {args.shard_size}: must be at least 1")
        check_design(args.design)
        label = f"{args.design} {args.format}->{args.out_format}"
        progress = Progress(stop - start, label)
        client = cluster = None
        try:
            client, cluster = connect(args.workers, args.scheduler)  # fail fast, before the build
            plan = make_plan(
                args.design,
                args.format,
                args.out_format,
                start,
                stop,
                args.shard_size,
                progress=progress.message,
            )
            report, summary = run(
                plan, state_dir=args.state, client=client, progress=progress, log=progress.message
            )
        finally:
            progress.close()
            if client is not None:
                client.close()
            if cluster is not None:
                cluster.close()
    except VerifyInputError as e:
        print(f"xrnpe: error: {e}", file=sys.stderr)
        return 2
    except VerifyRunError as e:
        print(f"xrnpe: error: {' '.join(str(e).split())}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print(
            "xrnpe: interrupted (finished shards are recorded under --state, if given)",
            file=sys.stderr,
        )
        return 130
    text = json.dumps(report, indent=1) + "\n"
    if out == "-":
        sys.stdout.write(text)
    else:
        fd, tmp = tempfile.mkstemp(
            prefix=".xrnpe-", suffix=".json.tmp", dir=os.path.dirname(os.path.abspath(out))
        )
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        os.replace(tmp, out)
    print(
        f"xrnpe: {label}: {report['pairs']:,} pairs, {report['mismatches']} mismatches, "
        f"{_duration(report['seconds'])}, {_rate(report['pairs_per_s'])}",
        file=sys.stderr,
    )
    print(f"xrnpe: {time_breakdown(summary)}", file=sys.stderr)
    for m in report["first_mismatches"][:5]:
        print(
            f"xrnpe: mismatch a=0x{m['a']:x} b=0x{m['b']:x} expected=0x{m['expected']:x} "
            f"got=0x{m['got']:x}",
            file=sys.stderr,
        )
    return 1 if report["mismatches"] else 0


__all__ = [
    "FIRST_MISMATCHES",
    "Plan",
    "Progress",
    "State",
    "VerifyInputError",
    "VerifyRunError",
    "build_report",
    "check_shard",
    "connect",
    "exhaustive_command",
    "make_plan",
    "operand_words",
    "pair_count",
    "parse_range",
    "reference",
    "run",
    "shards",
    "split_pairs",
]
