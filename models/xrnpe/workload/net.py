# SPDX-License-Identifier: Apache-2.0
"""Layers, im2col lowering and the float / fake-quantized forward and backward passes.

Every layer is one co-processor matrix multiply ``C = A x W`` (A: M x K activations,
W: K x N weights).  A convolution is lowered with im2col: each output pixel of each image is
one row of A, holding the k x k x Cin input patch in (ky, kx, cin) order; W is the kernel
reshaped to (k*k*Cin, Cout) in the same order.  A 1-D (temporal) convolution over a window
of samples (B, T, C) is lowered the same way: one row per output step, holding the k x Cin
samples in (dk, cin) order (kernel k, stride ``stride``, no padding).  A dense layer's A row
is the flattened (NHWC order) input of one image.  Everything after the matmul --
re-scaling, bias, ReLU, 2x2 max-pooling or the global average over time -- runs on the host
(see ``host_post``).  Used by both workloads: docs/workload.md (digits) and docs/vio.md
(odometry).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Layer:
    """One matmul layer plus its host-side epilogue.

    kind: "conv" (k x k, stride 1, zero padding ``pad``), "conv1d" (k taps over time,
    stride ``stride``, no padding) or "dense".
    w: float weights, shape (K, N); b: float bias, shape (N,).
    relu: apply ReLU after the bias; pool: max-pool window/stride after ReLU (1 = none, conv
    only); gap: average the (ReLU'd) outputs over all output steps (conv1d only), giving one
    row of N features per input window.
    """

    kind: str
    w: np.ndarray
    b: np.ndarray
    k: int = 1
    pad: int = 0
    relu: bool = True
    pool: int = 1
    name: str = ""
    stride: int = 1
    gap: bool = False

    @property
    def K(self) -> int:
        return self.w.shape[0]

    @property
    def N(self) -> int:
        return self.w.shape[1]

    @property
    def n_weights(self) -> int:
        return int(self.w.size)

    def copy(self) -> Layer:
        return Layer(
            self.kind,
            self.w.copy(),
            self.b.copy(),
            self.k,
            self.pad,
            self.relu,
            self.pool,
            self.name,
            self.stride,
            self.gap,
        )


@dataclass
class Net:
    layers: list[Layer]
    input_shape: tuple = (8, 8, 1)
    meta: dict = field(default_factory=dict)

    def copy(self) -> Net:
        return Net([l.copy() for l in self.layers], self.input_shape, dict(self.meta))

    def n_weights(self) -> list[int]:
        return [l.n_weights for l in self.layers]

    def get_params(self) -> dict:
        out = {}
        for i, l in enumerate(self.layers):
            out[f"w{i}"] = l.w
            out[f"b{i}"] = l.b
        return out

    def set_params(self, params: dict) -> None:
        for i, l in enumerate(self.layers):
            l.w = np.array(params[f"w{i}"], dtype=np.float64)
            l.b = np.array(params[f"b{i}"], dtype=np.float64)


def conv(
    cin: int,
    cout: int,
    k: int = 3,
    pad: int = 1,
    relu: bool = True,
    pool: int = 1,
    name: str = "",
    rng: np.random.Generator | None = None,
) -> Layer:
    """A conv layer with He-normal weights (zero weights if ``rng`` is None)."""
    K = k * k * cin
    w = np.zeros((K, cout)) if rng is None else rng.normal(0, np.sqrt(2.0 / K), (K, cout))
    return Layer("conv", w, np.zeros(cout), k, pad, relu, pool, name)


def dense(
    nin: int, nout: int, relu: bool = False, name: str = "", rng: np.random.Generator | None = None
) -> Layer:
    w = np.zeros((nin, nout)) if rng is None else rng.normal(0, np.sqrt(2.0 / nin), (nin, nout))
    return Layer("dense", w, np.zeros(nout), 1, 0, relu, 1, name)


def conv1d(
    cin: int,
    cout: int,
    k: int,
    stride: int = 1,
    relu: bool = True,
    gap: bool = False,
    name: str = "",
    rng: np.random.Generator | None = None,
) -> Layer:
    """A temporal conv layer (k taps, stride, no padding) with He-normal weights."""
    K = k * cin
    w = np.zeros((K, cout)) if rng is None else rng.normal(0, np.sqrt(2.0 / K), (K, cout))
    return Layer("conv1d", w, np.zeros(cout), k, 0, relu, 1, name, stride, gap)


def digits_cnn(seed: int = 0) -> Net:
    """The workload network for 8x8 digits (6,032 weights).

    conv3x3(1->16, pad 1) + ReLU + maxpool2  -> 4x4x16  (matmul M = 64/img, K = 9,   N = 16)
    conv3x3(16->32, pad 1) + ReLU + maxpool2 -> 2x2x32  (matmul M = 16/img, K = 144, N = 32)
    dense(128 -> 10)                         -> logits  (matmul M = 1/img,  K = 128, N = 10)
    """
    rng = np.random.default_rng(seed)
    return Net(
        [
            conv(1, 16, pool=2, name="conv1", rng=rng),
            conv(16, 32, pool=2, name="conv2", rng=rng),
            dense(128, 10, relu=False, name="fc", rng=rng),
        ],
        (8, 8, 1),
        {"name": "digits_cnn", "seed": seed},
    )


# ------------------------------------------------------------------ lowering
def im2col(x: np.ndarray, k: int, pad: int) -> np.ndarray:
    """(B, H, W, C) -> (B*Ho*Wo, k*k*C), columns in (ky, kx, c) order, stride 1."""
    B, H, W, C = x.shape
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0))) if pad else x
    Ho, Wo = H + 2 * pad - k + 1, W + 2 * pad - k + 1
    cols = np.stack(
        [xp[:, ky : ky + Ho, kx : kx + Wo, :] for ky in range(k) for kx in range(k)], axis=3
    )
    return cols.reshape(B * Ho * Wo, k * k * C)


def col2im(dcols: np.ndarray, x_shape: tuple, k: int, pad: int) -> np.ndarray:
    """Adjoint of ``im2col`` (sums overlapping patch gradients)."""
    B, H, W, C = x_shape
    Ho, Wo = H + 2 * pad - k + 1, W + 2 * pad - k + 1
    d = dcols.reshape(B, Ho, Wo, k * k, C)
    dxp = np.zeros((B, H + 2 * pad, W + 2 * pad, C), dtype=dcols.dtype)
    for ky in range(k):
        for kx in range(k):
            dxp[:, ky : ky + Ho, kx : kx + Wo, :] += d[:, :, :, ky * k + kx, :]
    return dxp[:, pad : pad + H, pad : pad + W, :] if pad else dxp


def out_steps(length: int, k: int, stride: int) -> int:
    """Output steps of a temporal conv (no padding) over ``length`` samples."""
    return (length - k) // stride + 1


def im2col1d(x: np.ndarray, k: int, stride: int) -> np.ndarray:
    """(B, T, C) -> (B*To, k*C), columns in (dk, c) order, no padding."""
    B, T, C = x.shape
    To = out_steps(T, k, stride)
    if To < 1:
        raise ValueError(f"window of {T} samples is shorter than the kernel ({k})")
    cols = np.stack([x[:, dk : dk + stride * (To - 1) + 1 : stride, :] for dk in range(k)], axis=2)
    return cols.reshape(B * To, k * C)


def col2im1d(dcols: np.ndarray, x_shape: tuple, k: int, stride: int) -> np.ndarray:
    """Adjoint of ``im2col1d`` (sums overlapping tap gradients)."""
    B, T, C = x_shape
    To = out_steps(T, k, stride)
    d = dcols.reshape(B, To, k, C)
    dx = np.zeros((B, T, C), dtype=dcols.dtype)
    for dk in range(k):
        dx[:, dk : dk + stride * (To - 1) + 1 : stride, :] += d[:, :, dk, :]
    return dx


def lower(layer: Layer, x: np.ndarray) -> tuple[np.ndarray, tuple]:
    """Activations -> (A matrix, output shape of the matmul reshaped per image)."""
    B = x.shape[0]
    if layer.kind == "conv1d":
        if x.ndim != 3 or layer.k * x.shape[2] != layer.K:
            raise ValueError(
                f"{layer.name}: weight rows {layer.K} do not match k*Cin for input shape {x.shape}"
            )
        To = out_steps(x.shape[1], layer.k, layer.stride)
        return im2col1d(x, layer.k, layer.stride), (B, To, layer.N)
    if layer.kind == "conv":
        _, H, W, C = x.shape
        if layer.k * layer.k * C != layer.K:
            raise ValueError(f"{layer.name}: weight rows {layer.K} != k*k*Cin = {layer.k**2 * C}")
        Ho, Wo = H + 2 * layer.pad - layer.k + 1, W + 2 * layer.pad - layer.k + 1
        return im2col(x, layer.k, layer.pad), (B, Ho, Wo, layer.N)
    a = x.reshape(B, -1)
    if a.shape[1] != layer.K:
        raise ValueError(f"{layer.name}: input has {a.shape[1]} features, weights expect {layer.K}")
    return a, (B, layer.N)


def direct_conv(x: np.ndarray, w4: np.ndarray, pad: int) -> np.ndarray:
    """Reference convolution by explicit loops over the kernel: w4 is (k, k, Cin, Cout)."""
    k = w4.shape[0]
    B, H, W, _C = x.shape
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    Ho, Wo = H + 2 * pad - k + 1, W + 2 * pad - k + 1
    out = np.zeros((B, Ho, Wo, w4.shape[3]))
    for ky in range(k):
        for kx in range(k):
            out += np.einsum("bhwc,cn->bhwn", xp[:, ky : ky + Ho, kx : kx + Wo, :], w4[ky, kx])
    return out


# ------------------------------------------------------------------ host epilogue
def maxpool(z: np.ndarray, p: int) -> np.ndarray:
    if p == 1:
        return z
    B, H, W, C = z.shape
    return z.reshape(B, H // p, p, W // p, p, C).max(axis=(2, 4))


def maxpool_backward(z: np.ndarray, out: np.ndarray, dout: np.ndarray, p: int) -> np.ndarray:
    """Route each pooled gradient to the first maximum of its window."""
    if p == 1:
        return dout
    B, H, W, C = z.shape
    zw = (
        z.reshape(B, H // p, p, W // p, p, C)
        .transpose(0, 1, 3, 5, 2, 4)
        .reshape(B, H // p, W // p, C, p * p)
    )
    idx = zw.argmax(axis=-1)
    onehot = (np.arange(p * p) == idx[..., None]).astype(dout.dtype)
    d = onehot * dout[..., None]
    return d.reshape(B, H // p, W // p, C, p, p).transpose(0, 1, 4, 2, 5, 3).reshape(B, H, W, C)


def epilogue(layer: Layer, z: np.ndarray) -> np.ndarray:
    """ReLU then max-pool (conv) or the average over time (conv1d with ``gap``) on (already
    biased) pre-activations of matmul shape."""
    if layer.relu:
        z = np.maximum(z, 0)
    if layer.kind == "conv":
        z = maxpool(z, layer.pool)
    if layer.kind == "conv1d" and layer.gap:
        z = z.mean(axis=1)
    return z


def epilogue_backward(layer: Layer, z: np.ndarray, dout: np.ndarray) -> np.ndarray:
    """Gradient w.r.t. the pre-activations z (matmul output shape) from that of the epilogue's
    output (the adjoint of ``epilogue``)."""
    d = dout
    if layer.kind == "conv1d" and layer.gap:
        d = np.broadcast_to(d[:, None, :] / z.shape[1], z.shape)
    if layer.kind == "conv" and layer.pool > 1:
        r = np.maximum(z, 0) if layer.relu else z
        d = maxpool_backward(r, maxpool(r, layer.pool), d, layer.pool)
    if layer.relu:
        d = d * (z > 0)
    return d


def lower_backward(layer: Layer, dA: np.ndarray, x_shape: tuple) -> np.ndarray:
    """Gradient w.r.t. a layer's input from that of its lowered A matrix (adjoint of
    ``lower``)."""
    if layer.kind == "conv":
        return col2im(dA, x_shape, layer.k, layer.pad)
    if layer.kind == "conv1d":
        return col2im1d(dA, x_shape, layer.k, layer.stride)
    return dA.reshape(x_shape)


def host_post(layer: Layer, c32: np.ndarray, s_a: float, s_w: np.ndarray, out_shape: tuple):
    """Host ops after a co-processor matmul (the hardware inference path), all in float32.

    z[i, j] = fl32( fl32(C[i, j] * fl32(s_a * s_w[j])) + fl32(b[j]) ), then ReLU, then max-pool.
    (``fl32(s_a * s_w[j])`` is the combined scale computed in float64 and rounded once.)
    """
    scale = (np.float64(s_a) * np.asarray(s_w, dtype=np.float64)).astype(np.float32)
    z = np.asarray(c32, dtype=np.float32) * scale[None, :]
    z = z + layer.b.astype(np.float32)[None, :]
    return epilogue(layer, z.reshape(out_shape))
