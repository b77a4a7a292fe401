# SPDX-License-Identifier: Apache-2.0
"""Vectorised NumPy quantize/dequantize, exact and bit-identical to ``xrnpe.codec``.

Rounding to a posit is a table search: the boundary between adjacent codes c and c+1 is the
value of the (n+1)-bit posit pattern 2c+1 (guard bit set, nothing after it), and a value equal
to a boundary goes to the even code.  fp4 works the same way with arithmetic midpoints.  All
boundaries and values are exact in float64, so float32/float64 inputs round exactly.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from . import codec
from .formats import as_format, get_format


def _bitlen(x: np.ndarray) -> np.ndarray:
    """Bit length of non-negative int64 values below 2**53 (exact through float64)."""
    return np.frexp(x.astype(np.float64))[1].astype(np.int64)


def posit_values(n: int, es: int, codes) -> np.ndarray:
    """float64 value of Posit(n, es) codes (n <= 32), vectorised; NaR -> nan.

    Same decoding as ``codec.posit_decode`` (two's complement negatives, regime run,
    up to ``es`` exponent bits (missing ones are 0), fraction).
    """
    c = np.asarray(codes, dtype=np.int64) & ((1 << n) - 1)
    bits = n - 1
    body_mask = (1 << bits) - 1
    sign = (c >> bits) & 1
    mag = np.where(sign == 1, (-c) & ((1 << n) - 1), c)
    body = mag & body_mask
    first = (body >> (bits - 1)) & 1
    run = np.where(first == 1, bits - _bitlen((~body) & body_mask), bits - _bitlen(body))
    k = np.where(first == 1, run - 1, -run)
    rest_len = np.maximum(0, bits - run - 1)
    rest = body & ((np.int64(1) << rest_len) - 1)
    e_len = np.minimum(es, rest_len)
    e = (rest >> (rest_len - e_len)) << (es - e_len)
    f_len = rest_len - e_len
    frac = rest & ((np.int64(1) << f_len) - 1)
    scale = k * (1 << es) + e
    val = np.ldexp(((np.int64(1) << f_len) | frac).astype(np.float64), scale - f_len)
    val = np.where(sign == 1, -val, val)
    val = np.where(c == 0, 0.0, val)
    return np.where(c == 1 << bits, np.nan, val)


@cache
def value_table(name: str) -> np.ndarray:
    """float64 value of every code of an input format (NaR -> nan, fp4 0x8 -> -0.0)."""
    f = get_format(name)
    if f.kind == "posit":
        t = posit_values(f.width, f.es, np.arange(1 << f.width))
    else:
        t = np.array([codec.decode_float(f, c) for c in range(1 << f.width)], dtype=np.float64)
    t.setflags(write=False)
    return t


@cache
def _positive_grid(name: str):
    """(positive codes ascending, their values, boundaries between neighbours)."""
    f = get_format(name)
    if f.kind == "posit":
        codes = np.arange(1, 1 << (f.width - 1), dtype=np.int64)
        values = value_table(name)[codes]
        # the boundary between codes c and c+1 is the (n+1)-bit pattern 2c+1
        bounds = posit_values(f.width + 1, f.es, 2 * codes[:-1] + 1)
    else:
        codes = np.arange(0, 1 << (f.width - 1), dtype=np.int64)  # fp4 includes +0
        values = value_table(name)[codes]
        bounds = (values[:-1] + values[1:]) / 2
    assert (
        np.all(np.diff(bounds) > 0) and np.all(values[:-1] < bounds) and np.all(bounds < values[1:])
    )
    return codes, values, bounds


def quantize(fmt, x) -> np.ndarray:
    """Round float values to codes (dtype uint8 or uint16); see CONTRACT section 2.

    Posits: NaN and +-Inf give NaR.  fp4: +-Inf saturate to +-6; NaN raises ValueError.
    fp32 (output only): float32 values, RNE.  Inputs of any float dtype are taken exactly.
    """
    f = as_format(fmt, output=True)
    x = np.asarray(x)
    if x.dtype not in (np.float32, np.float64):
        x = x.astype(np.float64)
    if f.kind == "ieee":
        return x.astype(np.float32)
    nan = np.isnan(x)
    any_nan = bool(nan.any())
    if f.kind == "minifloat" and any_nan:
        raise ValueError(f"NaN cannot be quantized to {f.name} (it has no NaN)")
    _, _, _bounds = _positive_grid(f.name)
    # Every boundary has at most 15 significant bits and lies well inside float32's range, so
    # a float32 input is compared exactly against the float32 copy of the table.
    bnd = _bounds_ext(f.name, x.dtype.char)
    mag = np.abs(x)
    idx = np.searchsorted(bnd[:-1], mag, side="left")  # number of boundaries below |x|
    tie = bnd[idx] == mag  # exactly on a boundary (the trailing NaN never compares equal)
    idx = idx.astype(np.int32)
    if f.kind == "posit":
        code = idx + 1  # positive codes 1..maxpos: |x| never rounds to 0 nor to NaR
        code += tie & (code & 1).astype(bool)  # a tie goes to the even code
        code = np.where(x < 0, (-code) & f.code_mask, code)
        code = np.where(mag == 0, 0, code)
        if any_nan or np.isinf(mag).any():
            code = np.where(nan | np.isinf(mag), f.nar, code)
    else:
        code = idx  # fp4 positive codes 0..7; beyond the last boundary saturates to 6
        code += tie & (code & 1).astype(bool)
        code = np.where((x < 0) & (code != 0), code | (1 << (f.width - 1)), code)
    return code.astype(f.dtype)


@cache
def _bounds_ext(name: str, char: str) -> np.ndarray:
    _, _, bounds = _positive_grid(name)
    b = np.append(bounds, np.nan).astype(np.dtype(char))
    assert np.array_equal(b[:-1].astype(np.float64), bounds)  # exact in float32 as well
    return b


def dequantize(fmt, codes) -> np.ndarray:
    """Codes to float64 values (NaR -> nan; fp32 codes are float32 values already)."""
    f = as_format(fmt, output=True)
    codes = np.asarray(codes)
    if f.kind == "ieee":
        return codes.astype(np.float64)
    check_codes(f, codes)
    return value_table(f.name)[codes.astype(np.int64)]


def check_codes(fmt, codes) -> None:
    """Raise ValueError if ``codes`` is not an integer array of codes of ``fmt``."""
    f = as_format(fmt, output=True)
    codes = np.asarray(codes)
    if not np.issubdtype(codes.dtype, np.integer):
        raise ValueError(f"{f.name} codes must be integers, got dtype {codes.dtype}")
    if codes.size and (codes.min() < 0 or codes.max() > f.code_mask):
        bad = codes[(codes < 0) | (codes > f.code_mask)].flat[0]
        raise ValueError(f"code {int(bad)} is out of range for {f.name} ({f.width} bits)")
