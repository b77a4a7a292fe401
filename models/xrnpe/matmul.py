# SPDX-License-Identifier: Apache-2.0
"""Reference matrix multiply with CONTRACT section 3 semantics and an exact quire.

``C[i,j] = round_out(sum_k A[i,k] * B[k,j])``: every product and the sum are exact (integers
in units of the format's value grid squared), with one rounding into the output format.  Any
NaR operand in a dot product makes that result NaR.  An exact zero sum is +0.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from . import codec, vector
from .formats import ACC_FRAC_BITS, Format, as_format, k_max


class Quire:
    """Exact dot-product accumulator: the value is ``acc * 2**-ACC_FRAC_BITS``.

    Mirrors the PE's two's complement accumulator (``formats.ACC_WIDTH`` bits), whose
    LSB weighs 2**-ACC_FRAC_BITS: every product of input-format values is a multiple of it.
    """

    def __init__(self, fmt):
        self.fmt = as_format(fmt)
        self.clear()

    def clear(self) -> None:
        self.acc = 0
        self.nar = False
        self.count = 0

    def add_product(self, a_code: int, b_code: int) -> None:
        a = codec.decode(self.fmt, a_code)
        b = codec.decode(self.fmt, b_code)
        self.count += 1
        if a is None or b is None:
            self.nar = True
            return
        exp = a.exp + b.exp + ACC_FRAC_BITS
        assert exp >= 0, "product below the accumulator LSB: formats table is inconsistent"
        self.acc += (a.num * b.num) << exp

    def value(self):
        """The exact sum as ``codec.Exact`` (None if NaR)."""
        return None if self.nar else codec.Exact(self.acc, -ACC_FRAC_BITS)

    def result(self, out_fmt) -> int:
        """The sum rounded once into ``out_fmt`` (fp32 as its 32-bit pattern)."""
        out = as_format(out_fmt, output=True)
        return codec.encode(out, self.value() or 0, nar=self.nar)


def check_matrix(m, fmt, name: str = "A") -> np.ndarray:
    """Validate one operand: a non-empty 2-D array of ``fmt`` codes in the format's dtype."""
    f = as_format(fmt)
    m = np.asarray(m)
    if m.ndim != 2:
        raise ValueError(f"{name} must be a 2-D matrix, got shape {m.shape}")
    if 0 in m.shape:
        raise ValueError(f"{name} has an empty dimension, shape {m.shape}")
    if m.dtype != f.dtype:
        raise ValueError(f"{name} must have dtype {f.dtype} for {f.name} codes, got {m.dtype}")
    try:
        vector.check_codes(f, m)
    except ValueError as e:
        raise ValueError(f"{name}: {e}") from None
    return m


def check_k(k: int, fmt) -> None:
    """Refuse a dot-product length the exact accumulator cannot hold (ValueError naming K)."""
    f = as_format(fmt)
    if k > k_max(f):
        raise ValueError(
            f"K={k} is too large for exact {f.name} accumulation (at most K={k_max(f)})"
        )


def check_operands(a, b, fmt) -> tuple[np.ndarray, np.ndarray]:
    """Validate shapes, dtypes, codes and K; raise ValueError naming the problem."""
    f = as_format(fmt)
    a = check_matrix(a, f, "A")
    b = check_matrix(b, f, "B")
    if a.shape[1] != b.shape[0]:
        raise ValueError(
            f"K mismatch: A is {a.shape[0]}x{a.shape[1]} but B is "
            f"{b.shape[0]}x{b.shape[1]} (A's columns must equal B's rows)"
        )
    check_k(a.shape[1], f)
    return a, b


@cache
def _values_nar_zero(name: str) -> np.ndarray:
    """float64 value of every code with NaR as 0 (NaR results are set apart), indexed by the
    codes themselves (uint8/uint16)."""
    t = np.nan_to_num(vector.value_table(name), nan=0.0)
    t.setflags(write=False)
    return t


def _grid_ints(f: Format, codes: np.ndarray) -> np.ndarray:
    """Codes as integers on the format's value grid (value = int * 2**lsb_scale); NaR -> 0."""
    vals = vector.value_table(f.name)[codes.astype(np.int64)]
    vals = np.where(np.isnan(vals), 0.0, vals)
    return np.ldexp(vals, -f.lsb_scale).astype(np.int64)


