# SPDX-License-Identifier: Apache-2.0
"""Reference matmul and Quire (xrnpe.matmul) against SoftPosit quires, exact Fraction sums
and the slow one-Quire-per-element implementation."""

from __future__ import annotations

import importlib
from fractions import Fraction

import numpy as np
import pytest
import softposit as sp
from reference_tables import (
    ref_round_fp4,
    ref_round_fp32,
    ref_round_posit_by_table,
    ref_values,
    sp_p8_objs,
    sp_p16_objs,
)

from xrnpe import codec
from xrnpe.formats import FORMATS, k_max

mm = importlib.import_module("xrnpe.matmul")
IN = ["fp4", "p4", "p8", "p16"]
OUT = ["fp4", "p4", "p8", "p16", "fp32"]
P16_OF = {}


def p16_code_of(fr: Fraction) -> int:
    """The p16 code of a value every input format shares with p16 (all of them are exact)."""
    if fr not in P16_OF:
        c = sp.convertDoubleToP16(float(fr)).v
        assert Fraction(sp.convertP16ToDouble(sp_p16_objs()[c])) == fr
        P16_OF[fr] = c
    return P16_OF[fr]


def ref_dot(arow, bcol, fmt, out):
    """Independent result of one dot product: exact Fraction sum of reference values, rounded
    by SoftPosit's quire16 (p16), ml/Fraction rounders (fp4, p4, fp32) or the SoftPosit-
    verified scalar codec (p8)."""
    va, vb = ref_values(fmt), ref_values(fmt)
    terms = [(va[x], vb[y]) for x, y in zip(arow, bcol)]
    nar = any(x is None or y is None for x, y in terms)
    o = FORMATS[out]
    if nar:
        return {"fp4": 0x8, "fp32": 0x7FC00000}.get(out, o.nar)
    if out == "p16":
        q = sp.q16Clr()
        objs = sp_p16_objs()
        for x, y in terms:
            q = sp.q16_fdp_add(q, objs[p16_code_of(x)], objs[p16_code_of(y)])
        return sp.q16_to_p16(q).v
    s = sum((x * y for x, y in terms), Fraction(0))
    if out == "fp4":
        return ref_round_fp4(s)
    if out == "p4":
        return ref_round_posit_by_table("p4", s)
    if out == "fp32":
        return ref_round_fp32(s)
    return codec.encode("p8", codec.Exact.from_fraction(s))


def bits(c, out):
    return c.view(np.uint32) if out == "fp32" else c


def rand_codes(rng, fmt, shape, nar_rate=0.0):
    f = FORMATS[fmt]
    c = rng.integers(0, 1 << f.width, shape)
    if f.nar is not None:
        c[c == f.nar] = 0
        if nar_rate:
            c[rng.random(shape) < nar_rate] = f.nar
    return c.astype(f.dtype)


# ------------------------------------------------------------------- every format pair
@pytest.mark.parametrize("fmt", IN)
def test_matmul_random_vs_slow_and_independent(fmt, rng):
    for _trial in range(4):
        m, n = (int(v) for v in rng.integers(1, 6, 2))
        k = int(rng.choice([1, 2, 3, 17, 64, 200]))
        a = rand_codes(rng, fmt, (m, k), nar_rate=0.01)
        b = rand_codes(rng, fmt, (k, n), nar_rate=0.01)
        for out in OUT:
            got = mm.matmul(a, b, fmt, out)
            assert got.shape == (m, n) and got.dtype == FORMATS[out].dtype
            slow = mm.matmul_slow(a, b, fmt, out)
            np.testing.assert_array_equal(bits(got, out), bits(slow, out))
            for i in range(m):
                for j in range(n):
                    want = ref_dot(a[i].tolist(), b[:, j].tolist(), fmt, out)
                    assert int(bits(got, out)[i, j]) == want, (fmt, out, i, j)


