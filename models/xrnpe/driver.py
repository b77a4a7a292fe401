# SPDX-License-Identifier: Apache-2.0
"""Driver for the XR-NPE matrix-multiplication co-processor (``rtl/xrnpe_coprocessor.sv``).

The driver talks to two abstract ports, so the same code runs against the RTL in simulation
(:class:`xrnpe.backends.CocotbBackend`) and against an FPGA (:class:`xrnpe.backends.MmapBackend`):

* a **register bus** with ``async read32(addr) -> int`` and ``async write32(addr, value)``
  (byte addresses relative to the co-processor's AXI4-Lite window), and optionally
  ``async wait_irq(cycles) -> bool`` (wait until the interrupt line is high, False on timeout)
  and ``async sleep(cycles)`` (let about that many co-processor clock cycles pass);
* a **memory port** with ``async write(addr, data: bytes)`` and ``async read(addr, length)
  -> bytes`` for the memory the co-processor's AXI4 master sees (bus addresses).

Register addresses, fields and error codes come from :mod:`xrnpe.regmap` (generated from the
SystemRDL register map in ``spec/``); the memory layout from :mod:`xrnpe.layout`.

Example (inside a cocotb test; see docs/driver.md)::

    regs, mem = CocotbBackend.create(dut)          # AxiLiteMaster + AxiRam on the DUT
    drv = XrnpeDriver(regs, mem)
    c = await drv.matmul(a_codes, b_codes, "p8", "fp32")
    print(drv.last_stats)                          # cycles, macs, utilization, ...
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from . import regmap
from .formats import FORMATS, as_format
from .layout import Layout, operand_image, plan_layout, unpack_c, words_per_row

# ------------------------------------------------------------------------------- exceptions
#: What to do about each error code (the message of :class:`CoprocError` ends with it).
ERROR_HINTS = {
    regmap.ERR_BAD_IN_FMT: "FORMAT.IN_FMT is not fp4, p4, p8 or p16",
    regmap.ERR_BAD_OUT_FMT: "FORMAT.OUT_FMT is not fp4, p4, p8, p16 or fp32",
    regmap.ERR_ZERO_DIM: "M, N and K must be at least 1",
    regmap.ERR_K_TOO_LARGE: "K is above the exact limit of the input format",
    regmap.ERR_UNALIGNED: "A/Bt bases and strides must be multiples of CONFIG.DATA_BYTES, "
    "C's of the output element size",
    regmap.ERR_STRIDE_TOO_SMALL: "a row stride is shorter than the row",
    regmap.ERR_READ_RESP: "the memory answered SLVERR/DECERR to a read of A or Bt",
    regmap.ERR_WRITE_RESP: "the memory answered SLVERR/DECERR to a write of C",
    regmap.ERR_DIM_TOO_LARGE: "M and N must be at most 65536",
    regmap.ERR_ADDR_WRAP: "the span of A, Bt or C passes the top of the 32-bit address space",
    regmap.ERR_READ_WINDOW: "A or Bt lies outside the read window RD_WIN_BASE..RD_WIN_LIMIT "
    "(set by privileged software)",
    regmap.ERR_WRITE_WINDOW: "C lies outside the write window WR_WIN_BASE..WR_WIN_LIMIT "
    "(set by privileged software)",
    regmap.ERR_C_OVERLAP: "C overlaps A or Bt: place C in memory of its own",
    regmap.ERR_BUS_TIMEOUT: "a memory transaction got no answer within WDOG_CYCLES cycles; the "
    "interconnect needs a reset before the next job",
    regmap.ERR_BUS_PROTOCOL: "the memory broke the AXI protocol (RLAST, RID/BID or an "
    "unrequested response); the interconnect needs a reset",
}


class CoprocError(RuntimeError):
    """The co-processor ended a job with an error status (``code`` / ``name`` from regmap,
    ``hint`` what it means in words)."""

    def __init__(self, code: int, status: int, msg: str = ""):
        self.code = int(code)
        self.status = int(status)
        self.name = regmap.ERROR_NAMES.get(self.code, f"UNKNOWN_{self.code}")
        self.hint = ERROR_HINTS.get(self.code, "")
        super().__init__(
            f"co-processor error {self.name} (ERR_CODE {self.code}, STATUS 0x{self.status:08x})"
            + (f": {msg}" if msg else "")
            + (f": {self.hint}" if self.hint and not msg else "")
        )


class CoprocTimeout(CoprocError):  # noqa: N818 (public API name, kept)
    """A job, or a register access, did not finish within its time budget."""

    def __init__(self, what: str, status: int | None = None):
        self.code = -1
        self.status = -1 if status is None else int(status)
        self.name = "TIMEOUT"
        RuntimeError.__init__(
            self,
            f"co-processor timeout: {what}"
            + ("" if status is None else f" (STATUS 0x{status:08x})"),
        )


class BusError(RuntimeError):
    """A register access answered with an error response (SLVERR/DECERR)."""

    def __init__(self, op: str, addr: int, resp: int):
        self.op, self.addr, self.resp = op, int(addr), int(resp)
        name = {0: "OKAY", 1: "EXOKAY", 2: "SLVERR", 3: "DECERR"}.get(self.resp, str(self.resp))
        super().__init__(f"register {op} at 0x{self.addr:02x} answered {name}")


# ------------------------------------------------------------------------------ port protocols
class RegisterBus(Protocol):
    async def read32(self, addr: int) -> int: ...

    async def write32(self, addr: int, value: int) -> None: ...


class MemoryPort(Protocol):
    async def write(self, addr: int, data: bytes) -> None: ...

    async def read(self, addr: int, length: int) -> bytes: ...


# ------------------------------------------------------------------------------ driver
# CONFIG.PE_KIND values (xrnpe_pe_pkg)
PE_KIND_RMMEC, PE_KIND_BASELINE, PE_KIND_WIDE = 0, 1, 2


@dataclass
class CoprocConfig:
    """What the hardware says about itself (ID, VERSION, CONFIG, buffer sizes)."""

    id: int
    version: int
    rows: int
    cols: int
    data_bytes: int
    abuf_words: int
    bbuf_words: int
    pe_kind: int = PE_KIND_RMMEC  # CONFIG.PE_KIND

    def peak_macs_per_cycle(self, fmt) -> int:
        """ROWS * COLS * lanes of ``fmt`` (the wide PE kind: one lane in every format)."""
        lanes = 1 if self.pe_kind == PE_KIND_WIDE else as_format(fmt).lanes
        return self.rows * self.cols * lanes


@dataclass
class JobResult:
    status: int
    err_code: int
    cycles: int
    macs: int
    invalid: bool
    irq_status: int
    extra: dict = field(default_factory=dict)


def output_blocks(m: int, n: int, block_rows: int, block_cols: int) -> list[tuple[int, int]]:
    """Top-left corners (row, column) of the C blocks an engine runs as separate jobs."""
    return [(r, c) for r in range(0, m, block_rows) for c in range(0, n, block_cols)]


def block_stats(cfg: CoprocConfig, lay: Layout, cycles: int, macs: int, invalid: bool) -> dict:
    """The statistics of one co-processor job (``last_stats``): the record every RTL engine
    keeps per block."""
    peak = cfg.peak_macs_per_cycle(lay.fmt)
    return dict(
        m=lay.m,
        k=lay.k,
        n=lay.n,
        fmt=lay.fmt,
        out_fmt=lay.out_fmt,
        cycles=cycles,
        macs=macs,
        peak_macs_per_cycle=peak,
        utilization=macs / (cycles * peak) if cycles else 0.0,
        invalid=invalid,
    )


def combined_stats(
    cfg: CoprocConfig, m: int, k: int, n: int, fmt, out_fmt, per_block: list[dict]
) -> dict:
    """One matmul's statistics from its blocks' job statistics (``last_stats`` of each job):
    the form every RTL engine returns."""
    cycles = sum(s["cycles"] for s in per_block)
    macs = sum(s["macs"] for s in per_block)
    peak = cfg.peak_macs_per_cycle(fmt)
    return dict(
        m=m,
        k=k,
        n=n,
        fmt=fmt,
        out_fmt=out_fmt,
        cycles=cycles,
        macs=macs,
        peak_macs_per_cycle=peak,
        utilization=macs / (cycles * peak) if cycles else 0.0,
        jobs=len(per_block),
        invalid=any(s["invalid"] for s in per_block),
        rows=cfg.rows,
        cols=cfg.cols,
        data_bytes=cfg.data_bytes,
        abuf_words=cfg.abuf_words,
        bbuf_words=cfg.bbuf_words,
        blocks=per_block if len(per_block) > 1 else [],
    )


def cycle_budget(m: int, n: int, k: int, fmt, cfg: CoprocConfig, slack: float = 16.0) -> int:
    """A generous bound on a job's cycles (for timeouts): compute + all DMA traffic, x slack."""
    f = as_format(fmt)
    kw = words_per_row(k, f)
    rb, cb = -(-m // cfg.rows), -(-n // cfg.cols)
    compute = rb * cb * (kw + 64)
    traffic = (rb * n * kw * 2 + cb * m * kw * 2 + m * n * 4) // max(1, cfg.data_bytes)
    return int(2000 + slack * (compute + traffic + rb * cb * 32))


class XrnpeDriver:
    """Programs the co-processor's registers and moves A, Bt and C through a memory port.

    ``mem_base``/``mem_size`` bound the memory window the driver may lay matrices out in.
    ``use_irq``: wait for the interrupt line when the register bus offers ``wait_irq``
    (otherwise, or if False, poll STATUS).
    """

    def __init__(
        self,
        regs: RegisterBus,
        mem: MemoryPort,
        *,
        mem_base: int = 0,
        mem_size: int | None = None,
        use_irq: bool = True,
        log=None,
    ):
        self.regs = regs
        self.mem = mem
        self.mem_base = int(mem_base)
        self.mem_size = mem_size
        self.use_irq = use_irq
        self.log = log
        self.config: CoprocConfig | None = None
        self.last_stats: dict = {}
        self.last_layout: Layout | None = None

    # ---------------------------------------------------------------- register helpers
    async def read(self, name: str) -> int:
        return await self.regs.read32(getattr(regmap, f"ADDR_{name}"))

    async def write(self, name: str, value: int) -> None:
        await self.regs.write32(getattr(regmap, f"ADDR_{name}"), int(value) & 0xFFFFFFFF)

    async def write_protected(self, name: str, value: int) -> None:
        """Write a protected register (PROT, RD_WIN_*, WR_WIN_*, LOCK) as a privileged access.

        The register bus's ``write32_privileged`` is used when it has one (simulation: AWPROT
        privileged); otherwise a plain ``write32``, whose privilege is the caller's (on a board,
        the CPU mode of the code that maps the registers: a user-space mapping is refused with
        SLVERR, raised as :class:`BusError`, unless the design sets CFG_PRIV = 0).
        """
        addr = getattr(regmap, f"ADDR_{name}")
        priv = getattr(self.regs, "write32_privileged", None)
        if priv is not None:
            await priv(addr, int(value) & 0xFFFFFFFF)
        else:
            await self.regs.write32(addr, int(value) & 0xFFFFFFFF)

    async def set_windows(
        self,
        read: tuple[int, int] | None = None,
        write: tuple[int, int] | None = None,
        *,
        lock: bool = False,
    ) -> None:
        """Program the DMA windows, each ``(base, limit)`` with an inclusive ``limit`` (a job
        whose A/Bt span leaves the read window, or whose C leaves the write window, ends with
        READ_WINDOW / WRITE_WINDOW at START); ``lock`` then sets LOCK (until rst_n)."""
        for (lo_name, hi_name), win in (
            (("RD_WIN_BASE", "RD_WIN_LIMIT"), read),
            (("WR_WIN_BASE", "WR_WIN_LIMIT"), write),
        ):
            if win is None:
                continue
            lo, hi = (int(v) for v in win)
            if not 0 <= lo <= hi <= 0xFFFFFFFF:
                raise ValueError(f"window (0x{lo:x}, 0x{hi:x}): need 0 <= base <= limit < 2**32")
            await self.write_protected(lo_name, lo)
            await self.write_protected(hi_name, hi)
        if lock:
            await self.lock()

    async def set_prot(
        self, privileged: bool = True, nonsecure: bool = True, instruction: bool = False
    ) -> None:
        """AxPROT of the co-processor's memory accesses (PROT register, protected)."""
        await self.write_protected(
            "PROT",
            (int(privileged) << regmap.PROT_PRIVILEGED_LSB)
            | (int(nonsecure) << regmap.PROT_NONSECURE_LSB)
            | (int(instruction) << regmap.PROT_INSTRUCTION_LSB),
        )

    async def lock(self) -> None:
        """Freeze PROT, the windows and LOCK itself until the next hardware reset."""
        await self.write_protected("LOCK", regmap.LOCK_LOCKED_MASK)

    async def set_watchdog(self, cycles: int) -> None:
        """Bus watchdog: a job waiting ``cycles`` cycles on the AXI4 master without a handshake
        ends with BUS_TIMEOUT (0 disables it; a SOFT_RESET drain stays bounded anyway)."""
        if not 0 <= int(cycles) <= 0xFFFFFFFF:
            raise ValueError(f"watchdog cycles {cycles} out of 0..2**32-1")
        await self.write("WDOG_CYCLES", int(cycles))

    async def read64(self, name: str) -> int:
        lo = await self.read(f"{name}_LO")
        hi = await self.read(f"{name}_HI")
        return (hi << 32) | lo

    async def probe(self) -> CoprocConfig:
        """Read ID, VERSION, CONFIG and buffer sizes (checks the ID)."""
        ident = await self.read("ID")
        if ident != regmap.ID_VALUE:
            raise RuntimeError(
                f"no XR-NPE co-processor: ID reads 0x{ident:08x}, expected 0x{regmap.ID_VALUE:08x}"
            )
        ver = await self.read("VERSION")
        cfg = await self.read("CONFIG")
        self.config = CoprocConfig(
            id=ident,
            version=ver,
            rows=regmap.field(cfg, "CONFIG", "ROWS"),
            cols=regmap.field(cfg, "CONFIG", "COLS"),
            data_bytes=regmap.field(cfg, "CONFIG", "DATA_BYTES"),
            abuf_words=await self.read("ABUF_WORDS"),
            bbuf_words=await self.read("BBUF_WORDS"),
            pe_kind=regmap.field(cfg, "CONFIG", "PE_KIND"),
        )
        return self.config

    async def _cfg(self) -> CoprocConfig:
        return self.config or await self.probe()

    # ------------------------------------------------------------------- job control
    async def program(
        self, lay: Layout, *, fmt_code: int | None = None, out_fmt_code: int | None = None
    ) -> None:
        """Write FORMAT, M, N, K, bases and strides for ``lay`` (codes may be overridden)."""
        fi = FORMATS[lay.fmt].code if fmt_code is None else fmt_code
        fo = FORMATS[lay.out_fmt].code if out_fmt_code is None else out_fmt_code
        await self.write(
            "FORMAT", (fi << regmap.FORMAT_IN_FMT_LSB) | (fo << regmap.FORMAT_OUT_FMT_LSB)
        )
        for reg, val in (
            ("M", lay.m),
            ("N", lay.n),
            ("K", lay.k),
            ("A_BASE", lay.a_base),
            ("A_STRIDE", lay.a_stride),
            ("B_BASE", lay.b_base),
            ("B_STRIDE", lay.b_stride),
            ("C_BASE", lay.c_base),
            ("C_STRIDE", lay.c_stride),
        ):
            await self.write(reg, val)

    async def start(self) -> None:
        """Clear stale interrupt causes, enable interrupts (if used) and write START."""
        await self.write("IRQ_STATUS", regmap.IRQ_STATUS_DONE_MASK | regmap.IRQ_STATUS_ERROR_MASK)
        if self.use_irq and getattr(self.regs, "wait_irq", None) is not None:
            await self.write(
                "IRQ_ENABLE", regmap.IRQ_ENABLE_DONE_MASK | regmap.IRQ_ENABLE_ERROR_MASK
            )
        await self.write("CTRL", regmap.CTRL_START_MASK)

    async def soft_reset(self, timeout_cycles: int = 100_000) -> int:
        """Abort any job (CTRL.SOFT_RESET) and wait until BUSY drops; returns STATUS."""
        await self.write("CTRL", regmap.CTRL_SOFT_RESET_MASK)
        return await self._poll_idle(timeout_cycles, "soft-reset drain")

    async def _poll_idle(self, timeout_cycles: int, what: str) -> int:
        sleep = getattr(self.regs, "sleep", None)
        waited, step = 0, 16
        t0 = time.monotonic()
        while True:
            st = await self.read("STATUS")
            if not st & regmap.STATUS_BUSY_MASK:
                return st
            if waited > timeout_cycles:
                raise CoprocTimeout(f"{what} still busy after ~{waited} cycles", st)
            if sleep is not None:
                await sleep(step)
            elif time.monotonic() - t0 > max(1.0, timeout_cycles / 1e6):
                raise CoprocTimeout(f"{what} still busy after {time.monotonic() - t0:.1f} s", st)
            waited += step
            step = min(step * 2, 4096)

    async def wait(self, timeout_cycles: int) -> JobResult:
        """Wait for the end of the job (irq or STATUS.BUSY = 0); raise CoprocError on error."""
        wait_irq = getattr(self.regs, "wait_irq", None) if self.use_irq else None
        if wait_irq is not None:
            if not await wait_irq(timeout_cycles):
                st = await self.read("STATUS")
                raise CoprocTimeout(f"no interrupt within {timeout_cycles} cycles", st)
            st = await self.read("STATUS")
            if st & regmap.STATUS_BUSY_MASK:
                raise CoprocTimeout("irq raised while STATUS.BUSY is still set", st)
        else:
            st = await self._poll_idle(timeout_cycles, "job")
        irq = await self.read("IRQ_STATUS")
        await self.write("IRQ_STATUS", irq)  # acknowledge (write 1 to clear)
        res = JobResult(
            status=st,
            err_code=regmap.field(st, "STATUS", "ERR_CODE"),
            cycles=await self.read64("CYCLES"),
            macs=await self.read64("MACS"),
            invalid=bool(st & regmap.STATUS_INVALID_MASK),
            irq_status=irq,
        )
        if not st & regmap.STATUS_DONE_MASK:
            e = CoprocError(res.err_code, st, "job idle but STATUS.DONE not set")
        elif st & regmap.STATUS_ERROR_MASK or res.err_code:
            e = CoprocError(res.err_code, st)
        else:
            return res
        e.result = res  # the counters and IRQ_STATUS of the failed job
        raise e

    # ------------------------------------------------------------------- data movement
    def plan(self, m: int, n: int, k: int, fmt, out_fmt, **kw) -> Layout:
        cfg = self.config
        if cfg is None:
            raise RuntimeError("call probe() first")
        lay = plan_layout(m, n, k, fmt, out_fmt, cfg.data_bytes, self.mem_base, **kw)
        if self.mem_size is not None and lay.end > self.mem_base + self.mem_size:
            raise ValueError(
                f"job needs {lay.end - self.mem_base} bytes of memory, the window "
                f"has {self.mem_size}"
            )
        return lay

    async def load(self, lay: Layout, a, b) -> None:
        """Write A and Bt = B.T into memory at ``lay``."""
        await self.mem.write(lay.a_base, operand_image(a, lay.fmt, lay.a_stride))
        await self.mem.write(lay.b_base, operand_image(np.asarray(b).T, lay.fmt, lay.b_stride))

    async def fetch_c(self, lay: Layout) -> np.ndarray:
        buf = await self.mem.read(lay.c_base, lay.c_size)
        return unpack_c(buf, lay.m, lay.n, lay.c_stride, lay.out_fmt)

    async def run(self, lay: Layout, timeout_cycles: int | None = None) -> JobResult:
        """Program the registers for ``lay``, start and wait (A/B must already be loaded)."""
        cfg = await self._cfg()
        if timeout_cycles is None:
            timeout_cycles = cycle_budget(lay.m, lay.n, lay.k, lay.fmt, cfg)
        await self.program(lay)
        await self.start()
        res = await self.wait(timeout_cycles)
        self.last_stats = block_stats(cfg, lay, res.cycles, res.macs, res.invalid)
        return res

    async def matmul(
        self,
        a,
        b,
        fmt,
        out_fmt,
        *,
        timeout_cycles: int | None = None,
        layout: Layout | None = None,
        **plan_kw,
    ) -> np.ndarray:
        """C = A x B on the co-processor: validate, lay out, load, run, read C back.

        ``a`` (M, K) and ``b`` (K, N) are code arrays (CONTRACT dtypes).  Returns C codes
        (uint8/uint16) or float32 for fp32.  Raises ValueError on bad operands, CoprocError on
        an error status and CoprocTimeout if the job does not end in time.
        """
        from .matmul import check_operands

        f, o = as_format(fmt), as_format(out_fmt, output=True)
        a, b = check_operands(a, b, f)
        await self._cfg()
        (m, k), n = a.shape, b.shape[1]
        lay = layout or self.plan(m, n, k, f, o, **plan_kw)
        self.last_layout = lay
        await self.load(lay, a, b)
        await self.run(lay, timeout_cycles)
        return await self.fetch_c(lay)


__all__ = [
    "ERROR_HINTS",
    "BusError",
    "CoprocConfig",
    "CoprocError",
    "CoprocTimeout",
    "JobResult",
    "MemoryPort",
    "RegisterBus",
    "XrnpeDriver",
    "block_stats",
    "combined_stats",
    "cycle_budget",
    "output_blocks",
]
