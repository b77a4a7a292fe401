# SPDX-License-Identifier: Apache-2.0
"""Workload (QAT + mixed precision) tests: quantizer, STE, training determinism, lowering,
model path vs QAT forward, and model vs RTL bit-identity (needs xrnpe.rtl)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from xrnpe import vector
from xrnpe.formats import as_format
from xrnpe.workload import api, data, mixed, qat
from xrnpe.workload.net import Net, col2im, conv, dense, digits_cnn, direct_conv, im2col

FORMATS = qat.FORMAT_NAMES


@pytest.fixture(autouse=True, scope="module")
def _one_blas_thread():
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        yield
        return
    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def splits():
    return data.load_splits()


@pytest.fixture(scope="module")
def small_trained(splits):
    """digits_cnn after one short float epoch, plus p8/mixed QAT configurations."""
    n = digits_cnn(0)
    qat.train(n, None, splits.x_train[:400], splits.y_train[:400], epochs=2, lr=3e-3, seed=0)
    return n


# ------------------------------------------------------------------ quantizer
@pytest.mark.parametrize("fmt", FORMATS)
def test_quantizer_roundtrip_on_codes(fmt):
    """quantize(dequantize(c) * s / s) == c for every non-NaR code (power-of-two scales)."""
    f = as_format(fmt, output=True)
    codes = np.arange(1 << f.width)
    if f.nar is not None:
        codes = codes[codes != f.nar]
    if fmt == "fp4":
        codes = codes[codes != 0x8]  # -0 re-quantizes to +0 (documented in CONTRACT/interfaces)
    vals = vector.dequantize(fmt, codes)
    for s in (0.25, 1.0, 8.0):
        got = qat.quantize_codes(fmt, vals * s, s)
        assert np.array_equal(got.astype(np.int64), codes)
        xq, mask = qat.fake_quant(fmt, vals * s, s)
        assert np.array_equal(xq, vals) and mask.all()


@pytest.mark.parametrize("fmt", FORMATS)
def test_fake_quant_matches_vector_and_is_idempotent(fmt, rng):
    x = rng.normal(size=(50, 6)) * 3
    s = np.exp2(rng.integers(-3, 3, size=6)).astype(np.float64) * 0.7
    xq, mask = qat.fake_quant(fmt, x, s[None, :])
    ref = vector.dequantize(fmt, vector.quantize(fmt, x / s[None, :]))
    assert np.array_equal(xq, ref)
    xq2, _ = qat.fake_quant(fmt, xq * s[None, :], s[None, :])
    assert np.array_equal(xq2, xq)
    assert np.array_equal(mask, np.abs(x / s[None, :]) <= qat.max_value(fmt))


def test_max_values():
    assert qat.max_value("fp4") == 6 and qat.max_value("p4") == 16
    assert qat.max_value("p8") == 64 and qat.max_value("p16") == 2.0**28


def test_mse_scale_beats_naive(rng):
    w = rng.normal(size=(144, 4)) * 0.05
    for fmt in ("fp4", "p4", "p8"):
        s = qat.mse_scale(fmt, w)
        assert s.shape == (4,) and (s > 0).all()
        naive = np.abs(w).max(axis=0) / qat.max_value(fmt)
        err = qat.quant_mse(fmt, w, s[None, :])[0]
        err_naive = qat.quant_mse(fmt, w, naive[None, :])[0]
        assert (err <= err_naive * 1.01).all()  # naive is a candidate (s rounded to fp32)


# ------------------------------------------------------------------ STE / gradients
def test_ste_gradient_shapes_and_saturation(splits):
    n = digits_cnn(1)
    x, y = splits.x_train[:16], splits.y_train[:16]
    qcfg = qat.calibrate(n, ["p4"] * 3, x)
    n.layers[2].w[0, 0] = 1e6  # saturates: STE gradient must be zero there
    logits, caches = qat.forward(n, qcfg, x)
    assert logits.shape == (16, 10)
    _, dlog = qat.softmax_xent(logits, y)
    g = qat.backward(n, caches, dlog)
    for i, l in enumerate(n.layers):
        assert g[f"w{i}"].shape == l.w.shape and g[f"b{i}"].shape == l.b.shape
        assert np.isfinite(g[f"w{i}"]).all()
    assert g["w2"][0, 0] == 0.0


def test_float_backward_matches_finite_differences(splits):
    rng = np.random.default_rng(3)
    n = Net([conv(1, 3, pool=2, rng=rng), conv(3, 4, pool=2, rng=rng), dense(16, 10, rng=rng)])
    x, y = splits.x_train[:5].astype(np.float64), splits.y_train[:5]
    logits, caches = qat.forward(n, None, x)
    _, dlog = qat.softmax_xent(logits, y)
    g = qat.backward(n, caches, dlog)
    eps = 1e-6
    for key, (i, j, k) in (("w", (0, 4, 1)), ("w", (1, 10, 2)), ("w", (2, 3, 7)), ("b", (1, 0, 3))):
        arr = getattr(n.layers[i], key)
        idx = (j, k) if key == "w" else (k,)
        old = arr[idx]
        arr[idx] = old + eps
        lp = qat.softmax_xent(qat.forward(n, None, x)[0], y)[0]
        arr[idx] = old - eps
        lm = qat.softmax_xent(qat.forward(n, None, x)[0], y)[0]
        arr[idx] = old
        assert abs((lp - lm) / (2 * eps) - g[f"{key}{i}"][idx]) < 1e-5


def test_training_is_deterministic(splits):
    x, y = splits.x_train[:160], splits.y_train[:160]
    outs = []
    for _ in range(2):
        n = digits_cnn(7)
        qcfg = qat.calibrate(n, ["p8", "fp4", "p4"], x)
        qat.train(n, qcfg, x, y, epochs=1, lr=1e-3, seed=5)
        outs.append(n.get_params())
    for k in outs[0]:
        assert np.array_equal(outs[0][k], outs[1][k])
    n3 = digits_cnn(7)
    qat.train(n3, None, x, y, epochs=1, lr=1e-3, seed=6)
    assert not np.array_equal(n3.get_params()["w1"], outs[0]["w1"])


# ------------------------------------------------------------------ lowering
def test_im2col_matmul_equals_direct_conv(rng):
    x = rng.normal(size=(3, 8, 8, 5))
    w4 = rng.normal(size=(3, 3, 5, 7))
    for pad in (0, 1):
        got = (im2col(x, 3, pad) @ w4.reshape(-1, 7)).reshape(3, 8 + 2 * pad - 2, -1, 7)
        assert np.allclose(got, direct_conv(x, w4, pad), atol=1e-12)


def test_col2im_is_adjoint_of_im2col(rng):
    x = rng.normal(size=(2, 4, 4, 3))
    cols = im2col(x, 3, 1)
    d = rng.normal(size=cols.shape)
    assert np.isclose((cols * d).sum(), (x * col2im(d, x.shape, 3, 1)).sum())


def test_im2col_on_codes_pads_with_zero_code():
    codes = np.full((1, 2, 2, 1), 0x40, dtype=np.uint8)  # p8 1.0
    a = im2col(codes, 3, 1)
    assert a.dtype == np.uint8 and a.shape == (4, 9) and (a == 0).sum() == 4 * 9 - 16


# ------------------------------------------------------------------ inference paths
@pytest.mark.parametrize("fmts", [["p8"] * 3, ["p16"] * 3, ["p8", "p4", "fp4"]])
def test_model_path_matches_qat_forward(small_trained, splits, fmts):
    n = small_trained
    x = splits.x_test[:40]
    qcfg = qat.calibrate(n, fmts, splits.x_train[:200])
    lm = api.infer(n, qcfg, x, "model")
    lq = qat.predict_logits(n, qcfg, x)
    assert lm.dtype == np.float32 and lm.shape == (40, 10)
    assert np.allclose(lm, lq, rtol=1e-4, atol=1e-4 if fmts[0] != "p16" else 1e-2)
    assert (lm.argmax(1) == lq.argmax(1)).mean() >= 0.95
    if "p16" not in fmts:  # fp4/p4/p8 sums are exact in float64: the emulation is bit-exact
        le = api.infer(n, qcfg, x, "emulate")
        assert np.array_equal(le.view(np.uint32), lm.view(np.uint32))


def test_evaluate_api_and_weight_bits(small_trained, splits):
    n = small_trained
    acc = api.evaluate(
        n,
        "p8",
        splits.x_test[:50],
        splits.y_test[:50],
        engine="model",
        calib_x=splits.x_train[:200],
    )
    assert 0.0 <= acc <= 1.0
    assert api.weight_bits(n, ["p8", "p4", "p16"]) == 144 * 8 + 4608 * 4 + 1280 * 16
    assert api.evaluate(n, None, splits.x_test[:50], splits.y_test[:50], engine="float") >= 0


def test_rank_assignments_orders_by_bits(small_trained):
    sens = {
        "layers": [
            {f: {"drop_pts": 0.0 if f in ("p8", "p16") else d, "dloss": 0.0} for f in FORMATS}
            for d in (0.2, 5.0, 0.3)
        ]
    }
    c = mixed.rank_assignments(small_trained, sens, budget_pts=1.0)
    assert c[0]["layer_formats"][1] == "p8" and c[0]["layer_formats"][0] in ("fp4", "p4")
    assert all(a["weight_bits"] <= b["weight_bits"] for a, b in itertools.pairwise(c))
    assert all(a["predicted_drop_pts"] <= 1.0 for a in c)


def _fake_rtl_module(corrupt_job=None):
    """A stand-in for xrnpe.rtl built on the model (to test the check's plumbing only)."""
    import types

    from xrnpe.matmul import matmul

    calls = [0]  # matmuls so far, over all calls (chained mode: one per matmul_rtl)

    def many(jobs, sim="icarus", progress=None):
        out = []
        for j in jobs:
            c = matmul(j["a"], j["b"], j["fmt"], j["out_fmt"]).copy()
            if calls[0] == corrupt_job:
                c.view(np.uint32)[0, 0] ^= 1  # one ulp off in one element
            calls[0] += 1
            out.append((c, {"cycles": 1}))
        return out

    def single(a, b, fmt, out_fmt, sim="icarus", progress=None):
        return many([dict(a=a, b=b, fmt=fmt, out_fmt=out_fmt)])[0][0]

    return types.SimpleNamespace(matmul_rtl_many=many, matmul_rtl=single)


@pytest.mark.parametrize("chained", [False, True])
def test_rtl_check_plumbing_with_fake_engine(small_trained, splits, monkeypatch, chained):
    import sys

    n = small_trained
    qcfg = qat.calibrate(n, ["p8", "fp4", "fp4"], splits.x_train[:200])
    monkeypatch.setitem(sys.modules, "xrnpe.rtl", _fake_rtl_module())
    chk = api.rtl_check(n, qcfg, splits.x_test[:3], chained=chained)
    assert chk["bit_exact"] and chk["layers_bit_exact"] == [True] * 3
    assert chk["matmul_shapes"] == [[192, 9, 16], [48, 144, 32], [3, 128, 10]]
    monkeypatch.setitem(sys.modules, "xrnpe.rtl", _fake_rtl_module(corrupt_job=2))
    chk = api.rtl_check(n, qcfg, splits.x_test[:3], chained=chained)
    assert not chk["bit_exact"] and chk["layers_bit_exact"] == [True, True, False]


# ------------------------------------------------------------------ training cache key
def test_cache_key_follows_config_and_sources(tmp_path, monkeypatch):
    """The key the trained parameters are cached under hashes the config and the listed
    sources' bytes; a listed source that does not exist is an error (hashing nothing in its
    place would hide the changes the key is there to catch).  Both workloads' lists exist."""
    from xrnpe.workload import common, run

    assert len(common.cache_key(run.CONFIG, run._SOURCES)) == 16
    (tmp_path / "workload").mkdir()
    src = tmp_path / "workload" / "stage.py"
    src.write_text("x = 1\n")
    monkeypatch.setattr(common, "PACKAGE_DIR", tmp_path)
    key = common.cache_key({"version": 1}, ["workload/stage.py"])
    assert key == common.cache_key({"version": 1}, ["workload/stage.py"])
    assert key != common.cache_key({"version": 2}, ["workload/stage.py"])
    src.write_text("x = 2\n")
    assert key != common.cache_key({"version": 1}, ["workload/stage.py"])
    with pytest.raises(FileNotFoundError, match=r"workload/gone\.py"):
        common.cache_key({"version": 1}, ["workload/stage.py", "workload/gone.py"])


# ------------------------------------------------------------------ RTL
_RTL_OK, _RTL_WHY = api.rtl_available()


@pytest.mark.slow
@pytest.mark.skipif(not _RTL_OK, reason=f"RTL engine not available ({_RTL_WHY})")
def test_model_vs_rtl_bit_identical(small_trained, splits):
    """Test images through a p8/p4/fp4 network: every layer's C and the logits from the RTL
    co-processor (one simulator session, same A/W codes) equal the model path's bits."""
    import os

    # Verilator unless the regression is restricted to Icarus (make test SIM=icarus): Icarus
    # simulates the busy co-processor at ~5-20 cycles/s, so it gets one image only.
    sim = os.environ.get("SIM") or "verilator"
    nimg = 1 if sim == "icarus" else 2
    n = small_trained
    qcfg = qat.calibrate(n, ["p8", "p4", "fp4"], splits.x_train[:200])
    chk = api.rtl_check(n, qcfg, splits.x_test[:nimg], sim=sim)
    assert chk["matmul_shapes"] == [[64 * nimg, 9, 16], [16 * nimg, 144, 32], [nimg, 128, 10]]
    assert chk["layers_bit_exact"] == [True, True, True]
    assert chk["logits_bit_exact"] and chk["bit_exact"]
