# SPDX-License-Identifier: Apache-2.0
"""``make vio`` stage 5, the RTL check: the mixed network's test windows through the RTL
co-processor, bit for bit against the exact model path."""

from __future__ import annotations

import importlib

import numpy as np

from ..common import (
    RtlOutcome,
    Stopwatch,
    log,
    rtl_crashed,
    rtl_mismatch,
    rtl_not_run,
    rtl_skip_reason,
)
from ..net import host_post
from . import model
from .dataset import Dataset

UNIT = "windows"


def _rtl_jobs(qcfg, trace: list) -> list[dict]:
    """One co-processor job per layer, the A rows of every step stacked."""
    jobs = []
    for layer_idx, q in enumerate(qcfg):
        a = np.concatenate([step[layer_idx][0] for step in trace])
        jobs.append({"a": a, "b": trace[0][layer_idx][1], "fmt": q.fmt, "out_fmt": "fp32"})
    return jobs


def _same_bits(c: np.ndarray, c_model: np.ndarray) -> bool:
    return bool(
        c.shape == c_model.shape
        and np.array_equal(c.view(np.uint32), np.asarray(c_model, np.float32).view(np.uint32))
    )


def _rtl_speeds(net, qcfg, c_last: np.ndarray, steps: int, v0, norm) -> np.ndarray:
    """Speeds from the RTL's last layer: host ops + recurrence in float32, as in the model
    path."""
    last, q = net.layers[-1], qcfg[-1]
    rows = len(c_last) // steps if steps else 0
    speed = np.array([v0], dtype=np.float32)
    out_rows = []
    for k in range(steps):
        out = host_post(last, c_last[k * rows : (k + 1) * rows], q.s_a, q.s_w, (1, last.N))
        speed, vz = model.update(speed, out.astype(np.float32), norm)
        out_rows.append((speed[0], vz[0]))
    return np.array(out_rows, dtype=np.float32)


def rtl_check(
    net, qcfg, windows, v0, norm, *, sim: str = "verilator", engine=None, progress=None
) -> dict:
    """Every test window through the RTL co-processor, bit for bit against the model path.

    The model path is rolled out first (``model.rollout``, engine "model"), recording every
    step's per-layer (A codes, W codes, C).  Then each layer runs once on the RTL with the A
    rows of *all* steps stacked (one co-processor job per layer, all layers in one simulator
    session: ``api.rtl_check``'s argument), and each step's C rows are compared as uint32
    patterns.  If every layer of every step is bit-identical, feeding the RTL its own outputs
    step by step would give the same inputs everywhere (the host operations and the
    recurrence are deterministic), so the speeds would be identical too; they are recomputed
    from the RTL's last-layer C and compared as well.  ``engine``: a callable with the
    signature of ``xrnpe.rtl.matmul_rtl_many`` (default: that function; a native Verilator
    engine plugs in here).
    """
    trace: list = []
    vel = model.rollout(net, qcfg, windows, v0, norm, "model", trace=trace)
    many = engine or importlib.import_module("xrnpe.rtl").matmul_rtl_many
    jobs = _rtl_jobs(qcfg, trace)
    res = many(jobs, sim=sim, progress=progress)
    layers_exact = []
    c_rtl = []
    for layer_idx, (c, _) in enumerate(res):
        c = np.asarray(c, dtype=np.float32)
        c_model = np.concatenate([step[layer_idx][2] for step in trace])
        layers_exact.append(_same_bits(c, c_model))
        c_rtl.append(c)
    vel_rtl = _rtl_speeds(net, qcfg, c_rtl[-1], len(trace), v0, norm)
    speeds_exact = bool(np.array_equal(vel_rtl.view(np.uint32), vel.view(np.uint32)))
    stats = [{k: v for k, v in st.items() if k != "blocks"} for _, st in res]
    return {
        "windows": len(trace),
        "bit_exact": bool(all(layers_exact) and speeds_exact),
        "layers_bit_exact": layers_exact,
        "speeds_bit_exact": speeds_exact,
        "matmul_shapes": [
            [int(j["a"].shape[0]), int(j["a"].shape[1]), int(j["b"].shape[1])] for j in jobs
        ],
        "rtl_stats": stats,
    }


def _progress(msg: str) -> None:
    log(f"  rtl: {msg}")


def rtl_stage(args, mixed_net, fmts: list, ds: Dataset, clock: Stopwatch) -> RtlOutcome:
    """The RTL check of the mixed network ``(net, qcfg, meta)`` (per-layer formats ``fmts``)
    on the first ``args.rtl_windows`` test windows (all by default), unless --no-rtl or no
    engine."""
    reason = rtl_skip_reason(args.no_rtl, UNIT)
    if reason is not None:
        return rtl_not_run(UNIT, reason)
    test = ds.parts["test"]
    count = len(test.ends) if args.rtl_windows is None else min(args.rtl_windows, len(test.ends))
    net, qcfg, _ = mixed_net
    log(f"RTL check: mixed network {fmts}, {count} test windows, sim={args.sim}")
    error = None
    with clock.stage("rtl"):
        try:
            chk = rtl_check(
                net, qcfg, test.windows[:count], test.v0, ds.norm, sim=args.sim, progress=_progress
            )
        except Exception as e:  # reported, never papered over
            error = e
    seconds = clock.times["rtl"]
    if error is not None:
        return rtl_crashed(UNIT, error, seconds)
    detail = {"ran": True, "sim": args.sim, "layer_formats": fmts, **chk, "seconds": seconds}
    log(
        f"RTL check: {chk['windows']} windows, bit_exact={chk['bit_exact']} "
        f"(per layer {chk['layers_bit_exact']}), {seconds} s"
    )
    summary = {"windows": chk["windows"], "bit_exact": chk["bit_exact"]}
    return RtlOutcome(summary, detail, rtl_mismatch(chk["bit_exact"]))