@pytest.mark.parametrize("fmt", IN)
def test_matmul_bigger_random_vs_slow(fmt, rng):
    a = rand_codes(rng, fmt, (6, 300), nar_rate=0.002)
    b = rand_codes(rng, fmt, (300, 5), nar_rate=0.002)
    for out in OUT:
        np.testing.assert_array_equal(
            bits(mm.matmul(a, b, fmt, out), out), bits(mm.matmul_slow(a, b, fmt, out), out)
        )


# ------------------------------------------------------------------- quire vs SoftPosit
def _sp_dot(fmt, a, b):
    if fmt == "p8":
        objs, q, add, to = sp_p8_objs(), sp.q8Clr(), sp.q8_fdp_add, sp.q8_to_p8
    else:
        objs, q, add, to = sp_p16_objs(), sp.q16Clr(), sp.q16_fdp_add, sp.q16_to_p16
    for x, y in zip(a, b):
        q = add(q, objs[x], objs[y])
    return to(q).v


@pytest.mark.parametrize("fmt", ["p8", "p16"])
def test_quire_dot_products_vs_softposit(fmt, rng):
    f = FORMATS[fmt]
    table = ref_values(fmt)
    # SoftPosit's quire8 is 32 bits (sums below 2**19), so p8 operands are kept to |v| <= 2
    small = np.array([c for c in range(256) if table[c] is not None and abs(table[c]) <= 2])
    for trial in range(10):
        k = int(rng.integers(1, 4097))
        if fmt == "p8":
            a, b = rng.choice(small, k).astype(np.uint8), rng.choice(small, k).astype(np.uint8)
        else:
            a, b = rand_codes(rng, fmt, k), rand_codes(rng, fmt, k)
        if trial == 3:  # NaR anywhere poisons the result
            a[rng.integers(0, k)] = f.nar
        if trial == 4:  # exact cancellation: second half negates the first
            h = k // 2
            b[h : 2 * h] = b[:h]
            a[h : 2 * h] = (-a[:h].astype(np.int64) & f.code_mask).astype(f.dtype)
            if k % 2:
                a[-1] = 0
        want = _sp_dot(fmt, a.tolist(), b.tolist())
        q = mm.Quire(fmt)
        for x, y in zip(a.tolist(), b.tolist()):
            q.add_product(x, y)
        assert q.result(fmt) == want, (fmt, trial, k)
        got = mm.matmul(a[None, :], b[:, None], fmt, fmt)[0, 0]
        assert got == want, (fmt, trial, k)
        if trial == 3:
            assert want == f.nar and q.value() is None
        if trial == 4:
            assert want == 0 and q.value().num == 0
            for out in OUT:  # exact zero is +0 in every output format
                z = mm.matmul(a[None, :], b[:, None], fmt, out)[0, 0]
                assert (int(z.view(np.uint32)) if out == "fp32" else int(z)) == 0


# ------------------------------------------------------------------- constructed ties
def _tie_cases():
    """Dot products whose exact sum is a rounding boundary, or a boundary +- 2^-56."""
    F = Fraction
    eps = F(1, 2**56)  # p16 minpos * minpos, the accumulator LSB
    cases = []
    # p16 output: boundary between codes c and c+1 = c's value + d (both p16 values)
    for c in (3, 4, 5, 0x100, 0x1001, 0x4001, 0x4002, 0x5FFF, 0x7000, 0x7FFD, 0x7FFE, 0x7ABC):
        v = ref_values("p16")[c]
        bnd = codec.posit_decode(17, 1, 2 * c + 1).to_fraction()
        cases.append(("p16", [v, bnd - v]))
    for c in (1, 2, 0x21, 0x40, 0x41, 0x6F, 0x7D, 0x7E):  # p8 boundaries
        v = ref_values("p8")[c]
        bnd = codec.posit_decode(9, 0, 2 * c + 1).to_fraction()
        cases.append(("p8", [v, bnd - v]))
    cases.append(("fp32", [F(1), F(1, 2**24)]))  # 1 + half an ulp
    cases.append(("fp32", [F(2**24), F(1)]))
    cases.append(("fp32", [F(2**56), F(2**32)]))  # 2^56 + half an ulp (2^33 ulp)
    cases.append(("fp32", [F(3, 2), F(1, 2**24)]))
    cases.append(("fp4", [F(4), F(1)]))  # 5: tie between 4 and 6
    cases.append(("fp4", [F(1, 4)]))
    cases.append(("p4", [F(8)]))  # tie between 4 and 16 (Posit(5,1) boundary)

    def is_p16(t):
        return (
            Fraction(sp.convertP16ToDouble(sp_p16_objs()[sp.convertDoubleToP16(float(t)).v])) == t
        )

    out = []
    for o, terms in cases:
        if not all(is_p16(t) for t in terms):
            continue  # in the sparse regime ends the split is not two p16 values
        for extra in (0, 1, -1):
            for sign in (1, -1):
                out.append((o, [sign * t for t in terms] + ([sign * extra * eps] if extra else [])))
    return out