def _bitlen_u64(x: np.ndarray) -> np.ndarray:
    """Bit length of every uint64 (0 for 0), exactly (32-bit halves convert to float exactly)."""
    hi = (x >> np.uint64(32)).astype(np.float64)
    lo = (x & np.uint64(0xFFFFFFFF)).astype(np.float64)
    return np.where(hi > 0, 32 + np.frexp(hi)[1], np.frexp(lo)[1]).astype(np.int64)


def _exact_dot_round_to_odd(ai: np.ndarray, bi: np.ndarray, op_bits: int) -> np.ndarray:
    """``ai @ bi`` for int64 matrices whose exact sums exceed 64 bits, as float64 values that
    are the exact sums rounded to odd at 53 bits (exact whenever the sum fits in 53 bits).

    Round-to-odd keeps every later rounding exact: a sum that is not a float64 becomes the
    53-bit neighbour with an odd last bit, which lies strictly on the same side of every
    rounding boundary of a format with at most 51 significant bits (fp32 needs 25, p16 14),
    so ``quantize(out_fmt, result)`` equals rounding the exact sum once.

    Method: split every operand into signed limbs of L bits, multiply the limb matrices with
    float64 BLAS (every partial sum is an integer below 2**53, so exact), then carry-propagate
    the limb sums into base-2**L digits and pack them into a 128-bit (hi, lo) magnitude.
    """
    k = ai.shape[1]
    lb = (53 - int(k).bit_length()) // 2  # limb bits: a sum of k limb products < 2**53
    nl = -(-(op_bits + 1) // lb)  # limbs per operand
    nd = 2 * nl - 1  # digit positions of the sums
    assert 2 * op_bits + int(k).bit_length() <= 127, "sum would not fit in 128 bits"
    u64 = np.uint64
    m_mask = (1 << lb) - 1

    def limbs(x: np.ndarray) -> list[np.ndarray]:
        sg = np.where(x < 0, -1.0, 1.0)
        mag = np.abs(x)
        return [sg * ((mag >> (lb * i)) & m_mask).astype(np.float64) for i in range(nl)]

    la, lbm = limbs(ai), limbs(bi)
    m, n = ai.shape[0], bi.shape[1]
    q = [np.zeros((m, n), np.int64) for _ in range(nd)]
    for i in range(nl):
        for j in range(nl):
            # one BLAS call per limb pair (small calls stay single-threaded: on a loaded
            # machine OpenBLAS threads cost more than they save); every entry is exact
            q[i + j] += (la[i] @ lbm[j]).astype(np.int64)

    def normalise(qs):
        d, carry = [], np.zeros((m, n), np.int64)
        for t in range(nd - 1):
            v = qs[t] + carry
            d.append(v & m_mask)
            carry = v >> lb  # floor division: digits stay in [0, 2**lb)
        d.append(qs[nd - 1] + carry)  # top digit keeps the sign
        return d

    d = normalise(q)
    neg = d[-1] < 0
    if neg.any():
        d = normalise([np.where(neg, -x, x) for x in q])
    # pack the magnitude (< 2**127) into two uint64 words
    hi = np.zeros((m, n), u64)
    lo = np.zeros((m, n), u64)
    for t, dig in enumerate(d):
        dig = dig.astype(u64)
        p = lb * t
        if p >= 64:
            hi |= dig << u64(p - 64)
        else:
            lo |= dig << u64(p)
            if p + lb > 64 or t == nd - 1:
                hi |= dig >> u64(64 - p)
    blen = np.where(hi > 0, 64 + _bitlen_u64(hi), _bitlen_u64(lo))
    s = np.maximum(blen - 53, 0)  # bits to drop
    s1 = np.clip(s, 1, 63).astype(u64)  # 0 < s < 64
    m1 = (lo >> s1) | (hi << (u64(64) - s1))
    st1 = (lo << (u64(64) - s1)) != 0
    s2 = np.clip(s - 64, 0, 63).astype(u64)  # s >= 64
    m2 = hi >> s2
    st2 = (lo != 0) | ((hi & ((u64(1) << s2) - u64(1))) != 0)
    mant = np.where(s == 0, lo, np.where(s < 64, m1 | st1.astype(u64), m2 | st2.astype(u64)))
    mant = mant & u64((1 << 53) - 1)
    val = np.ldexp(mant.astype(np.float64), s)
    return np.where(neg, -val, val)


def _float64_exact(f: Format, k: int) -> bool:
    """True when every partial sum of a K-term dot product of ``f`` values is an integer
    multiple of 2**(2*lsb_scale) below 2**53 of those units: float64 sums it exactly in any
    order."""
    op_bits = f.max_magnitude_log2_ceil - f.lsb_scale  # |int| <= 2**op_bits on the value grid
    return 2 * op_bits + int(k).bit_length() <= 53


def _mark_nar(out: np.ndarray, nar: np.ndarray, o: Format) -> np.ndarray:
    """``out`` with the positions of ``nar`` set to the output format's NaR (NaN for fp32)."""
    if not nar.any():
        return out
    if o.kind == "ieee":
        return np.where(nar, np.float32(np.nan), out).astype(np.float32)
    return np.where(nar, codec.encode(o, 0, nar=True), out).astype(o.dtype)


def matmul(a, b, fmt, out_fmt) -> np.ndarray:
    """C = A x B on codes: exact sums, one rounding into ``out_fmt``.

    Returns codes of ``out_fmt`` (uint8/uint16) or a float32 array for fp32.  NaR -> NaR code
    (posits), ``codec.FP4_NAR`` (fp4) or NaN (fp32).
    """
    f = as_format(fmt)
    o = as_format(out_fmt, output=True)
    a, b = check_operands(a, b, f)
    k = a.shape[1]
    nar_rows = np.zeros(a.shape[0], bool) if f.nar is None else (a == f.nar).any(axis=1)
    nar_cols = np.zeros(b.shape[1], bool) if f.nar is None else (b == f.nar).any(axis=0)
    nar = nar_rows[:, None] | nar_cols[None, :]
    if _float64_exact(f, k):  # float64 BLAS sums exactly, whatever its order
        table = _values_nar_zero(f.name)
        exact = table[a] @ table[b]
    else:
        ai, bi = _grid_ints(f, a), _grid_ints(f, b)
        op_bits = f.max_magnitude_log2_ceil - f.lsb_scale
        exact = np.ldexp(_exact_dot_round_to_odd(ai, bi, op_bits), 2 * f.lsb_scale)
    exact = exact + 0.0  # -0.0 (from -x*0 terms) -> +0.0: an exact zero sum is +0
    return _mark_nar(vector.quantize(o, exact), nar, o)


def matmul_batched(a, b, fmt, out_fmt) -> np.ndarray:
    """``C[g] = matmul(A[g], B[g], fmt, out_fmt)`` for stacks A (G, M, K) and B (G, K, N):
    G independent co-processor jobs of one shape (a grouped or depthwise convolution), with
    the semantics of :func:`matmul` for each, computed together where the sums fit float64."""
    f = as_format(fmt)
    o = as_format(out_fmt, output=True)
    a, b = np.asarray(a), np.asarray(b)
    if a.ndim != 3 or b.ndim != 3 or a.shape[0] != b.shape[0]:
        raise ValueError(
            f"matmul_batched needs stacks (G, M, K) and (G, K, N), got {a.shape} and {b.shape}"
        )
    check_operands(a.reshape(-1, a.shape[2]), b.transpose(1, 0, 2).reshape(b.shape[1], -1), f)
    if a.shape[2] != b.shape[1]:
        raise ValueError(f"K mismatch: A stack is {a.shape}, B stack is {b.shape}")
    k = a.shape[2]
    if not _float64_exact(f, k):
        return np.stack([matmul(a[g], b[g], fmt, out_fmt) for g in range(a.shape[0])])
    # exact in float64 whatever the summation order (see matmul)
    table = _values_nar_zero(f.name)
    exact = np.matmul(table[a], table[b]) + 0.0
    out = vector.quantize(o, exact)
    if f.nar is not None:
        nar = (a == f.nar).any(axis=2)[:, :, None] | (b == f.nar).any(axis=1)[:, None, :]
        out = _mark_nar(out, nar, o)
    return out


def depthwise_conv(x, w, fmt, out_fmt, strides=(1, 1), dilations=(1, 1), pads=(0, 0, 0, 0)):
    """A depthwise 2-D convolution on codes with the semantics of one :func:`matmul` job per
    channel: x (N, C, H, W) and w (C, kh, kw) codes of ``fmt``; out[n, c, i, j] is the window's
    exact dot product with channel c's kernel, rounded once into ``out_fmt``, NaR if the
    window or the kernel holds a NaR.  Zero padding (pads: top, left, bottom, right) is code 0.

    Computed as kh*kw shifted multiply-adds over the whole tensor (no im2col), exact in float64
    when a window's sum fits 53 bits; otherwise one exact matmul per channel.  Returns
    (N, C, Ho, Wo) codes of ``out_fmt`` (float32 for fp32)."""
    f = as_format(fmt)
    o = as_format(out_fmt, output=True)
    x, w = np.asarray(x), np.asarray(w)
    if x.ndim != 4 or w.ndim != 3 or w.shape[0] != x.shape[1]:
        raise ValueError(
            f"depthwise_conv needs x (N, C, H, W), w (C, kh, kw), got {x.shape}, {w.shape}"
        )
    check_matrix(x.reshape(-1, x.shape[-1]), f, "x")
    check_matrix(w.reshape(w.shape[0], -1), f, "w")
    c, kh, kw = w.shape
    check_k(kh * kw, f)
    top, left, bottom, right = pads
    xp = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right))) if any(pads) else x
    (sh, sw), (dh, dw) = strides, dilations
    ho = (xp.shape[2] - (kh - 1) * dh - 1) // sh + 1
    wo = (xp.shape[3] - (kw - 1) * dw - 1) // sw + 1
    if ho < 1 or wo < 1:
        raise ValueError(f"kernel {(kh, kw)} is larger than the padded input {xp.shape[2:]}")

    def tap(t, i, j):  # the input under kernel tap (i, j) for every output position
        return t[
            :, :, i * dh : i * dh + (ho - 1) * sh + 1 : sh, j * dw : j * dw + (wo - 1) * sw + 1 : sw
        ]

    if not _float64_exact(f, kh * kw):
        v = np.lib.stride_tricks.sliding_window_view(
            xp, ((kh - 1) * dh + 1, (kw - 1) * dw + 1), axis=(2, 3)
        )
        v = v[:, :, ::sh, ::sw, ::dh, ::dw]  # (N, C, Ho, Wo, kh, kw)
        a = v.transpose(1, 0, 2, 3, 4, 5).reshape(c, -1, kh * kw)
        out = np.stack([matmul(a[g], w[g].reshape(-1, 1), f, o)[:, 0] for g in range(c)])
        return out.reshape(c, x.shape[0], ho, wo).transpose(1, 0, 2, 3)
    table = _values_nar_zero(f.name)
    xv = table[xp]
    wv = table[w]
    exact = np.zeros((x.shape[0], c, ho, wo))
    for i in range(kh):
        for j in range(kw):
            exact += tap(xv, i, j) * wv[None, :, i, j, None, None]
    out = vector.quantize(o, exact + 0.0)
    if f.nar is not None:
        xn = xp == f.nar
        nar = np.zeros(exact.shape, bool)
        if xn.any():
            for i in range(kh):
                for j in range(kw):
                    nar |= tap(xn, i, j)
        nar |= (w == f.nar).any(axis=(1, 2))[None, :, None, None]
        out = _mark_nar(out, nar, o)
    return out


def matmul_slow(a, b, fmt, out_fmt) -> np.ndarray:
    """The same product one ``Quire`` per element (slow; the reference for ``matmul``)."""
    f = as_format(fmt)
    o = as_format(out_fmt, output=True)
    a, b = check_operands(a, b, f)
    out = np.zeros((a.shape[0], b.shape[1]), np.uint32 if o.kind == "ieee" else o.dtype)
    q = Quire(f)
    for i in range(a.shape[0]):
        for j in range(b.shape[1]):
            q.clear()
            for x, y in zip(a[i].tolist(), b[:, j].tolist()):
                q.add_product(x, y)
            out[i, j] = q.result(o)
    return out.view(np.float32) if o.kind == "ieee" else out
