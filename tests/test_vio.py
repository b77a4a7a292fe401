# SPDX-License-Identifier: Apache-2.0
"""Odometry workload (docs/vio.md): parsers on slices of the gtsam wheel's real files, the
split and targets, inertial mechanics, metrics, energy, the recurrent network and its
training through time, the RTL check's plumbing, and the whole `make vio` pipeline on the
short slice (`--quick`).  The real RTL test is marked slow (a few windows on Verilator)."""

from __future__ import annotations

import json
from functools import partial

import numpy as np
import pytest

from xrnpe.workload import api, energy, qat
from xrnpe.workload.net import col2im1d, im2col1d
from xrnpe.workload.vio import data, inertial, metrics, model, prep
from xrnpe.workload.vio import run as vio_run
from xrnpe.workload.vio.rtlcheck import rtl_check
from xrnpe.workload.vio.train import StepData, train_sequences

gtsam = pytest.importorskip("gtsam", reason="the odometry data comes from the gtsam wheel")

PJ = {"fp4": 2.0, "p4": 2.1, "p8": 5.0, "p16": 12.0}  # fixture table, not a measurement


@pytest.fixture(autouse=True, scope="module")
def _one_blas_thread():
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        yield
        return
    with threadpool_limits(1):
        yield


@pytest.fixture()
def ppa_summary(tmp_path):
    path = tmp_path / "summary.json"
    path.write_text(json.dumps({"designs": {"pe_rmmec": {"energy_pj_per_mac": PJ}}}))
    return path


def _head(name: str, lines: int, tmp_path):
    """The first ``lines`` lines of a file of the wheel, copied to tmp_path."""
    src = data.data_file(name)
    with src.open() as fh:
        text = "".join(next(fh) for _ in range(lines))
    dst = tmp_path / name
    dst.write_text(text)
    return dst


# ------------------------------------------------------------------ parsers
def test_kitti_imu_slice(tmp_path):
    imu = data.load_kitti_imu(_head(data.KITTI_IMU, 21, tmp_path))
    assert imu.t.shape == (20,) and imu.acc.shape == (20, 3) and imu.gyro.shape == (20, 3)
    assert imu.t[0] == pytest.approx(46534.47837579)
    assert imu.acc[1] == pytest.approx([0.83423778879884, 0.68519339662861, 10.098361301744])
    assert imu.gyro[1, 2] == pytest.approx(0.018982074411509)
    assert np.all(np.diff(imu.t) > 0) and 9.5 < np.linalg.norm(imu.acc, axis=1).mean() < 10.5


def test_kitti_gps_slice_and_metadata(tmp_path):
    gps = data.load_kitti_gps(_head(data.KITTI_GPS, 11, tmp_path))
    assert gps.xyz.shape == (10, 3)
    assert gps.xyz[1] == pytest.approx([3.8971155017667178, 7.5450738511330808, 0.0247879028])
    meta = data.load_kitti_imu_metadata()
    assert meta["AccelerometerSigma"] == 0.01 and meta["AverageDeltaT"] == pytest.approx(
        0.01004, rel=1e-3
    )


def test_vo_and_euroc_slices(tmp_path):
    ids, poses = data.load_vo_poses(_head(data.VO_POSES, 5, tmp_path))
    assert ids.tolist() == [0, 1, 2, 3, 4] and poses.shape == (5, 4, 4)
    assert np.allclose(poses[0], np.eye(4)) and poses[4][2, 3] == pytest.approx(2.81528)
    st = data.load_vo_stereo_factors(_head(data.VO_STEREO, 6, tmp_path))
    assert len(st) == 6 and st["frame"].tolist()[:2] == [0, 1] and st["landmark"][0] == 7
    rec = data.load_eqvio(_head(data.EUROC_EQVIO, 2000, tmp_path))
    assert len(rec.imu.t) > 500 and len(rec.feature_t) > 500 and rec.feature_uv.shape[1] == 2
    assert rec.meta["format_version"] == "1" and np.median(np.diff(rec.imu.t)) == pytest.approx(
        0.005, abs=1e-4
    )