@pytest.mark.parametrize("o,terms", _tie_cases())
def test_constructed_ties_with_p16_operands(o, terms):
    # every term t is written as t * 1 (or minpos*minpos for the 2^-56 nudge)
    eps = Fraction(1, 2**56)
    a, b = [], []
    for t in terms:
        if abs(t) == eps:
            a.append(p16_code_of(t / abs(t) * Fraction(1, 2**28)))
            b.append(1)  # minpos
        else:
            a.append(p16_code_of(t))
            b.append(0x4000)  # 1.0
    a = np.array([a], np.uint16)
    b = np.array(b, np.uint16)[:, None]
    got = mm.matmul(a, b, "p16", o)
    want = ref_dot(a[0].tolist(), b[:, 0].tolist(), "p16", o)
    assert int(bits(got, o)[0, 0]) == want
    assert int(bits(mm.matmul_slow(a, b, "p16", o), o)[0, 0]) == want


def test_p16_extreme_sums():
    k = k_max("p16")
    maxpos = np.full((1, k), 0x7FFF, np.uint16)
    neg = np.full((k, 1), 0x8001, np.uint16)  # -maxpos
    big = Fraction(k) * 2**56
    assert mm.matmul(maxpos, maxpos.T.copy(), "p16", "fp32")[0, 0] == np.float32(float(big))
    assert mm.matmul(maxpos, neg, "p16", "fp32")[0, 0] == np.float32(-float(big))
    assert mm.matmul(maxpos, maxpos.T.copy(), "p16", "p16")[0, 0] == 0x7FFF
    assert mm.matmul(maxpos, neg, "p16", "p8")[0, 0] == 0x81
    assert mm.matmul(maxpos, neg, "p16", "fp4")[0, 0] == 0xF
    # huge + tiny - huge = tiny (the accumulator keeps all 112 bits)
    a = np.array([[0x7FFF, 0x0001, 0x8001]], np.uint16)
    b = np.array([[0x7FFF], [0x0001], [0x7FFF]], np.uint16)
    assert mm.matmul(a, b, "p16", "fp32")[0, 0] == np.float32(2.0**-56)
    assert mm.matmul(a, b, "p16", "p16")[0, 0] == 0x0001  # minpos, never 0
    assert mm.matmul(a, b, "p16", "fp4")[0, 0] == 0x0  # rounds to zero -> +0
    # a sum of 2^62 + 2^38 (+-2^-56): more than 117 bits, an fp32 tie decided by the LSB
    two10 = p16_code_of(Fraction(2**10))
    for sgn in (1, -1):
        for extra, want in ((0, 2.0**62), (1, 2.0**62 + 2.0**39), (-1, 2.0**62)):
            row = [0x7FFF] * 64 + [0x7FFF] + ([0x0001 if extra > 0 else 0xFFFF] if extra else [])
            col = [0x7FFF] * 64 + [two10] + ([0x0001] if extra else [])
            ra = np.array([row], np.uint16)
            if sgn < 0:
                ra = ((-ra.astype(np.int64)) & 0xFFFF).astype(np.uint16)
            cb = np.array(col, np.uint16)[:, None]
            got = mm.matmul(ra, cb, "p16", "fp32")[0, 0]
            assert got == np.float32(sgn * want), (sgn, extra, got)
            assert mm.matmul_slow(ra, cb, "p16", "fp32")[0, 0] == got
    a[0, 1] = 0xFFFF  # -minpos
    assert mm.matmul(a, b, "p16", "fp4")[0, 0] == 0x0  # negative, rounds to zero -> +0
    assert mm.matmul(a, b, "p16", "p16")[0, 0] == 0xFFFF  # -minpos


