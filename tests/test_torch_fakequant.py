# SPDX-License-Identifier: Apache-2.0
"""xrnpe.torch fake quantization: bit-identical to xrnpe.vector on every float32 class."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from xrnpe import vector  # noqa: E402
from xrnpe.torch import (  # noqa: E402
    FakeQuant,
    QuantConv2d,
    QuantLinear,
    calibrate,
    fake_quant,
    max_value,
    quantize_model,
)

FMTS = ("fp4", "p4", "p8", "p16")


def _f32(bits) -> np.ndarray:
    return np.asarray(bits, dtype=np.uint32).view(np.float32)


def _next(x: np.ndarray, direction: float) -> np.ndarray:
    return np.nextafter(x, np.float32(direction)).astype(np.float32)


def special_inputs(fmt: str, rng) -> np.ndarray:
    """Zeros, subnormals, every value, every tie and its neighbours, saturation, Inf, NaN."""
    _, values, bounds = vector._positive_grid(fmt)
    vals = values.astype(np.float32)
    bnd = bounds.astype(np.float32)  # exact (vector asserts it)
    parts = [
        np.array([0.0, -0.0], np.float32),
        _f32([1, 2, 3, 0x7FFFFF, 0x400000, 0x80000001, 0x807FFFFF]),  # subnormals
        _f32(rng.integers(1, 0x800000, 2000, dtype=np.uint32)),  # random subnormals
        _f32(np.array(rng.integers(1, 0x800000, 2000, dtype=np.uint32)) | 0x80000000),
        vals,
        bnd,  # ties between neighbouring codes
        _next(bnd, np.inf),
        _next(bnd, -np.inf),
        _next(vals, np.inf),
        _next(vals, -np.inf),
        vals * np.float32(4),
        np.array([max_value(fmt) * 1.5, 1e30, np.finfo(np.float32).max, np.inf], np.float32),
        np.finfo(np.float32).tiny * np.array([1, 0.5, 2], np.float32),
    ]
    x = np.concatenate(parts)
    x = np.concatenate([x, -x])
    # a dense random sweep over every exponent (random bit patterns, NaNs dropped below)
    sweep = _f32(rng.integers(0, 1 << 32, 200_000, dtype=np.uint64).astype(np.uint32))
    # and a dense sweep around the format's range
    lo, hi = np.log2(float(np.min(vals[vals > 0]))) - 3, np.log2(max_value(fmt)) + 3
    dense = (np.exp2(rng.uniform(lo, hi, 100_000)) * rng.choice([-1, 1], 100_000)).astype(
        np.float32
    )
    x = np.concatenate([x, sweep, dense])
    if fmt != "fp4":
        x = np.concatenate([x, np.array([np.nan, -np.nan, -np.inf], np.float32)])
    return x[~np.isnan(x)] if fmt == "fp4" else x


def reference(fmt: str, x: np.ndarray) -> np.ndarray:
    return vector.dequantize(fmt, vector.quantize(fmt, x)).astype(np.float32)


@pytest.mark.parametrize("fmt", FMTS)
def test_bit_identical_to_vector_float32(fmt, rng):
    x = special_inputs(fmt, rng)
    got = fake_quant(torch.from_numpy(x), fmt).numpy()
    assert got.dtype == np.float32
    want = reference(fmt, x)
    both_nan = np.isnan(got) & np.isnan(want)
    bad = (got.view(np.uint32) != want.view(np.uint32)) & ~both_nan
    assert not bad.any(), f"{fmt}: {x[bad][:5]} -> {got[bad][:5]}, want {want[bad][:5]}"
    assert not (got.view(np.uint32) == 0x80000000).any()  # never -0


@pytest.mark.parametrize("fmt", FMTS)
def test_bit_identical_float64(fmt, rng):
    with np.errstate(invalid="ignore"):  # signalling NaNs of the sweep
        x = special_inputs(fmt, rng).astype(np.float64)
    x = np.concatenate([x, x * (1 + 2.0**-40)])  # values a float32 cannot hold
    got = fake_quant(torch.from_numpy(x), fmt).numpy()
    want = vector.dequantize(fmt, vector.quantize(fmt, x))
    assert np.array_equal(got, want, equal_nan=True)


def test_fp4_nan_and_inf():
    x = torch.tensor([np.nan, np.inf, -np.inf, 7.0, -6.5])
    assert torch.isnan(fake_quant(x, "fp4")[0])
    assert fake_quant(x, "fp4")[1:].tolist() == [6.0, -6.0, 6.0, -6.0]
    assert torch.isnan(fake_quant(x, "p8")[:3]).all()  # NaR


@pytest.mark.parametrize("fmt", FMTS)
def test_straight_through_gradient_clipped(fmt):
    m = max_value(fmt)
    x = torch.tensor([0.0, 0.3, -m, m, m * 1.01, -m * 4, np.inf, 1e-9], requires_grad=True)
    fake_quant(x, fmt).sum().backward()
    assert x.grad.tolist() == [1, 1, 1, 1, 0, 0, 0, 1]
    # scaled: d/dx fq(x / s) * s = 1 inside the range, 0 where x / s saturates
    s = torch.tensor(0.5)
    y = torch.tensor([0.1, m * 0.5, m * 0.6], requires_grad=True)
    fake_quant(y, fmt, s).sum().backward()
    assert y.grad.tolist() == [1, 1, 0]


def test_fake_quant_module_and_errors():
    fq = FakeQuant("p4", scale=2.0)
    assert fq(torch.tensor([2.0, 3.0, 3.5])).tolist() == [2.0, 2.0, 4.0]  # 1.5: tie to even
    with pytest.raises(ValueError, match="unknown format"):
        fake_quant(torch.zeros(1), "p32")


def _small_net():
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Conv2d(2, 4, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.Conv2d(4, 4, 3, padding=1, groups=2, bias=False),
        torch.nn.Flatten(),
        torch.nn.Linear(4 * 5 * 5, 3),
    )


def test_quant_layers_forward_backward_and_calibration():
    net = _small_net()
    x = torch.randn(6, 2, 5, 5)
    ref = net(x).detach()
    quantize_model(net, ["p16", "p8", "fp4"])
    kinds = [type(m) for m in net]
    assert kinds[0] is QuantConv2d and kinds[2] is QuantConv2d and kinds[4] is QuantLinear
    assert [net[0].fmt, net[2].fmt, net[4].fmt] == ["p16", "p8", "fp4"]
    # unscaled p16 first layer: the weights themselves are quantized
    w = net[0].weight.detach().numpy()
    assert np.array_equal(net[0].quant_weight().detach().numpy(), reference("p16", w))
    cfg = calibrate(net, x)
    assert [c["fmt"] for c in cfg] == ["p16", "p8", "fp4"]
    assert all(c["s_a"] > 0 and len(c["s_w"]) == m for c, m in zip(cfg, (4, 4, 3)))
    # the scales are float32 values (as qat.mse_scale rounds them)
    assert all(np.float32(c["s_a"]) == c["s_a"] for c in cfg)
    y = net(x)
    assert torch.allclose(y, ref, atol=0.35 * float(ref.abs().max()))
    y.sum().backward()
    assert net[0].weight.grad is not None and net[4].bias.grad is not None
    # the Quant layer with quantization off is the float layer
    for m in (net[0], net[2], net[4]):
        m.quant_enabled = False
    assert torch.allclose(net(x), ref, atol=1e-6)


def test_quantize_model_format_errors():
    with pytest.raises(ValueError, match="2 formats for 3"):
        quantize_model(_small_net(), ["p8", "p8"])
    with pytest.raises(ValueError, match="no format"):
        quantize_model(_small_net(), {"0": "p8"})
    net = quantize_model(_small_net(), {"0": "p8", "2": "p4", "4": "p16"})
    assert net[2].fmt == "p4"
