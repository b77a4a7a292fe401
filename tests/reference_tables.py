# SPDX-License-Identifier: Apache-2.0
"""Shared reference tables for the model tests (imported as `reference_tables`).

Every expected value comes from SoftPosit (p8 = posit8 es=0, p16 = posit16 es=1), ml_dtypes
(float4_e2m1fn) or exact Fraction arithmetic written here, never from the code under test.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


@cache
def sp_objs(fmt: str) -> list:
    """A SoftPosit object for every code of p8 (posit8_t) or p16 (posit16_t), index = code."""
    import softposit as sp

    make, n = {"p8": (sp.posit8_t, 256), "p16": (sp.posit16_t, 65536)}[fmt]
    out = []
    for c in range(n):
        t = make()
        t.v = c
        out.append(t)
    return out


def sp_p8_objs() -> list:
    return sp_objs("p8")


def sp_p16_objs() -> list:
    return sp_objs("p16")


@cache
def ref_values(fmt: str) -> tuple:
    """Exact value of every code as a Fraction (None for NaR), from SoftPosit / ml_dtypes."""
    import softposit as sp

    if fmt == "p8":
        objs = sp_p8_objs()
        vals = [None if c == 0x80 else Fraction(sp.convertP8ToDouble(objs[c])) for c in range(256)]
    elif fmt == "p16":
        objs = sp_p16_objs()
        vals = [
            None if c == 0x8000 else Fraction(sp.convertP16ToDouble(objs[c])) for c in range(65536)
        ]
    elif fmt == "p4":
        # Posit(4,1) values are the Posit(16,1) values of the pattern shifted left by 12.
        objs = sp_p16_objs()
        vals = [
            None if c == 0x8 else Fraction(sp.convertP16ToDouble(objs[c << 12])) for c in range(16)
        ]
    elif fmt == "fp4":
        import ml_dtypes

        f = np.arange(16, dtype=np.uint8).view(ml_dtypes.float4_e2m1fn).astype(np.float64)
        vals = [Fraction(float(v)) for v in f]
    else:
        raise KeyError(fmt)
    return tuple(vals)


def ref_float_table(fmt: str) -> np.ndarray:
    """float64 of every code (NaR -> nan, fp4 0x8 -> -0.0), from the references."""
    if fmt == "fp4":
        import ml_dtypes

        return np.arange(16, dtype=np.uint8).view(ml_dtypes.float4_e2m1fn).astype(np.float64)
    return np.array([np.nan if v is None else float(v) for v in ref_values(fmt)], dtype=np.float64)


# ------------------------------------------------------------- independent exact rounders
def _ilog2(x: Fraction) -> int:
    """floor(log2(x)) for x > 0."""
    e = x.numerator.bit_length() - x.denominator.bit_length()
    if Fraction(2) ** e > x:
        e -= 1
    return e


def ref_round_fp32(x: Fraction) -> int:
    """IEEE binary32 RNE (subnormals, overflow to Inf) of an exact value, as bits."""
    if x == 0:
        return 0
    sign = 0x80000000 if x < 0 else 0
    m = abs(x)
    e = max(_ilog2(m), -126)
    q = round(m / Fraction(2) ** (e - 23))  # Python rounds a Fraction half to even
    if q == 0:
        return sign
    v = Fraction(q) * Fraction(2) ** (e - 23)
    if v >= Fraction(2) ** 128:
        return sign | 0x7F800000
    # exact binary32 now: let numpy encode it (value has <= 24 bits and is in range)
    return sign | int(np.array(float(v), dtype=np.float32).view(np.uint32))


def ref_round_fp4(x: Fraction) -> int:
    """fp4 E2M1: nearest of the 8 magnitudes, ties to the even code, saturate at 6, zero -> +0."""
    mags = ref_values("fp4")[:8]
    m = abs(x)
    best = min(range(8), key=lambda c: (abs(mags[c] - m), c & 1))
    if best == 0:
        return 0
    return best | (0x8 if x < 0 else 0)


def ref_round_posit_by_table(fmt: str, x: Fraction) -> int:
    """Posit rounding from SoftPosit-decoded tables: boundaries are the (n+1)-bit patterns.

    Only p4 has an independent (n+1)-bit decoder here: Posit(5,1) = Posit(16,1) << 11.
    """
    assert fmt == "p4"
    import softposit as sp

    objs = sp_p16_objs()
    if x == 0:
        return 0
    m = abs(x)
    code = 1
    for c in range(1, 7):  # boundary between c and c+1 is Posit(5,1) code 2c+1
        b = Fraction(sp.convertP16ToDouble(objs[(2 * c + 1) << 11]))
        if m > b or (m == b and (c & 1)):
            code = c + 1
    return (-code) & 0xF if x < 0 else code
