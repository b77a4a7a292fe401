# SPDX-License-Identifier: Apache-2.0
"""Trajectory errors: the KITTI-style relative translation error and evo's APE / RPE.

docs/vio.md "Metric".  Poses are positions plus a heading (yaw about the gravity axis):
the ground truth's heading is its direction of motion (``prep.Truth.heading``), an estimate's
is its integrated attitude's yaw.

KITTI (devkit ``evaluate_odometry``): for every first pose (every ``first_every``-th) and every
segment length L in 100, 200, ..., 800 m of ground-truth path, the last pose is the first one
at least L further along the path; the error of the segment is the translation of
inv(dT_est) dT_gt, i.e. |R_gt,i^T (p_gt,j - p_gt,i) - R_est,i^T (p_est,j - p_est,i)|, divided
by L.  The reported value is the mean over all segments, in percent; rotation error in deg per
100 m likewise.
"""

from __future__ import annotations

import numpy as np

SEGMENT_LENGTHS = (100.0, 200.0, 300.0, 400.0, 500.0, 600.0, 700.0, 800.0)
METRIC_NAME = (
    "relative translation error, percent (KITTI-style: mean over all segments of "
    "100, 200, ..., 800 m of the held-out part, against the GPS/INS ground truth)"
)


def _in_heading_frame(d: np.ndarray, yaw: float) -> np.ndarray:
    c, s = np.cos(yaw), np.sin(yaw)
    return np.array([c * d[0] + s * d[1], -s * d[0] + c * d[1], d[2]])


def path_distances(positions: np.ndarray) -> np.ndarray:
    """Cumulative path length at every pose (starts at 0)."""
    return np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(positions, axis=0), axis=1))])


def relative_translation_error(
    p_est: np.ndarray,
    yaw_est: np.ndarray,
    p_gt: np.ndarray,
    yaw_gt: np.ndarray,
    lengths=SEGMENT_LENGTHS,
    first_every: int = 2,
) -> dict:
    """KITTI-style segment errors (see the module docstring).

    Returns {"value": mean translation error %, "rotation_deg_per_100m", "segments",
    "per_length": {L: {"value", "segments"}}}; lengths longer than the whole path are skipped
    (no segments).  Raises ValueError if no segment fits at all.
    """
    p_est, p_gt = np.asarray(p_est, float), np.asarray(p_gt, float)
    if p_est.shape != p_gt.shape or p_est.ndim != 2 or p_est.shape[1] != 3:
        raise ValueError(f"positions must both be (n, 3), got {p_est.shape} and {p_gt.shape}")
    dist = path_distances(p_gt)
    t_errs: dict[float, list] = {float(L): [] for L in lengths}
    r_errs = []
    for first in range(0, len(p_gt), first_every):
        for L in lengths:
            last = int(np.searchsorted(dist, dist[first] + L))
            if last >= len(p_gt):
                continue
            dg = _in_heading_frame(p_gt[last] - p_gt[first], yaw_gt[first])
            de = _in_heading_frame(p_est[last] - p_est[first], yaw_est[first])
            t_errs[float(L)].append(np.linalg.norm(dg - de) / L)
            dyaw = (yaw_est[last] - yaw_est[first]) - (yaw_gt[last] - yaw_gt[first])
            r_errs.append(abs(np.angle(np.exp(1j * dyaw))) / L)
    every = [e for v in t_errs.values() for e in v]
    if not every:
        raise ValueError(f"no segment of {min(lengths):g} m fits in a path of {dist[-1]:.1f} m")
    return {
        "value": 100.0 * float(np.mean(every)),
        "rotation_deg_per_100m": float(np.degrees(np.mean(r_errs)) * 100.0),
        "segments": len(every),
        "per_length": {
            f"{L:g}": {"value": 100.0 * float(np.mean(v)), "segments": len(v)}
            for L, v in t_errs.items()
            if v
        },
    }


def _evo_trajectory(t, positions, yaw):
    from evo.core.trajectory import PoseTrajectory3D

    yaw = np.asarray(yaw, float)
    quat = np.stack(
        [np.cos(yaw / 2), np.zeros_like(yaw), np.zeros_like(yaw), np.sin(yaw / 2)], axis=1
    )
    return PoseTrajectory3D(
        positions_xyz=np.asarray(positions, float),
        orientations_quat_wxyz=quat,
        timestamps=np.asarray(t, float),
    )


def evo_errors(t, p_est, yaw_est, p_gt, yaw_gt, rpe_delta_m: float = 100.0) -> dict:
    """evo's APE (translation, no alignment: both start at the ground truth; and after an SE(3)
    Umeyama alignment, None where the path is degenerate) and RPE (translation, pairs ``rpe_delta_m`` apart along the ground
    truth's path), in metres."""
    import copy

    from evo.core import metrics

    ref = _evo_trajectory(t, p_gt, yaw_gt)
    est = _evo_trajectory(t, p_est, yaw_est)
    ape = metrics.APE(metrics.PoseRelation.translation_part)
    ape.process_data((ref, est))
    aligned = copy.deepcopy(est)
    try:
        aligned.align(ref, correct_scale=False)
    except Exception:  # evo's GeometryException: a degenerate (e.g. straight) path
        ape_aligned = None
    else:
        ape_al = metrics.APE(metrics.PoseRelation.translation_part)
        ape_al.process_data((ref, aligned))
        ape_aligned = float(ape_al.get_statistic(metrics.StatisticsType.rmse))
    rpe = metrics.RPE(
        metrics.PoseRelation.translation_part,
        delta=rpe_delta_m,
        delta_unit=metrics.Unit.meters,
        rel_delta_tol=0.1,
        all_pairs=True,
        pairs_from_reference=True,
    )
    rpe.process_data((ref, est))
    st = rpe.get_all_statistics()
    return {
        "ape_rmse_m": float(ape.get_statistic(metrics.StatisticsType.rmse)),
        "ape_max_m": float(ape.get_statistic(metrics.StatisticsType.max)),
        "ape_aligned_rmse_m": ape_aligned,
        f"rpe_{rpe_delta_m:g}m_rmse_m": float(st["rmse"]),
        f"rpe_{rpe_delta_m:g}m_mean_m": float(st["mean"]),
        f"rpe_{rpe_delta_m:g}m_pairs": len(rpe.error),
    }
