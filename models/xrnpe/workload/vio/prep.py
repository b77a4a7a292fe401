# SPDX-License-Identifier: Apache-2.0
"""From a ``Sequence`` to network windows: uniform resampling, the ground-truth spline, the
split by time and the per-step targets.

docs/vio.md "Data" and "Windows and targets".

- The IMU is resampled by linear interpolation onto a uniform grid (``RATE`` = 100 Hz) over
  its longest run without a gap above ``MAX_GAP`` (the KITTI file starts with one sample 1.9 s
  before the others).
- Ground truth: a cubic spline through the GPS/INS positions (1 Hz); its derivative gives the
  velocity and the heading (direction of horizontal motion; held through near-stops).
- Split by time, never shuffled: the first 60 % of the grid trains, the next 15 % validates
  (format selection), the last 25 % tests.  No window crosses a split boundary.
- A window is the ``window`` samples (6 channels: acc xyz, gyro xyz) *ending* at a grid index
  e (causal); its step is the last ``step`` samples.  Targets per step: mean horizontal speed
  (truth path length / step duration) and mean vertical velocity, m/s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .data import ImuSamples, Positions

RATE = 100.0  # Hz, the uniform IMU grid
MAX_GAP = 0.1  # s; a larger gap between IMU samples ends a contiguous run
SPLIT_FRACTIONS = {"train": 0.60, "val": 0.15, "test": 0.25}
MIN_HEADING_SPEED = 1.0  # m/s; below this the truth heading is interpolated from moving times


def longest_run(imu: ImuSamples, max_gap: float = MAX_GAP) -> ImuSamples:
    """The longest stretch of samples without a gap above ``max_gap`` seconds."""
    cuts = np.flatnonzero(np.diff(imu.t) > max_gap) + 1
    edges = np.concatenate([[0], cuts, [len(imu.t)]])
    k = int(np.argmax(np.diff(edges)))
    a, b = edges[k], edges[k + 1]
    return ImuSamples(imu.t[a:b], imu.acc[a:b], imu.gyro[a:b])


@dataclass(frozen=True)
class Grid:
    """IMU on a uniform grid: times t (n,), samples (n, 6) = acc xyz, gyro xyz."""

    t: np.ndarray
    samples: np.ndarray
    rate: float

    @property
    def dt(self) -> float:
        return 1.0 / self.rate


def resample(imu: ImuSamples, rate: float = RATE) -> Grid:
    """Linear interpolation of the longest gap-free run onto a uniform ``rate`` grid."""
    run = longest_run(imu)
    n = int(np.floor((run.t[-1] - run.t[0]) * rate)) + 1
    t = run.t[0] + np.arange(n) / rate
    raw = np.hstack([run.acc, run.gyro])
    samples = np.stack([np.interp(t, run.t, raw[:, c]) for c in range(6)], axis=1)
    return Grid(t, samples, rate)


class Truth:
    """Cubic-spline ground truth through GPS/INS positions: position, velocity, heading."""

    def __init__(self, positions: Positions, min_heading_speed: float = MIN_HEADING_SPEED):
        from scipy.interpolate import CubicSpline

        self.positions = positions
        self.spline = CubicSpline(positions.t, positions.xyz)
        self.min_heading_speed = min_heading_speed
        # heading reference: the spline's direction of motion on a 10 Hz grid, unwrapped,
        # held (interpolated) where the horizontal speed is too low to define it
        tt = np.arange(positions.t[0], positions.t[-1], 0.1)
        v = self.spline(tt, 1)
        speed = np.hypot(v[:, 0], v[:, 1])
        moving = speed >= min_heading_speed
        if moving.sum() < 2:
            raise ValueError("the ground truth never moves: no heading reference")
        yaw = np.unwrap(np.arctan2(v[moving, 1], v[moving, 0]))
        self._heading_t, self._heading = tt[moving], yaw

    def position(self, t) -> np.ndarray:
        return self.spline(t)

    def velocity(self, t) -> np.ndarray:
        return self.spline(t, 1)

    def acceleration(self, t) -> np.ndarray:
        return self.spline(t, 2)

    def heading(self, t) -> np.ndarray:
        """Unwrapped heading (rad, counter-clockwise from +x) of the direction of motion."""
        return np.interp(t, self._heading_t, self._heading)

    def path_length(self, t0, t1, samples: int = 16) -> np.ndarray:
        """Horizontal path length between t0 and t1 (arrays), by ``samples`` chords each."""
        t0, t1 = np.asarray(t0, float), np.asarray(t1, float)
        frac = np.linspace(0.0, 1.0, samples + 1)
        tt = t0[..., None] + (t1 - t0)[..., None] * frac
        p = self.spline(tt)[..., :2]
        return np.linalg.norm(np.diff(p, axis=-2), axis=-1).sum(axis=-1)


def split_ranges(n: int, fractions: dict = SPLIT_FRACTIONS) -> dict[str, tuple[int, int]]:
    """Grid index ranges [start, stop) of the train / val / test parts, in time order."""
    total = sum(fractions.values())
    out, start = {}, 0
    acc = 0.0
    for name, f in fractions.items():
        acc += f
        stop = n if name == list(fractions)[-1] else round(n * acc / total)
        out[name] = (start, stop)
        start = stop
    return out


def window_ends(start: int, stop: int, window: int, hop: int) -> np.ndarray:
    """End indices e (exclusive) of windows [e - window, e) inside [start, stop), every
    ``hop`` samples, so that the step's end time t[e] exists (e < stop)."""
    first = start + window
    return np.arange(first, stop, hop)


def windows(grid: Grid, ends: np.ndarray, window: int) -> np.ndarray:
    """(len(ends), window, 6) float64 copies of the samples [e - window, e)."""
    idx = np.asarray(ends)[:, None] + np.arange(-window, 0)[None, :]
    return grid.samples[idx]


def step_targets(grid: Grid, truth: Truth, ends: np.ndarray, step: int) -> np.ndarray:
    """(len(ends), 2): mean horizontal speed and mean vertical velocity (m/s) over the step
    [t[e - step], t[e]]."""
    t0, t1 = grid.t[np.asarray(ends) - step], grid.t[np.asarray(ends)]
    dur = t1 - t0
    horiz = truth.path_length(t0, t1) / dur
    vert = (truth.position(t1)[:, 2] - truth.position(t0)[:, 2]) / dur
    return np.stack([horiz, vert], axis=1)