# ------------------------------------------------------------------- K limits and errors
@pytest.mark.parametrize("fmt", IN)
def test_k_limit(fmt):
    f = FORMATS[fmt]
    k = k_max(fmt)
    one = codec.encode(fmt, 1)
    a = np.full((1, k), one, f.dtype)
    assert mm.matmul(a, a.T.copy(), fmt, "fp32")[0, 0] == np.float32(k)
    a1 = np.full((1, k + 1), one, f.dtype)
    with pytest.raises(ValueError, match=f"K={k + 1}"):
        mm.matmul(a1, a1.T.copy(), fmt, "fp32")


def test_operand_errors():
    u8 = np.zeros((2, 3), np.uint8)
    with pytest.raises(ValueError, match="K mismatch"):
        mm.matmul(u8, u8, "p8", "p8")
    with pytest.raises(ValueError, match="2-D"):
        mm.matmul(np.zeros(3, np.uint8), u8, "p8", "p8")
    with pytest.raises(ValueError, match="empty"):
        mm.matmul(np.zeros((0, 2), np.uint8), u8, "p8", "p8")
    with pytest.raises(ValueError, match="dtype uint16"):
        mm.matmul(u8, u8.T.copy(), "p16", "p8")
    with pytest.raises(ValueError, match="dtype uint8"):
        mm.matmul(u8.astype(np.int64), u8.T.copy(), "p8", "p8")
    with pytest.raises(ValueError, match="B: code 16 is out of range for p4"):
        mm.matmul(u8, np.full((3, 1), 16, np.uint8), "p4", "p8")
    with pytest.raises(ValueError, match="unknown"):
        mm.matmul(u8, u8.T.copy(), "p7", "p8")
    with pytest.raises(ValueError, match="unknown"):
        mm.matmul(u8, u8.T.copy(), "fp32", "p8")  # fp32 is output-only
    with pytest.raises(ValueError, match="unknown output"):
        mm.matmul(u8, u8.T.copy(), "p8", "bf16")


def test_fp4_nar_result_and_no_negative_zero(rng):
    a = np.array([[0x80, 0x40]], np.uint8)
    b = np.array([[0x40], [0x40]], np.uint8)
    assert mm.matmul(a, b, "p8", "fp4")[0, 0] == codec.FP4_NAR == 0x8
    assert np.isnan(mm.matmul(a, b, "p8", "fp32")[0, 0])
    assert mm.matmul(a, b, "p8", "fp32").view(np.uint32)[0, 0] == codec.FP32_NAN
    # fp4 inputs: -0 (0x8) is an ordinary zero operand, and products never give -0
    a = np.array([[0x8, 0x9]], np.uint8)  # -0, -0.5
    b = np.array([[0x1], [0x1]], np.uint8)  # 0.5, 0.5 -> -0.25 rounds to +0
    assert mm.matmul(a, b, "fp4", "fp4")[0, 0] == 0x0
    assert mm.matmul(a[:, :1], b[:1], "fp4", "fp32").view(np.uint32)[0, 0] == 0  # +0.0
    c = mm.matmul(rand_codes(rng, "fp4", (20, 30)), rand_codes(rng, "fp4", (30, 20)), "fp4", "fp4")
    assert not (c == 0x8).any()


