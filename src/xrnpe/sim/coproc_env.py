# SPDX-License-Identifier: Apache-2.0
"""Co-processor environment for cocotb: clock and reset, the AXI4-Lite CPU, the AXI4 RAM
(:class:`~xrnpe.sim.fault_ram.FaultRam`), the driver, and pause generators for every AXI
channel.  Used by the verification suite (tb/coprocessor) and the RTL engine
(:mod:`xrnpe.sim.engine_tb`).
"""

from __future__ import annotations

import json
import os
import random

import cocotb
import numpy as np
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge

from ..backends import CocotbBackend
from ..driver import XrnpeDriver
from .fault_ram import FaultRam

CLK_NS = 10
MEM_BASE = 0x10000  # where the driver lays jobs out by default


def pause_gen(rng: random.Random, p: float):
    """Random pauses: each cycle paused with probability p, in bursts."""
    while True:
        if rng.random() < p:
            for _ in range(rng.choice((1, 1, 2, 3, 8))):
                yield True
        else:
            yield False


class Env:
    """One co-processor DUT with its CPU (AxiLiteMaster), DRAM (FaultRam) and driver."""

    def __init__(self, dut, seed: int | None = None, use_irq: bool = True):
        self.dut = dut
        self.seed = int(os.environ.get("XRNPE_SEED", "1")) if seed is None else seed
        self.rng = np.random.default_rng(self.seed)
        self.prng = random.Random(self.seed)
        dut.rst_n.value = 0
        cocotb.start_soon(Clock(dut.clk, CLK_NS, unit="ns").start())
        self.regs, _ = CocotbBackend.create(dut, ram_cls=FaultRam, clock_period_ns=CLK_NS,
                                            ram_size=1 << 32)
        self.ram: FaultRam = self.regs.ram
        self.axil = self.regs.axil
        self.drv = XrnpeDriver(self.regs, self.regs, mem_base=MEM_BASE, use_irq=use_irq)
        self.params = json.loads(os.environ.get("XRNPE_PARAMS", "{}"))
        if not os.environ.get("XRNPE_AXI_LOG"):  # per-burst INFO logs slow the simulation down
            self.ram.quiet_logs()
            for port in (self.axil.read_if, self.axil.write_if):
                port.log.setLevel("WARNING")
        self.pauses_on = False

    async def reset(self, cycles: int = 8) -> None:
        self.dut.rst_n.value = 0
        await ClockCycles(self.dut.clk, cycles)
        self.dut.rst_n.value = 1
        await ClockCycles(self.dut.clk, 2)

    async def start(self):
        await self.reset()
        await self.drv.probe()
        return self.drv.config

    def channels(self) -> list:
        """The ten AXI channel models (AXI4 master side first, then AXI4-Lite)."""
        w, r = self.ram.write_if, self.ram.read_if
        return [w.aw_channel, w.w_channel, w.b_channel, r.ar_channel, r.r_channel,
                self.axil.write_if.aw_channel, self.axil.write_if.w_channel,
                self.axil.write_if.b_channel, self.axil.read_if.ar_channel,
                self.axil.read_if.r_channel]

    def set_pauses(self, on: bool, p: float | None = None) -> None:
        """Random idle/backpressure on all ten AXI channels (or none)."""
        self.pauses_on = on
        for ch in self.channels():
            if on:
                prob = p if p is not None else self.prng.choice((0.1, 0.3, 0.5, 0.7))
                ch.set_pause_generator(pause_gen(random.Random(self.prng.random()), prob))
            else:
                ch.clear_pause_generator()
                ch.pause = False  # clearing the generator leaves the last value in place

    async def irq(self) -> int:
        await ReadOnly()
        v = int(self.dut.irq.value)
        await RisingEdge(self.dut.clk)
        return v

    def check_protocol(self) -> None:
        errs = self.ram.protocol_errors
        assert not errs, f"{len(errs)} AXI4 master protocol violations, first: {errs[:3]}"
