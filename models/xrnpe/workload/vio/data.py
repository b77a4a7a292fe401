# SPDX-License-Identifier: Apache-2.0
"""Real sequences shipped in the ``gtsam`` wheel (``gtsam/Data/``), parsed without a download.

docs/vio.md "Data".  Files (found with ``gtsam.utils.findExampleDataFile``):

- ``KittiEquivBiasedImu.txt``: the KITTI drive of odometry sequence 00 (3.7 km; raw drive
  2011_10_03_drive_0027),
  OXTS IMU at ~100 Hz: ``Time dt accelX accelY accelZ omegaX omegaY omegaZ`` (s, m/s^2,
  rad/s; body frame x forward, y left, z up).  ``KittiEquivBiasedImu_metadata.txt``: the
  noise model (sigmas) and body-to-IMU pose.
- ``KittiGps_converted.txt``: the same drive's GPS/INS positions at ~1 Hz, ``Time,X,Y,Z`` in a
  local metric frame (z up): the ground truth.
- ``VO_camera_poses00.txt`` (frame id + row-major 4x4 camera pose) and
  ``VO_stereo_factors00.txt`` (frame, landmark, uL, uR, v, X, Y, Z): KITTI 00 stereo visual
  odometry for the first 154 frames (about 15 s, 110 m).
- ``eqvio_processed_30s.csv``: EuRoC V1_01_easy, 30 s: 200 Hz IMU rows and normalised feature
  tracks (no ground truth in the file).

Every loader takes an optional path (default: the wheel's file), checks the header and column
count, and raises ``ValueError`` with a one-line message naming the file on malformed input.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

KITTI_IMU = "KittiEquivBiasedImu.txt"
KITTI_IMU_META = "KittiEquivBiasedImu_metadata.txt"
KITTI_GPS = "KittiGps_converted.txt"
VO_POSES = "VO_camera_poses00.txt"
VO_STEREO = "VO_stereo_factors00.txt"
EUROC_EQVIO = "eqvio_processed_30s.csv"

IMU_HEADER = ["Time", "dt", "accelX", "accelY", "accelZ", "omegaX", "omegaY", "omegaZ"]
GPS_HEADER = ["Time", "X", "Y", "Z"]


@dataclass(frozen=True)
class ImuSamples:
    """IMU samples: times t (n,) in s, specific force acc (n, 3) in m/s^2 and angular rate
    gyro (n, 3) in rad/s, both in the body frame (x forward, y left, z up)."""

    t: np.ndarray
    acc: np.ndarray
    gyro: np.ndarray

    def __post_init__(self):
        n = len(self.t)
        if self.acc.shape != (n, 3) or self.gyro.shape != (n, 3):
            raise ValueError(
                f"IMU arrays disagree: t {self.t.shape}, acc {self.acc.shape}, "
                f"gyro {self.gyro.shape}"
            )
        if n < 2 or not np.all(np.diff(self.t) > 0):
            raise ValueError("IMU times must be strictly increasing (at least 2 samples)")

    def slice_time(self, t0: float, t1: float) -> ImuSamples:
        m = (self.t >= t0) & (self.t <= t1)
        return ImuSamples(self.t[m], self.acc[m], self.gyro[m])


@dataclass(frozen=True)
class Positions:
    """Ground-truth positions: times t (n,) in s, xyz (n, 3) in m (local frame, z up)."""

    t: np.ndarray
    xyz: np.ndarray

    def __post_init__(self):
        if self.xyz.shape != (len(self.t), 3):
            raise ValueError(f"position arrays disagree: t {self.t.shape}, xyz {self.xyz.shape}")
        if len(self.t) < 4 or not np.all(np.diff(self.t) > 0):
            raise ValueError("ground-truth times must be strictly increasing (at least 4 fixes)")


@dataclass(frozen=True)
class Sequence:
    """One drive: IMU samples plus ground-truth positions over the same time span."""

    name: str
    imu: ImuSamples
    truth: Positions
    meta: dict = field(default_factory=dict)


def data_file(name: str) -> Path:
    """Path of a file of the gtsam wheel's example data (``gtsam/Data/``)."""
    try:
        from gtsam.utils import findExampleDataFile
    except ImportError as e:
        raise RuntimeError(
            f"the odometry workload reads its data from the gtsam wheel "
            f"(pip install 'xrnpe[workload]'): {e}"
        ) from None
    return Path(findExampleDataFile(name))


