# SPDX-License-Identifier: Apache-2.0
"""Vectorised quantize/dequantize (xrnpe.vector): bit-identical to the scalar codec and to
SoftPosit / ml_dtypes on millions of values."""

from __future__ import annotations

import itertools
from fractions import Fraction

import ml_dtypes
import numpy as np
import pytest
import softposit as sp
from reference_tables import (
    ref_float_table,
    ref_round_fp4,
    ref_round_posit_by_table,
    ref_values,
    sp_p16_objs,
)

from xrnpe import codec, vector
from xrnpe.formats import FORMATS

FMTS = ["fp4", "p4", "p8", "p16"]
NAR = {"p4": 0x8, "p8": 0x80, "p16": 0x8000}


def _wide_random(rng, n, lo=-40, hi=40):
    """Random float64 with full 53-bit significands, magnitudes 2^lo..2^hi, both signs."""
    m = rng.uniform(1.0, 2.0, n)
    e = rng.integers(lo, hi + 1, n)
    s = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    return s * np.ldexp(m, e)


def _boundaries(fmt):
    f = FORMATS[fmt]
    if f.kind == "posit":
        return [
            float(codec.posit_decode(f.width + 1, f.es, 2 * c + 1).to_fraction())
            for c in range(1, (1 << (f.width - 1)) - 1)
        ]
    vals = [float(v) for v in ref_values(fmt)[:8]]
    return [(a + b) / 2 for a, b in itertools.pairwise(vals)]


def _special_values(fmt):
    b = np.array(_boundaries(fmt))
    xs = np.concatenate(
        [
            b,
            np.nextafter(b, 0),
            np.nextafter(b, np.inf),
            ref_float_table(fmt)[~np.isnan(ref_float_table(fmt))],
        ]
    )
    xs = np.concatenate([xs, -xs, [0.0, -0.0, 5e-324, -5e-324, 1e308, -1e308]])
    return xs


# ----------------------------------------------------------------- vector == scalar codec
@pytest.mark.parametrize("fmt", FMTS)
def test_dequantize_every_code(fmt):
    n = FORMATS[fmt].width
    codes = np.arange(1 << n, dtype=FORMATS[fmt].dtype)
    got = vector.dequantize(fmt, codes)
    want = ref_float_table(fmt)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, want)  # nan == nan here
    assert np.array_equal(np.signbit(got), np.signbit(want))
    if fmt == "fp4":
        assert got[0x8] == 0.0 and np.signbit(got[0x8])
    else:
        assert np.isnan(got[NAR[fmt]]) and np.isnan(got).sum() == 1
    for c in range(1 << n):  # scalar decode_float agrees too
        s = codec.decode_float(fmt, c)
        assert (np.isnan(s) and np.isnan(got[c])) or (
            s == got[c] and np.signbit(s) == np.signbit(got[c])
        )


@pytest.mark.parametrize("fmt", FMTS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_quantize_matches_scalar_codec(fmt, dtype, rng):
    xs = np.concatenate([_special_values(fmt), _wide_random(rng, 20_000, -35, 35)])
    if dtype == np.float32:
        with np.errstate(over="ignore"):
            xs = xs.astype(np.float32)
        xs = xs[np.isfinite(xs)]
    got = vector.quantize(fmt, xs)
    assert got.dtype == FORMATS[fmt].dtype and got.shape == xs.shape
    want = [codec.encode(fmt, float(x)) for x in xs.tolist()]
    bad = np.nonzero(got != np.array(want))[0]
    assert bad.size == 0, [(float(xs[i]), int(got[i]), want[i]) for i in bad[:5]]


@pytest.mark.parametrize("fmt", FMTS)
def test_quantize_of_every_code_value_round_trips(fmt):
    codes = np.arange(1 << FORMATS[fmt].width)
    vals = vector.dequantize(fmt, codes)
    ok = ~np.isnan(vals)
    back = vector.quantize(fmt, vals[ok])
    want = codes[ok].copy()
    if fmt == "fp4":
        want[want == 0x8] = 0  # -0 quantizes to +0
    np.testing.assert_array_equal(back, want)
    np.testing.assert_array_equal(vector.quantize(fmt, vals[ok].astype(np.float32)), want)


@pytest.mark.parametrize("fmt", ["p4", "p8", "p16"])
def test_quantize_posit_specials(fmt):
    f = FORMATS[fmt]
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-300, -1e-300, 1e300, -1e300])
    got = vector.quantize(fmt, x).tolist()
    maxpos, mask = (1 << (f.width - 1)) - 1, f.code_mask
    assert got == [f.nar, f.nar, f.nar, 0, 0, 1, mask, maxpos, (-maxpos) & mask]


def test_quantize_shapes_and_dtypes():
    x = np.linspace(-3, 3, 24).reshape(2, 3, 4)
    for fmt in FMTS:
        q = vector.quantize(fmt, x)
        assert q.shape == x.shape and q.dtype == FORMATS[fmt].dtype
    assert vector.quantize("p8", np.float64(1.0)).shape == ()
    assert vector.quantize("fp32", np.array([1 + 2.0**-24])).dtype == np.float32
    with pytest.raises(ValueError):
        vector.dequantize("p8", np.array([256]))
    with pytest.raises(ValueError):
        vector.dequantize("p8", np.array([-1]))
    with pytest.raises(ValueError):
        vector.dequantize("p4", np.array([1.0]))


