# SPDX-License-Identifier: Apache-2.0
"""cocotb module behind :func:`xrnpe.rtl.matmul_rtl`: matrix multiplies on the RTL co-processor.

``$XRNPE_ENGINE_DIR`` holds ``jobs.json`` (``{"jobs": [{"fmt", "out_fmt", "block_rows",
"block_cols"}]}``, :meth:`xrnpe.jobs.Job.spec`) and ``a<i>.npy`` / ``b<i>.npy``, checked by
the caller; for each job this writes ``c<i>.npy`` and ``stats<i>.json``.  Every block is one co-processor job issued through the driver (AXI4-Lite
CPU, AXI4 RAM); progress lines (``XRNPE-PROGRESS ...``) go to stdout for the caller to
forward.  Results are the hardware's: the model is never consulted here.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import cocotb
import numpy as np
from cocotb.triggers import ClockCycles

from ..jobs import PROGRESS_PREFIX, assemble, job_from_spec
from .coproc_env import CLK_NS, Env


def say(msg: str) -> None:
    print(f"{PROGRESS_PREFIX}{msg}", flush=True)


@cocotb.test()
async def engine(dut):
    job_dir = Path(os.environ["XRNPE_ENGINE_DIR"])
    try:
        await _engine(dut, job_dir)
    except Exception as e:
        (job_dir / "error.txt").write_text(f"{type(e).__name__}: {e}")
        raise


async def _engine(dut, job_dir: Path):
    spec = json.loads((job_dir / "jobs.json").read_text())
    env = Env(dut, seed=0)
    cfg = await env.start()
    drv = env.drv
    t_wall = time.time()
    state = {"label": "starting"}

    async def ticker():
        while True:
            await ClockCycles(dut.clk, 200_000)
            say(
                f"{state['label']}: {cocotb.simtime.get_sim_time('ns') / CLK_NS:,.0f} cycles "
                f"simulated, {time.time() - t_wall:.0f} s"
            )

    tick = cocotb.start_soon(ticker())
    count = len(spec["jobs"])
    for idx, job_spec in enumerate(spec["jobs"]):
        # checked by xrnpe.rtl before it wrote them: the driver's plan/load/run/fetch steps,
        # not its checking matmul()
        job = job_from_spec(
            job_spec, np.load(job_dir / f"a{idx}.npy"), np.load(job_dir / f"b{idx}.npy")
        )
        k = job.shape[1]
        corners = job.blocks()
        blocks = []
        for bi, (r0, c0) in enumerate(corners):
            state["label"] = job.label(idx, count, bi, len(corners))
            ab, bb = job.operands(r0, c0)
            lay = drv.plan(ab.shape[0], bb.shape[1], k, job.fmt, job.out_fmt)
            await drv.load(lay, ab, bb)
            await drv.run(lay)
            blocks.append((r0, c0, await drv.fetch_c(lay), dict(drv.last_stats)))
            say(f"{state['label']}: done in {drv.last_stats['cycles']} cycles")
        c, stats = assemble(job, cfg, blocks)
        np.save(job_dir / f"c{idx}.npy", c)
        (job_dir / f"stats{idx}.json").write_text(json.dumps(stats))
    tick.cancel()
    env.check_protocol()
