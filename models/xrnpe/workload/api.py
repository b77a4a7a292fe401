# SPDX-License-Identifier: Apache-2.0
"""Inference engines and the bring-your-own-network API.

``infer`` runs a network whose every layer is a co-processor matmul on *codes*:

    a_codes = quantize(fmt, a / s_a)                      host
    lowered = im2col(a_codes) (conv) or flatten (dense)   host, on codes (padding = code 0 = +0)
    C       = engine(lowered, w_codes, fmt) -> float32    co-processor: exact sum, one rounding
    z       = C * fl32(s_a * s_w[j]) + b[j]               host, float32
    a_next  = maxpool(relu(z))                            host, float32

Engines: "model" (``xrnpe.matmul.matmul(a, w, fmt, "fp32")``, the exact reference),
"rtl" (``xrnpe.rtl.matmul_rtl(a, w, fmt, "fp32", sim=...)``, the RTL co-processor in
simulation), "emulate" (float64 matmul of the decoded values rounded to float32: exact for
fp4/p4/p8 sums, a fast stand-in), and "qat" (the float64 fake-quantised training forward pass,
no codes at all).  "float" runs the unquantised network (layer_formats ignored).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import numpy as np

from .. import vector
from . import qat
from .net import Layer, Net, host_post, lower

ENGINES = ("model", "rtl", "emulate", "qat", "float")


def rtl_available() -> tuple[bool, str]:
    """(True, "") if ``xrnpe.rtl.matmul_rtl`` can be imported, else (False, reason)."""
    try:
        mod = importlib.import_module("xrnpe.rtl")
        _ = mod.matmul_rtl  # the engine entry point must exist
    except Exception as e:
        return False, f"xrnpe.rtl.matmul_rtl is not importable: {type(e).__name__}: {e}"
    return True, ""


def matmul_engine(engine: str, sim: str = "icarus", progress=None) -> Callable:
    """A function (a_codes, w_codes, fmt) -> float32 C for the code-level engines."""
    if engine == "model":
        mm = importlib.import_module("xrnpe.matmul").matmul
        return lambda a, w, fmt: mm(a, w, fmt, "fp32")
    if engine == "rtl":
        mm_rtl = importlib.import_module("xrnpe.rtl").matmul_rtl
        return lambda a, w, fmt: np.asarray(
            mm_rtl(a, w, fmt, "fp32", sim=sim, progress=progress), dtype=np.float32
        )
    if engine == "emulate":
        return lambda a, w, fmt: (vector.dequantize(fmt, a) @ vector.dequantize(fmt, w)).astype(
            np.float32
        )
    raise ValueError(f"unknown code engine {engine!r} (choose model, rtl or emulate)")


def layer_codes(layer: Layer, q: qat.LayerQuant, a: np.ndarray):
    """(A codes lowered to M x K, W codes K x N, matmul output shape) for one layer."""
    a_codes = qat.quantize_codes(q.fmt, a, q.s_a)
    A, oshape = lower(layer, a_codes)
    W = qat.quantize_codes(q.fmt, layer.w, q.s_w[None, :])
    return np.ascontiguousarray(A), W, oshape


def infer(
    net: Net,
    qcfg: list,
    x: np.ndarray,
    engine: str = "model",
    *,
    sim: str = "icarus",
    trace: list | None = None,
    progress=None,
) -> np.ndarray:
    """float32 logits of ``x`` with every layer's matmul on ``engine`` (one call per layer for
    the whole batch: M = images x patches).  If ``trace`` is a list, each layer's
    (A codes, W codes, C) is appended to it."""
    if engine == "float":
        return qat.predict_logits(net, None, x).astype(np.float32)
    if engine == "qat":
        return qat.predict_logits(net, qcfg, x).astype(np.float32)
    if qcfg is None or any(q is None for q in qcfg):
        raise ValueError("every layer needs a format and scales for a co-processor engine")
    mm = matmul_engine(engine, sim, progress)
    a = np.asarray(x, dtype=np.float32)
    for layer, q in zip(net.layers, qcfg):
        A, W, oshape = layer_codes(layer, q, a)
        C = np.asarray(mm(A, W, q.fmt), dtype=np.float32)
        if trace is not None:
            trace.append((A, W, C))
        a = host_post(layer, C, q.s_a, q.s_w, oshape)
    return a


def evaluate(
    net: Net,
    layer_formats,
    x: np.ndarray,
    y: np.ndarray,
    engine: str = "model",
    *,
    qcfg: list | None = None,
    calib_x: np.ndarray | None = None,
    sim: str = "icarus",
) -> float:
    """Accuracy (fraction) of ``net`` on (x, y) with the given per-layer formats.

    layer_formats: one of fp4/p4/p8/p16 per layer, or a single name for all layers.
    Scales: ``qcfg`` if given (e.g. from QAT), otherwise calibrated now on ``calib_x``
    (default: ``x`` itself).  engine: see ``ENGINES``.
    """
    if engine == "float":
        return float((infer(net, None, x, "float").argmax(axis=1) == y).mean())
    if isinstance(layer_formats, str):
        layer_formats = [layer_formats] * len(net.layers)
    if qcfg is None:
        qcfg = qat.calibrate(net, list(layer_formats), x if calib_x is None else calib_x)
    elif [q.fmt for q in qcfg] != list(layer_formats):
        raise ValueError(f"qcfg formats {[q.fmt for q in qcfg]} != layer_formats {layer_formats}")
    logits = infer(net, qcfg, x, engine, sim=sim)
    return float((logits.argmax(axis=1) == np.asarray(y)).mean())


def weight_bits(net: Net, layer_formats) -> int:
    """Total matmul weight storage in bits (biases stay on the host in float32, not counted)."""
    if isinstance(layer_formats, str):
        layer_formats = [layer_formats] * len(net.layers)
    return int(
        sum(
            l.n_weights * (32 if f in (None, "fp32") else qat.width(f))
            for l, f in zip(net.layers, layer_formats)
        )
    )


def quantize_aware_train(
    net: Net,
    layer_formats,
    x,
    y,
    *,
    epochs: int = 4,
    lr: float = 1e-3,
    calib_x=None,
    seed: int = 0,
    batch: int = 32,
) -> tuple[Net, list]:
    """Calibrate scales on ``calib_x`` (default x), then QAT-fine-tune a copy of ``net``.

    Returns (trained copy, qcfg).  ``net`` itself is not modified."""
    if isinstance(layer_formats, str):
        layer_formats = [layer_formats] * len(net.layers)
    n = net.copy()
    qcfg = qat.calibrate(n, list(layer_formats), x if calib_x is None else calib_x, seed=seed)
    qat.train(n, qcfg, x, y, epochs=epochs, lr=lr, seed=seed, batch=batch)
    return n, qcfg


def rtl_check(
    net: Net,
    qcfg: list,
    x: np.ndarray,
    *,
    sim: str = "icarus",
    chained: bool = False,
    progress=None,
    many: Callable | None = None,
) -> dict:
    """Run ``x`` through the RTL co-processor and compare with the model path bit for bit.

    chained=False (default): the model path is run first; then every layer's matmul, with the
    *same* A and W codes, runs on the RTL in one simulator session
    (``xrnpe.rtl.matmul_rtl_many``), and each layer's C is compared.  If every layer's C is
    bit-identical, a layer-by-layer RTL run would see identical inputs at every layer (the
    host ops are deterministic), so its logits would be identical too: this is the same check
    as ``chained=True`` in one simulator start-up instead of one per layer.
    chained=True: ``infer(..., engine="rtl")``, each layer fed with the RTL's own previous
    outputs (one ``matmul_rtl`` call and simulator session per layer).
    many: the engine of the one-session mode, a callable with the signature of
    ``xrnpe.rtl.matmul_rtl_many`` (jobs, sim=..., progress=...) -> [(C, stats)]; default
    ``xrnpe.rtl.matmul_rtl_many`` (any other engine, e.g. a native Verilator harness, plugs in
    here).

    Returns {"images", "bit_exact", "layers_bit_exact", "logits_bit_exact", "mode",
    "matmul_shapes", "rtl_stats", "rtl_pred"}.
    """
    tr_m: list = []
    lm = infer(net, qcfg, x, "model", trace=tr_m)
    stats = []
    if chained:
        tr_r: list = []
        lr = infer(net, qcfg, x, "rtl", sim=sim, trace=tr_r, progress=progress)
        c_rtl = [t[2] for t in tr_r]
        inputs_same = [bool(np.array_equal(a[0], b[0])) for a, b in zip(tr_r, tr_m)]
    else:
        many = many or importlib.import_module("xrnpe.rtl").matmul_rtl_many
        jobs = [dict(a=A, b=W, fmt=q.fmt, out_fmt="fp32") for (A, W, _), q in zip(tr_m, qcfg)]
        res = many(jobs, sim=sim, progress=progress)
        c_rtl = [np.asarray(c, dtype=np.float32) for c, _ in res]
        stats = [{k: v for k, v in st.items() if k != "blocks"} for _, st in res]
        # logits from the RTL's last-layer C (its inputs are the model path's, identical
        # to the RTL's own whenever the earlier layers are bit-exact)
        last, q = net.layers[-1], qcfg[-1]
        a_prev = x if len(net.layers) == 1 else None
        if a_prev is None:
            a_prev = np.asarray(x, dtype=np.float32)
            for layer, qq, (_, _, c) in zip(net.layers[:-1], qcfg[:-1], tr_m[:-1]):
                _, _, oshape = layer_codes(layer, qq, a_prev)
                a_prev = host_post(layer, c, qq.s_a, qq.s_w, oshape)
        _, _, oshape = layer_codes(last, q, a_prev)
        lr = host_post(last, c_rtl[-1], q.s_a, q.s_w, oshape)
        inputs_same = [True] * len(net.layers)
    layers_exact = [
        bool(np.array_equal(np.asarray(cr, np.float32).view(np.uint32), t[2].view(np.uint32)))
        and same
        for cr, t, same in zip(c_rtl, tr_m, inputs_same)
    ]
    logits_exact = bool(np.array_equal(lr.view(np.uint32), lm.view(np.uint32)))
    return {
        "images": len(x),
        "bit_exact": bool(all(layers_exact) and logits_exact),
        "layers_bit_exact": layers_exact,
        "logits_bit_exact": logits_exact,
        "mode": "chained" if chained else "one-session",
        "matmul_shapes": [
            [int(t[0].shape[0]), int(t[0].shape[1]), int(t[1].shape[1])] for t in tr_m
        ],
        "rtl_stats": stats,
        "rtl_pred": lr.argmax(axis=1).tolist(),
    }