def test_full_files_and_alignment():
    """The whole drive: ~470 s of 100 Hz IMU and ~1 Hz GPS, 3.7 km; the VO poses of
    sequence 00 cover its first ~110 m, matching the GPS path length."""
    seq = data.kitti_sequence()
    assert len(seq.imu.t) > 46000 and len(seq.truth.t) == 470
    dist = metrics.path_distances(seq.truth.xyz)[-1]
    assert 3600 < dist < 3800
    ids, poses = data.load_vo_poses()
    vo_len = metrics.path_distances(poses[:, :3, 3])[-1]
    truth = prep.Truth(seq.truth)
    t_frame = seq.truth.t[0] + 0.1 * ids[-1]  # 10 Hz frames from the drive's start
    gps_len = truth.path_length(seq.truth.t[0], t_frame, samples=400)
    assert vo_len == pytest.approx(float(gps_len), rel=0.08)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda t: t.replace("accelX", "accX", 1), "header"),
        (lambda t: t + "1 2 3\n", "columns"),
        (lambda t: t.replace("46536.418163923", "abc", 1), "abc"),
    ],
)
def test_parser_errors_are_one_line(tmp_path, mutate, message):
    src = _head(data.KITTI_IMU, 6, tmp_path)
    bad = tmp_path / "bad.txt"
    bad.write_text(mutate(src.read_text()))
    with pytest.raises(ValueError, match=message) as e:
        data.load_kitti_imu(bad)
    assert "\n" not in str(e.value) and "bad.txt" in str(e.value)
    with pytest.raises(ValueError, match="no such file"):
        data.load_kitti_gps(tmp_path / "missing.txt")


# ------------------------------------------------------------------ prep
def _straight_sequence(speed=10.0, seconds=60.0, rate=100.0):
    """A car driving along +x at constant speed, perfect IMU (level, no rotation)."""
    t = np.arange(0, seconds, 1 / rate)
    imu = data.ImuSamples(
        t, np.tile([0.0, 0.0, inertial.GRAVITY], (len(t), 1)), np.zeros((len(t), 3))
    )
    gt_t = np.arange(0, seconds + 1, 1.0)
    truth = data.Positions(gt_t, np.stack([speed * gt_t, 0 * gt_t, 0 * gt_t], axis=1))
    return imu, truth


def test_resample_split_windows_targets():
    imu, pos = _straight_sequence()
    jittered = data.ImuSamples(
        np.concatenate([[-5.0], imu.t + 0.003]),
        np.vstack([imu.acc[:1], imu.acc]),
        np.vstack([imu.gyro[:1], imu.gyro]),
    )
    grid = prep.resample(jittered)
    assert grid.t[0] == pytest.approx(0.003) and np.allclose(np.diff(grid.t), 0.01)
    parts = prep.split_ranges(len(grid.t))
    assert list(parts) == ["train", "val", "test"]
    assert parts["train"][0] == 0 and parts["train"][1] == parts["val"][0]
    assert parts["val"][1] == parts["test"][0] and parts["test"][1] == len(grid.t)
    for start, stop in parts.values():
        ends = prep.window_ends(start, stop, 100, 50)
        assert ends[0] - 100 >= start and ends[-1] < stop
    truth = prep.Truth(pos)
    ends = prep.window_ends(*parts["test"], 100, 50)
    y = prep.step_targets(grid, truth, ends, 50)
    assert np.allclose(y[:, 0], 10.0, rtol=1e-6) and np.allclose(y[:, 1], 0.0, atol=1e-9)
    assert truth.heading(np.array([5.0]))[0] == pytest.approx(0.0, abs=1e-9)
    w = prep.windows(grid, ends[:3], 100)
    assert w.shape == (3, 100, 6) and np.array_equal(w[1], grid.samples[ends[1] - 100 : ends[1]])


