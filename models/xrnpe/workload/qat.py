# SPDX-License-Identifier: Apache-2.0
"""Quantizer, calibration, straight-through-estimator training (float and QAT).

The quantizer is exactly the one the inference path uses:
    codes = xrnpe.vector.quantize(fmt, x / s)          (exact rounding, CONTRACT section 2)
    x_hat = xrnpe.vector.dequantize(fmt, codes) * s
with a per-output-channel weight scale ``s_w[j]`` and one per-tensor activation scale ``s_a``
per layer (the layer's input).  Scales are calibrated once (MSE-optimal over a fine grid of
candidates, see ``mse_scale``), rounded to float32 values, and then kept fixed during QAT.

Gradients use the straight-through estimator: d x_hat / d x = 1 where |x / s| <= the format's
largest magnitude (6 for fp4, maxpos for posits) and 0 where the value saturates.

One library for both workloads (docs/workload.md "Quantiser" and "QAT", docs/vio.md
"Training"): the loss is a parameter of ``train`` (``softmax_xent`` for the digits classifier,
``mse_loss`` for the odometry regressor).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import vector
from ..formats import get_format
from .net import Layer, Net, epilogue, epilogue_backward, lower, lower_backward

FORMAT_NAMES = ("fp4", "p4", "p8", "p16")


def max_value(fmt: str) -> float:
    """Largest finite magnitude of an input format (6 for fp4, maxpos for posits)."""
    t = vector.value_table(fmt)
    return float(np.nanmax(np.abs(t)))


def width(fmt: str) -> int:
    return get_format(fmt).width


@dataclass
class LayerQuant:
    """How one layer runs on the co-processor: its format and its (fixed) scales."""

    fmt: str
    s_a: float  # per-tensor activation (layer input) scale
    s_w: np.ndarray  # per-output-channel weight scales, shape (N,)

    def to_dict(self) -> dict:
        return {"fmt": self.fmt, "s_a": float(self.s_a), "s_w": [float(v) for v in self.s_w]}

    @staticmethod
    def from_dict(d: dict) -> LayerQuant:
        return LayerQuant(d["fmt"], float(d["s_a"]), np.array(d["s_w"], dtype=np.float64))


# ------------------------------------------------------------------ quantizer
def quantize_codes(fmt: str, x, s) -> np.ndarray:
    """float -> codes of ``fmt`` after dividing by the scale (broadcast)."""
    return vector.quantize(fmt, np.asarray(x, dtype=np.float64) / s)


def fake_quant(fmt: str, x, s) -> tuple[np.ndarray, np.ndarray]:
    """(dequantize(quantize(x / s)), STE pass mask).  The result is *unscaled* (times s = x_hat)."""
    u = np.asarray(x, dtype=np.float64) / s
    xq = vector.dequantize(fmt, vector.quantize(fmt, u))
    mask = np.abs(u) <= max_value(fmt)
    return xq, mask


def quant_mse(fmt: str, x: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Mean squared quantisation error of x (rows: samples) for each candidate scale in s.

    x: (R, C) values, s: (S, C) candidate scales -> (S, C) MSE per candidate and column.
    """
    out = np.empty(s.shape)
    for i in range(s.shape[0]):
        xq, _ = fake_quant(fmt, x, s[i][None, :])
        out[i] = ((xq * s[i][None, :] - x) ** 2).mean(axis=0)
    return out


