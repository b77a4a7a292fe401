# SPDX-License-Identifier: Apache-2.0
"""``make vio`` stage 4, evaluation on the test part: every configuration through the exact
co-processor model (and its QAT forward, for the agreement), and plain strapdown dead
reckoning of the same IMU data with its alignment study.  The RTL check is in ``rtlcheck``."""

from __future__ import annotations

import numpy as np

from .. import api
from ..common import Stopwatch, log
from . import inertial, metrics, model
from .dataset import Dataset, reference, rte, trajectory, val_error
from .quantize import Costs


def evaluate_network(ds: Dataset, net, qcfg, costs: Costs, clock: Stopwatch, name: str):
    """One configuration on the test part: (its results entry, its trajectory)."""
    test = ds.parts["test"]
    with clock.stage(f"test_{name}"):
        fmts = None if qcfg is None else [q.fmt for q in qcfg]
        if qcfg is None:
            vel = model.rollout(net, None, test.windows, test.v0, ds.norm, "float")
            vel_qat = vel
        else:
            vel = model.rollout(net, qcfg, test.windows, test.v0, ds.norm, "model")
            vel_qat = model.rollout(net, qcfg, test.windows, test.v0, ds.norm, "qat")
    tr = trajectory(ds, test, vel.astype(np.float64))
    p_gt, yaw_gt = reference(ds, tr)
    speed_err = vel[:, 0] - test.targets[:, 0]
    result = {
        "layer_formats": fmts,
        "weight_bits": api.weight_bits(net, fmts or "fp32"),
        "energy_pj_per_inference": None if fmts is None else costs.energy(fmts),
        "test": metrics.relative_translation_error(tr["position"], tr["yaw"], p_gt, yaw_gt),
        "evo": metrics.evo_errors(tr["t"], tr["position"], tr["yaw"], p_gt, yaw_gt),
        "val_error": val_error(ds, net, qcfg),
        "speed_error_mean": float(speed_err.mean()),
        "speed_error_std": float(speed_err.std()),
        "qat_forward_test_error": rte(ds, test, vel_qat.astype(np.float64))["value"],
        "qat_vs_model_max_abs_speed_diff": float(np.abs(vel - vel_qat).max()),
        "scales": None if qcfg is None else [q.to_dict() for q in qcfg],
    }
    log(
        f"{name:>5} {fmts or 'float32'}: test error {result['test']['value']:.3f} %, val "
        f"{result['val_error']:.3f} %, APE {result['evo']['ape_rmse_m']:.1f} m, "
        f"{result['weight_bits']} weight bits"
        + ("" if fmts is None else f", {result['energy_pj_per_inference']:.0f} pJ")
    )
    return result, tr


def evaluate_networks(ds: Dataset, nets: dict, costs: Costs, clock: Stopwatch):
    """Every configuration on the test part: ({name: results entry}, {name: trajectory})."""
    results: dict = {}
    trajectories: dict = {}
    for name, (net, qcfg, _) in nets.items():
        results[name], trajectories[name] = evaluate_network(ds, net, qcfg, costs, clock, name)
    return results, trajectories


# ------------------------------------------------------------------ dead reckoning
def _strapdown_steps(ds: Dataset, idx: np.ndarray, **kw) -> dict:
    """Strapdown over the test part, sampled at its step ends (``idx`` from its start)."""
    test = ds.parts["test"]
    first = int(test.ends[0] - ds.step)
    d = inertial.strapdown(ds.grid_raw, ds.truth, ds.bias, first, int(test.ends[-1]), **kw)
    return {
        "t": d["t"][idx],
        "position": d["position"][idx],
        "yaw": inertial.heading(d["rotation"])[idx],
    }


def _strapdown_error(ds: Dataset, idx: np.ndarray, **kw) -> float:
    tr = _strapdown_steps(ds, idx, **kw)
    return metrics.relative_translation_error(tr["position"], tr["yaw"], *reference(ds, tr))[
        "value"
    ]


def alignment_study(ds: Dataset, idx: np.ndarray) -> dict:
    """How much of dead reckoning's error is the initial alignment: longer levelling, and
    the best tilt (fitted on the answer: an oracle, for the record only)."""
    test = ds.parts["test"]
    first = int(test.ends[0] - ds.step)
    alignment = {
        f"level_{span / ds.grid.rate:g}s": _strapdown_error(ds, idx, level_span=span)
        for span in (100, 200, 400, 800, 2000)
        if first + span <= test.ends[-1]
    }
    oracle = inertial.best_tilt(
        ds.grid_raw, ds.truth, ds.bias, first, int(test.ends[-1]), first + idx
    )
    alignment["oracle_tilt_deg"] = [float(np.degrees(v)) for v in oracle]
    alignment["oracle_tilt"] = _strapdown_error(ds, idx, tilt_fix=oracle)
    return alignment


def dead_reckoning(ds: Dataset, clock: Stopwatch) -> dict:
    """Plain strapdown of the same IMU data, same bias, same start: its trajectory
    (``trajectory``), errors (``test``, ``evo``), position error per step (``error_m``) and
    the alignment study."""
    test = ds.parts["test"]
    with clock.stage("dead_reckoning"):
        first = int(test.ends[0] - ds.step)
        idx = np.concatenate([[0], test.ends - first])
        tr = _strapdown_steps(ds, idx)
        p_gt, yaw_gt = reference(ds, tr)
        dr = {
            "trajectory": tr,
            "test": metrics.relative_translation_error(tr["position"], tr["yaw"], p_gt, yaw_gt),
            "evo": metrics.evo_errors(tr["t"], tr["position"], tr["yaw"], p_gt, yaw_gt),
            "error_m": np.linalg.norm(tr["position"] - p_gt, axis=1),
            "alignment": alignment_study(ds, idx),
        }
    log(
        f"dead reckoning (strapdown): test error {dr['test']['value']:.3f} %, APE "
        f"{dr['evo']['ape_rmse_m']:.1f} m; alignment study: "
        + ", ".join(f"{k} {v:.1f} %" for k, v in dr["alignment"].items() if not k.endswith("deg"))
    )
    return dr
