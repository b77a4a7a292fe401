# SPDX-License-Identifier: Apache-2.0
"""Matrix-multiply jobs of the RTL engines: validated once at the entry, then trusted.

Both RTL engines take their work from here: the cocotb engine (:mod:`xrnpe.rtl` in this
process, :mod:`xrnpe.sim.engine_tb` in the simulator) and the native one
(:mod:`xrnpe.sim.native.engine`).  :func:`prepare_jobs` checks the formats and the operands
(shape, dtype, codes, K) once, at :func:`xrnpe.rtl.matmul_rtl_many`; a :class:`Job` is the
checked result, and nothing downstream checks it again.  A job runs as one co-processor job
per block of C (:meth:`Job.blocks`, at most :data:`MAX_DIM` rows and columns each), and its
statistics are the blocks' combined (:func:`xrnpe.driver.combined_stats`).

This module imports neither engine, so the engines depend on it and never on each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .driver import combined_stats, output_blocks
from .formats import FORMATS, Format, as_format

MAX_DIM = 65536  # M and N of one co-processor job (M and N registers); larger C is split
PROGRESS_PREFIX = "XRNPE-PROGRESS "  # progress lines of the simulator process, for the caller


class RtlEngineError(RuntimeError):
    """The simulation failed (build error, co-processor error status, timeout...)."""


def emit(progress, msg: str) -> None:
    """One progress line to ``progress``: a callable taking the line, a stream, or None."""
    if progress is None:
        return
    if callable(progress):
        progress(msg)
    elif hasattr(progress, "write"):
        progress.write(msg + "\n")
        getattr(progress, "flush", lambda: None)()


@dataclass(frozen=True)
class Job:
    """One checked multiply C = A x B: operands, formats and the size of C's blocks."""

    a: np.ndarray
    b: np.ndarray
    fmt: Format
    out_fmt: Format
    block_rows: int
    block_cols: int

    @property
    def shape(self) -> tuple[int, int, int]:
        """(M, K, N)."""
        (m, k), n = self.a.shape, self.b.shape[1]
        return m, k, n

    def blocks(self) -> list[tuple[int, int]]:
        """Top-left corners (row, column) of C's blocks, one co-processor job each."""
        m, _, n = self.shape
        return output_blocks(m, n, self.block_rows, self.block_cols)

    def operands(self, row: int, col: int) -> tuple[np.ndarray, np.ndarray]:
        """A's rows and B's columns of the block at (row, col), contiguous."""
        return (
            np.ascontiguousarray(self.a[row : row + self.block_rows]),
            np.ascontiguousarray(self.b[:, col : col + self.block_cols]),
        )

    def label(self, index: int, count: int, block: int, blocks: int) -> str:
        """Progress label of block ``block`` (0-based) of job ``index`` (0-based) of ``count``."""
        m, k, n = self.shape
        text = f"job {index + 1}/{count} {self.fmt.name}->{self.out_fmt.name} {m}x{k}x{n}"
        return text + (f" block {block + 1}/{blocks}" if blocks > 1 else "")

    def spec(self) -> dict:
        """The job without its operands, as JSON (the simulator process reads it back with
        :func:`job_from_spec`)."""
        return {
            "fmt": self.fmt.name,
            "out_fmt": self.out_fmt.name,
            "block_rows": self.block_rows,
            "block_cols": self.block_cols,
        }


def prepare_job(job: dict | Job) -> Job:
    """Check one job (a dict with ``a``, ``b``, ``fmt``, ``out_fmt`` and optionally
    ``block_rows`` / ``block_cols``); a :class:`Job` is already checked and returned as is.
    Bad formats, operands or block sizes raise ValueError naming the problem."""
    if isinstance(job, Job):
        return job
    from .matmul import check_operands

    f = as_format(job["fmt"])
    o = as_format(job["out_fmt"], output=True)
    a, b = check_operands(job["a"], job["b"], f)
    br = int(job.get("block_rows") or 0) or min(a.shape[0], MAX_DIM)
    bc = int(job.get("block_cols") or 0) or min(b.shape[1], MAX_DIM)
    if not (1 <= br <= MAX_DIM and 1 <= bc <= MAX_DIM):
        raise ValueError(f"block_rows/block_cols must be 1..{MAX_DIM}")
    return Job(a, b, f, o, br, bc)


def prepare_jobs(jobs) -> list[Job]:
    """:func:`prepare_job` of every job, in order."""
    return [prepare_job(j) for j in jobs]


def job_from_spec(spec: dict, a: np.ndarray, b: np.ndarray) -> Job:
    """The :class:`Job` that :meth:`Job.spec` wrote, with its operands (already checked by the
    process that wrote them: not checked again)."""
    return Job(
        a,
        b,
        FORMATS[spec["fmt"]],
        FORMATS[spec["out_fmt"]],
        int(spec["block_rows"]),
        int(spec["block_cols"]),
    )


def assemble(job: Job, cfg, blocks: list[tuple[int, int, np.ndarray, dict]]) -> tuple:
    """(C, stats) of ``job`` from its blocks' (row, col, C block, job statistics)."""
    m, k, n = job.shape
    c = np.zeros((m, n), dtype=blocks[0][2].dtype)
    for row, col, c_block, _ in blocks:
        c[row : row + c_block.shape[0], col : col + c_block.shape[1]] = c_block
    stats = combined_stats(cfg, m, k, n, job.fmt.name, job.out_fmt.name, [st for *_, st in blocks])
    return c, stats


__all__ = [
    "MAX_DIM",
    "PROGRESS_PREFIX",
    "Job",
    "RtlEngineError",
    "assemble",
    "emit",
    "job_from_spec",
    "prepare_job",
    "prepare_jobs",
]
