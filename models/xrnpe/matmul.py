"""Reference matrix multiply with CONTRACT section 3 semantics and an exact quire.

``C[i,j] = round_out(sum_k A[i,k] * B[k,j])``: every product and the sum are exact (integers
in units of the format's value grid squared), with one rounding into the output format.  Any
NaR operand in a dot product makes that result NaR.  An exact zero sum is +0.
"""

from __future__ import annotations

import numpy as np

from . import codec, vector
from .formats import ACC_FRAC_BITS, Format, get_format, k_max


class Quire:
    """Exact dot-product accumulator: the value is ``acc * 2**-ACC_FRAC_BITS``.

    Mirrors the PE's two's complement accumulator (``formats.ACC_WIDTH`` bits), whose
    LSB weighs 2**-ACC_FRAC_BITS: every product of input-format values is a multiple of it.
    """

    def __init__(self, fmt):
        self.fmt = _fmt_in(fmt)
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
        out = get_format(out_fmt, output=True) if isinstance(out_fmt, str) else out_fmt
        return codec.encode(out, self.value() or 0, nar=self.nar)


def _fmt_in(fmt) -> Format:
    return fmt if isinstance(fmt, Format) else get_format(fmt)


def check_matrix(m, fmt, name: str = "A") -> np.ndarray:
    """Validate one operand: a non-empty 2-D array of ``fmt`` codes in the format's dtype."""
    f = _fmt_in(fmt)
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
    f = _fmt_in(fmt)
    if k > k_max(f):
        raise ValueError(
            f"K={k} is too large for exact {f.name} accumulation (at most K={k_max(f)})"
        )


def check_operands(a, b, fmt) -> tuple[np.ndarray, np.ndarray]:
    """Validate shapes, dtypes, codes and K; raise ValueError naming the problem."""
    f = _fmt_in(fmt)
    a = check_matrix(a, f, "A")
    b = check_matrix(b, f, "B")
    if a.shape[1] != b.shape[0]:
        raise ValueError(f"K mismatch: A is {a.shape[0]}x{a.shape[1]} but B is "
                         f"{b.shape[0]}x{b.shape[1]} (A's columns must equal B's rows)")
    check_k(a.shape[1], f)
    return a, b


def _grid_ints(f: Format, codes: np.ndarray) -> np.ndarray:
    """Codes as integers on the format's value grid (value = int * 2**lsb_scale); NaR -> 0."""
    vals = vector.value_table(f.name)[codes.astype(np.int64)]
    vals = np.where(np.isnan(vals), 0.0, vals)
    return np.ldexp(vals, -f.lsb_scale).astype(np.int64)


def matmul(a, b, fmt, out_fmt) -> np.ndarray:
    """C = A x B on codes: exact sums, one rounding into ``out_fmt``.

    Returns codes of ``out_fmt`` (uint8/uint16) or a float32 array for fp32.  NaR -> NaR code
    (posits), ``codec.FP4_NAR`` (fp4) or NaN (fp32).
    """
    f = _fmt_in(fmt)
    o = get_format(out_fmt, output=True) if isinstance(out_fmt, str) else out_fmt
    a, b = check_operands(a, b, f)
    ai, bi = _grid_ints(f, a), _grid_ints(f, b)
    k = a.shape[1]
    nar_rows = np.zeros(a.shape[0], bool) if f.nar is None else (a == f.nar).any(axis=1)
    nar_cols = np.zeros(b.shape[1], bool) if f.nar is None else (b == f.nar).any(axis=0)
    nar = nar_rows[:, None] | nar_cols[None, :]
    # |int| <= 2**(max_scale - lsb_scale) per operand; keep int64 only when sums cannot overflow.
    op_bits = f.max_magnitude_log2_ceil - f.lsb_scale
    sum_bits = 2 * op_bits + int(k).bit_length()
    if sum_bits < 53:
        sums = ai @ bi  # exact in int64, and exactly representable in float64
        exact = np.ldexp(sums.astype(np.float64), 2 * f.lsb_scale)
        out = vector.quantize(o, exact)
    else:
        sums = ai.astype(object) @ bi.astype(object)
        enc = np.vectorize(lambda s: codec.encode(o, codec.Exact(int(s), 2 * f.lsb_scale)),
                           otypes=[np.int64])
        out = enc(sums)
        if o.kind == "ieee":
            out = out.astype(np.uint32).view(np.float32)
        else:
            out = out.astype(o.dtype)
    if nar.any():
        if o.kind == "ieee":
            out = np.where(nar, np.float32(np.nan), out).astype(np.float32)
        else:
            out = np.where(nar, codec.encode(o, 0, nar=True), out).astype(o.dtype)
    return out
