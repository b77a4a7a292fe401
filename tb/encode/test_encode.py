# SPDX-License-Identifier: Apache-2.0
"""The output encoders (xrnpe_posit_encode for p4/p8/p16, xrnpe_fp4_encode, xrnpe_fp32_encode)
through one parametrised harness (tb_encode_lanes): >= 100k random inputs plus every corner
class per format, bit-exact against xrnpe.codec.encode (see encoder_check.py for the vectors
and the reference)."""

from __future__ import annotations

import random

import cocotb
import encoder_check as ec
import pytest

from xrnpe.codec import Exact, posit_round
from xrnpe.formats import FORMAT_BY_CODE


def _fmt(dut):
    return FORMAT_BY_CODE[ec.param(dut, "FMT")]


@cocotb.test()
async def corners(dut):
    fmt = _fmt(dut)
    rng = random.Random(ec.seed() + fmt.code)
    await ec.check(
        dut,
        fmt,
        ec.corner_vectors(fmt, ec.param(dut, "SCALE_W"), ec.param(dut, "FRAC_W"), rng),
        fmt.width,
    )


@cocotb.test()
async def random_inputs(dut):
    fmt = _fmt(dut)
    rng = random.Random(ec.seed() + 10 + fmt.code)
    await ec.check(
        dut,
        fmt,
        ec.random_vectors(fmt, ec.param(dut, "SCALE_W"), ec.param(dut, "FRAC_W"), rng, ec.count()),
        fmt.width,
    )


# (FRAC_W, (sign, scale, frac, sticky, zero, nar), code)
FP4_HAND_CASES = [
    (3, (0, 0, 0b010, 0, 0, 0), 0x2),  # 1.25: tie between 1 (0x2, even) and 1.5 -> 1
    (3, (0, 0, 0b010, 1, 0, 0), 0x3),  # just above 1.25 -> 1.5
    (3, (0, 1, 0b010, 0, 0, 0), 0x4),  # 2.5: tie -> 2 (0x4)
    (3, (0, 0, 0b110, 0, 0, 0), 0x4),  # 1.75: tie from odd 1.5 -> 2, carry into next binade
    (3, (1, 2, 0b010, 0, 0, 0), 0xE),  # -5: tie between 4 (0x6) and 6 (0x7) -> -4
    (3, (0, 2, 0b110, 0, 0, 0), 0x7),  # 7 saturates to 6
    (3, (0, 9, 0, 0, 0, 0), 0x7),  # far beyond: 6
    (3, (0, -1, 0b100, 0, 0, 0), 0x2),  # 0.75: tie between 0.5 (0x1, odd) and 1 -> 1
    (3, (1, -2, 0, 0, 0, 0), 0x0),  # -0.25: tie -> 0, and zero is +0
    (3, (1, -2, 0, 1, 0, 0), 0x9),  # just above 0.25 in magnitude -> -0.5
    (3, (1, -5, 0b111, 1, 0, 0), 0x0),  # tiny negative -> +0
    (3, (1, 0, 0, 0, 1, 0), 0x0),  # zero flag
    (3, (0, 0, 0, 0, 1, 1), 0x8),  # NaR -> FP4_NAR_CODE
]

FP32_HAND_CASES = [
    (40, (0, 0, 0, 0, 0, 0), 0x3F800000),  # 1.0
    (40, (1, 1, 1 << 39, 0, 0, 0), 0xC0400000),  # -3.0
    (40, (0, 0, 1 << 16, 0, 0, 0), 0x3F800000),  # 1 + 2^-24: tie -> even 1.0
    (40, (0, 0, 1 << 16, 1, 0, 0), 0x3F800001),  # just above the tie
    (40, (0, 0, 3 << 16, 0, 0, 0), 0x3F800002),  # tie from odd 0x3F800001 -> up
    (40, (0, -149, 0, 0, 0, 0), 0x00000001),  # smallest subnormal
    (40, (0, -150, 0, 0, 0, 0), 0x00000000),  # half of it: tie -> 0
    (40, (1, -150, 0, 1, 0, 0), 0x80000001),  # just above the tie
    (40, (1, -160, 0, 0, 0, 0), 0x80000000),  # underflow keeps the sign (-0)
    (
        40,
        (0, -127, (1 << 40) - 1, 0, 0, 0),
        0x00800000,
    ),  # largest subnormal region carries to 2^-126
    (40, (0, 127, (1 << 40) - 1, 0, 0, 0), 0x7F800000),  # rounds past maxfloat -> Inf
    (40, (1, 300, 0, 0, 0, 0), 0xFF800000),  # overflow -> -Inf
    (40, (0, 0, 0, 0, 0, 1), 0x7FC00000),  # NaR -> quiet NaN
]