def _path(path, default: str) -> Path:
    p = data_file(default) if path is None else Path(path)
    if not p.is_file():
        raise ValueError(f"{p}: no such file")
    return p


def _table(p: Path, header: list[str], delimiter: str | None) -> np.ndarray:
    with p.open() as fh:
        first = fh.readline()
        names = first.strip().split(delimiter) if delimiter else first.split()
        if [n.strip() for n in names] != header:
            raise ValueError(f"{p}: header {names!r} is not {header!r}")
        try:
            rows = np.loadtxt(fh, delimiter=delimiter, ndmin=2)
        except ValueError as e:
            raise ValueError(f"{p}: {' '.join(str(e).split())}") from None
    if rows.shape[1] != len(header) or rows.shape[0] == 0:
        raise ValueError(f"{p}: expected rows of {len(header)} numbers, got shape {rows.shape}")
    return rows


def load_kitti_imu(path=None) -> ImuSamples:
    """``KittiEquivBiasedImu.txt``: every row as recorded (the ``dt`` column is not used:
    the times are)."""
    p = _path(path, KITTI_IMU)
    rows = _table(p, IMU_HEADER, None)
    try:
        return ImuSamples(rows[:, 0], rows[:, 2:5], rows[:, 5:8])
    except ValueError as e:
        raise ValueError(f"{p}: {e}") from None


def load_kitti_imu_metadata(path=None) -> dict[str, float]:
    """``KittiEquivBiasedImu_metadata.txt``: one header line of names, one line of values."""
    p = _path(path, KITTI_IMU_META)
    lines = [ln.split() for ln in p.read_text().splitlines() if ln.strip()]
    if len(lines) != 2 or len(lines[0]) != len(lines[1]):
        raise ValueError(f"{p}: expected a line of names and a line of as many values")
    try:
        return {k: float(v) for k, v in zip(lines[0], lines[1], strict=True)}
    except ValueError as e:
        raise ValueError(f"{p}: {e}") from None


def load_kitti_gps(path=None) -> Positions:
    """``KittiGps_converted.txt``: CSV ``Time,X,Y,Z``."""
    p = _path(path, KITTI_GPS)
    rows = _table(p, GPS_HEADER, ",")
    try:
        return Positions(rows[:, 0], rows[:, 1:4])
    except ValueError as e:
        raise ValueError(f"{p}: {e}") from None


def load_vo_poses(path=None) -> tuple[np.ndarray, np.ndarray]:
    """``VO_camera_poses00.txt``: (frame ids (n,), camera poses (n, 4, 4))."""
    p = _path(path, VO_POSES)
    try:
        rows = np.loadtxt(p, ndmin=2)
    except ValueError as e:
        raise ValueError(f"{p}: {' '.join(str(e).split())}") from None
    if rows.shape[1] != 17:
        raise ValueError(
            f"{p}: expected 17 numbers per row (frame id + 4x4 pose), got {rows.shape[1]}"
        )
    poses = rows[:, 1:].reshape(-1, 4, 4)
    if not np.allclose(poses[:, 3], [0, 0, 0, 1]):
        raise ValueError(f"{p}: the last row of a pose must be 0 0 0 1")
    return rows[:, 0].astype(np.int64), poses


STEREO_DTYPE = np.dtype(
    [
        ("frame", np.int64),
        ("landmark", np.int64),
        ("u_left", np.float64),
        ("u_right", np.float64),
        ("v", np.float64),
        ("x", np.float64),
        ("y", np.float64),
        ("z", np.float64),
    ]
)