# ----------------------------------------------------------------- p16 / p8 vs SoftPosit
@pytest.mark.slow
def test_p16_quantize_million_vs_softposit(rng):
    xs = np.concatenate([_special_values("p16"), _wide_random(rng, 1_000_000)])
    got = vector.quantize("p16", xs)
    conv = sp.convertDoubleToP16
    want = np.fromiter((conv(x).v for x in xs.tolist()), dtype=np.uint16, count=xs.size)
    bad = np.nonzero(got != want)[0]
    assert bad.size == 0, [(float(xs[i]), int(got[i]), int(want[i])) for i in bad[:5]]


@pytest.mark.slow
def test_p16_products_million_vs_softposit(rng):
    objs = sp_p16_objs()
    table = ref_float_table("p16")
    n = 1_000_000
    a = rng.integers(0, 1 << 16, n)
    b = rng.integers(0, 1 << 16, n)
    a[:65536] = np.arange(65536)  # every code at least once, with random partners
    mul = sp.p16_mul
    want = np.fromiter(
        (mul(objs[x], objs[y]).v for x, y in zip(a.tolist(), b.tolist())), dtype=np.uint16, count=n
    )
    prod = table[a] * table[b]  # exact: 13-bit x 13-bit significands, 2^-56..2^56
    got = vector.quantize("p16", prod)  # NaR operands give nan products -> NaR
    bad = np.nonzero(got != want)[0]
    assert bad.size == 0, [(hex(a[i]), hex(b[i]), int(got[i]), int(want[i])) for i in bad[:5]]


def test_p8_quantize_vs_softposit(rng):
    xs = np.concatenate([_special_values("p8"), _wide_random(rng, 200_000, -12, 12)])
    got = vector.quantize("p8", xs)
    conv = sp.convertDoubleToP8
    want = np.fromiter((conv(x).v for x in xs.tolist()), dtype=np.uint8, count=xs.size)
    np.testing.assert_array_equal(got, want)


def test_p4_quantize_vs_independent_rounder(rng):
    xs = np.concatenate([_special_values("p4"), _wide_random(rng, 5_000, -8, 8)])
    got = vector.quantize("p4", xs)
    want = [ref_round_posit_by_table("p4", Fraction(float(x))) for x in xs.tolist()]
    np.testing.assert_array_equal(got, want)


# ----------------------------------------------------------------------------- fp4
def test_fp4_quantize_vs_ml_dtypes(rng):
    with np.errstate(over="ignore"):
        f32 = np.concatenate([_special_values("fp4"), _wide_random(rng, 150_000, -6, 4)]).astype(
            np.float32
        )
    f32 = np.concatenate([f32, np.float32(rng.uniform(-8, 8, 50_000))])
    got = vector.quantize("fp4", f32)
    ml = f32.astype(ml_dtypes.float4_e2m1fn).view(np.uint8)
    zero = ml & 0x7 == 0
    # everywhere except zero results the codes agree bit for bit
    np.testing.assert_array_equal(got[~zero], ml[~zero])
    # ml_dtypes keeps the sign of a result that rounds to zero; our documented rule is +0
    assert (got[zero] == 0).all()
    assert (ml[zero & (f32 < 0)] == 0x8).all()


def test_fp4_saturation_and_inf_like_ml_dtypes():
    x = np.array([6.0, 6.5, 7.0, 100.0, 3e38, np.inf, -6.5, -1e30, -np.inf], dtype=np.float32)
    got = vector.quantize("fp4", x)
    ml = x.astype(ml_dtypes.float4_e2m1fn).view(np.uint8)
    np.testing.assert_array_equal(got, ml)
    assert got.tolist() == [0x7] * 6 + [0xF] * 3
    with pytest.raises(ValueError, match="NaN"):
        vector.quantize("fp4", np.array([1.0, np.nan]))


def test_fp4_float64_vs_exact_reference(rng):
    # ml_dtypes converts float64 through float32 (double rounding), so wide float64 values
    # are checked against the exact Fraction rounder instead.
    xs = np.concatenate(
        [
            _special_values("fp4"),
            _wide_random(rng, 20_000, -5, 4),
            np.array([0.25 + 2.0**-40, -(0.25 + 2.0**-40), 5 - 2.0**-45]),
        ]
    )
    got = vector.quantize("fp4", xs)
    want = [ref_round_fp4(Fraction(float(x))) for x in xs.tolist()]
    np.testing.assert_array_equal(got, want)
    assert got[-3] == 0x1 and got[-2] == 0x9 and got[-1] == 0x6


@pytest.mark.parametrize("n,es", [(3, 0), (4, 1), (5, 1), (6, 2), (8, 0), (9, 0), (10, 3), (12, 1)])
def test_posit_values_matches_scalar_decoder(n, es):
    got = vector.posit_values(n, es, np.arange(1 << n))
    want = [codec.decode_float_posit(n, es, c) for c in range(1 << n)]
    np.testing.assert_array_equal(got, want)