@pytest.mark.parametrize("name,cases", [("fp4", FP4_HAND_CASES), ("fp32", FP32_HAND_CASES)])
def test_reference_hand_cases(name, cases):
    """The (sign, scale, frac, sticky) -> exact value construction, on hand-rounded cases."""
    fmt = ec.fmt_named(name)
    for fw, vec, code in cases:
        assert ec.ref_code(fmt, fw, vec) == code, (vec, hex(code))


def test_reference_hand_cases_posit():
    """The (sign, scale, frac, sticky) -> exact value construction, on hand-rounded cases."""
    p8, p16 = ec.fmt_named("p8"), ec.fmt_named("p16")
    fw = 10
    assert ec.ref_code(p8, fw, (0, 0, 0, 0, 0, 0)) == 0x40  # 1.0
    assert ec.ref_code(p8, fw, (1, 0, 0, 0, 0, 0)) == 0xC0  # -1.0
    assert ec.ref_code(p8, fw, (0, 0, 1 << 9, 0, 0, 0)) == 0x50  # 1.5 = 0 10 10000
    # 1 + 2^-6 is the tie between 0x40 and 0x41 (p8 has 5 fraction bits at scale 0): even
    assert ec.ref_code(p8, fw, (0, 0, 1 << 4, 0, 0, 0)) == 0x40
    assert ec.ref_code(p8, fw, (0, 0, 1 << 4, 1, 0, 0)) == 0x41  # sticky breaks the tie
    assert ec.ref_code(p8, fw, (0, 0, 3 << 4, 0, 0, 0)) == 0x42  # tie from odd 0x41 goes up
    assert ec.ref_code(p8, fw, (0, 50, 0, 0, 0, 0)) == 0x7F  # saturate to maxpos
    assert ec.ref_code(p8, fw, (1, -50, 0, 0, 0, 0)) == 0xFF  # -minpos, never 0
    assert ec.ref_code(p8, fw, (1, 50, 0, 1, 0, 0)) == 0x81  # -maxpos, never NaR
    assert (
        ec.ref_code(p8, fw, (0, 0, 0, 0, 1, 0)) == 0
        and ec.ref_code(p8, fw, (0, 0, 0, 0, 1, 1)) == 0x80
    )
    # 2^-27 lies half-way (on the encoding) between p16 minpos (code 1) and code 2: even
    assert ec.ref_code(p16, 20, (0, -27, 0, 0, 0, 0)) == 2 == posit_round(16, 1, Exact(1, -27))


# the encoder instances: narrow fields at the edge of what each format needs
PARAMS = {
    "p4": dict(FMT=1, SCALE_W=6, FRAC_W=3),
    "p8": dict(FMT=2, SCALE_W=7, FRAC_W=10),
    "p16": dict(FMT=3, SCALE_W=8, FRAC_W=40),
    "fp4": dict(FMT=0, SCALE_W=5, FRAC_W=3),
    "fp32": dict(FMT=4, SCALE_W=10, FRAC_W=40),
}

if not cocotb.is_simulation:  # collected by pytest, not running inside a simulator
    from xrnpe.sim import manifest, runner

    @pytest.mark.parametrize("sim", runner.simulators())
    @pytest.mark.parametrize("fmt", list(PARAMS))
    def test_encode(sim, fmt):
        params = PARAMS[fmt]
        runner.run(
            toplevel=manifest.toplevel("tb_encode"),
            sources=manifest.sources("tb_encode"),
            test_module="test_encode",
            sim=sim,
            parameters=params,
            extra_env={k: str(v) for k, v in params.items()} | {"LANES": "64"},
            name=f"encode_{fmt}",
        )