# ------------------------------------------------------------------ inertial
def test_exp_so3_and_level_against_scipy():
    from scipy.spatial.transform import Rotation

    rv = np.array([[0.1, -0.2, 0.3], [0.0, 0.0, 0.0], [1e-13, 0, 0]])
    assert np.allclose(inertial.exp_so3(rv), Rotation.from_rotvec(rv).as_matrix(), atol=1e-12)
    for eul in ([0.3, 0.05, -0.03], [-2.0, 0.02, 0.1]):
        r = Rotation.from_euler("ZYX", eul).as_matrix()
        accel = np.array([0.4, -0.2, 0.1])
        f = r.T @ (accel - inertial.G_NAV)
        assert np.allclose(inertial.level(f, accel, eul[0]), r, atol=1e-12)


def test_strapdown_and_step_integration_are_exact_on_perfect_data():
    imu, pos = _straight_sequence()
    grid, truth = prep.resample(imu), prep.Truth(pos)
    dr = inertial.strapdown(grid, truth, np.zeros(3), 500, 3000)
    assert np.allclose(dr["position"], truth.position(dr["t"]), atol=1e-6)
    ends = np.arange(600, 3000, 50)
    vel = np.tile([10.0, 0.0], (len(ends), 1))
    tr = inertial.integrate_steps(grid, truth, np.zeros(3), ends, 50, vel)
    assert np.allclose(tr["position"], truth.position(tr["t"]), atol=1e-6)
    with pytest.raises(ValueError, match="consecutive"):
        inertial.integrate_steps(grid, truth, np.zeros(3), ends[::2], 50, vel[::2])


def test_gyro_bias_recovers_injected_drift():
    """A car on a circle (yaw rate 0.05 rad/s) with +0.002 rad/s added to the gyro z."""
    rate, seconds, speed, omega = 100.0, 200.0, 10.0, 0.05
    t = np.arange(0, seconds, 1 / rate)
    gyro = np.zeros((len(t), 3))
    gyro[:, 2] = omega + 0.002
    imu = data.ImuSamples(t, np.tile([0, speed * omega, inertial.GRAVITY], (len(t), 1)), gyro)
    gt_t = np.arange(0, seconds + 1, 0.5)
    r = speed / omega
    xyz = np.stack([r * np.sin(omega * gt_t), r * (1 - np.cos(omega * gt_t)), 0 * gt_t], 1)
    grid, truth = prep.resample(imu), prep.Truth(data.Positions(gt_t, xyz))
    b = inertial.gyro_bias(grid, truth, 0, len(grid.t) - 200)
    assert b[2] == pytest.approx(0.002, abs=1e-5) and b[0] == b[1] == 0


# ------------------------------------------------------------------ metrics
def test_relative_translation_error_known_scale():
    x = np.arange(0, 1000.0, 5.0)
    gt = np.stack([x, 0 * x, 0 * x], 1)
    yaw = np.zeros(len(x))
    same = metrics.relative_translation_error(gt, yaw, gt, yaw)
    assert same["value"] == 0 and same["segments"] > 0
    scaled = metrics.relative_translation_error(gt * 1.1, yaw, gt, yaw)
    assert scaled["value"] == pytest.approx(10.0) and set(scaled["per_length"]) >= {"100", "800"}
    # a constant heading offset of the estimate is removed by its own start frame
    rot = np.stack([x * np.cos(0.3), x * np.sin(0.3), 0 * x], 1)
    assert metrics.relative_translation_error(rot, yaw + 0.3, gt, yaw)["value"] == pytest.approx(
        0, abs=1e-9
    )
    with pytest.raises(ValueError, match="no segment"):
        metrics.relative_translation_error(gt[:5], yaw[:5], gt[:5], yaw[:5])
    ev = metrics.evo_errors(x / 10, gt * 1.1, yaw, gt, yaw)
    assert ev["ape_rmse_m"] > 0 and ev["rpe_100m_mean_m"] == pytest.approx(10.0, rel=0.05)
    assert ev["ape_aligned_rmse_m"] is None  # a straight line: Umeyama is degenerate
    arc = np.stack([300 * np.sin(x / 300), 300 * (1 - np.cos(x / 300)), 0 * x], 1)
    ev = metrics.evo_errors(x / 10, arc, x / 300, arc, x / 300)
    assert ev["ape_rmse_m"] == pytest.approx(0, abs=1e-9) and ev["ape_aligned_rmse_m"] < 1e-6


