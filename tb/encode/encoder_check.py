# SPDX-License-Identifier: Apache-2.0
"""Shared by the posit_encode, fp4_encode and fp32_encode tests: vector generation, the
reference (xrnpe.codec.encode on the exact input value) and lane-parallel driving.

An encoder input (sign, scale, frac, sticky) means (-1)^sign * 2^scale * 1.frac, plus, when
sticky is set, a nonzero amount below frac's LSB.  The reference models it exactly as
num = ((1 << FRAC_W | frac) << 1) | sticky, exp = scale - FRAC_W - 1: the extra bit sits
strictly between frac's LSB and the next grid point, which is all round-to-nearest sees.
"""

from __future__ import annotations

import itertools
import os
import random
import struct

from cocotb.triggers import Timer

from xrnpe import codec
from xrnpe.codec import Exact
from xrnpe.formats import FORMATS, Format

Vector = tuple  # (sign, scale, frac, sticky, zero, nar)


def ref_code(fmt: Format, fw: int, v: Vector) -> int:
    sign, scale, frac, sticky, zero, nar = v
    if nar:
        return codec.encode(fmt, 0, nar=True)
    if zero:
        return codec.encode(fmt, Exact(0))
    num = (((1 << fw) | frac) << 1) | sticky
    return codec.encode(fmt, Exact(-num if sign else num, scale - fw - 1))


def fields(x: Exact, fw: int):
    """(scale, frac) of a positive exact value if 1.frac fits in fw bits, else None."""
    mag, exp = x.num, x.exp
    flen = mag.bit_length() - 1
    if flen > fw:
        if mag & ((1 << (flen - fw)) - 1):
            return None
        mag, exp, flen = mag >> (flen - fw), exp + (flen - fw), fw
    return flen + exp, (mag - (1 << flen)) << (fw - flen)


def fp32_value(bits: int) -> Exact:
    return Exact.from_float(struct.unpack("<f", struct.pack("<I", bits))[0])


def points(fmt: Format, rng: random.Random) -> list[Exact]:
    """Positive values where the result changes: representable values and rounding boundaries."""
    pts: list[Exact] = []
    if fmt.kind == "posit":
        n, es = fmt.width, fmt.es
        maxpos = (1 << (n - 1)) - 1
        codes = range(1, maxpos + 1)
        if n > 8:  # p16: both ends, every code next to a binade change, and a random sample

            def binade(c):
                v = codec.posit_decode(n, es, c)
                return v.num & (v.num - 1) == 0  # a power of two

            edge = {c for c in codes if c < 256 or c > maxpos - 256 or binade(c)}
            edge |= {c - 1 for c in edge if c > 1} | {rng.randrange(1, maxpos) for _ in range(3000)}
            codes = sorted(edge)
        for c in codes:
            pts.append(codec.posit_decode(n, es, c))
            # boundary to the next code: the (n+1)-bit pattern with only the guard bit after c
            pts.append(codec.posit_decode(n + 1, es, 2 * c + 1))
        pts.append(codec.posit_decode(n + 1, es, 1))  # half-way between 0 and minpos
    elif fmt.kind == "minifloat":
        vals = [codec.decode(fmt, c).to_fraction() for c in range(8)] + [8]
        for a, b in itertools.pairwise(vals):
            pts += [Exact.from_fraction(a), Exact.from_fraction((a + b) / 2)]
        pts = [p for p in pts if p.num] + [Exact(1, -2), Exact(1, -3), Exact(1, 3)]
    else:
        codes = set(range(1, 40)) | set(range(0x7FFFE0, 0x800020))
        codes |= set(range(0x7F7FFFE0, 0x7F800000)) | set(range(0x3F7FFFF0, 0x3F800010))
        codes |= {rng.randrange(1, 0x7F800000) for _ in range(1500)}
        for c in sorted(codes):
            a = fp32_value(c).to_fraction()
            b = (
                fp32_value(c + 1).to_fraction()
                if c + 1 < 0x7F800000
                else a + (a - fp32_value(c - 1).to_fraction())
            )
            pts += [Exact.from_fraction(a), Exact.from_fraction((a + b) / 2)]
        pts += [Exact(1, -150), Exact(3, -151), Exact(1, -151), Exact(1, 128), Exact(1, -200)]
    return pts


