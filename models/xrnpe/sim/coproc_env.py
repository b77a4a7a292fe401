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
from ..driver import BusError, XrnpeDriver
from . import fcov
from .axi_checker import for_coprocessor
from .fault_ram import FaultRam

CLK_NS = 10
MEM_BASE = 0x10000  # where the driver lays jobs out by default


class SimBackend(CocotbBackend):
    """:class:`~xrnpe.backends.CocotbBackend` plus privileged register writes (AWPROT =
    privileged, non-secure), which the protected registers require."""

    async def write32_privileged(self, addr: int, value: int) -> None:
        from cocotbext.axi import AxiProt

        r = await self._bounded(
            self.axil.write(
                addr, int(value).to_bytes(4, "little"), prot=AxiProt.PRIVILEGED | AxiProt.NONSECURE
            ),
            f"privileged write 0x{addr:02x}",
        )
        self.last_resp = int(r.resp)
        if self.raise_on_error and self.last_resp:
            raise BusError("write", addr, self.last_resp)


def pause_gen(rng: random.Random, p: float, counts: dict | None = None, name: str = ""):
    """Random pauses: each cycle paused with probability p, in bursts (counted in
    ``counts[name]`` for the functional coverage)."""
    while True:
        if rng.random() < p:
            for _ in range(rng.choice((1, 1, 2, 3, 8))):
                if counts is not None:
                    counts[name] += 1
                yield True
        else:
            yield False


class Env:
    """One co-processor DUT with its CPU (AxiLiteMaster), DRAM (FaultRam) and driver."""

    def __init__(
        self, dut, seed: int | None = None, use_irq: bool = True, check: bool | None = None
    ):
        self.dut = dut
        self.seed = int(os.environ.get("XRNPE_SEED", "1")) if seed is None else seed
        self.rng = np.random.default_rng(self.seed)
        self.prng = random.Random(self.seed)
        dut.rst_n.value = 0
        cocotb.start_soon(Clock(dut.clk, CLK_NS, unit="ns").start())
        self.regs, _ = SimBackend.create(
            dut, ram_cls=FaultRam, clock_period_ns=CLK_NS, ram_size=1 << 32
        )
        self.ram: FaultRam = self.regs.ram
        self.axil = self.regs.axil
        self.drv = XrnpeDriver(self.regs, self.regs, mem_base=MEM_BASE, use_irq=use_irq)
        self.params = json.loads(os.environ.get("XRNPE_PARAMS", "{}"))
        if not os.environ.get("XRNPE_AXI_LOG"):  # per-burst INFO logs slow the simulation down
            self.ram.quiet_logs()
            for port in (self.axil.read_if, self.axil.write_if):
                port.log.setLevel("WARNING")
        self.pauses_on = False
        # protocol checkers on both ports (XRNPE_AXI_CHECK=0 turns them off, e.g. for speed)
        if check is None:
            check = os.environ.get("XRNPE_AXI_CHECK", "1") not in ("", "0")
        self.axi_m, self.axi_l = for_coprocessor(dut) if check else (None, None)
        # functional coverage (xrnpe.sim.fcov): pauses per channel, job ends, soft resets
        self.cov = fcov.COV
        self.pause_counts = dict.fromkeys(fcov.CHANNELS, 0)
        ctrl = getattr(dut, "u_ctrl", None)
        if ctrl is not None and os.environ.get("XRNPE_FCOV_DIR"):
            cocotb.start_soon(self._watch_job_end(ctrl))
            cocotb.start_soon(self._watch_soft_reset(ctrl))

    async def _watch_job_end(self, ctrl) -> None:
        while True:
            await RisingEdge(ctrl.job_end)
            await ReadOnly()
            self.cov.sample_error(int(ctrl.st_err_code.value) if int(ctrl.job_end_err.value) else 0)

    async def _watch_soft_reset(self, ctrl) -> None:
        while True:
            await RisingEdge(ctrl.soft_reset)
            await ReadOnly()
            self.cov.sample_soft_reset(int(ctrl.job_q.value))

    def sample_job(self, m: int, n: int, k: int, fmt: str, out: str, paused_before: dict) -> None:
        """A job ended bit-exact: its shape/format classes and the channels paused during it."""
        self.cov.sample_job(m, n, k, fmt, out, self.params)
        for ch, c in self.pause_counts.items():
            if c > paused_before.get(ch, 0):
                self.cov.hit("pause", ch)

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
        return [
            w.aw_channel,
            w.w_channel,
            w.b_channel,
            r.ar_channel,
            r.r_channel,
            self.axil.write_if.aw_channel,
            self.axil.write_if.w_channel,
            self.axil.write_if.b_channel,
            self.axil.read_if.ar_channel,
            self.axil.read_if.r_channel,
        ]

    def set_pauses(self, on: bool, p: float | None = None) -> None:
        """Random idle/backpressure on all ten AXI channels (or none)."""
        self.pauses_on = on
        for name, ch in zip(fcov.CHANNELS, self.channels(), strict=True):
            if on:
                prob = p if p is not None else self.prng.choice((0.1, 0.3, 0.5, 0.7))
                ch.set_pause_generator(
                    pause_gen(random.Random(self.prng.random()), prob, self.pause_counts, name)
                )
            else:
                ch.clear_pause_generator()
                ch.pause = False  # clearing the generator leaves the last value in place

    async def irq(self) -> int:
        await ReadOnly()
        v = int(self.dut.irq.value)
        await RisingEdge(self.dut.clk)
        return v

    def reset_bus(self) -> None:
        """Reset the interconnect and memory model (not the DUT): in-flight bursts are
        dropped, channel queues cleared, misbehaviour switched off, checkers' state forgotten.
        What a system does after BUS_TIMEOUT or BUS_PROTOCOL (docs/coprocessor.md)."""
        self.ram.reset_bus()
        for chk in (self.axi_m, self.axi_l):
            if chk is not None:
                chk.reset_bus()

    def check_protocol(self) -> None:
        """No AXI4 master attribute/burst violation (FaultRam) and no handshake or
        transaction violation by the DUT on either port (axi_checker)."""
        fcov.save_run(f"{os.environ.get('XRNPE_RUN_NAME', 'run')}-{os.getpid()}")
        errs = self.ram.protocol_errors
        assert not errs, f"{len(errs)} AXI4 master protocol violations, first: {errs[:3]}"
        for chk in (self.axi_m, self.axi_l):
            if chk is not None:
                bad = chk.errors("dut")
                assert not bad, (
                    f"{len(bad)} {chk.prefix} handshake violations by the DUT: {bad[:3]}"
                )
                tb = chk.errors("tb")  # tests that inject them check and clear them
                assert not tb, f"{len(tb)} {chk.prefix} violations by the testbench side: {tb[:3]}"