# ------------------------------------------------------------------ energy
def test_energy_table_and_per_inference(ppa_summary, tmp_path):
    assert energy.pj_per_mac(ppa_summary) == PJ
    with pytest.raises(energy.EnergyTableError, match="make ppa") as e:
        energy.pj_per_mac(tmp_path / "nope.json")
    assert "\n" not in str(e.value)
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"designs": {"pe_rmmec": {"energy_pj_per_mac": {"fp4": 1}}}}))
    with pytest.raises(energy.EnergyTableError, match="make ppa"):
        energy.pj_per_mac(broken)
    net = model.odometry_net()
    macs = energy.layer_macs(net)
    assert macs == [19 * 70 * 16, 8 * 80 * 32, 6 * 96 * 32, 32 * 32, 32 * 2]
    fmts = ["p8", "fp4", "p4", "p16", "fp4"]
    assert energy.energy_per_inference(macs, fmts, PJ) == pytest.approx(
        sum(m * PJ[f] for m, f in zip(macs, fmts, strict=True))
    )
    assert energy.energy_per_inference(macs, "p8", PJ) == pytest.approx(5.0 * sum(macs))


# ------------------------------------------------------------------ network and training
def test_im2col1d_matches_loops_and_col2im1d_is_adjoint(rng):
    x = rng.normal(size=(2, 23, 3))
    cols = im2col1d(x, 5, 3)
    assert cols.shape == (2 * 7, 15)
    w = rng.normal(size=(15, 4))
    ref = np.stack(
        [np.stack([x[b, 3 * o : 3 * o + 5].reshape(-1) @ w for o in range(7)]) for b in range(2)]
    )
    assert np.allclose((cols @ w).reshape(2, 7, 4), ref)
    d = rng.normal(size=cols.shape)
    assert np.isclose((cols * d).sum(), (x * col2im1d(d, x.shape, 5, 3)).sum())


def _tiny_setup(seconds=80.0):
    seq = data.kitti_sequence()
    grid = prep.resample(seq.imu)
    n = int(seconds * grid.rate)
    grid = prep.Grid(grid.t[:n], grid.samples[:n], grid.rate)
    truth = prep.Truth(seq.truth)
    y = prep.step_targets(grid, truth, np.arange(50, n, 50), 50)
    norm = model.Normaliser.fit(grid.samples, y[:, 0], y[:, 1])
    return grid, truth, norm