def mse_scale(fmt: str, x: np.ndarray, steps_per_octave: int = 8) -> np.ndarray:
    """MSE-optimal scale per column of x (R, C).

    Candidates are rms(x[:, c]) * 2**(t / steps_per_octave) for t covering the whole dynamic
    range of the format (so the bulk of the values can land anywhere from minpos to maxpos);
    the candidate max|x[:, c]| / max_value(fmt) is added; the first minimum wins.  Result
    rounded to float32 values.
    """
    x = np.asarray(x, dtype=np.float64)
    f = get_format(fmt)
    rms = np.sqrt((x**2).mean(axis=0))
    rms = np.where(rms > 0, rms, 1.0)
    # rms lands anywhere from just above minpos to just below maxpos (at most +-12 octaves
    # around 1: beyond that a p16 scale only changes the error in the last few bits)
    lo = -min(f.max_scale + 2, 12) * steps_per_octave
    hi = min(-f.min_scale + 2, 12) * steps_per_octave
    t = np.arange(lo, hi + 1) / steps_per_octave
    mx = np.abs(x).max(axis=0)
    cand = rms[None, :] * np.exp2(t)[:, None]
    # plus the classic "column maximum maps to the largest magnitude" scale
    cand = np.vstack([cand, np.where(mx > 0, mx, 1.0)[None, :] / max_value(fmt)])
    # only scales that keep the column maximum from saturating far beyond maxval make sense
    useful = cand >= mx[None, :] / max_value(fmt) / 4  # ignore heavy clipping candidates
    err = quant_mse(fmt, x, cand)
    err = np.where(useful, err, np.inf)
    best = cand[np.argmin(err, axis=0), np.arange(x.shape[1])].astype(np.float32)
    # a (nearly) all-zero column (e.g. a dead unit's weights decayed below the float32 range)
    # would get a zero or subnormal scale: any normal scale represents it as well
    best = np.where(best >= np.finfo(np.float32).tiny, best, np.float32(1.0))
    return best.astype(np.float64)


def calibrate(
    net: Net, layer_formats: list, x: np.ndarray, max_samples: int = 20000, seed: int = 0
) -> list:
    """Per-layer LayerQuant (or None for a float layer) calibrated layer by layer.

    Weight scales: per output channel.  Activation scale of layer l: per tensor, fitted on the
    layer's input as produced by the already-quantised preceding layers on ``x``.  At most
    ``max_samples`` activation values (a seeded subsample) enter each fit.
    """
    rng = np.random.default_rng(seed)
    qcfg: list = []
    a = np.asarray(x, dtype=np.float64)
    for layer, fmt in zip(net.layers, layer_formats):
        if fmt is None or fmt == "fp32":
            qcfg.append(None)
        else:
            s_w = mse_scale(fmt, layer.w)
            flat = a.reshape(-1)
            nz = flat[flat != 0]
            sample = nz if nz.size <= max_samples else rng.choice(nz, max_samples, replace=False)
            if sample.size == 0:
                sample = np.ones(1)
            s_a = float(mse_scale(fmt, sample[:, None])[0])
            qcfg.append(LayerQuant(fmt, s_a, s_w))
        a = _layer_forward(layer, qcfg[-1], a)[0]
    return qcfg


# ------------------------------------------------------------------ forward / backward
def _layer_forward(layer: Layer, q: LayerQuant | None, x: np.ndarray):
    if q is None:
        xh, mx, sa = x, None, 1.0
        wh, mw, sw = layer.w, None, np.ones(layer.N)
    else:
        xh, mx = fake_quant(q.fmt, x, q.s_a)
        wh, mw = fake_quant(q.fmt, layer.w, q.s_w[None, :])
        sa, sw = q.s_a, q.s_w
    A, oshape = lower(layer, xh)
    C = A @ wh
    scale = sa * sw
    z = (C * scale[None, :] + layer.b[None, :]).reshape(oshape)
    out = epilogue(layer, z)
    cache = (x.shape, xh, mx, A, wh, mw, scale, sa, sw, z, oshape)
    return out, cache


def forward(net: Net, qcfg: list | None, x: np.ndarray):
    """Float64 forward pass (fake-quantised where qcfg[l] is set): (logits, caches)."""
    qcfg = qcfg or [None] * len(net.layers)
    a = np.asarray(x, dtype=np.float64)
    caches = []
    for layer, q in zip(net.layers, qcfg):
        a, c = _layer_forward(layer, q, a)
        caches.append(c)
    return a, caches


def backward(net: Net, caches: list, dlogits: np.ndarray, input_grad: bool = False) -> dict:
    """Gradients {"w<i>", "b<i>"} of the loss whose gradient w.r.t. the outputs is
    ``dlogits``; with ``input_grad`` also "x", w.r.t. the network input (through the first
    layer's fake quantiser by the straight-through estimator), for training through time."""
    grads = {}
    d = dlogits
    for i in reversed(range(len(net.layers))):
        layer = net.layers[i]
        _, xh, mx, A, wh, mw, scale, sa, sw, z, _ = caches[i]
        d = epilogue_backward(layer, z, d)
        dz = d.reshape(-1, layer.N)
        grads[f"b{i}"] = dz.sum(axis=0)
        dC = dz * scale[None, :]
        dwh = A.T @ dC
        grads[f"w{i}"] = dwh / sw[None, :] * (mw if mw is not None else 1.0)
        if i == 0 and not input_grad:
            break
        dA = dC @ wh.T
        dxh = lower_backward(layer, dA, xh.shape)
        d = dxh / sa * (mx if mx is not None else 1.0)
    if input_grad:
        grads["x"] = d
    return grads


