# SPDX-License-Identifier: Apache-2.0
"""Inertial mechanics shared by the learned odometry and its strapdown baseline.

docs/vio.md "Trajectories" and "Dead reckoning".  Both trajectories of a part start from the
ground truth at the part's first pose (position, velocity, heading; roll and pitch levelled
from the specific force) and use the *same* attitude: the gyroscope integrated from there,
with the same bias correction (``gyro_bias``).  They differ only in translation:

- ``strapdown``: plain strapdown integration, v += (R f + g) dt, p += v dt + (R f + g) dt^2 / 2.
- ``integrate_steps``: the network's speed per step along the integrated heading,
  p += v_h * sum_j [cos psi_j, sin psi_j, 0] dt + [0, 0, v_z * step dt].
"""

from __future__ import annotations

import numpy as np

from .prep import Grid, Truth

GRAVITY = 9.81  # m/s^2 (Karlsruhe: 9.809)
G_NAV = np.array([0.0, 0.0, -GRAVITY])


def gyro_bias(
    grid: Grid, truth: Truth, start: int, stop: int, min_speed: float = 3.0
) -> np.ndarray:
    """Constant gyroscope bias (3,) estimated on grid indices [start, stop): the z component is
    the least-squares drift rate of the integrated yaw rate against the ground-truth heading
    while moving faster than ``min_speed``; x and y are unobservable this way and stay 0."""
    t = grid.t[start:stop]
    wz = grid.samples[start:stop, 5]
    yaw = np.concatenate([[0.0], np.cumsum(0.5 * (wz[1:] + wz[:-1]) * grid.dt)])
    v = truth.velocity(t)
    moving = np.hypot(v[:, 0], v[:, 1]) >= min_speed
    if moving.sum() < 10:
        raise ValueError("too little motion in the training part to estimate the gyro bias")
    diff = truth.heading(t[moving]) - yaw[moving]
    slope = np.polyfit(t[moving] - t[0], diff, 1)[0]
    return np.array([0.0, 0.0, -slope])


def rot_z(yaw: float) -> np.ndarray:
    c, s = np.cos(yaw), np.sin(yaw)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def exp_so3(rotvec: np.ndarray) -> np.ndarray:
    """Rodrigues: (n, 3) rotation vectors -> (n, 3, 3) rotation matrices."""
    rv = np.atleast_2d(rotvec)
    theta = np.linalg.norm(rv, axis=1)
    small = theta < 1e-12
    th = np.where(small, 1.0, theta)
    k = rv / th[:, None]
    kx = np.zeros((len(rv), 3, 3))
    kx[:, 0, 1], kx[:, 0, 2] = -k[:, 2], k[:, 1]
    kx[:, 1, 0], kx[:, 1, 2] = k[:, 2], -k[:, 0]
    kx[:, 2, 0], kx[:, 2, 1] = -k[:, 1], k[:, 0]
    s = np.where(small, 0.0, np.sin(th))[:, None, None]
    c = np.where(small, 0.0, 1.0 - np.cos(th))[:, None, None]
    return np.eye(3)[None] + s * kx + c * (kx @ kx)


def level(specific_force: np.ndarray, nav_accel: np.ndarray, yaw: float) -> np.ndarray:
    """Initial attitude Rz(yaw) Ry(pitch) Rx(roll) whose roll and pitch turn the measured
    specific force (body frame, averaged) into the direction of nav_accel - g (the ground
    truth's acceleration over the same span)."""
    w = rot_z(yaw).T @ (np.asarray(nav_accel, float) - G_NAV)
    w = w / np.linalg.norm(w)
    f = np.asarray(specific_force, float)
    f = f / np.linalg.norm(f)
    # roll: (Rx f)_y = cos(r) f_y - sin(r) f_z = w_y; of the two solutions the smaller one
    rho, alpha = np.hypot(f[1], f[2]), np.arctan2(f[2], f[1])
    base = np.arccos(np.clip(w[1] / rho, -1.0, 1.0))
    roll = min((base - alpha, -base - alpha), key=lambda r: abs(np.angle(np.exp(1j * r))))
    c, s = np.cos(roll), np.sin(roll)
    rx = np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])
    g1 = rx @ f
    # pitch: rotate g1 about y onto w in the x/z plane
    pitch = np.arctan2(w[0], w[2]) - np.arctan2(g1[0], g1[2])
    c, s = np.cos(pitch), np.sin(pitch)
    ry = np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])
    return rot_z(yaw) @ ry @ rx


def attitude(r0: np.ndarray, gyro: np.ndarray, dt: float) -> np.ndarray:
    """(n + 1, 3, 3) attitudes: r0, then R_{k+1} = R_k Exp(gyro_k dt)."""
    steps = exp_so3(np.asarray(gyro) * dt)
    out = np.empty((len(steps) + 1, 3, 3))
    out[0] = r = r0
    for k, d in enumerate(steps):
        r = r @ d
        out[k + 1] = r
    # re-orthonormalise (drift of the products is ~1e-13 per step; keep it exact)
    u, _, vt = np.linalg.svd(out)
    return u @ vt


def heading(rotations: np.ndarray) -> np.ndarray:
    """Unwrapped yaw of (n, 3, 3) body-to-nav rotations."""
    return np.unwrap(np.arctan2(rotations[:, 1, 0], rotations[:, 0, 0]))


