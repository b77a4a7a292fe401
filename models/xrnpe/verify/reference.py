# SPDX-License-Identifier: Apache-2.0
"""The expected results: operand pairs of a range and the model's result of each.

Pair index ``i = (A code << width) | B code``.  Each pair is one single-word dot product
``round_O(a * b)``; the PE sees it in every lane of its format (:func:`operand_words`).
"""

from __future__ import annotations

import numpy as np

from .. import codec, vector
from ..formats import FORMATS


def pair_count(fmt: str) -> int:
    """Number of operand pairs of an input format: 2**(2*width)."""
    return 1 << (2 * FORMATS[fmt].width)


def split_pairs(fmt: str, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
    """A and B codes of the pair indices start..stop-1 (i = A << width | B)."""
    w = FORMATS[fmt].width
    idx = np.arange(stop - start, dtype=np.uint64) + np.uint64(start)
    dtype = np.uint16 if w > 8 else np.uint8
    return (idx >> np.uint64(w)).astype(dtype), (idx & np.uint64((1 << w) - 1)).astype(dtype)


def reference(fmt: str, out_fmt: str, a_codes, b_codes) -> tuple[np.ndarray, np.ndarray]:
    """Expected PE result (out_data as uint32, out_nar as uint8) of one-word dot products a*b.

    Exact: a product of two input values has at most 26 significant bits, so the float64
    product is exact and :func:`xrnpe.vector.quantize` (or the float32 conversion, RNE) rounds
    it once, as CONTRACT section 2 says.  NaR operands give the output format's NaR code
    (posit NaR, fp4 0x8, fp32 0x7FC00000); an exact zero is +0.
    """
    table = vector.value_table(fmt)
    product = table[a_codes] * table[b_codes]  # NaR is nan, so a NaR operand gives nan
    nar = np.isnan(product)
    out = FORMATS[out_fmt]
    if out.kind == "ieee":
        expected = product.astype(np.float32).view(np.uint32)
        expected[product == 0] = 0  # -0.0 products: an exact zero sum is +0
    else:
        any_nar = bool(nar.any())
        expected = vector.quantize(out, np.where(nar, 0.0, product) if any_nar else product)
        expected = expected.astype(np.uint32)
    if nar.any():
        expected[nar] = codec.encode(out, 0, nar=True)
    return expected, nar.astype(np.uint8)


def operand_words(fmt: str, a_codes, b_codes) -> tuple[np.ndarray, np.ndarray]:
    """16-bit operand words, pair-major: pair p in lane l is word ``p * lanes + l`` (the other
    lanes 0)."""
    f = FORMATS[fmt]
    a = np.asarray(a_codes).astype(np.uint16)
    b = np.asarray(b_codes).astype(np.uint16)
    if f.lanes == 1:
        return a, b
    shifts = (np.arange(f.lanes, dtype=np.uint16) * f.width)[None, :]
    return (a[:, None] << shifts).reshape(-1), (b[:, None] << shifts).reshape(-1)


__all__ = ["operand_words", "pair_count", "reference", "split_pairs"]
