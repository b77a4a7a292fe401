"""fp32_encode: >= 100k random inputs plus every corner class, bit-exact against
xrnpe.codec.encode.  Vectors, reference and driving are shared with the posit encoder test
(tb/posit_encode/encoder_check.py)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import cocotb
import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "posit_encode"))
import encoder_check as ec  # noqa: E402

FMT = ec.fmt_named("fp32")


@cocotb.test()
async def corners(dut):
    rng = random.Random(ec.seed() + 10)
    await ec.check(dut, FMT, ec.corner_vectors(FMT, ec.param(dut, "SCALE_W"),
                                               ec.param(dut, "FRAC_W"), rng), 32)


@cocotb.test()
async def random_inputs(dut):
    rng = random.Random(ec.seed() + 11)
    await ec.check(dut, FMT, ec.random_vectors(FMT, ec.param(dut, "SCALE_W"),
                                               ec.param(dut, "FRAC_W"), rng, ec.count()), 32)


# (FRAC_W, (sign, scale, frac, sticky, zero, nar), code)
HAND_CASES = [
    (40, (0, 0, 0, 0, 0, 0), 0x3F800000),             # 1.0
    (40, (1, 1, 1 << 39, 0, 0, 0), 0xC0400000),       # -3.0
    (40, (0, 0, 1 << 16, 0, 0, 0), 0x3F800000),       # 1 + 2^-24: tie -> even 1.0
    (40, (0, 0, 1 << 16, 1, 0, 0), 0x3F800001),       # just above the tie
    (40, (0, 0, 3 << 16, 0, 0, 0), 0x3F800002),       # tie from odd 0x3F800001 -> up
    (40, (0, -149, 0, 0, 0, 0), 0x00000001),          # smallest subnormal
    (40, (0, -150, 0, 0, 0, 0), 0x00000000),          # half of it: tie -> 0
    (40, (1, -150, 0, 1, 0, 0), 0x80000001),          # just above the tie
    (40, (1, -160, 0, 0, 0, 0), 0x80000000),          # underflow keeps the sign (-0)
    (40, (0, -127, (1 << 40) - 1, 0, 0, 0), 0x00800000),  # largest subnormal region carries to 2^-126
    (40, (0, 127, (1 << 40) - 1, 0, 0, 0), 0x7F800000),   # rounds past maxfloat -> Inf
    (40, (1, 300, 0, 0, 0, 0), 0xFF800000),           # overflow -> -Inf
    (40, (0, 0, 0, 0, 0, 1), 0x7FC00000),             # NaR -> quiet NaN
]


def test_reference_hand_cases():
    """The (sign, scale, frac, sticky) -> exact value construction, on hand-rounded cases."""
    for fw, vec, code in HAND_CASES:
        assert ec.ref_code(FMT, fw, vec) == code, (vec, hex(code))


try:
    from common import runner
except ImportError:
    runner = None

if runner is not None:

    @pytest.mark.parametrize("sim", runner.sims())
    def test_fp32_encode(sim):
        params = dict(SCALE_W=10, FRAC_W=40)
        runner.run(
            toplevel="fp32_encode_lanes",
            sources=[*runner.rtl_sources("xrnpe_pkg", "shift_right_sticky", "fp32_encode"),
                     HERE / "fp32_encode_lanes.sv"],
            test_module="test_fp32_encode",
            test_dir=HERE,
            sim=sim,
            parameters=params,
            extra_env={k: str(v) for k, v in params.items()} | {"LANES": "64"},
            name="fp32_encode",
        )
