# SPDX-License-Identifier: Apache-2.0
"""The shards on Dask: a client on an existing scheduler or a LocalCluster of single-threaded
worker processes, every unfinished shard as one task, records kept as they arrive.  A worker
that dies loses only the shard it was running, which Dask reruns; a shard that fails fails
the run, the finished ones stay recorded."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time

from ..progress import Progress
from .errors import VerifyInputError, VerifyRunError
from .plan import Plan
from .report import build_report
from .shard import check_shard
from .state import State


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


__all__ = ["connect", "default_workers", "run"]
