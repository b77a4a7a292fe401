# SPDX-License-Identifier: Apache-2.0
"""shift_right_sticky at W = 8 (exhaustive data x every shift 0..15), 26 and 61 (random data,
every shift the port allows, including shifts of W and more)."""

from __future__ import annotations

import random

import cocotb
import pytest
from cocotb.triggers import Timer

WIDTHS = ((8, 4), (26, 5), (61, 6))


@cocotb.test()
async def all_widths(dut):
    rng = random.Random(2)
    for w, sh in WIDTHS:
        if w <= 8:
            vecs = [(x, s) for x in range(1 << w) for s in range(1 << sh)]
        else:
            vecs = [
                (rng.getrandbits(w) >> rng.randrange(w), s)
                for s in range(1 << sh)
                for _ in range(60)
            ]
        din, shamt = getattr(dut, f"din_w{w}"), getattr(dut, f"shamt_w{w}")
        dout, sticky = getattr(dut, f"dout_w{w}"), getattr(dut, f"sticky_w{w}")
        for x, s in vecs:
            din.value, shamt.value = x, s
            await Timer(1, unit="ns")
            exp = (x >> s, int(x & ((1 << s) - 1) != 0))
            assert (int(dout.value), int(sticky.value)) == exp, (w, hex(x), s)
        dut._log.info("W=%d: %d vectors", w, len(vecs))


if not cocotb.is_simulation:  # collected by pytest, not running inside a simulator
    from xrnpe.sim import manifest, runner

    @pytest.mark.parametrize("sim", runner.simulators())
    def test_shift_right_sticky(sim):
        runner.run(
            toplevel=manifest.toplevel("tb_shift_right_sticky"),
            sources=manifest.sources("tb_shift_right_sticky"),
            test_module="test_shift_right_sticky",
            sim=sim,
            name="shift_right_sticky",
        )