@pytest.mark.parametrize("fmt", ["fp4", "p4", "p8", "p16"])
@pytest.mark.parametrize("out", ["fp32", "p8", "p16"])
def test_matmul_batched_equals_one_matmul_per_group(fmt, out):
    """A stack of jobs (a grouped convolution) gives each job's matmul, NaR included; p16 with
    a long K takes the exact (beyond-float64) path per group."""
    from xrnpe.matmul import matmul_batched

    rng = np.random.default_rng(11)
    f = FORMATS[fmt]
    for g, m, k, n in ((5, 7, 9, 1), (3, 4, 200, 3)):
        a = rng.integers(0, 1 << f.width, (g, m, k)).astype(f.dtype)
        b = rng.integers(0, 1 << f.width, (g, k, n)).astype(f.dtype)
        if f.nar is not None:  # NaR only where the test puts it
            a[a == f.nar] = 0
            b[b == f.nar] = 0
            a[1, 2, 3] = f.nar
        got = matmul_batched(a, b, fmt, out)
        for i in range(g):
            want = mm.matmul(a[i], b[i], fmt, out)
            assert np.array_equal(got[i], want, equal_nan=out == "fp32"), (fmt, out, i)


def test_matmul_batched_refuses_mismatched_stacks():
    from xrnpe.matmul import matmul_batched

    a = np.zeros((2, 3, 4), np.uint8)
    with pytest.raises(ValueError, match="stacks"):
        matmul_batched(a, np.zeros((3, 4, 2), np.uint8), "p8", "fp32")
    with pytest.raises(ValueError, match="K mismatch"):
        matmul_batched(a, np.zeros((2, 5, 2), np.uint8), "p8", "fp32")


@pytest.mark.parametrize("fmt", ["fp4", "p4", "p8", "p16"])
@pytest.mark.parametrize("out", ["fp32", "p8"])
def test_depthwise_conv_equals_one_matmul_per_channel(fmt, out):
    """Shifted multiply-adds (p16: the exact per-channel path) against im2col + one matmul
    per channel, with strides, dilation, asymmetric padding and NaR in a window and a kernel."""
    from numpy.lib.stride_tricks import sliding_window_view

    from xrnpe.matmul import depthwise_conv

    rng = np.random.default_rng(5)
    f = FORMATS[fmt]
    x = rng.integers(0, 1 << f.width, (2, 3, 7, 6)).astype(f.dtype)
    w = rng.integers(0, 1 << f.width, (3, 3, 2)).astype(f.dtype)
    if f.nar is not None:
        x[x == f.nar] = 0
        w[w == f.nar] = 0
        x[1, 2, 3, 3] = f.nar
        w[0, 1, 1] = f.nar
    for strides, dil, pads in (((1, 1), (1, 1), (1, 0, 1, 1)), ((2, 1), (1, 2), (0, 2, 1, 0))):
        got = depthwise_conv(x, w, fmt, out, strides, dil, pads)
        t, left, b, r = pads
        xp = np.pad(x, ((0, 0), (0, 0), (t, b), (left, r)))
        ext = ((w.shape[1] - 1) * dil[0] + 1, (w.shape[2] - 1) * dil[1] + 1)
        v = sliding_window_view(xp, ext, axis=(2, 3))[:, :, :: strides[0], :: strides[1]]
        v = v[..., :: dil[0], :: dil[1]]
        assert got.shape == v.shape[:4]
        for c in range(3):
            a = v[:, c].reshape(-1, w.shape[1] * w.shape[2])
            want = mm.matmul(a, w[c].reshape(-1, 1), fmt, out)[:, 0].reshape(got[:, c].shape)
            assert np.array_equal(got[:, c], want, equal_nan=out == "fp32"), (fmt, out, c)
