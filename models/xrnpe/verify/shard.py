# SPDX-License-Identifier: Apache-2.0
"""One shard on a worker: its pairs through the native PE harness, compared there with the
reference (:mod:`.reference`); returns the shard's record (mismatches, timing)."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import numpy as np

from ..formats import FORMATS
from .errors import VerifyRunError
from .reference import operand_words, reference, split_pairs

SHARD_REPORT = 64  # mismatches each shard returns in detail


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
    from ..sim.native import pe as native_pe

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


__all__ = ["SHARD_REPORT", "check_shard"]
