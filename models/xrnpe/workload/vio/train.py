# SPDX-License-Identifier: Apache-2.0
"""Training the recurrent odometry network through time (float and QAT).

docs/vio.md "Training".  Sequences of ``T`` consecutive steps start every ``stride`` samples in
the training part; each starts from the true speed of the step before it plus Gaussian noise
(``v0_noise`` m/s, so the network learns to correct a wrong state, not only to keep it).  The
loss is the mean over steps and sequences of ((v - v_true) / DV)^2 + ((vz - vz_true) / VZ)^2.
Gradients flow through the recurrence (backpropagation through time): through the host's
residual sum v_k = v_{k-1} + DV out_k[0] and through the previous-speed input channel, with the
straight-through estimator at every fake quantiser (``xrnpe.workload.qat``: the same quantiser,
calibration and Adam as the digits workload).
"""

from __future__ import annotations

import math

import numpy as np

from .. import qat
from ..net import Net
from . import prep
from .model import Normaliser, step_input, update


class StepData:
    """Normalised IMU and per-step targets of one part of a sequence (grid indices
    [start, stop)), for windows of ``window`` samples and steps of ``step`` samples."""

    def __init__(
        self,
        grid: prep.Grid,
        truth: prep.Truth,
        norm: Normaliser,
        start: int,
        stop: int,
        window: int,
        step: int,
    ):
        self.grid, self.truth, self.norm = grid, truth, norm
        self.start, self.stop, self.window, self.step = start, stop, window, step
        self.imu = norm.imu(grid.samples)
        # targets for every possible step end e in [start + step, stop)
        self.first_end = start + step
        ends = np.arange(self.first_end, stop)
        self.targets = prep.step_targets(grid, truth, ends, step)

    def target(self, ends: np.ndarray) -> np.ndarray:
        return self.targets[np.asarray(ends) - self.first_end]

    def sequence_starts(self, length: int, stride: int) -> np.ndarray:
        """First step ends of all sequences of ``length`` steps (and their previous step)
        inside the part, every ``stride`` samples."""
        first = self.start + self.window + self.step  # the previous step is inside too
        last = self.stop - 1 - (length - 1) * self.step
        if last < first:
            raise ValueError(
                f"the part ({self.stop - self.start} samples) is too short for "
                f"sequences of {length} steps"
            )
        return np.arange(first, last + 1, stride)

    def batch(self, first_ends: np.ndarray, length: int):
        """(windows (B, T, window, 6) normalised, targets (B, T, 2), previous speeds (B,))."""
        ends = np.asarray(first_ends)[:, None] + self.step * np.arange(length)[None, :]
        idx = ends[..., None] + np.arange(-self.window, 0)
        return (
            self.imu[idx],
            self.target(ends),
            self.target(np.asarray(first_ends) - self.step)[:, 0],
        )

    def teacher_inputs(self, count: int, seed: int = 0) -> np.ndarray:
        """Network inputs at ``count`` seeded random step ends with the true previous speed
        (for calibrating activation scales)."""
        rng = np.random.default_rng(seed)
        lo = self.start + self.window + self.step
        ends = np.sort(
            rng.choice(np.arange(lo, self.stop), size=min(count, self.stop - lo), replace=False)
        )
        idx = ends[:, None] + np.arange(-self.window, 0)
        return step_input(self.imu[idx], self.target(ends - self.step)[:, 0], self.norm)


def _rollout_train(net: Net, qcfg, windows: np.ndarray, v0: np.ndarray, norm: Normaliser):
    speeds, vzs, caches = [], [], []
    v = v0
    for k in range(windows.shape[1]):
        out, cache = qat.forward(net, qcfg, step_input(windows[:, k], v, norm))
        v, vz = update(v, out, norm)
        speeds.append(v)
        vzs.append(vz)
        caches.append(cache)
    return np.stack(speeds, 1), np.stack(vzs, 1), caches


def sequence_loss(speed, vz, targets, norm: Normaliser):
    """(loss, d loss / d speed, d loss / d vz) for (B, T) estimates."""
    n = speed.size
    es = (speed - targets[..., 0]) / norm.dv
    ez = (vz - targets[..., 1]) / norm.vz_std
    loss = float((es**2).sum() / n + (ez**2).sum() / n)
    return loss, 2.0 * es / norm.dv / n, 2.0 * ez / norm.vz_std / n


def train_sequences(
    net: Net,
    qcfg: list | None,
    data: StepData,
    *,
    length: int,
    stride: int,
    epochs: int,
    lr: float,
    batch: int = 16,
    seed: int = 0,
    weight_decay: float = 1e-4,
    v0_noise: float = 1.0,
    log=None,
) -> list[float]:
    """Adam + cosine decay over sequences (see the module docstring); updates ``net`` in
    place, deterministic for a seed.  Returns the per-epoch mean loss."""
    norm = data.norm
    starts = data.sequence_starts(length, stride)
    rng = np.random.default_rng(seed)
    per_epoch = math.ceil(len(starts) / batch)
    opt = qat.Adam(net, lr, epochs * per_epoch, weight_decay)
    history = []
    for ep in range(epochs):
        perm = rng.permutation(len(starts))
        losses = []
        for s in range(per_epoch):
            first = starts[np.sort(perm[s * batch : (s + 1) * batch])]
            windows, targets, prev = data.batch(first, length)
            v0 = prev + v0_noise * rng.normal(size=len(first))
            speed, vz, caches = _rollout_train(net, qcfg, windows, v0, norm)
            loss, d_speed, d_vz = sequence_loss(speed, vz, targets, norm)
            grads: dict = {}
            carry = np.zeros(len(first))  # d loss / d v_k from the later steps
            for k in reversed(range(length)):
                carry = carry + d_speed[:, k]
                dout = np.stack([carry * norm.dv, d_vz[:, k] * norm.vz_std], axis=1)
                g = qat.backward(net, caches[k], dout, input_grad=True)
                carry = carry + g.pop("x")[:, :, 6].sum(axis=1) / norm.speed_std
                for key, val in g.items():
                    grads[key] = grads[key] + val if key in grads else val
            opt.step(net, grads)
            losses.append(loss)
        history.append(float(np.mean(losses)))
        if log:
            log(f"  epoch {ep + 1}/{epochs} loss {history[-1]:.4f}")
    return history