def softmax_xent(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    n = len(y)
    loss = -np.log(p[np.arange(n), y] + 1e-12).mean()
    p[np.arange(n), y] -= 1
    return float(loss), p / n


def mse_loss(pred: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean over samples of the squared error summed over outputs, and its gradient."""
    err = pred - np.asarray(target, dtype=np.float64).reshape(pred.shape)
    n = len(pred)
    return float((err**2).sum() / n), 2.0 * err / n


def predict_logits(net: Net, qcfg: list | None, x: np.ndarray, batch: int = 512) -> np.ndarray:
    return np.concatenate(
        [forward(net, qcfg, x[i : i + batch])[0] for i in range(0, len(x), batch)]
    )


def accuracy(net: Net, qcfg: list | None, x: np.ndarray, y: np.ndarray) -> float:
    return float((predict_logits(net, qcfg, x).argmax(axis=1) == y).mean())


def mean_loss(
    net: Net, qcfg: list | None, x: np.ndarray, y: np.ndarray, loss=softmax_xent
) -> float:
    return loss(predict_logits(net, qcfg, x), y)[0]


class Adam:
    """Adam (beta 0.9/0.999) with a cosine learning-rate decay over ``total_steps`` and an
    L2 weight decay added to the weights' gradients (not the biases')."""

    def __init__(self, net: Net, lr: float, total_steps: int, weight_decay: float = 1e-4):
        params = net.get_params()
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}
        self.lr, self.total, self.weight_decay = lr, total_steps, weight_decay
        self.t = 0

    def step(self, net: Net, grads: dict) -> None:
        """One update of ``net``'s weights and biases in place."""
        b1, b2, eps = 0.9, 0.999, 1e-8
        self.t += 1
        t = self.t
        lr_t = self.lr * 0.5 * (1 + math.cos(math.pi * (t - 1) / self.total))
        for i, layer in enumerate(net.layers):
            for key, p in ((f"w{i}", layer.w), (f"b{i}", layer.b)):
                g = grads[key]
                if key[0] == "w" and self.weight_decay:
                    g = g + self.weight_decay * p
                self.m[key] = b1 * self.m[key] + (1 - b1) * g
                self.v[key] = b2 * self.v[key] + (1 - b2) * g * g
                mh = self.m[key] / (1 - b1**t)
                vh = self.v[key] / (1 - b2**t)
                p -= lr_t * mh / (np.sqrt(vh) + eps)


def train(
    net: Net,
    qcfg: list | None,
    x: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    lr: float,
    batch: int = 32,
    seed: int = 0,
    weight_decay: float = 1e-4,
    log=None,
    loss=softmax_xent,
) -> list[float]:
    """Adam with a cosine learning-rate schedule; STE through the fake quantisers in qcfg.

    ``loss(outputs, targets) -> (mean loss, d loss / d outputs)``: ``softmax_xent`` (default,
    class labels) or ``mse_loss`` (regression targets).  Updates ``net`` in place;
    deterministic for a given seed.  Returns the per-epoch mean loss.
    """
    rng = np.random.default_rng(seed)
    n = len(x)
    steps_per_epoch = math.ceil(n / batch)
    opt = Adam(net, lr, epochs * steps_per_epoch, weight_decay)
    history = []
    for ep in range(epochs):
        perm = rng.permutation(n)
        losses = []
        for s in range(steps_per_epoch):
            idx = perm[s * batch : (s + 1) * batch]
            logits, caches = forward(net, qcfg, x[idx])
            batch_loss, dlog = loss(logits, y[idx])
            opt.step(net, backward(net, caches, dlog))
            losses.append(batch_loss)
        history.append(float(np.mean(losses)))
        if log:
            log(f"  epoch {ep + 1}/{epochs} loss {history[-1]:.4f}")
    return history
