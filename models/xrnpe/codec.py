# SPDX-License-Identifier: Apache-2.0
"""Exact scalar codecs: decode a code to an exact value and round an exact value to a code.

Exact values are dyadic rationals ``num * 2**exp`` with Python ints, so nothing here ever
rounds except where CONTRACT section 2 says it must.  These functions are the reference the
vectorised paths (``xrnpe.vector``), the RTL tests and the CLI are checked against.

Rounding rules (CONTRACT section 2):
  posit: nearest, ties to even on the encoding; never to 0, never to NaR (saturate).
  fp4:   nearest value, ties to the even code, saturate at +-6; a result that rounds to zero
         is always +0 (code 0x0).  Code 0x8 (-0) is never produced by rounding; the matmul
         uses it as the fp4 stand-in for NaR (see ``FP4_NAR``).
  fp32:  nearest, ties to even, subnormals kept, overflow to +-Inf.
"""

from __future__ import annotations

import math
from fractions import Fraction

from .formats import Format, as_format

FP4_NAR = 0x8
"""fp4 code returned for a NaR result (the '-0' pattern, which rounding never produces)."""
FP32_NAN = 0x7FC00000
"""fp32 code returned for a NaR result (canonical quiet NaN)."""


class Exact:
    """A dyadic rational ``num * 2**exp`` (num may be 0 or negative)."""

    __slots__ = ("exp", "num")

    def __init__(self, num: int, exp: int = 0):
        self.num = int(num)
        self.exp = int(exp)

    @classmethod
    def from_fraction(cls, f: Fraction) -> Exact:
        den = f.denominator
        if den & (den - 1):
            raise ValueError(f"{f} is not a dyadic rational")
        return cls(f.numerator, -(den.bit_length() - 1))

    @classmethod
    def from_float(cls, x: float) -> Exact:
        m, e = float(x).as_integer_ratio()
        return cls.from_fraction(Fraction(m, e))

    def to_fraction(self) -> Fraction:
        return Fraction(self.num) * (Fraction(2) ** self.exp)

    def __repr__(self) -> str:
        return f"Exact({self.num}, {self.exp})"


def _as_exact(value) -> Exact:
    if isinstance(value, Exact):
        return value
    if isinstance(value, int):
        return Exact(value, 0)
    if isinstance(value, Fraction):
        return Exact.from_fraction(value)
    if isinstance(value, float):
        return Exact.from_float(value)
    raise TypeError(f"cannot treat {type(value).__name__} as an exact value")


# ----------------------------------------------------------------------------------- posit
def posit_decode(n: int, es: int, code: int):
    """Decode a Posit(n, es) code.  Returns None for NaR, else an Exact value."""
    code &= (1 << n) - 1
    if code == 0:
        return Exact(0)
    if code == 1 << (n - 1):
        return None
    sign = code >> (n - 1)
    if sign:
        code = (-code) & ((1 << n) - 1)
    body = code & ((1 << (n - 1)) - 1)  # n-1 bits after the sign
    bits = n - 1
    first = (body >> (bits - 1)) & 1
    run = 0
    while run < bits and ((body >> (bits - 1 - run)) & 1) == first:
        run += 1
    k = run - 1 if first else -run
    rest_len = max(0, bits - run - 1)  # bits after the regime terminator
    rest = body & ((1 << rest_len) - 1)
    e_len = min(es, rest_len)
    e = (rest >> (rest_len - e_len)) << (es - e_len) if e_len else 0
    f_len = rest_len - e_len
    frac = rest & ((1 << f_len) - 1)
    scale = k * (1 << es) + e
    num = (1 << f_len) | frac
    return Exact(-num if sign else num, scale - f_len)


def posit_round(n: int, es: int, value) -> int:
    """Round an exact value to Posit(n, es): ties to even on the encoding, saturating."""
    v = _as_exact(value)
    if v.num == 0:
        return 0
    sign = v.num < 0
    mag = -v.num if sign else v.num
    mlen = mag.bit_length()
    scale = mlen - 1 + v.exp
    k = scale >> es
    e = scale - (k << es)
    # Infinite-precision body: regime, es exponent bits, fraction (mlen-1 bits).
    if k >= 0:
        regime, rlen = ((1 << (k + 1)) - 1) << 1, k + 2
    else:
        regime, rlen = 1, -k + 1
    frac = mag - (1 << (mlen - 1))
    pattern = (((regime << es) | e) << (mlen - 1)) | frac
    plen = rlen + es + mlen - 1
    keep = n - 1
    if plen <= keep:
        body = pattern << (keep - plen)
    else:
        drop = plen - keep
        body = pattern >> drop
        guard = (pattern >> (drop - 1)) & 1
        sticky = (pattern & ((1 << (drop - 1)) - 1)) != 0
        if guard and (sticky or (body & 1)):
            body += 1
    maxpos = (1 << (n - 1)) - 1
    body = min(max(body, 1), maxpos)  # never 0, never NaR
    return ((-body) & ((1 << n) - 1)) if sign else body


# ---------------------------------------------------------------------------------- minifloat
def minifloat_decode(fmt: Format, code: int) -> Exact:
    code &= fmt.code_mask
    sign = code >> (fmt.width - 1)
    efield = (code >> fmt.man_bits) & ((1 << fmt.exp_bits) - 1)
    mfield = code & ((1 << fmt.man_bits) - 1)
    if efield == 0:
        num, exp = mfield, 1 - fmt.bias - fmt.man_bits
    else:
        num, exp = (1 << fmt.man_bits) | mfield, efield - fmt.bias - fmt.man_bits
    return Exact(-num if sign else num, exp)


