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

The stages, one module each: :mod:`.reference` (pairs and expected results),
:mod:`.plan` (range, design, harness build, shards), :mod:`.shard` (one shard on a worker),
:mod:`.state` (finished shards under ``--state``), :mod:`.scheduler` (Dask),
:mod:`.report` (the report) and :mod:`.command` (the command line); progress goes through
the command line's one progress UI, :class:`xrnpe.progress.Progress`.

Report (CONTRACT section 5): ``{"format", "out_format", "design", "range", "pairs",
"mismatches", "first_mismatches": [{"a", "b", "expected", "got"}], "seconds",
"pairs_per_s"}``.  Exit status of the command: 0 no mismatch, 1 mismatches, 2 bad input (one
line on stderr, nothing written), 3 the run could not complete (build failure, a shard failed
repeatedly; finished shards stay recorded), 130 interrupted.
"""

from __future__ import annotations

from ..progress import Progress
from .command import exhaustive_command
from .errors import VerifyInputError, VerifyRunError
from .plan import DEFAULT_DESIGN, DEFAULT_SHARD, Plan, check_design, make_plan, parse_range, shards
from .reference import operand_words, pair_count, reference, split_pairs
from .report import FIRST_MISMATCHES, build_report, time_breakdown
from .scheduler import connect, default_workers, run
from .shard import SHARD_REPORT, check_shard
from .state import State

PROG = "xrnpe verify exhaustive"

__all__ = [
    "DEFAULT_DESIGN",
    "DEFAULT_SHARD",
    "FIRST_MISMATCHES",
    "SHARD_REPORT",
    "Plan",
    "Progress",
    "State",
    "VerifyInputError",
    "VerifyRunError",
    "build_report",
    "check_design",
    "check_shard",
    "connect",
    "default_workers",
    "exhaustive_command",
    "make_plan",
    "operand_words",
    "pair_count",
    "parse_range",
    "reference",
    "run",
    "shards",
    "split_pairs",
    "time_breakdown",
]