def load_vo_stereo_factors(path=None) -> np.ndarray:
    """``VO_stereo_factors00.txt``: a structured array (frame, landmark, u_left, u_right, v,
    x, y, z): stereo pixel measurements and the landmark's initial 3-D point."""
    p = _path(path, VO_STEREO)
    try:
        rows = np.loadtxt(p, ndmin=2)
    except ValueError as e:
        raise ValueError(f"{p}: {' '.join(str(e).split())}") from None
    if rows.shape[1] != 8:
        raise ValueError(f"{p}: expected 8 numbers per row, got {rows.shape[1]}")
    out = np.empty(len(rows), dtype=STEREO_DTYPE)
    for i, name in enumerate(STEREO_DTYPE.names):
        out[name] = rows[:, i]
    return out


@dataclass(frozen=True)
class EqvioRecording:
    """``eqvio_processed_30s.csv``: IMU (times, acc, gyro), feature observations (times,
    frame index, landmark id, normalised u, v) and the meta key/value rows."""

    imu: ImuSamples
    feature_t: np.ndarray
    feature_frame: np.ndarray
    feature_landmark: np.ndarray
    feature_uv: np.ndarray
    meta: dict


def load_eqvio(path=None) -> EqvioRecording:
    """The EuRoC recording: rows of type ``imu``, ``vision_feature`` and ``meta``."""
    p = _path(path, EUROC_EQVIO)
    imu_rows, feat_rows, meta = [], [], {}
    with p.open(newline="") as fh:
        reader = csv.DictReader(fh)
        need = {
            "row_type",
            "t_abs",
            "gx",
            "gy",
            "gz",
            "ax",
            "ay",
            "az",
            "frame_idx",
            "landmark_id",
            "u_norm",
            "v_norm",
            "key",
            "value",
        }
        if not need <= set(reader.fieldnames or []):
            raise ValueError(f"{p}: missing columns {sorted(need - set(reader.fieldnames or []))}")
        try:
            for row in reader:
                kind = row["row_type"]
                if kind == "imu":
                    imu_rows.append(
                        [float(row[k]) for k in ("t_abs", "ax", "ay", "az", "gx", "gy", "gz")]
                    )
                elif kind == "vision_feature":
                    feat_rows.append(
                        [
                            float(row["t_abs"]),
                            float(row["frame_idx"]),
                            float(row["landmark_id"]),
                            float(row["u_norm"]),
                            float(row["v_norm"]),
                        ]
                    )
                elif kind == "meta":
                    meta[row["key"]] = row["value"]
                else:
                    raise ValueError(f"unknown row_type {kind!r} on line {reader.line_num}")
        except ValueError as e:
            raise ValueError(f"{p}: {e}") from None
    if not imu_rows:
        raise ValueError(f"{p}: no imu rows")
    imu = np.array(imu_rows)
    feats = np.array(feat_rows).reshape(-1, 5)
    return EqvioRecording(
        ImuSamples(imu[:, 0], imu[:, 1:4], imu[:, 4:7]),
        feats[:, 0],
        feats[:, 1].astype(np.int64),
        feats[:, 2].astype(np.int64),
        feats[:, 3:5],
        meta,
    )


def kitti_sequence(imu_path=None, gps_path=None) -> Sequence:
    """The KITTI odometry 00 drive: OXTS IMU plus GPS/INS positions as ground
    truth, restricted to the time span both cover."""
    imu = load_kitti_imu(imu_path)
    gps = load_kitti_gps(gps_path)
    imu = imu.slice_time(gps.t[0], gps.t[-1])
    if imu_path is None and gps_path is None:
        name = "KITTI odometry 00 drive: OXTS IMU 100 Hz + GPS/INS positions 1 Hz (gtsam data)"
    else:
        name = (
            f"IMU {Path(imu_path or data_file(KITTI_IMU)).name} + positions "
            f"{Path(gps_path or data_file(KITTI_GPS)).name}"
        )
    return Sequence(name, imu, gps)


def digest(seq: Sequence) -> str:
    """16 hex digits of SHA-256 over a sequence's arrays (its identity in training caches)."""
    h = hashlib.sha256()
    for arr in (seq.imu.t, seq.imu.acc, seq.imu.gyro, seq.truth.t, seq.truth.xyz):
        h.update(np.ascontiguousarray(arr, dtype=np.float64).tobytes())
    return h.hexdigest()[:16]
