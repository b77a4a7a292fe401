# SPDX-License-Identifier: Apache-2.0
"""posit_decode: every code of Posit(N, ES) against xrnpe.codec.posit_decode (exhaustive).

The toplevel is posit_decode_lanes (LANES decoders side by side) so that one cocotb
write/read checks LANES codes; all expected values are computed before driving.
"""

from __future__ import annotations

import os

import cocotb
import pytest
from cocotb.triggers import Timer

from xrnpe import codec


def param(dut, name: str) -> int:
    """A top-level parameter (visible in both simulators), or $<name> as a fallback."""
    try:
        return int(dut._id(name, extended=False).value)
    except Exception:
        return int(os.environ[name])


def expected(n: int, es: int, frac_w: int, code: int):
    """(sign, scale, frac, zero, nar) per the RTL interface; zero/NaR give 0 fields."""
    v = codec.posit_decode(n, es, code)
    if v is None:
        return (0, 0, 0, 0, 1)
    if v.num == 0:
        return (0, 0, 0, 1, 0)
    mag = abs(v.num)
    flen = mag.bit_length() - 1
    frac = (mag - (1 << flen)) << (frac_w - flen)
    return (int(v.num < 0), flen + v.exp, frac, 0, 0)


def split(word: int, width: int, lanes: int) -> list[int]:
    mask = (1 << width) - 1
    return [(word >> (i * width)) & mask for i in range(lanes)]


def signed(x: int, width: int) -> int:
    return x - (1 << width) if x >> (width - 1) else x


@cocotb.test()
async def exhaustive(dut):
    n, es, lanes = param(dut, "N"), param(dut, "ES"), param(dut, "LANES")
    sw, fw = param(dut, "SCALE_W"), param(dut, "FRAC_W")
    assert sw >= (((n - 2) << es).bit_length() + 1) and fw == max(1, n - 3 - es)
    codes = list(range(1 << n))
    exp = [expected(n, es, fw, c) for c in codes]
    bad = []
    for base in range(0, len(codes), lanes):
        chunk = codes[base : base + lanes]
        chunk += [0] * (lanes - len(chunk))
        dut.code.value = sum(c << (i * n) for i, c in enumerate(chunk))
        await Timer(1, unit="ns")
        got = zip(
            split(int(dut.sign.value), 1, lanes),
            [signed(s, sw) for s in split(int(dut.scale.value), sw, lanes)],
            split(int(dut.frac.value), fw, lanes),
            split(int(dut.zero.value), 1, lanes),
            split(int(dut.nar.value), 1, lanes),
        )
        for i, g in enumerate(got):
            if base + i < len(codes) and g != exp[base + i]:
                bad.append((hex(base + i), g, exp[base + i]))
    for b in bad[:10]:
        dut._log.error("code %s: got (sign, scale, frac, zero, nar) %s, expected %s", *b)
    assert not bad, f"{len(bad)} of {len(codes)} codes decoded wrongly"
    dut._log.info("Posit(%d,%d): %d codes checked", n, es, len(codes))


# ------------------------------------------------------------------------------- pytest


if not cocotb.is_simulation:  # collected by pytest, not running inside a simulator
    from xrnpe.sim import manifest, runner

    @pytest.mark.parametrize("sim", runner.simulators())
    @pytest.mark.parametrize(
        "params", [dict(N=4, ES=1), dict(N=8, ES=0), dict(N=16, ES=1)], ids=["p4", "p8", "p16"]
    )
    def test_posit_decode(sim, params):
        runner.run(
            toplevel=manifest.toplevel("tb_posit_decode"),
            sources=manifest.sources("tb_posit_decode"),
            test_module="test_posit_decode",
            sim=sim,
            parameters=params,
            extra_env={k: str(v) for k, v in params.items()},
            name=f"posit_decode_N{params['N']}_ES{params['ES']}",
        )
