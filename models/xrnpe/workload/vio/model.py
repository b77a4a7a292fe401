# SPDX-License-Identifier: Apache-2.0
"""The odometry network: a recurrent inertial branch whose every layer is one co-processor
matmul, and its rollout over consecutive steps on every engine.

docs/vio.md "Network".  Per step k (``step`` samples, 0.5 s), the input is the last ``window``
IMU samples (1 s, 100 Hz, normalised per channel) plus a seventh channel holding the previous
step's speed estimate (normalised, constant over the window); the output is (dv, vz):

    v_k  = v_{k-1} + DV * out[0]          host, float32: speed over step k (m/s)
    vz_k = VZ_MEAN + VZ_STD * out[1]      host, float32: vertical velocity (m/s)

Like UL-VIO's recurrent pose regressor the estimate carries state from step to step; the state
is the speed itself and the residual sum stays on the host, so a narrow format quantises only
the network's correction, not the speed.  Layers (``odometry_net``):

    conv1d 7->16, k 10, stride 5 + ReLU        M = 19 / step, K = 70, N = 16
    conv1d 16->32, k 5, stride 2 + ReLU        M = 8,  K = 80, N = 32
    conv1d 32->32, k 3 + ReLU + mean over time M = 6,  K = 96, N = 32
    dense 32->32 + ReLU                        M = 1,  K = 32, N = 32
    dense 32->2                                M = 1,  K = 32, N = 2
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .. import api, qat
from ..net import Net, conv1d, dense

CHANNELS = 7  # acc xyz, gyro xyz, previous speed


def odometry_net(seed: int = 0, window: int = 100) -> Net:
    """The network above with He-normal weights (seed); the last layer starts 10x smaller so
    the untrained recurrence starts close to 'keep the previous speed'."""
    rng = np.random.default_rng(seed)
    layers = [
        conv1d(CHANNELS, 16, 10, 5, name="conv1", rng=rng),
        conv1d(16, 32, 5, 2, name="conv2", rng=rng),
        conv1d(32, 32, 3, 1, gap=True, name="conv3", rng=rng),
        dense(32, 32, relu=True, name="fc1", rng=rng),
        dense(32, 2, relu=False, name="fc2", rng=rng),
    ]
    layers[-1].w *= 0.1
    return Net(layers, (window, CHANNELS), {"name": "odometry_net", "seed": seed})


@dataclass
class Normaliser:
    """Fixed host-side scalings, fitted on the training part: IMU channel mean/std, the speed
    channel's mean/std, the output scalings DV (speed change per unit output) and VZ."""

    imu_mean: list
    imu_std: list
    speed_mean: float
    speed_std: float
    dv: float
    vz_mean: float
    vz_std: float

    @staticmethod
    def fit(train_samples: np.ndarray, speeds: np.ndarray, vz: np.ndarray) -> Normaliser:
        speeds = np.asarray(speeds, float)
        return Normaliser(
            [float(v) for v in train_samples.mean(axis=0)],
            [float(v) for v in train_samples.std(axis=0)],
            float(speeds.mean()),
            float(speeds.std()),
            float(np.std(np.diff(speeds))),
            float(np.mean(vz)),
            float(np.std(vz)),
        )

    def to_dict(self) -> dict:
        return asdict(self)

    @staticmethod
    def from_dict(d: dict) -> Normaliser:
        return Normaliser(**d)

    def imu(self, windows: np.ndarray, dtype=np.float64) -> np.ndarray:
        """(..., window, 6) raw samples -> normalised, in ``dtype``."""
        mean = np.asarray(self.imu_mean, dtype=dtype)
        std = np.asarray(self.imu_std, dtype=dtype)
        return (np.asarray(windows, dtype=dtype) - mean) / std


def step_input(imu_norm: np.ndarray, speed: np.ndarray, norm: Normaliser) -> np.ndarray:
    """(B, window, 7) network input: normalised IMU plus the previous speed channel (same
    dtype as ``imu_norm``)."""
    dtype = imu_norm.dtype
    x = np.empty((*imu_norm.shape[:-1], CHANNELS), dtype=dtype)
    x[..., :6] = imu_norm
    prev = (np.asarray(speed, dtype=dtype) - dtype.type(norm.speed_mean)) / dtype.type(
        norm.speed_std
    )
    x[..., 6] = prev[:, None]
    return x


def update(speed: np.ndarray, out: np.ndarray, norm: Normaliser) -> tuple[np.ndarray, np.ndarray]:
    """Host recurrence: (new speed, vertical velocity) from the previous speed and the
    network output, in the outputs' dtype."""
    dtype = out.dtype
    new = np.asarray(speed, dtype=dtype) + out[:, 0] * dtype.type(norm.dv)
    vz = out[:, 1] * dtype.type(norm.vz_std) + dtype.type(norm.vz_mean)
    return new, vz


def rollout(
    net: Net,
    qcfg: list | None,
    windows: np.ndarray,
    v0: float,
    norm: Normaliser,
    engine: str = "model",
    *,
    trace: list | None = None,
    sim: str = "icarus",
) -> np.ndarray:
    """(n, 2) per-step (speed, vertical velocity) over consecutive steps of one sequence.

    windows: (n, window, 6) raw IMU windows of consecutive steps; v0: the speed of the step
    before the first (from the ground truth, like the initial position and heading).
    engine "float"/"qat": the float64 training forward (fake-quantised for "qat");
    "model"/"emulate"/"rtl": every layer's matmul on codes (``api.infer``), host ops in
    float32.  ``trace`` (code engines): a list receiving one ``api.infer`` trace per step.
    """
    codes = engine not in ("float", "qat")
    dtype = np.float32 if codes else np.float64
    imu = norm.imu(windows, dtype)
    speed = np.array([v0], dtype=dtype)
    out_rows = []
    for k in range(len(imu)):
        x = step_input(imu[k : k + 1], speed, norm)
        if codes:
            tr: list | None = [] if trace is not None else None
            out = api.infer(net, qcfg, x, engine, sim=sim, trace=tr)
            if trace is not None:
                trace.append(tr)
        else:
            out = qat.forward(net, qcfg if engine == "qat" else None, x)[0]
        speed, vz = update(speed, out.astype(dtype), norm)
        out_rows.append((speed[0], vz[0]))
    return np.array(out_rows, dtype=dtype)
