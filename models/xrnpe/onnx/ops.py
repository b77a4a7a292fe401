# SPDX-License-Identifier: Apache-2.0
"""The float32 operators of ``xrnpe onnx run``: everything that is not a compute layer.

Each function takes (node attributes as a dict, list of input arrays or None, opset) and
returns the list of outputs, computed in float32 as ONNX defines the operator.  Shape
operators (Shape, Gather, Unsqueeze, ...) work on int64 arrays as ONNX does.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


class OnnxError(ValueError):
    """A model the runner cannot run (unsupported operator or attribute, bad shape, ...)."""


def _f32(x):
    return np.asarray(x, dtype=np.float32) if np.asarray(x).dtype.kind == "f" else np.asarray(x)


def _pads_2d(attrs: dict, in_hw, kernel, strides, dilations, what: str) -> tuple:
    """(top, left, bottom, right) pads from ``pads`` / ``auto_pad``."""
    auto = attrs.get("auto_pad", "NOTSET")
    if auto in ("NOTSET", ""):
        p = list(attrs.get("pads", [0, 0, 0, 0]))
        if len(p) != 4:
            raise OnnxError(f"{what}: pads {p} (only 2-D spatial pads are supported)")
        return p[0], p[1], p[2], p[3]
    if auto == "VALID":
        return 0, 0, 0, 0
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        out = []
        for size, k, s, d in zip(in_hw, kernel, strides, dilations):
            o = -(-size // s)
            total = max(0, (o - 1) * s + (k - 1) * d + 1 - size)
            lo = total // 2 if auto == "SAME_UPPER" else total - total // 2
            out.append((lo, total - lo))
        return out[0][0], out[1][0], out[0][1], out[1][1]
    raise OnnxError(f"{what}: auto_pad {auto!r} is not supported")


def windows(x, kernel, strides, dilations, pads, fill) -> np.ndarray:
    """(B, C, H, W) -> (B, C, Ho, Wo, kh, kw) windows of the padded input (a view if no pad)."""
    top, left, bottom, right = pads
    if any(pads):
        x = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)), constant_values=fill)
    kh, kw = kernel
    dh, dw = dilations
    sh, sw = strides
    ext_h, ext_w = (kh - 1) * dh + 1, (kw - 1) * dw + 1
    if x.shape[2] < ext_h or x.shape[3] < ext_w:
        raise OnnxError(f"kernel {kernel} is larger than the padded input {x.shape[2:]}")
    v = sliding_window_view(x, (ext_h, ext_w), axis=(2, 3))
    return v[:, :, ::sh, ::sw, ::dh, ::dw]


def _spatial(attrs, x, what, n_kernel=None):
    if x.ndim != 4:
        raise OnnxError(f"{what}: only 2-D (N, C, H, W) inputs are supported, got {x.shape}")
    kernel = list(attrs.get("kernel_shape", n_kernel or []))
    if len(kernel) != 2:
        raise OnnxError(f"{what}: kernel_shape {kernel} (only 2-D kernels are supported)")
    strides = list(attrs.get("strides", [1, 1]))
    dilations = list(attrs.get("dilations", [1, 1]))
    pads = _pads_2d(attrs, x.shape[2:], kernel, strides, dilations, what)
    return kernel, strides, dilations, pads


def _pool(attrs, x, what):
    if int(attrs.get("ceil_mode", 0)):
        raise OnnxError(f"{what}: ceil_mode=1 is not supported")
    kernel, strides, dilations, pads = _spatial(attrs, x, what)
    return kernel, strides, dilations, pads


def max_pool(attrs, inputs, opset):
    (x,) = inputs[:1]
    if int(attrs.get("storage_order", 0)):
        raise OnnxError("MaxPool: storage_order=1 is not supported")
    kernel, strides, dilations, pads = _pool(attrs, x, "MaxPool")
    w = windows(x, kernel, strides, dilations, pads, -np.inf)
    return [w.max(axis=(4, 5)).astype(np.float32)]


def average_pool(attrs, inputs, opset):
    (x,) = inputs[:1]
    kernel, strides, dilations, pads = _pool(attrs, x, "AveragePool")
    if dilations != [1, 1]:
        raise OnnxError("AveragePool: dilations are not supported")
    w = windows(x.astype(np.float32), kernel, strides, dilations, pads, 0.0)
    s = w.sum(axis=(4, 5), dtype=np.float32)
    if int(attrs.get("count_include_pad", 0)) or not any(pads):
        n = np.float32(kernel[0] * kernel[1])
    else:
        ones = np.ones((1, 1) + x.shape[2:], np.float32)
        n = windows(ones, kernel, strides, dilations, pads, 0.0).sum(axis=(4, 5))
    return [(s / n).astype(np.float32)]


def global_average_pool(attrs, inputs, opset):
    x = inputs[0]
    axes = tuple(range(2, x.ndim))
    return [x.mean(axis=axes, keepdims=True, dtype=np.float32).astype(np.float32)]


def relu(attrs, inputs, opset):
    x = inputs[0]
    return [np.maximum(x, np.zeros((), x.dtype))]  # NaN stays NaN


def _binary(fn):
    def op(attrs, inputs, opset):
        a, b = inputs[0], inputs[1]
        if a.dtype.kind == "f" or b.dtype.kind == "f":
            a, b = _f32(a).astype(np.float32), _f32(b).astype(np.float32)
        return [np.asarray(fn(a, b))]

    return op


def _int_div(a, b):
    if a.dtype.kind == "f":
        return a / b
    return np.trunc(a / b).astype(a.dtype)


def flatten(attrs, inputs, opset):
    x = inputs[0]
    axis = int(attrs.get("axis", 1))
    axis = axis + x.ndim if axis < 0 else axis
    lead = int(np.prod(x.shape[:axis], dtype=np.int64))
    return [x.reshape(lead, -1) if x.size else x.reshape(lead, 0)]


def reshape(attrs, inputs, opset):
    x, shape = inputs[0], [int(v) for v in np.asarray(inputs[1]).reshape(-1)]
    if not int(attrs.get("allowzero", 0)):
        shape = [x.shape[i] if v == 0 else v for i, v in enumerate(shape)]
    return [x.reshape(shape)]


def concat(attrs, inputs, opset):
    return [np.concatenate([np.asarray(t) for t in inputs], axis=int(attrs["axis"]))]


def softmax(attrs, inputs, opset):
    x = inputs[0].astype(np.float32)
    if opset < 13:  # opset 1-12: the input is coerced to 2-D at ``axis`` (default 1)
        axis = int(attrs.get("axis", 1))
        axis = axis + x.ndim if axis < 0 else axis
        flat = x.reshape(int(np.prod(x.shape[:axis], dtype=np.int64)), -1)
        return [softmax({"axis": 1}, [flat], 13)[0].reshape(x.shape)]
    axis = int(attrs.get("axis", -1))
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return [(e / e.sum(axis=axis, keepdims=True, dtype=np.float32)).astype(np.float32)]


def clip(attrs, inputs, opset):
    x = inputs[0]
    if opset < 11:
        lo, hi = attrs.get("min"), attrs.get("max")
    else:
        lo = inputs[1] if len(inputs) > 1 and inputs[1] is not None else None
        hi = inputs[2] if len(inputs) > 2 and inputs[2] is not None else None
    if lo is not None:
        x = np.maximum(x, np.asarray(lo, dtype=x.dtype))
    if hi is not None:
        x = np.minimum(x, np.asarray(hi, dtype=x.dtype))
    return [x]


def batch_norm(attrs, inputs, opset):
    x, scale, b, mean, var = (np.asarray(t, np.float32) for t in inputs[:5])
    eps = np.float32(attrs.get("epsilon", 1e-5))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    inv = (scale / np.sqrt(var + eps)).reshape(shape)
    return [((x - mean.reshape(shape)) * inv + b.reshape(shape)).astype(np.float32)]


def transpose(attrs, inputs, opset):
    perm = attrs.get("perm")
    return [np.transpose(inputs[0], perm)]


def _axes(attrs, inputs, opset, since: int):
    if opset >= since:
        return None if len(inputs) < 2 or inputs[1] is None else [int(a) for a in inputs[1]]
    return attrs.get("axes")


def unsqueeze(attrs, inputs, opset):
    x = inputs[0]
    axes = _axes(attrs, inputs, opset, 13)
    nd = x.ndim + len(axes)
    for a in sorted(a + nd if a < 0 else a for a in axes):
        x = np.expand_dims(x, a)
    return [x]


def squeeze(attrs, inputs, opset):
    x = inputs[0]
    axes = _axes(attrs, inputs, opset, 13)
    return [np.squeeze(x) if axes is None else np.squeeze(x, axis=tuple(axes))]


def gather(attrs, inputs, opset):
    return [
        np.take(inputs[0], np.asarray(inputs[1]).astype(np.int64), axis=int(attrs.get("axis", 0)))
    ]


def shape(attrs, inputs, opset):
    s = np.array(inputs[0].shape, dtype=np.int64)
    start, end = attrs.get("start", 0), attrs.get("end")
    return [s[start:end]]


def cast(attrs, inputs, opset):
    from onnx import helper

    return [np.asarray(inputs[0]).astype(helper.tensor_dtype_to_np_dtype(int(attrs["to"])))]


def identity(attrs, inputs, opset):
    return [inputs[0]]


def dropout(attrs, inputs, opset):
    return [inputs[0]]  # inference: the identity


def sigmoid(attrs, inputs, opset):
    x = inputs[0].astype(np.float32)
    return [(np.float32(1) / (np.float32(1) + np.exp(-x))).astype(np.float32)]


FLOAT_OPS = {
    "Relu": relu,
    "Add": _binary(np.add),
    "Sub": _binary(np.subtract),
    "Mul": _binary(np.multiply),
    "Div": _binary(_int_div),
    "Flatten": flatten,
    "Reshape": reshape,
    "MaxPool": max_pool,
    "AveragePool": average_pool,
    "GlobalAveragePool": global_average_pool,
    "Concat": concat,
    "Softmax": softmax,
    "Clip": clip,
    "BatchNormalization": batch_norm,
    "Transpose": transpose,
    "Unsqueeze": unsqueeze,
    "Squeeze": squeeze,
    "Gather": gather,
    "Shape": shape,
    "Cast": cast,
    "Identity": identity,
    "Dropout": dropout,
    "Sigmoid": sigmoid,
}
"""Operators computed here in numpy; ``Constant`` is folded at load time."""

MATMUL_LIKE = frozenset(
    {
        "ConvTranspose",
        "ConvInteger",
        "MatMulInteger",
        "QLinearConv",
        "QLinearMatMul",
        "Einsum",
        "LSTM",
        "GRU",
        "RNN",
        "Attention",
        "DeformConv",
    }
)
"""Operators that multiply-accumulate but are not compute layers: refused, never run in
float32 (that would silently skip the format)."""
