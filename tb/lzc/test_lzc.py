# SPDX-License-Identifier: Apache-2.0
"""lzc at widths 1, 5, 8, 13, 32: exhaustive up to 13 bits, every leading-one position with
random lower bits (and zero) at 32 bits."""

from __future__ import annotations

import random

import cocotb
import pytest
from cocotb.triggers import Timer

WIDTHS = (1, 5, 8, 13, 32)


def lzc(x: int, w: int) -> int:
    return w - x.bit_length()


@cocotb.test()
async def all_widths(dut):
    rng = random.Random(1)
    for w in WIDTHS:
        if w <= 13:
            vals = list(range(1 << w))
        else:
            vals = [0] + [(1 << p) | rng.getrandbits(p) for p in range(w) for _ in range(40)]
        data, cnt, zero = (getattr(dut, f"{s}_w{w}") for s in ("data", "cnt", "all_zero"))
        for x in vals:
            data.value = x
            await Timer(1, unit="ns")
            assert (int(cnt.value), int(zero.value)) == (lzc(x, w), int(x == 0)), (w, hex(x))
        dut._log.info("W=%d: %d values", w, len(vals))


if not cocotb.is_simulation:  # collected by pytest, not running inside a simulator
    from xrnpe.sim import manifest, runner

    @pytest.mark.parametrize("sim", runner.simulators())
    def test_lzc(sim):
        runner.run(
            toplevel=manifest.toplevel("tb_lzc"),
            sources=manifest.sources("tb_lzc"),
            test_module="test_lzc",
            sim=sim,
            name="lzc",
        )