def test_backprop_through_time_matches_finite_differences():
    grid, truth, norm = _tiny_setup(30.0)
    sd = StepData(grid, truth, norm, 0, len(grid.t), 100, 50)
    net = model.odometry_net(3)
    for layer in net.layers:
        layer.b += 0.05  # keep some ReLUs away from their kinks
    first = sd.sequence_starts(4, 500)[:2]
    windows, targets, prev = sd.batch(first, 4)
    from xrnpe.workload.vio import train as vio_train

    def loss_of(n):
        s, z, _ = vio_train._rollout_train(n, None, windows, prev, norm)
        return vio_train.sequence_loss(s, z, targets, norm)[0]

    # analytic gradient: one optimiser-free pass of the trainer's backward
    s, z, caches = vio_train._rollout_train(net, None, windows, prev, norm)
    _, d_speed, d_vz = vio_train.sequence_loss(s, z, targets, norm)
    grads: dict = {}
    carry = np.zeros(len(first))
    for k in reversed(range(4)):
        carry = carry + d_speed[:, k]
        g = qat.backward(
            net,
            caches[k],
            np.stack([carry * norm.dv, d_vz[:, k] * norm.vz_std], 1),
            input_grad=True,
        )
        carry = carry + g.pop("x")[:, :, 6].sum(axis=1) / norm.speed_std
        for key, v in g.items():
            grads[key] = grads.get(key, 0) + v
    eps = 1e-6
    for key, idx in (
        ("w", (0, 3, 2)),
        ("w", (0, 66, 5)),
        ("w", (2, 10, 1)),
        ("w", (4, 7, 0)),
        ("b", (3, 0, 4)),
    ):
        layer = net.layers[idx[0]]
        arr = getattr(layer, key)
        where = idx[1:] if key == "w" else (idx[2],)
        old = arr[where]
        arr[where] = old + eps
        lp = loss_of(net)
        arr[where] = old - eps
        lm = loss_of(net)
        arr[where] = old
        num = (lp - lm) / (2 * eps)
        assert num == pytest.approx(grads[f"{key}{idx[0]}"][where], rel=1e-4, abs=1e-7)


def test_training_is_deterministic_and_learns():
    grid, truth, norm = _tiny_setup()
    sd = StepData(grid, truth, norm, 0, len(grid.t), 100, 50)
    outs = []
    for _ in range(2):
        net = model.odometry_net(1)
        hist = train_sequences(net, None, sd, length=10, stride=200, epochs=2, lr=3e-3, batch=8)
        outs.append(net.get_params())
    assert all(np.array_equal(outs[0][k], outs[1][k]) for k in outs[0])
    assert hist[-1] < hist[0]


@pytest.fixture(scope="module")
def small_rollout():
    grid, truth, norm = _tiny_setup()
    sd = StepData(grid, truth, norm, 0, len(grid.t), 100, 50)
    net = model.odometry_net(2)
    train_sequences(net, None, sd, length=10, stride=200, epochs=1, lr=3e-3, batch=8)
    ends = prep.window_ends(4000, len(grid.t), 100, 50)[:12]
    windows = prep.windows(grid, ends, 100)
    v0 = float(prep.step_targets(grid, truth, ends[:1] - 50, 50)[0, 0])
    return net, sd, norm, windows, v0


@pytest.mark.parametrize("fmts", [["p8"] * 5, ["fp4", "p4", "fp4", "p4", "p8"], ["p16"] * 5])
def test_model_path_matches_qat_forward(small_rollout, fmts):
    net, sd, norm, windows, v0 = small_rollout
    qcfg = qat.calibrate(net, fmts, sd.teacher_inputs(300))
    v_model = model.rollout(net, qcfg, windows, v0, norm, "model")
    v_qat = model.rollout(net, qcfg, windows, v0, norm, "qat")
    assert v_model.dtype == np.float32 and v_model.shape == (12, 2)
    assert np.allclose(v_model, v_qat, atol=1e-3 if "p16" not in fmts else 2e-2)
    if "p16" not in fmts:  # fp4/p4/p8 sums are exact in float64
        v_emu = model.rollout(net, qcfg, windows, v0, norm, "emulate")
        assert np.array_equal(v_emu.view(np.uint32), v_model.view(np.uint32))


def _fake_many(corrupt_job=None, bit=0):
    """A stand-in for xrnpe.rtl.matmul_rtl_many built on the model (plumbing only); job
    ``corrupt_job`` gets bit ``bit`` of its last row's first result flipped."""
    from xrnpe.matmul import matmul

    def many(jobs, sim="verilator", progress=None):
        out = []
        for i, j in enumerate(jobs):
            c = matmul(j["a"], j["b"], j["fmt"], j["out_fmt"]).copy()
            if i == corrupt_job:
                c.view(np.uint32)[-1, 0] ^= 1 << bit  # bit 0: one ulp off
            out.append((c, {"cycles": 1}))
        return out

    return many