def _round_to_grid(mag: int, exp: int, quantum_exp: int) -> int:
    """Round mag*2**exp to an integer multiple of 2**quantum_exp, ties to even."""
    shift = quantum_exp - exp
    if shift <= 0:
        return mag << -shift
    q = mag >> shift
    rem = mag - (q << shift)
    half = 1 << (shift - 1)
    if rem > half or (rem == half and (q & 1)):
        q += 1
    return q


def minifloat_round(fmt: Format, value) -> int:
    """Round to a minifloat with saturation (fp4 E2M1: no Inf/NaN); zero results are +0."""
    v = _as_exact(value)
    if v.num == 0:
        return 0
    sign = v.num < 0
    mag = -v.num if sign else v.num
    scale = mag.bit_length() - 1 + v.exp
    emin = 1 - fmt.bias
    qexp = max(scale, emin) - fmt.man_bits  # spacing of the binade (subnormals share emin's)
    q = _round_to_grid(mag, v.exp, qexp)
    if q == 0:
        return 0  # underflow: +0 whatever the sign (documented rule)
    # q * 2**qexp: renormalise (rounding may carry into the next binade)
    scale = q.bit_length() - 1 + qexp
    max_code = (1 << (fmt.width - 1)) - 1
    emax_field = (1 << fmt.exp_bits) - 1
    if scale > emax_field - fmt.bias:
        code = max_code
    elif scale < emin:  # subnormal
        code = q << (qexp - (emin - fmt.man_bits))
    else:
        m = q << (qexp - (scale - fmt.man_bits)) if qexp >= scale - fmt.man_bits else q
        m &= (1 << fmt.man_bits) - 1
        code = ((scale + fmt.bias) << fmt.man_bits) | m
        code = min(code, max_code)
    return code | (1 << (fmt.width - 1)) if sign else code


# --------------------------------------------------------------------------------------- fp32
def fp32_round(value) -> int:
    """Round an exact value to IEEE binary32 (RNE, subnormals, overflow to Inf); return bits."""
    v = _as_exact(value)
    if v.num == 0:
        return 0
    sign = v.num < 0
    mag = -v.num if sign else v.num
    scale = mag.bit_length() - 1 + v.exp
    qexp = max(scale, -126) - 23
    q = _round_to_grid(mag, v.exp, qexp)
    scale = q.bit_length() - 1 + qexp
    if scale > 127:
        bits = 0x7F800000
    elif scale < -126:
        bits = q  # subnormal (qexp == -149)
    else:
        if q.bit_length() > 24:  # carried into the next binade
            q >>= 1
        bits = ((scale + 127) << 23) | (q & 0x7FFFFF)
    return bits | 0x80000000 if sign else bits


# ------------------------------------------------------------------------------ dispatchers
def decode(fmt, code: int):
    """Exact value of ``code`` in ``fmt`` (None for NaR; fp4 -0 decodes to 0)."""
    f = as_format(fmt, output=True)
    if f.kind == "posit":
        return posit_decode(f.width, f.es, code)
    if f.kind == "minifloat":
        return minifloat_decode(f, code)
    raise ValueError(f"{f.name} is an output-only format")


def decode_float(fmt, code: int) -> float:
    """Value of ``code`` as a Python float (exact for every input format); NaR -> nan."""
    f = as_format(fmt, output=True)
    if f.kind == "ieee":
        import struct

        return struct.unpack("<f", struct.pack("<I", code & 0xFFFFFFFF))[0]
    v = decode(f, code)
    if v is None:
        return float("nan")
    if v.num == 0:
        return -0.0 if (f.kind == "minifloat" and code >> (f.width - 1)) else 0.0
    return float(v.to_fraction())


def encode(fmt, value, *, nar: bool = False) -> int:
    """Round an exact value (Exact, int, Fraction or float) into ``fmt``; ``nar`` marks NaR."""
    f = as_format(fmt, output=True)
    if isinstance(value, float) and not math.isfinite(value):
        # same conventions as vector.quantize: posits NaN/Inf -> NaR; fp4 Inf saturates and
        # NaN is an error; fp32 keeps Inf and gives the canonical NaN.
        if f.kind == "posit":
            return f.nar
        if math.isnan(value):
            if f.kind == "minifloat":
                raise ValueError(f"NaN cannot be encoded in {f.name} (it has no NaN)")
            return FP32_NAN
        big = Exact(1 if value > 0 else -1, 1 << 20)
        return minifloat_round(f, big) if f.kind == "minifloat" else fp32_round(big)
    if nar:
        if f.kind == "posit":
            return f.nar
        return FP4_NAR if f.kind == "minifloat" else FP32_NAN
    if f.kind == "posit":
        return posit_round(f.width, f.es, value)
    if f.kind == "minifloat":
        return minifloat_round(f, value)
    return fp32_round(value)


def decode_float_posit(n: int, es: int, code: int) -> float:
    """Float value of a Posit(n, es) code of any width (used for rounding boundaries)."""
    v = posit_decode(n, es, code)
    return float("nan") if v is None else float(v.to_fraction())