def corner_vectors(fmt: Format, sw: int, fw: int, rng: random.Random) -> list[Vector]:
    vecs: list[Vector] = []
    ones = (1 << fw) - 1
    for p in points(fmt, rng):
        f = fields(p, fw)
        if f is None:
            continue
        scale, frac = f
        below = (scale, frac - 1) if frac else (scale - 1, ones)  # one frac-ulp below, + sticky
        for sign in (0, 1):
            vecs.append((sign, scale, frac, 0, 0, 0))  # exactly on the point (ties included)
            vecs.append((sign, scale, frac, 1, 0, 0))  # just above
            vecs.append((sign, *below, 1, 0, 0))  # just below
    # every scale the port can carry, far beyond maxpos and below minpos included
    for scale in range(-(1 << (sw - 1)), 1 << (sw - 1)):
        for frac in (0, ones, 1 << (fw - 1), rng.getrandbits(fw)):
            for sticky in (0, 1):
                vecs.append((rng.getrandbits(1), scale, frac, sticky, 0, 0))
    # zero and NaR flags override whatever else is on the inputs (NaR wins over zero)
    for _ in range(256):
        rest = (
            rng.getrandbits(1),
            rng.randrange(-(1 << (sw - 1)), 1 << (sw - 1)),
            rng.getrandbits(fw),
            rng.getrandbits(1),
        )
        vecs.append((*rest, 1, 0))
        vecs.append((*rest, rng.getrandbits(1), 1))
    return vecs


def random_vectors(fmt: Format, sw: int, fw: int, rng: random.Random, count: int) -> list[Vector]:
    lo, hi = fmt.min_scale - 3, fmt.max_scale + 3
    smin, smax = -(1 << (sw - 1)), (1 << (sw - 1)) - 1
    tie_bits = fmt.frac_bits + 2
    vecs = []
    for _ in range(count):
        scale = (
            rng.randint(max(lo, smin), min(hi, smax))
            if rng.random() < 0.8
            else rng.randint(smin, smax)
        )
        frac = rng.getrandbits(fw)
        sticky = rng.getrandbits(1)
        if rng.random() < 0.4:  # short fractions: exact ties and exact values are common
            keep = rng.randint(0, min(fw, tie_bits))
            frac &= ((1 << fw) - 1) ^ ((1 << (fw - keep)) - 1)
            sticky = int(rng.random() < 0.3)
        vecs.append((rng.getrandbits(1), scale, frac, sticky, 0, 0))
    return vecs


def param(dut, name: str) -> int:
    try:
        return int(dut._id(name, extended=False).value)
    except Exception:
        return int(os.environ[name])


async def check(dut, fmt: Format, vectors: list[Vector], code_w: int) -> None:
    """Drive vectors LANES at a time and compare every lane with the reference."""
    sw, fw, lanes = param(dut, "SCALE_W"), param(dut, "FRAC_W"), param(dut, "LANES")
    expected = [ref_code(fmt, fw, v) for v in vectors]  # all before driving
    smask, cmask = (1 << sw) - 1, (1 << code_w) - 1
    bad = []
    for base in range(0, len(vectors), lanes):
        chunk = vectors[base : base + lanes]
        chunk += [(0, 0, 0, 0, 1, 0)] * (lanes - len(chunk))
        packed = [0] * 6
        for i, v in enumerate(chunk):
            packed[0] |= v[0] << i
            packed[1] |= (v[1] & smask) << (i * sw)
            packed[2] |= v[2] << (i * fw)
            packed[3] |= v[3] << i
            packed[4] |= v[4] << i
            packed[5] |= v[5] << i
        dut.sign.value, dut.scale.value, dut.frac.value = packed[0], packed[1], packed[2]
        dut.sticky.value, dut.zero.value, dut.nar.value = packed[3], packed[4], packed[5]
        await Timer(1, unit="ns")
        got = int(dut.code.value)
        for i in range(min(lanes, len(vectors) - base)):
            g = (got >> (i * code_w)) & cmask
            if g != expected[base + i]:
                bad.append((vectors[base + i], hex(g), hex(expected[base + i])))
    for b in bad[:10]:
        dut._log.error("(sign, scale, frac, sticky, zero, nar) = %s: got %s, expected %s", *b)
    assert not bad, f"{len(bad)} of {len(vectors)} {fmt.name} vectors wrong"
    dut._log.info("%s: %d vectors bit-exact", fmt.name, len(vectors))


def seed() -> int:
    return int(os.environ.get("CODEC_SEED", "20261128"))


def count() -> int:
    return int(os.environ.get("CODEC_RANDOM", "100000"))


def fmt_named(name: str) -> Format:
    return FORMATS[name]
