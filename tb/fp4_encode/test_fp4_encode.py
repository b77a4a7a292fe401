"""fp4_encode: >= 100k random inputs plus every corner class, bit-exact against
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

FMT = ec.fmt_named("fp4")


@cocotb.test()
async def corners(dut):
    rng = random.Random(ec.seed() + 10)
    await ec.check(dut, FMT, ec.corner_vectors(FMT, ec.param(dut, "SCALE_W"),
                                               ec.param(dut, "FRAC_W"), rng), 4)


@cocotb.test()
async def random_inputs(dut):
    rng = random.Random(ec.seed() + 11)
    await ec.check(dut, FMT, ec.random_vectors(FMT, ec.param(dut, "SCALE_W"),
                                               ec.param(dut, "FRAC_W"), rng, ec.count()), 4)


# (FRAC_W, (sign, scale, frac, sticky, zero, nar), code)
HAND_CASES = [
    (3, (0, 0, 0b010, 0, 0, 0), 0x2),  # 1.25: tie between 1 (0x2, even) and 1.5 -> 1
    (3, (0, 0, 0b010, 1, 0, 0), 0x3),  # just above 1.25 -> 1.5
    (3, (0, 1, 0b010, 0, 0, 0), 0x4),  # 2.5: tie -> 2 (0x4)
    (3, (0, 0, 0b110, 0, 0, 0), 0x4),  # 1.75: tie from odd 1.5 -> 2, carry into next binade
    (3, (1, 2, 0b010, 0, 0, 0), 0xE),  # -5: tie between 4 (0x6) and 6 (0x7) -> -4
    (3, (0, 2, 0b110, 0, 0, 0), 0x7),  # 7 saturates to 6
    (3, (0, 9, 0, 0, 0, 0), 0x7),      # far beyond: 6
    (3, (0, -1, 0b100, 0, 0, 0), 0x2),  # 0.75: tie between 0.5 (0x1, odd) and 1 -> 1
    (3, (1, -2, 0, 0, 0, 0), 0x0),     # -0.25: tie -> 0, and zero is +0
    (3, (1, -2, 0, 1, 0, 0), 0x9),     # just above 0.25 in magnitude -> -0.5
    (3, (1, -5, 0b111, 1, 0, 0), 0x0), # tiny negative -> +0
    (3, (1, 0, 0, 0, 1, 0), 0x0),      # zero flag
    (3, (0, 0, 0, 0, 1, 1), 0x8),      # NaR -> FP4_NAR_CODE
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
    def test_fp4_encode(sim):
        params = dict(SCALE_W=5, FRAC_W=3)
        runner.run(
            toplevel="fp4_encode_lanes",
            sources=[*runner.rtl_sources("xrnpe_pkg", "shift_right_sticky", "fp4_encode"),
                     HERE / "fp4_encode_lanes.sv"],
            test_module="test_fp4_encode",
            test_dir=HERE,
            sim=sim,
            parameters=params,
            extra_env={k: str(v) for k, v in params.items()} | {"LANES": "64"},
            name="fp4_encode",
        )
