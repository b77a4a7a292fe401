"""Vectorised NumPy quantize/dequantize, exact and bit-identical to ``xrnpe.codec``.

Rounding to a posit is a table search: the boundary between adjacent codes c and c+1 is the
value of the (n+1)-bit posit pattern 2c+1 (guard bit set, nothing after it), and a value equal
to a boundary goes to the even code.  fp4 works the same way with arithmetic midpoints.  All
boundaries and values are exact in float64, so float32/float64 inputs round exactly.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from . import codec
from .formats import Format, get_format


def _fmt(fmt) -> Format:
    return fmt if isinstance(fmt, Format) else get_format(fmt, output=True)


@lru_cache(maxsize=None)
def value_table(name: str) -> np.ndarray:
    """float64 value of every code of an input format (NaR -> nan, fp4 0x8 -> -0.0)."""
    f = get_format(name)
    return np.array([codec.decode_float(f, c) for c in range(1 << f.width)], dtype=np.float64)


@lru_cache(maxsize=None)
def _positive_grid(name: str):
    """(positive codes ascending, their values, boundaries between neighbours)."""
    f = get_format(name)
    if f.kind == "posit":
        codes = np.arange(1, 1 << (f.width - 1), dtype=np.int64)
        values = value_table(name)[codes]
        bounds = np.array(
            [codec.decode_float_posit(f.width + 1, f.es, 2 * int(c) + 1) for c in codes[:-1]],
            dtype=np.float64,
        )
    else:
        codes = np.arange(0, 1 << (f.width - 1), dtype=np.int64)  # fp4 includes +0
        values = value_table(name)[codes]
        bounds = (values[:-1] + values[1:]) / 2
    return codes, values, bounds


def quantize(fmt, x) -> np.ndarray:
    """Round float values to codes (dtype uint8 or uint16); see CONTRACT section 2.

    Posits: NaN and +-Inf give NaR.  fp4: +-Inf saturate to +-6; NaN raises ValueError.
    """
    f = _fmt(fmt)
    x = np.asarray(x, dtype=np.float64)
    if f.kind == "ieee":
        return x.astype(np.float32)
    nan = np.isnan(x)
    if f.kind == "minifloat" and nan.any():
        raise ValueError(f"NaN cannot be quantized to {f.name} (it has no NaN)")
    codes, _, bounds = _positive_grid(f.name)
    mag = np.abs(x)
    lo = np.searchsorted(bounds, mag, side="left")
    hi = np.searchsorted(bounds, mag, side="right")
    idx = np.where((lo != hi) & (codes[np.minimum(lo, len(codes) - 1)] & 1 == 1), hi, lo)
    out = codes[idx]
    mask = f.code_mask
    neg = (x < 0) & (out != 0)
    out = np.where(neg, (-out) & mask if f.kind == "posit" else out | (1 << (f.width - 1)), out)
    if f.kind == "posit":
        out = np.where(mag == 0, 0, out)
        out = np.where(nan | np.isinf(x), f.nar, out)
    return out.astype(f.dtype)


def dequantize(fmt, codes) -> np.ndarray:
    """Codes to float64 values (NaR -> nan; fp32 codes are float32 values already)."""
    f = _fmt(fmt)
    codes = np.asarray(codes)
    if f.kind == "ieee":
        return codes.astype(np.float64)
    check_codes(f, codes)
    return value_table(f.name)[codes.astype(np.int64)]


def check_codes(fmt, codes) -> None:
    """Raise ValueError if ``codes`` is not an integer array of codes of ``fmt``."""
    f = _fmt(fmt)
    codes = np.asarray(codes)
    if not np.issubdtype(codes.dtype, np.integer):
        raise ValueError(f"{f.name} codes must be integers, got dtype {codes.dtype}")
    if codes.size and (codes.min() < 0 or codes.max() > f.code_mask):
        bad = codes[(codes < 0) | (codes > f.code_mask)].flat[0]
        raise ValueError(f"code {int(bad)} is out of range for {f.name} ({f.width} bits)")
