# SPDX-License-Identifier: Apache-2.0
"""fp4_decode: all 16 codes against xrnpe.codec.minifloat_decode (exhaustive)."""

from __future__ import annotations

import cocotb
import pytest
from cocotb.triggers import Timer

from xrnpe import codec
from xrnpe.formats import FORMATS


def expected(code: int, frac_w: int = 1):
    """(sign, scale, frac, zero); both zeros give sign 0."""
    v = codec.decode(FORMATS["fp4"], code)
    if v.num == 0:
        return (0, 0, 0, 1)
    mag = abs(v.num)
    flen = mag.bit_length() - 1
    return (int(v.num < 0), flen + v.exp, (mag - (1 << flen)) << (frac_w - flen), 0)


@cocotb.test()
async def exhaustive(dut):
    sw = len(dut.scale)
    bad = []
    for code in range(16):
        dut.code.value = code
        await Timer(1, unit="ns")
        scale = int(dut.scale.value)
        scale -= (scale >> (sw - 1)) << sw
        got = (int(dut.sign.value), scale, int(dut.frac.value), int(dut.zero.value))
        if got != expected(code):
            bad.append((hex(code), got, expected(code)))
    for b in bad:
        dut._log.error("code %s: got (sign, scale, frac, zero) %s, expected %s", *b)
    assert not bad


def test_reference_hand_cases():
    """The expected-value construction itself, on a few hand-decoded codes."""
    assert expected(0x1) == (0, -1, 0, 0)  # 0.5, the subnormal
    assert expected(0x3) == (0, 0, 1, 0)  # 1.5
    assert expected(0xF) == (1, 2, 1, 0)  # -6
    assert expected(0x8) == (0, 0, 0, 1)  # -0 is zero


if not cocotb.is_simulation:  # collected by pytest, not running inside a simulator
    from xrnpe.sim import manifest, runner

    @pytest.mark.parametrize("sim", runner.simulators())
    def test_fp4_decode(sim):
        runner.run(
            toplevel="xrnpe_fp4_decode",
            sources=manifest.sources_for_module("xrnpe_fp4_decode"),
            test_module="test_fp4_decode",
            sim=sim,
            name="fp4_decode",
        )
