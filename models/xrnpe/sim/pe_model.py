# SPDX-License-Identifier: Apache-2.0
"""Stimulus and expected results for the PE tests (both PEs, both simulators).

Everything here comes from ``xrnpe`` (value tables, ``codec.encode``, ``matmul.Quire``), never
from the RTL.  A *stream* is a list of jobs; a job is (fmt, out_fmt, a_words, b_words) and one
job is one dot product (in_first on its first word, in_last on its last).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xrnpe import codec, vector
from xrnpe.formats import ACC_FRAC_BITS, FORMATS, INPUT_FORMATS, OUTPUT_FORMATS
from xrnpe.matmul import Quire

IN_FMTS = INPUT_FORMATS  # fp4, p4, p8, p16
OUT_FMTS = OUTPUT_FORMATS  # + fp32
LANES = {n: FORMATS[n].lanes for n in IN_FMTS}
WIDTH = {n: FORMATS[n].width for n in IN_FMTS}


@dataclass
class Stream:
    """Words to drive (numpy arrays, one entry per word) and results to expect (per job)."""

    a: np.ndarray
    b: np.ndarray
    fmt: np.ndarray
    ofmt: np.ndarray
    first: np.ndarray
    last: np.ndarray
    exp_code: np.ndarray  # per job
    exp_nar: np.ndarray  # per job

    @property
    def n_jobs(self) -> int:
        return len(self.exp_code)

    def __add__(self, o: Stream) -> Stream:
        return Stream(
            *(
                np.concatenate([getattr(self, f), getattr(o, f)])
                for f in ("a", "b", "fmt", "ofmt", "first", "last", "exp_code", "exp_nar")
            )
        )


def pack(lanes: np.ndarray, width: int) -> np.ndarray:
    """(words, lanes) codes -> 16-bit words, lane i in bits [w*i+w-1 : w*i]."""
    lanes = np.asarray(lanes, dtype=np.int64)
    out = np.zeros(lanes.shape[0], dtype=np.int64)
    for i in range(lanes.shape[1]):
        out |= lanes[:, i] << (width * i)
    return out


def unpack(words: np.ndarray, width: int) -> np.ndarray:
    words = np.asarray(words, dtype=np.int64)
    mask = (1 << width) - 1
    return np.stack([(words >> (width * i)) & mask for i in range(16 // width)], axis=1)


def word_sums(fmt: str, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact float64 sum of the lane products of each word, and its NaR flag.

    Exact: at most 4 products of <= 26 significant bits each on a common grid (p8 and below),
    or a single p16 product.
    """
    w = WIDTH[fmt]
    tab = vector.value_table(fmt)
    va, vb = tab[unpack(a, w)], tab[unpack(b, w)]
    nar = np.isnan(va).any(axis=1) | np.isnan(vb).any(axis=1)
    prod = np.where(np.isnan(va) | np.isnan(vb), 0.0, va * vb)
    return prod.sum(axis=1), nar


def _encode_vec(out: str, x: np.ndarray, nar: np.ndarray) -> np.ndarray:
    """Round exact float64 values into ``out`` (codes as int64); NaR -> NaR code."""
    o = FORMATS[out]
    if o.kind == "ieee":
        code = x.astype(np.float32).view(np.uint32).astype(np.int64)
        code = np.where(x == 0, 0, code)  # exact zero sum is +0
    else:
        code = vector.quantize(o, x).astype(np.int64)
    return np.where(nar, codec.encode(o, 0, nar=True), code)


def single_word_jobs(fmt: str, a: np.ndarray, b: np.ndarray, ofmt: np.ndarray) -> Stream:
    """One-word dot products (in_first = in_last = 1) with vectorised expected results."""
    n = len(a)
    s, nar = word_sums(fmt, a, b)
    exp = np.zeros(n, dtype=np.int64)
    for o in OUT_FMTS:
        sel = ofmt == FORMATS[o].code
        if sel.any():
            exp[sel] = _encode_vec(o, s[sel], nar[sel])
    ones = np.ones(n, dtype=np.int64)
    return Stream(
        np.asarray(a, np.int64),
        np.asarray(b, np.int64),
        np.full(n, FORMATS[fmt].code, np.int64),
        np.asarray(ofmt, np.int64),
        ones,
        ones,
        exp,
        nar.astype(np.int64),
    )


def chain_jobs(
    jobs: list[tuple[str, str, np.ndarray, np.ndarray]], *, quire_check: bool = False
) -> Stream:
    """Multi-word dot products: exact integer sums (units of 2^-ACC_FRAC) and codec.encode.

    ``quire_check`` recomputes every job with ``matmul.Quire`` (slow, scalar) as a cross-check.
    """
    fields = {k: [] for k in ("a", "b", "fmt", "ofmt", "first", "last")}
    codes, nars = [], []
    for fmt, out, a, b in jobs:
        k = len(a)
        s, nar = word_sums(fmt, a, b)
        units = [int(v) for v in np.ldexp(s, ACC_FRAC_BITS)]  # exact: float64 integers
        total = sum(units)
        anynar = bool(nar.any())
        code = codec.encode(FORMATS[out], codec.Exact(total, -ACC_FRAC_BITS), nar=anynar)
        if quire_check:
            q = Quire(fmt)
            w = WIDTH[fmt]
            for la, lb in zip(unpack(a, w), unpack(b, w)):
                for x, y in zip(la, lb):
                    q.add_product(int(x), int(y))
            assert q.result(out) == code and q.nar == anynar, (fmt, out, k)
        codes.append(code)
        nars.append(int(anynar))
        fields["a"].append(np.asarray(a, np.int64))
        fields["b"].append(np.asarray(b, np.int64))
        fields["fmt"].append(np.full(k, FORMATS[fmt].code, np.int64))
        fields["ofmt"].append(np.full(k, FORMATS[out].code, np.int64))
        fl = np.zeros(k, np.int64)
        fl[0] = 1
        ll = np.zeros(k, np.int64)
        ll[-1] = 1
        fields["first"].append(fl)
        fields["last"].append(ll)
    cat = {k: np.concatenate(v) for k, v in fields.items()}
    return Stream(
        cat["a"],
        cat["b"],
        cat["fmt"],
        cat["ofmt"],
        cat["first"],
        cat["last"],
        np.array(codes, np.int64),
        np.array(nars, np.int64),
    )


def random_codes(rng: np.random.Generator, fmt: str, shape, *, nar_ok: bool = False) -> np.ndarray:
    """Uniform random codes of ``fmt``, NaR excluded unless ``nar_ok``."""
    f = FORMATS[fmt]
    c = rng.integers(0, 1 << f.width, size=shape, dtype=np.int64)
    if not nar_ok and f.nar is not None:
        c = np.where(c == f.nar, 0, c)
    return c


def random_words(rng, fmt: str, k: int, *, nar_ok: bool = False) -> np.ndarray:
    return pack(random_codes(rng, fmt, (k, LANES[fmt]), nar_ok=nar_ok), WIDTH[fmt])