def initial_attitude(
    grid: Grid, truth: Truth, index: int, bias: np.ndarray, span: int = 100
) -> np.ndarray:
    """Ground-truth heading at grid[index]; roll and pitch levelled over the next ``span``
    samples: the specific force is rotated into the start frame with the (bias-corrected)
    gyroscope before averaging, so a turn during the span does not tilt the result."""
    sl = slice(index, index + span)
    rel = attitude(np.eye(3), grid.samples[sl, 3:] - bias, grid.dt)[:-1]
    f = np.einsum("kij,kj->i", rel, grid.samples[sl, :3]) / len(rel)
    a = truth.acceleration(grid.t[sl]).mean(axis=0)
    return level(f, a, float(truth.heading(grid.t[index])))


def corrected(grid: Grid, bias: np.ndarray) -> np.ndarray:
    """(n, 6) samples with the gyroscope bias removed (the accelerometer is used as recorded)."""
    out = grid.samples.copy()
    out[:, 3:] -= bias
    return out


def tilt(roll: float, pitch: float) -> np.ndarray:
    """Ry(pitch) Rx(roll): a body-frame tilt correction of an initial attitude."""
    c, s = np.cos(roll), np.sin(roll)
    rx = np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])
    c, s = np.cos(pitch), np.sin(pitch)
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]]) @ rx


def strapdown(
    grid: Grid,
    truth: Truth,
    bias: np.ndarray,
    start: int,
    stop: int,
    level_span: int = 100,
    tilt_fix: tuple = (0.0, 0.0),
) -> dict:
    """Plain strapdown integration over grid indices [start, stop] from the ground truth at
    grid[start] (attitude levelled over ``level_span`` samples, optionally corrected by
    ``tilt_fix`` = (roll, pitch) rad, for the alignment study): {"t": (n+1,),
    "position": (n+1, 3), "rotation": (n+1, 3, 3)}."""
    samples = corrected(grid, bias)[start:stop]
    dt = grid.dt
    r0 = initial_attitude(grid, truth, start, bias, level_span) @ tilt(*tilt_fix)
    r = attitude(r0, samples[:, 3:], dt)
    acc_nav = np.einsum("kij,kj->ki", r[:-1], samples[:, :3]) + G_NAV
    v0 = truth.velocity(grid.t[start])
    v = v0 + np.concatenate([np.zeros((1, 3)), np.cumsum(acc_nav * dt, axis=0)])
    dp = v[:-1] * dt + 0.5 * acc_nav * dt * dt
    p = truth.position(grid.t[start]) + np.concatenate([np.zeros((1, 3)), np.cumsum(dp, axis=0)])
    return {"t": grid.t[start : stop + 1], "position": p, "rotation": r}


def integrate_steps(
    grid: Grid, truth: Truth, bias: np.ndarray, ends: np.ndarray, step: int, velocity: np.ndarray
) -> dict:
    """Trajectory from per-step velocities (n, 2) = (horizontal speed, vertical velocity) of
    consecutive steps ending at grid indices ``ends`` (spaced ``step``): poses at
    t[ends[0] - step], t[ends[0]], t[ends[1]], ...; heading from the same attitude as
    ``strapdown``.  Returns {"t", "position" (n+1, 3), "yaw" (n+1,)}."""
    ends = np.asarray(ends)
    if len(ends) == 0 or np.any(np.diff(ends) != step):
        raise ValueError("steps must be consecutive (ends spaced by the step)")
    start, stop = int(ends[0] - step), int(ends[-1])
    samples = corrected(grid, bias)[start:stop]
    r = attitude(initial_attitude(grid, truth, start, bias), samples[:, 3:], grid.dt)
    yaw = heading(r)
    mid = 0.5 * (yaw[:-1] + yaw[1:])  # heading over each sample interval
    unit = np.stack([np.cos(mid), np.sin(mid)], axis=1).reshape(len(ends), step, 2)
    along = unit.sum(axis=1) * grid.dt  # (n, 2): displacement per unit horizontal speed
    disp = np.concatenate([velocity[:, :1] * along, velocity[:, 1:2] * step * grid.dt], axis=1)
    p = truth.position(grid.t[start]) + np.concatenate([np.zeros((1, 3)), np.cumsum(disp, axis=0)])
    idx = np.concatenate([[0], ends - start])
    return {"t": grid.t[np.concatenate([[start], ends])], "position": p, "yaw": yaw[idx]}


def best_tilt(
    grid: Grid,
    truth: Truth,
    bias: np.ndarray,
    start: int,
    stop: int,
    poses: np.ndarray,
    level_span: int = 100,
) -> tuple[float, float]:
    """The initial (roll, pitch) correction minimising the strapdown's position error at the
    grid indices ``poses`` against the ground truth (an oracle: it looks at the answer; used
    only to show how much of the dead reckoning's error is its initial alignment)."""
    from scipy.optimize import least_squares

    def residual(x):
        d = strapdown(grid, truth, bias, start, stop, level_span, (x[0], x[1]))
        sel = np.asarray(poses) - start
        return (d["position"][sel] - truth.position(d["t"][sel])).ravel()

    sol = least_squares(residual, [0.0, 0.0], diff_step=1e-4)
    return float(sol.x[0]), float(sol.x[1])
