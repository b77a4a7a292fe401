# SPDX-License-Identifier: Apache-2.0
"""The report (CONTRACT section 5) from the shard records, and where the time went."""

from __future__ import annotations

import math

from ..progress import duration, rate
from .plan import Plan

FIRST_MISMATCHES = 20  # entries of the report's first_mismatches


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
        f"per core {rate(pairs / cpu if cpu else math.inf)} (CPU time; "
        f"{rate(pairs / task if task else math.inf)} by task wall time): "
        f"reference model {ns(ref)} ({100 * ref / cpu:.0f}%), RTL simulation + compare "
        f"{ns(sim)} ({100 * sim / cpu:.0f}%, {summary['cycles'] / sim / 1e6:.2f} M cycles/s), "
        f"other {ns(other)}; wall {duration(summary['seconds'])} on the cluster"
    )


__all__ = ["FIRST_MISMATCHES", "build_report", "time_breakdown"]
