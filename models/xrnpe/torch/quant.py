# SPDX-License-Identifier: Apache-2.0
"""Fake quantization for fp4, p4, p8 and p16 in PyTorch, bit-identical to ``xrnpe.vector``.

``fake_quant(x, fmt)`` is ``dequantize(quantize(x))`` of the numpy model, computed on torch
tensors by the same table search (``xrnpe.vector``'s boundaries, exact in float32 and float64):
the result of every float32 input equals ``vector.dequantize(fmt, vector.quantize(fmt, x))``
as float32, bit for bit.  Two cases the numpy model has no value for: a NaN into fp4 (numpy
raises: fp4 has no NaN) gives NaN here, so a diverging training run shows it instead of
stopping; -0.0 and a negative value rounding to zero give +0.0, as the codes do.

Gradient (straight-through estimator, as ``workload/qat.py``): 1 where |x| <= the format's
largest magnitude (6 for fp4, maxpos for posits), 0 where it saturates (and for NaN/Inf).

``QuantConv2d`` / ``QuantLinear`` are drop-ins for ``nn.Conv2d`` / ``nn.Linear`` with one
format per layer for the weights and the layer's input, and the project's scaling
(``workload/qat.py``): the input is divided by a per-tensor scale ``s_a`` and the weights by a
per-output-channel scale ``s_w`` before quantization, and the product is multiplied back by
``s_a * s_w``.  Scales are 1 until ``calibrate`` fits them (``qat.mse_scale``, the workloads'
MSE-optimal scale, rounded to float32).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F  # noqa: N812 (the PyTorch convention)

from xrnpe import vector
from xrnpe.formats import INPUT_FORMATS, get_format

__all__ = [
    "FakeQuant",
    "FakeQuantFn",
    "QuantConv2d",
    "QuantLinear",
    "calibrate",
    "fake_quant",
    "max_value",
    "quant_layers",
    "quantize_model",
]


@cache
def _tables(fmt: str, dtype_name: str):
    """(boundaries + trailing NaN, positive values, first positive code, largest magnitude)
    as numpy arrays of ``dtype_name``; exact (asserted by ``vector._bounds_ext``)."""
    f = get_format(fmt)
    codes, values, _ = vector._positive_grid(fmt)
    bounds = vector._bounds_ext(fmt, np.dtype(dtype_name).char)
    vals = values.astype(dtype_name)
    assert np.array_equal(vals.astype(np.float64), values)
    first = int(codes[0])  # 1 for posits (no +0 in the grid), 0 for fp4
    return bounds, vals, first, float(np.max(values)), f.kind


def max_value(fmt: str) -> float:
    """Largest finite magnitude of ``fmt`` (6 for fp4, maxpos for posits)."""
    return _tables(fmt, "float64")[3]


def _check_format(fmt: str) -> str:
    if fmt not in INPUT_FORMATS:
        raise ValueError(f"unknown format {fmt!r} (choose {', '.join(INPUT_FORMATS)})")
    return fmt


def _fake_quant_values(x: torch.Tensor, fmt: str) -> torch.Tensor:
    """The rounding itself, mirroring ``vector.quantize`` then ``vector.dequantize``."""
    if x.dtype not in (torch.float32, torch.float64):
        x = x.to(torch.float32)
    name = "float32" if x.dtype == torch.float32 else "float64"
    bnd_np, vals_np, first, _, kind = _tables(fmt, name)
    bnd = torch.from_numpy(bnd_np.copy()).to(x.device)
    vals = torch.from_numpy(vals_np.copy()).to(x.device)
    mag = x.abs()
    nan = torch.isnan(x)
    # number of boundaries below |x|; NaN is searched as 0 and masked afterwards
    idx = torch.searchsorted(bnd[:-1].contiguous(), torch.where(nan, 0, mag).contiguous())
    tie = bnd[idx] == mag  # the trailing NaN never compares equal
    code_odd = ((idx + first) & 1).bool()  # code = idx + first (posits from 1, fp4 from 0)
    idx = idx + (tie & code_odd).long()  # a tie goes to the even code
    v = vals[idx]
    out = torch.where(x < 0, -v, v)
    out = torch.where((v == 0) | (mag == 0), torch.zeros_like(out), out)  # +0, never -0
    if kind == "posit":
        out = torch.where(nan | torch.isinf(x), torch.full_like(out, float("nan")), out)
    else:
        out = torch.where(nan, torch.full_like(out, float("nan")), out)
    return out


class FakeQuantFn(torch.autograd.Function):
    """y = dequantize(quantize(x)) forward; straight-through gradient, zero where saturated."""

    @staticmethod
    def forward(ctx, x, fmt):
        y = _fake_quant_values(x, fmt)
        ctx.save_for_backward(x.abs() <= max_value(fmt))
        return y.to(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (mask,) = ctx.saved_tensors
        return grad * mask.to(grad.dtype), None


def fake_quant(x: torch.Tensor, fmt: str, scale=None) -> torch.Tensor:
    """``dequantize(quantize(x / scale)) * scale`` (scale broadcast; None: unscaled)."""
    _check_format(fmt)
    if scale is None:
        return FakeQuantFn.apply(x, fmt)
    return FakeQuantFn.apply(x / scale, fmt) * scale


class FakeQuant(nn.Module):
    """A fake quantizer module (e.g. for a tensor outside a Quant layer)."""

    def __init__(self, fmt: str, scale: float = 1.0):
        super().__init__()
        self.fmt = _check_format(fmt)
        self.register_buffer("scale", torch.tensor(float(np.float32(scale))))

    def forward(self, x):
        return fake_quant(x, self.fmt, self.scale)

    def extra_repr(self) -> str:
        return f"fmt={self.fmt}, scale={float(self.scale):g}"


class _QuantMixin:
    """Shared state of the Quant layers: format, scales, an on/off switch for calibration."""

    def _init_quant(self, fmt: str, n_out: int) -> None:
        self.fmt = _check_format(fmt)
        self.quant_enabled = True
        self.register_buffer("s_a", torch.tensor(1.0))
        self.register_buffer("s_w", torch.ones(n_out))

    def _w_scale_shape(self) -> tuple:
        return (-1,) + (1,) * (self.weight.dim() - 1)

    def quant_weight(self) -> torch.Tensor:
        """Fake-quantized weight divided by its scale (the values the engine multiplies)."""
        return FakeQuantFn.apply(self.weight / self.s_w.view(self._w_scale_shape()), self.fmt)

    def quant_input(self, x: torch.Tensor) -> torch.Tensor:
        """Fake-quantized input divided by its scale."""
        return FakeQuantFn.apply(x / self.s_a, self.fmt)

    def out_scale(self) -> torch.Tensor:
        """fl32(s_a * s_w) per output channel (computed in float64, rounded once)."""
        return (self.s_a.double() * self.s_w.double()).to(self.weight.dtype)

    def weight_matrix(self) -> np.ndarray:
        """Weights as the (K, N) matrix the calibration fits a scale per column of."""
        w = self.weight.detach().double().cpu().numpy()
        return w.reshape(w.shape[0], -1).T


class QuantConv2d(_QuantMixin, nn.Conv2d):
    """``nn.Conv2d`` whose input and weights are fake-quantized to ``fmt`` (one per layer)."""

    def __init__(self, *args, fmt: str = "p8", **kwargs):
        super().__init__(*args, **kwargs)
        self._init_quant(fmt, self.out_channels)

    @classmethod
    def from_float(cls, m: nn.Conv2d, fmt: str) -> QuantConv2d:
        if m.padding_mode != "zeros":
            raise ValueError(f"padding_mode {m.padding_mode!r}: only zero padding is supported")
        q = cls(
            m.in_channels,
            m.out_channels,
            m.kernel_size,
            stride=m.stride,
            padding=m.padding,
            dilation=m.dilation,
            groups=m.groups,
            bias=m.bias is not None,
            fmt=fmt,
            device=m.weight.device,
            dtype=m.weight.dtype,
        )
        with torch.no_grad():
            q.weight.copy_(m.weight)
            if m.bias is not None:
                q.bias.copy_(m.bias)
        return q

    def forward(self, x):
        if not self.quant_enabled:
            return super().forward(x)
        y = F.conv2d(
            self.quant_input(x),
            self.quant_weight(),
            None,
            self.stride,
            self.padding,
            self.dilation,
            self.groups,
        )
        y = y * self.out_scale().view(1, -1, 1, 1)
        return y if self.bias is None else y + self.bias.view(1, -1, 1, 1)

    def extra_repr(self) -> str:
        return super().extra_repr() + f", fmt={self.fmt}"


class QuantLinear(_QuantMixin, nn.Linear):
    """``nn.Linear`` whose input and weights are fake-quantized to ``fmt`` (one per layer)."""

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        *,
        fmt="p8",
        device=None,
        dtype=None,
    ):
        super().__init__(in_features, out_features, bias, device=device, dtype=dtype)
        self._init_quant(fmt, out_features)

    @classmethod
    def from_float(cls, m: nn.Linear, fmt: str) -> QuantLinear:
        q = cls(
            m.in_features,
            m.out_features,
            m.bias is not None,
            fmt=fmt,
            device=m.weight.device,
            dtype=m.weight.dtype,
        )
        with torch.no_grad():
            q.weight.copy_(m.weight)
            if m.bias is not None:
                q.bias.copy_(m.bias)
        return q

    def forward(self, x):
        if not self.quant_enabled:
            return super().forward(x)
        y = F.linear(self.quant_input(x), self.quant_weight()) * self.out_scale()
        return y if self.bias is None else y + self.bias

    def extra_repr(self) -> str:
        return super().extra_repr() + f", fmt={self.fmt}"


QUANT_TYPES = (QuantConv2d, QuantLinear)


def quant_layers(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """(name, module) of every Quant layer, in registration order."""
    return [(n, m) for n, m in model.named_modules() if isinstance(m, QUANT_TYPES)]


def quantize_model(model: nn.Module, formats) -> nn.Module:
    """Replace every ``nn.Conv2d`` / ``nn.Linear`` of ``model`` (in place) by its Quant drop-in.

    ``formats``: one format for all, a list in module registration order, or a dict
    {module name: format}.  Returns the model.
    """
    targets = [(n, m) for n, m in model.named_modules() if type(m) in (nn.Conv2d, nn.Linear)]
    if isinstance(formats, str):
        fmts = {n: formats for n, _ in targets}
    elif isinstance(formats, dict):
        fmts = dict(formats)
        missing = [n for n, _ in targets if n not in fmts]
        if missing:
            raise ValueError(f"no format for layer(s) {', '.join(missing)}")
    else:
        formats = list(formats)
        if len(formats) != len(targets):
            raise ValueError(f"{len(formats)} formats for {len(targets)} Conv2d/Linear layers")
        fmts = {n: f for (n, _), f in zip(targets, formats)}
    for name, m in targets:
        cls = QuantConv2d if isinstance(m, nn.Conv2d) else QuantLinear
        q = cls.from_float(m, fmts[name])
        parent_name, _, attr = name.rpartition(".")
        parent = model.get_submodule(parent_name) if parent_name else model
        setattr(parent, attr, q)
    return model


@torch.no_grad()
def calibrate(
    model: nn.Module, x: torch.Tensor, max_samples: int = 20000, seed: int = 0
) -> list[dict]:
    """Fit every Quant layer's scales on the batch ``x`` as ``workload/qat.calibrate`` does.

    Weight scales per output channel; the input scale per tensor, fitted on the layer's input
    as produced with the already-calibrated preceding layers quantized (and the later ones in
    float), at most ``max_samples`` nonzero values (a seeded subsample).  Returns one dict per
    layer (name, fmt, s_a, s_w).
    """
    from xrnpe.workload.qat import mse_scale

    rng = np.random.default_rng(seed)
    layers = quant_layers(model)
    was_training = model.training
    model.eval()
    for _, m in layers:
        m.quant_enabled = False
    out = []
    for name, m in layers:
        m.s_w.copy_(torch.from_numpy(mse_scale(m.fmt, m.weight_matrix())).to(m.s_w))
        seen = []
        hook = m.register_forward_pre_hook(lambda _mod, inp: seen.append(inp[0].detach()))
        try:
            model(x)
        finally:
            hook.remove()
        flat = torch.cat([t.reshape(-1) for t in seen]).double().cpu().numpy()
        nz = flat[flat != 0]
        sample = nz if nz.size <= max_samples else rng.choice(nz, max_samples, replace=False)
        if sample.size == 0:
            sample = np.ones(1)
        m.s_a.fill_(float(mse_scale(m.fmt, sample[:, None])[0]))
        m.quant_enabled = True
        out.append(
            {"name": name, "fmt": m.fmt, "s_a": float(m.s_a), "s_w": [float(v) for v in m.s_w]}
        )
    model.train(was_training)
    return out