def test_rtl_check_plumbing_with_fake_engine(small_rollout):
    net, sd, norm, windows, v0 = small_rollout
    qcfg = qat.calibrate(net, ["p8", "fp4", "p4", "fp4", "p4"], sd.teacher_inputs(300))
    chk = rtl_check(net, qcfg, windows[:5], v0, norm, engine=_fake_many())
    assert chk["bit_exact"] and chk["windows"] == 5 and chk["speeds_bit_exact"]
    assert chk["matmul_shapes"] == [
        [95, 70, 16],
        [40, 80, 32],
        [30, 96, 32],
        [5, 32, 32],
        [5, 32, 2],
    ]
    for job in (1, 4):
        chk = rtl_check(net, qcfg, windows[:5], v0, norm, engine=_fake_many(job))
        assert not chk["bit_exact"] and chk["layers_bit_exact"][job] is False
    # a larger error in the last layer also shows in the recomputed speeds
    assert not rtl_check(net, qcfg, windows[:5], v0, norm, engine=_fake_many(4, bit=22))[
        "speeds_bit_exact"
    ]


def test_rtl_stage_outcomes(small_rollout, monkeypatch, capsys):
    """The RTL stage's report entries: skipped (--no-rtl), crashed (an engine error is
    reported with exit status 1, never papered over) and a mismatch (exit status 1)."""
    import types

    from xrnpe.workload import common
    from xrnpe.workload.vio import rtlcheck

    net, sd, norm, windows, v0 = small_rollout
    fmts = ["p8", "fp4", "p4", "fp4", "p4"]
    qcfg = qat.calibrate(net, fmts, sd.teacher_inputs(300))
    test = types.SimpleNamespace(ends=np.arange(len(windows)), windows=windows, v0=v0)
    ds = types.SimpleNamespace(parts={"test": test}, norm=norm)
    args = types.SimpleNamespace(no_rtl=True, rtl_windows=2, sim="verilator")
    out = rtlcheck.rtl_stage(args, (net, qcfg, {}), fmts, ds, common.Stopwatch())
    assert out.summary == {"windows": 0, "bit_exact": False} and out.failure is None
    assert out.detail == {"ran": False, "reason": "--no-rtl"}
    assert "RTL CHECK SKIPPED" in capsys.readouterr().err

    def broken(*a, **k):
        raise RuntimeError("simulator gone")

    monkeypatch.setattr(common.api, "rtl_available", lambda: (True, ""))
    monkeypatch.setattr(rtlcheck, "rtl_check", broken)
    args.no_rtl = False
    out = rtlcheck.rtl_stage(args, (net, qcfg, {}), fmts, ds, common.Stopwatch())
    assert out.failure == "RuntimeError: simulator gone" and out.detail["ran"] is False
    assert out.summary == {"windows": 0, "bit_exact": False}
    monkeypatch.setattr(rtlcheck, "rtl_check", partial(rtl_check, engine=_fake_many(4)))
    out = rtlcheck.rtl_stage(args, (net, qcfg, {}), fmts, ds, common.Stopwatch())
    assert out.summary == {"windows": 2, "bit_exact": False} and out.failure
    assert out.detail["ran"] and out.detail["layer_formats"] == fmts
    assert "RTL results differ" in capsys.readouterr().err


_RTL_OK, _RTL_WHY = api.rtl_available()


@pytest.mark.slow
@pytest.mark.skipif(not _RTL_OK, reason=f"RTL engine not available ({_RTL_WHY})")
def test_rtl_windows_bit_identical(small_rollout):
    """Three windows of a 4-bit mixed network through the RTL co-processor (one simulator
    session, Verilator; one window on Icarus under SIM=icarus): every layer and the speeds
    bit-identical to the model path."""
    import os

    sim = os.environ.get("SIM") or "verilator"
    count = 1 if sim == "icarus" else 3
    net, sd, norm, windows, v0 = small_rollout
    qcfg = qat.calibrate(net, ["fp4", "p4", "fp4", "p4", "p8"], sd.teacher_inputs(300))
    chk = rtl_check(net, qcfg, windows[:count], v0, norm, sim=sim)
    assert chk["layers_bit_exact"] == [True] * 5 and chk["speeds_bit_exact"] and chk["bit_exact"]


