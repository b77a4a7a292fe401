# SPDX-License-Identifier: Apache-2.0
"""cocotb module behind :func:`xrnpe.rtl.matmul_rtl`: matrix multiplies on the RTL co-processor.

``$XRNPE_ENGINE_DIR`` holds ``jobs.json`` (``{"jobs": [{"fmt", "out_fmt", "block_rows",
"block_cols"}]}``) and ``a<i>.npy`` / ``b<i>.npy``; for each job this writes ``c<i>.npy`` and
``stats<i>.json``.  Every block is one co-processor job issued through the driver (AXI4-Lite
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

from ..driver import combined_stats, output_blocks
from .coproc_env import CLK_NS, Env

PROGRESS = "XRNPE-PROGRESS "


def say(msg: str) -> None:
    print(f"{PROGRESS}{msg}", flush=True)


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
    for idx, job in enumerate(spec["jobs"]):
        a = np.load(job_dir / f"a{idx}.npy")
        b = np.load(job_dir / f"b{idx}.npy")
        fmt, out = job["fmt"], job["out_fmt"]
        (m, k), n = a.shape, b.shape[1]
        br = int(job.get("block_rows") or m)
        bc = int(job.get("block_cols") or n)
        blocks = output_blocks(m, n, br, bc)
        c_full = None
        per_block = []
        for bi, (r0, c0) in enumerate(blocks):
            state["label"] = f"job {idx + 1}/{len(spec['jobs'])} {fmt}->{out} {m}x{k}x{n}" + (
                f" block {bi + 1}/{len(blocks)}" if len(blocks) > 1 else ""
            )
            ab = np.ascontiguousarray(a[r0 : r0 + br])
            bb = np.ascontiguousarray(b[:, c0 : c0 + bc])
            cb = await drv.matmul(ab, bb, fmt, out)
            if c_full is None:
                c_full = np.zeros((m, n), dtype=cb.dtype)
            c_full[r0 : r0 + br, c0 : c0 + bc] = cb
            per_block.append(dict(drv.last_stats))
            say(f"{state['label']}: done in {drv.last_stats['cycles']} cycles")
        stats = combined_stats(cfg, m, k, n, fmt, out, per_block)
        np.save(job_dir / f"c{idx}.npy", c_full)
        (job_dir / f"stats{idx}.json").write_text(json.dumps(stats))
    tick.cancel()
    env.check_protocol()
