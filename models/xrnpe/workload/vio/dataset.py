# SPDX-License-Identifier: Apache-2.0
"""``make vio`` stage 1, data: the drive on a uniform grid, cut to the configured span, split by
time into train / val / test, gyro bias removed, the normaliser fitted on the training part,
the val and test windows, and the calibration inputs of the quantisers.  Also the measures of
a network's speeds on a part (its trajectory and relative translation error), which the
selection and the evaluation share."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..common import log
from . import data, inertial, metrics, model, prep
from .train import StepData


class Part:
    """One part of the split: its step ends, raw windows and per-step targets."""

    def __init__(self, name, grid, truth, start, stop, window, step):
        self.name = name
        self.ends = prep.window_ends(start, stop, window, step)
        if len(self.ends) < 2:
            raise ValueError(f"the {name} part is too short for windows of {window} samples")
        self.windows = prep.windows(grid, self.ends, window)
        self.targets = prep.step_targets(grid, truth, self.ends, step)
        self.v0 = float(prep.step_targets(grid, truth, self.ends[:1] - step, step)[0, 0])


@dataclass
class Dataset:
    """Everything the later stages read from the drive.  ``grid_raw`` keeps the gyro bias
    (integration removes it itself), ``grid`` is the network's input with the bias removed."""

    seq: data.Sequence
    step: int
    grid_raw: prep.Grid
    grid: prep.Grid
    truth: prep.Truth
    bias: np.ndarray
    splits: dict
    norm: model.Normaliser
    train_data: StepData
    parts: dict
    calib_x: np.ndarray

    def span(self) -> dict:
        """Each part's first and last sample time, seconds from the start of the grid."""
        t = self.grid.t
        return {
            p: [float(t[s] - t[0]), float(t[e - 1] - t[0])] for p, (s, e) in self.splits.items()
        }


def prepare(seq: data.Sequence, config: dict) -> Dataset:
    window, step = config["window"], config["step"]
    grid_raw = prep.resample(seq.imu, config["rate"])
    if config["span_s"]:
        n = int(config["span_s"] * config["rate"])
        grid_raw = prep.Grid(grid_raw.t[:n], grid_raw.samples[:n], grid_raw.rate)
    truth = prep.Truth(seq.truth)
    splits = prep.split_ranges(len(grid_raw.t), config["splits"])
    bias = inertial.gyro_bias(grid_raw, truth, *splits["train"])
    grid = prep.Grid(grid_raw.t, inertial.corrected(grid_raw, bias), grid_raw.rate)
    a, b = splits["train"]
    train_targets = prep.step_targets(grid, truth, np.arange(a + step, b, step), step)
    norm = model.Normaliser.fit(grid.samples[a:b], train_targets[:, 0], train_targets[:, 1])
    train_data = StepData(grid, truth, norm, a, b, window, step)
    parts = {p: Part(p, grid, truth, *splits[p], window, step) for p in ("val", "test")}
    calib_x = train_data.teacher_inputs(config["calib_samples"], seed=config["train_seed"])
    return Dataset(seq, step, grid_raw, grid, truth, bias, splits, norm, train_data, parts, calib_x)


def log_summary(ds: Dataset, cache_dir) -> None:
    grid = ds.grid
    log(
        f"vio: {ds.seq.name}; {len(grid.t) / grid.rate:.0f} s on a {grid.rate:g} Hz grid, parts "
        + ", ".join(f"{p} {s:.0f}-{e:.0f} s" for p, (s, e) in ds.span().items())
        + f"; gyro bias {ds.bias[2]:+.2e} rad/s (z); cache {cache_dir}"
    )


# ------------------------------------------------------------------ measures on a part
def reference(ds: Dataset, est: dict) -> tuple[np.ndarray, np.ndarray]:
    """Ground-truth position and heading at the times of trajectory ``est``."""
    return ds.truth.position(est["t"]), ds.truth.heading(est["t"])


def trajectory(ds: Dataset, part: Part, velocities: np.ndarray) -> dict:
    """The trajectory integrated from per-step (speed, vertical speed) over ``part``."""
    return inertial.integrate_steps(ds.grid_raw, ds.truth, ds.bias, part.ends, ds.step, velocities)


def rte(ds: Dataset, part: Part, velocities: np.ndarray) -> dict:
    """Relative translation error (KITTI-style) of the trajectory of ``velocities``."""
    tr = trajectory(ds, part, velocities)
    p_gt, yaw_gt = reference(ds, tr)
    return metrics.relative_translation_error(tr["position"], tr["yaw"], p_gt, yaw_gt)


def val_error(ds: Dataset, net, qcfg) -> float:
    """The validation part's error of a network: float forward, or QAT forward if quantised."""
    val = ds.parts["val"]
    vel = model.rollout(net, qcfg, val.windows, val.v0, ds.norm, "qat" if qcfg else "float")
    return rte(ds, val, vel)["value"]
