"""posit_encode: >= 100k random inputs plus every corner class per format, bit-exact against
xrnpe.codec.encode (see encoder_check.py for the vectors and the reference)."""

from __future__ import annotations

import random
from pathlib import Path

import cocotb
import pytest

import encoder_check as ec
from xrnpe.codec import Exact, posit_round

HERE = Path(__file__).resolve().parent
FORMAT_OF = {(4, 1): "p4", (8, 0): "p8", (16, 1): "p16"}


def _fmt(dut):
    return ec.fmt_named(FORMAT_OF[(ec.param(dut, "N"), ec.param(dut, "ES"))])


@cocotb.test()
async def corners(dut):
    fmt, rng = _fmt(dut), random.Random(ec.seed())
    await ec.check(dut, fmt, ec.corner_vectors(fmt, ec.param(dut, "SCALE_W"),
                                               ec.param(dut, "FRAC_W"), rng), fmt.width)


@cocotb.test()
async def random_inputs(dut):
    fmt, rng = _fmt(dut), random.Random(ec.seed() + 1)
    await ec.check(dut, fmt, ec.random_vectors(fmt, ec.param(dut, "SCALE_W"),
                                               ec.param(dut, "FRAC_W"), rng, ec.count()), fmt.width)


def test_reference_hand_cases():
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
    assert ec.ref_code(p8, fw, (0, 0, 0, 0, 1, 0)) == 0 and ec.ref_code(p8, fw, (0, 0, 0, 0, 1, 1)) == 0x80
    # 2^-27 lies half-way (on the encoding) between p16 minpos (code 1) and code 2: even
    assert ec.ref_code(p16, 20, (0, -27, 0, 0, 0, 0)) == 2 == posit_round(16, 1, Exact(1, -27))


try:
    from common import runner
except ImportError:
    runner = None

if runner is not None:

    @pytest.mark.parametrize("sim", runner.sims())
    @pytest.mark.parametrize(
        "params",
        [dict(N=4, ES=1, SCALE_W=6, FRAC_W=3), dict(N=8, ES=0, SCALE_W=7, FRAC_W=10),
         dict(N=16, ES=1, SCALE_W=8, FRAC_W=40)],
        ids=["p4", "p8", "p16"],
    )
    def test_posit_encode(sim, params):
        runner.run(
            toplevel="posit_encode_lanes",
            sources=[*runner.rtl_sources("xrnpe_pkg", "posit_encode"), HERE / "posit_encode_lanes.sv"],
            test_module="test_posit_encode",
            test_dir=HERE,
            sim=sim,
            parameters=params,
            extra_env={k: str(v) for k, v in params.items()} | {"LANES": "64"},
            name="posit_encode_" + "_".join(f"{k}{v}" for k, v in params.items()),
        )