# ------------------------------------------------------------------ the pipeline
REPORT_KEYS = {"dataset", "metric", "dead_reckoning", "fp32", "formats", "mixed", "rtl_check"}


def test_make_vio_quick_slice_and_cache(tmp_path, ppa_summary, capsys):
    out = tmp_path / "vio"
    args = ["--quick", "--no-rtl", "--ppa-summary", str(ppa_summary), "--out", str(out)]
    assert vio_run.main(args) == 0
    report = json.loads((out / "report.json").read_text())
    assert set(report) == REPORT_KEYS
    assert isinstance(report["dataset"], str) and "percent" in report["metric"]
    assert (
        set(report["fp32"]) == {"value", "weight_bits"}
        and report["fp32"]["weight_bits"] == 32 * 7840
    )
    assert set(report["formats"]) == {"fp4", "p4", "p8", "p16"}
    for f, r in report["formats"].items():
        assert set(r) == {"value", "weight_bits", "energy_pj_per_inference"}
        assert r["weight_bits"] == 7840 * qat.width(f) and r["value"] > 0
        assert r["energy_pj_per_inference"] == pytest.approx(PJ[f] * 61280)
    assert set(report["mixed"]) == {
        "value",
        "layer_formats",
        "weight_bits",
        "energy_pj_per_inference",
    }
    assert len(report["mixed"]["layer_formats"]) == 5
    assert report["rtl_check"] == {"windows": 0, "bit_exact": False}
    assert report["dead_reckoning"] > report["fp32"]["value"] > 0
    assert (out / "trajectory.png").stat().st_size > 10000
    assert (out / "error_vs_energy.png").stat().st_size > 10000
    details = json.loads((out / "details.json").read_text())
    assert details["cache_hits"]["pretrained"] is False and details["cache_hits"]["fp32"] is False
    assert "RTL CHECK SKIPPED" in capsys.readouterr().err
    # second run: everything from the cache, same report
    assert vio_run.main(args) == 0
    assert json.loads((out / "report.json").read_text()) == report
    assert all(json.loads((out / "details.json").read_text())["cache_hits"].values())


def test_cache_key_sources_exist():
    """Every source the odometry training cache key names exists (else cache_key raises)."""
    from xrnpe.workload.common import cache_key

    assert len(cache_key(vio_run.CONFIG, vio_run._SOURCES)) == 16


def test_missing_energy_table_is_one_line_exit_2(tmp_path, capsys):
    assert (
        vio_run.main(
            ["--quick", "--ppa-summary", str(tmp_path / "none.json"), "--out", str(tmp_path / "o")]
        )
        == 2
    )
    err = capsys.readouterr().err.strip()
    assert "make ppa" in err and "\n" not in err
    assert not (tmp_path / "o" / "report.json").exists()


def test_other_sequence_files(tmp_path, ppa_summary, capsys):
    """--imu / --gps plug in other files of the same formats (bad paths: exit 2, one line);
    the sequence's digest keys the training cache."""
    assert (
        vio_run.main(
            [
                "--quick",
                "--ppa-summary",
                str(ppa_summary),
                "--imu",
                str(tmp_path / "none.txt"),
                "--out",
                str(tmp_path / "o"),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err.strip()
    assert "none.txt: no such file" in err and "\n" not in err
    imu = _head(data.KITTI_IMU, 3000, tmp_path)
    seq = data.kitti_sequence(imu, None)
    assert seq.name.startswith("IMU KittiEquivBiasedImu.txt") and len(seq.imu.t) < 3000
    assert data.digest(seq) != data.digest(data.kitti_sequence())
