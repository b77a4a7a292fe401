# SPDX-License-Identifier: Apache-2.0
"""Bus backends of :class:`xrnpe.driver.XrnpeDriver`: the register bus and memory port over
cocotbext-axi in simulation (:class:`CocotbBackend`), and over ``mmap`` on a board
(:class:`MmapBackend`).
"""

from __future__ import annotations

import time

import numpy as np

from . import regmap
from .driver import BusError, CoprocTimeout


class CocotbBackend:
    """Register bus + memory port over cocotbext-axi: AxiLiteMaster (CPU) and AxiRam (DRAM).

    Memory accesses go straight to the AxiRam's storage (zero simulated time, like a CPU
    writing DRAM before starting the accelerator).  ``wait_irq``/``sleep`` count cycles of
    ``clk``; every register access is bounded by ``reg_timeout_cycles``.
    """

    def __init__(
        self,
        axil,
        ram,
        clk,
        irq=None,
        *,
        clock_period_ns: float = 10.0,
        reg_timeout_cycles: int = 2000,
        raise_on_error: bool = True,
    ):
        self.axil, self.ram, self.clk, self.irq = axil, ram, clk, irq
        self.period = clock_period_ns
        self.reg_timeout_cycles = reg_timeout_cycles
        self.raise_on_error = raise_on_error
        self.last_resp = 0
        if irq is None:
            self.wait_irq = None  # type: ignore[assignment]  (driver polls instead)

    @classmethod
    def create(
        cls, dut, *, ram_size: int = 1 << 32, clock_period_ns: float = 10.0, ram_cls=None, **kw
    ):
        """AxiLiteMaster on ``s_axil_*``, ``ram_cls`` (AxiRam) on ``m_axi_*``, reset rst_n."""
        from cocotbext.axi import AxiBus, AxiLiteBus, AxiLiteMaster, AxiRam

        axil = AxiLiteMaster(
            AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst_n, reset_active_level=False
        )
        ram = (ram_cls or AxiRam)(
            AxiBus.from_prefix(dut, "m_axi"),
            dut.clk,
            dut.rst_n,
            reset_active_level=False,
            size=ram_size,
        )
        be = cls(axil, ram, dut.clk, dut.irq, clock_period_ns=clock_period_ns, **kw)
        return be, be

    async def _bounded(self, coro, what: str):
        from cocotb.triggers import SimTimeoutError, with_timeout

        try:
            return await with_timeout(coro, self.reg_timeout_cycles * self.period, "ns")
        except SimTimeoutError:
            raise CoprocTimeout(
                f"{what}: no AXI4-Lite response in {self.reg_timeout_cycles} cycles"
            ) from None

    async def read32(self, addr: int) -> int:
        r = await self._bounded(self.axil.read(addr, 4), f"read 0x{addr:02x}")
        self.last_resp = int(r.resp)
        if self.raise_on_error and self.last_resp:
            raise BusError("read", addr, self.last_resp)
        return int.from_bytes(r.data, "little")

    async def write32(self, addr: int, value: int) -> None:
        r = await self._bounded(
            self.axil.write(addr, int(value).to_bytes(4, "little")), f"write 0x{addr:02x}"
        )
        self.last_resp = int(r.resp)
        if self.raise_on_error and self.last_resp:
            raise BusError("write", addr, self.last_resp)

    async def wait_irq(self, cycles: int) -> bool:
        from cocotb.triggers import ClockCycles, First, RisingEdge

        if int(self.irq.value):
            return True
        edge = RisingEdge(self.irq)
        t = ClockCycles(self.clk, int(cycles))
        fired = await First(edge, t)
        return fired is edge or bool(int(self.irq.value))

    async def sleep(self, cycles: int) -> None:
        from cocotb.triggers import ClockCycles

        await ClockCycles(self.clk, int(cycles))

    # memory port
    async def write(self, addr: int, data: bytes) -> None:
        self.ram.write(addr, bytes(data))

    async def read(self, addr: int, length: int) -> bytes:
        return bytes(self.ram.read(addr, length))


class MmapBackend:
    """Register bus + memory port for real hardware through ``mmap`` (``/dev/mem`` or UIO).

    ``regs_dev``/``regs_offset``: file and offset of the AXI4-Lite window (a UIO map, or
    ``/dev/mem`` at the physical base); ``mem_dev``/``mem_offset``/``mem_size``: a
    physically contiguous buffer the co-processor can reach (e.g. a reserved-memory region or
    a u-dma-buf), whose bus address is ``mem_bus_base``.  Register accesses are blocking
    32-bit loads/stores; time is wall-clock (``clock_hz`` converts cycle budgets).  With UIO,
    ``wait_irq`` blocks on the UIO file descriptor.  Not exercised in this repository's
    tests (no board); it shows how a backend is written.
    """

    def __init__(
        self,
        regs_dev: str,
        regs_offset: int,
        mem_dev: str,
        mem_offset: int,
        mem_size: int,
        *,
        mem_bus_base: int = 0,
        clock_hz: float = 100e6,
        uio_irq: bool = False,
    ):
        import mmap
        import os

        self.clock_hz = clock_hz
        self._rfd = os.open(regs_dev, os.O_RDWR | os.O_SYNC)
        self._regs = mmap.mmap(self._rfd, 1 << regmap.REG_ADDR_W, offset=regs_offset)
        self._mfd = os.open(mem_dev, os.O_RDWR | os.O_SYNC)
        self._mem = mmap.mmap(self._mfd, mem_size, offset=mem_offset)
        self.mem_bus_base = mem_bus_base
        self.uio_irq = uio_irq
        if not uio_irq:
            self.wait_irq = None  # type: ignore[assignment]

    async def read32(self, addr: int) -> int:
        return int(np.frombuffer(self._regs, dtype="<u4", count=1, offset=addr)[0])

    async def write32(self, addr: int, value: int) -> None:
        np.frombuffer(self._regs, dtype="<u4", count=1, offset=addr)[0] = value & 0xFFFFFFFF

    async def sleep(self, cycles: int) -> None:
        time.sleep(cycles / self.clock_hz)

    async def wait_irq(self, cycles: int) -> bool:
        import os
        import select

        os.write(self._rfd, (1).to_bytes(4, "little"))  # re-enable the UIO interrupt
        r, _, _ = select.select([self._rfd], [], [], max(0.01, 10 * cycles / self.clock_hz))
        if r:
            os.read(self._rfd, 4)
        return bool(r)

    async def write(self, addr: int, data: bytes) -> None:
        off = addr - self.mem_bus_base
        self._mem[off : off + len(data)] = bytes(data)

    async def read(self, addr: int, length: int) -> bytes:
        off = addr - self.mem_bus_base
        return bytes(self._mem[off : off + length])


__all__ = ["CocotbBackend", "MmapBackend"]
