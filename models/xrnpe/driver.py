"""Driver for the XR-NPE matrix-multiplication co-processor (``rtl/coprocessor.sv``).

The driver talks to two abstract ports, so the same code runs against the RTL in simulation
(cocotb + cocotbext-axi) and against an FPGA (``/dev/mem`` or UIO mappings):

* a **register bus** with ``async read32(addr) -> int`` and ``async write32(addr, value)``
  (byte addresses relative to the co-processor's AXI4-Lite window), and optionally
  ``async wait_irq(cycles) -> bool`` (wait until the interrupt line is high, False on timeout)
  and ``async sleep(cycles)`` (let about that many co-processor clock cycles pass);
* a **memory port** with ``async write(addr, data: bytes)`` and ``async read(addr, length)
  -> bytes`` for the memory the co-processor's AXI4 master sees (bus addresses).

Register addresses, fields and error codes come from :mod:`xrnpe.regmap` (generated from
``spec/regmap.toml``); nothing is hard-coded here.  The memory layout of A, Bt and C is the one
of docs/coprocessor.md.  The packing and layout helpers are plain NumPy functions
(``pack_rows``, ``plan_layout``, ``operand_image``, ``unpack_c``...) testable without a simulator.

Example (inside a cocotb test; see tb/coprocessor/ and docs/driver.md)::

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

from . import regmap as R
from .formats import FORMATS, WORD_BITS, Format, get_format


# ------------------------------------------------------------------------------- exceptions
class CoprocError(RuntimeError):
    """The co-processor ended a job with an error status (``code`` / ``name`` from regmap)."""

    def __init__(self, code: int, status: int, msg: str = ""):
        self.code = int(code)
        self.status = int(status)
        self.name = R.ERROR_NAMES.get(self.code, f"UNKNOWN_{self.code}")
        super().__init__(
            f"co-processor error {self.name} (ERR_CODE {self.code}, STATUS 0x{self.status:08x})"
            + (f": {msg}" if msg else "")
        )


class CoprocTimeout(CoprocError):
    """A job, or a register access, did not finish within its time budget."""

    def __init__(self, what: str, status: int | None = None):
        self.code = -1
        self.status = -1 if status is None else int(status)
        self.name = "TIMEOUT"
        RuntimeError.__init__(
            self, f"co-processor timeout: {what}"
            + ("" if status is None else f" (STATUS 0x{status:08x})")
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


# ------------------------------------------------------------------------- formats / packing
def _fin(fmt) -> Format:
    return fmt if isinstance(fmt, Format) else get_format(fmt)


def _fout(fmt) -> Format:
    return fmt if isinstance(fmt, Format) else get_format(fmt, output=True)


def words_per_row(k: int, fmt) -> int:
    """KW: 16-bit words holding one row of ``k`` codes of ``fmt`` (ceil(k / lanes))."""
    return -(-int(k) // _fin(fmt).lanes)


def c_elem_bytes(out_fmt) -> int:
    """Bytes per C element: 1 for fp4/p4/p8 outputs, 2 for p16, 4 for fp32."""
    w = _fout(out_fmt).width
    return 1 if w <= 8 else w // 8


def pack_rows(codes, fmt) -> np.ndarray:
    """Pack an (R, K) code matrix into (R, KW) uint16 words, lane 0 in the low bits.

    Lane ``i`` of word ``t`` is element ``t*lanes + i``; lanes past K in a row's last word
    are 0 (the hardware ignores them anyway).
    """
    f = _fin(fmt)
    codes = np.asarray(codes)
    if codes.ndim != 2:
        raise ValueError(f"expected a 2-D code matrix, got shape {codes.shape}")
    r, k = codes.shape
    lanes, w = f.lanes, f.width
    nw = words_per_row(k, f)
    padded = np.zeros((r, nw * lanes), dtype=np.uint32)
    padded[:, :k] = codes.astype(np.uint32) & f.code_mask
    shifts = (np.arange(lanes, dtype=np.uint32) * w)[None, None, :]
    return (padded.reshape(r, nw, lanes) << shifts).sum(axis=2, dtype=np.uint32).astype(np.uint16)


def unpack_rows(words, fmt, k: int) -> np.ndarray:
    """Inverse of :func:`pack_rows`: (R, KW) words -> (R, k) codes of ``fmt``."""
    f = _fin(fmt)
    words = np.asarray(words, dtype=np.uint32)
    shifts = (np.arange(f.lanes, dtype=np.uint32) * f.width)[None, None, :]
    codes = (words[:, :, None] >> shifts) & f.code_mask
    return codes.reshape(words.shape[0], -1)[:, :k].astype(f.dtype)


def _roundup(x: int, m: int) -> int:
    return -(-int(x) // m) * m


def operand_image(codes, fmt, stride: int, pad_byte: int | None = 0) -> bytes:
    """Memory image of an (R, K) operand (A, or Bt = B.T): R rows of ``stride`` bytes.

    Each row holds KW little-endian words; the bytes after them up to the stride are
    ``pad_byte`` (0 by default; ``None`` leaves random bytes, for tests).
    """
    words = pack_rows(codes, fmt)
    r, kw = words.shape
    if stride < 2 * kw:
        raise ValueError(f"stride {stride} is smaller than a row ({2 * kw} bytes)")
    if pad_byte is None:
        img = np.random.default_rng().integers(0, 256, (r, stride), dtype=np.uint8)
    else:
        img = np.full((r, stride), pad_byte, dtype=np.uint8)
    img[:, : 2 * kw] = words.astype("<u2").view(np.uint8).reshape(r, 2 * kw)
    return img.tobytes()


def c_image(c, out_fmt, stride: int, fill: int = 0) -> bytes:
    """Memory image of C codes (used by tests to build expected memory)."""
    o = _fout(out_fmt)
    size = c_elem_bytes(o)
    c = np.asarray(c)
    m, n = c.shape
    if o.kind == "ieee":
        raw = np.asarray(c, dtype=np.float32).view("<u4")
    else:
        raw = c.astype({1: "<u1", 2: "<u2"}[size])
    img = np.full((m, stride), fill, dtype=np.uint8)
    img[:, : n * size] = raw.astype({1: "<u1", 2: "<u2", 4: "<u4"}[size]).view(np.uint8).reshape(m, n * size)
    return img.tobytes()


def unpack_c(buf: bytes, m: int, n: int, stride: int, out_fmt) -> np.ndarray:
    """Decode C from ``m`` rows of ``stride`` bytes into the CONTRACT dtype of ``out_fmt``
    (uint8 for fp4/p4/p8, uint16 for p16, float32 for fp32)."""
    o = _fout(out_fmt)
    size = c_elem_bytes(o)
    need = (m - 1) * stride + n * size
    if len(buf) < need:
        raise ValueError(f"C buffer has {len(buf)} bytes, needs {need}")
    raw = np.frombuffer(bytes(buf[:need]) + bytes(m * stride - need), dtype=np.uint8)
    rows = raw.reshape(m, stride)[:, : n * size]
    if o.kind == "ieee":
        return rows.copy().view("<u4").reshape(m, n).astype(np.uint32).view(np.float32)
    vals = rows.copy().view({1: "<u1", 2: "<u2"}[size]).reshape(m, n)
    if int(vals.max(initial=0)) > o.code_mask:
        bad = int(vals[vals > o.code_mask].flat[0])
        raise ValueError(f"C holds 0x{bad:x}, not a {o.name} code (upper bits must be 0)")
    return vals.astype(o.dtype)


# ---------------------------------------------------------------------------------- layout
@dataclass
class Layout:
    """Where one job's matrices live (bus addresses) and the register values describing them."""

    m: int
    n: int
    k: int
    fmt: str
    out_fmt: str
    a_base: int
    a_stride: int
    b_base: int
    b_stride: int
    c_base: int
    c_stride: int
    end: int  # first byte after everything this layout uses

    @property
    def kw(self) -> int:
        return words_per_row(self.k, self.fmt)

    @property
    def c_size(self) -> int:
        """Bytes from C_BASE to the end of the last C element."""
        return (self.m - 1) * self.c_stride + self.n * c_elem_bytes(self.out_fmt)

    def c_region(self) -> tuple[int, int]:
        return self.c_base, self.c_base + self.m * self.c_stride


def plan_layout(m: int, n: int, k: int, fmt, out_fmt, data_bytes: int, base: int = 0, *,
                a_pad: int = 0, b_pad: int = 0, c_pad: int = 0, gap: int = 0,
                c_offset: int = 0) -> Layout:
    """Lay A, Bt and C out from ``base`` per the alignment rules of docs/coprocessor.md.

    A/B rows start on bus words (``data_bytes``): stride = roundup(2*KW, data_bytes) plus
    ``a_pad``/``b_pad`` extra bus words.  C rows are N elements plus ``c_pad`` extra
    elements.  ``gap`` bytes (rounded up to a bus word) separate the regions (tests fill them
    with a canary); ``c_offset`` elements shift C_BASE inside its bus word.
    """
    f, o = _fin(fmt), _fout(out_fmt)
    if min(m, n, k) < 1:
        raise ValueError(f"dimensions must be >= 1, got M={m} N={n} K={k}")
    db = int(data_bytes)
    kw = words_per_row(k, f)
    size = c_elem_bytes(o)
    a_stride = _roundup(2 * kw, db) + a_pad * db
    b_stride = _roundup(2 * kw, db) + b_pad * db
    c_stride = (n + c_pad) * size
    g = _roundup(gap, db)
    a_base = _roundup(base, db)
    b_base = _roundup(a_base + m * a_stride + g, db)
    c_base = _roundup(b_base + n * b_stride + g, db) + c_offset * size
    end = _roundup(c_base + m * c_stride + g, db)
    return Layout(m, n, k, f.name, o.name, a_base, a_stride, b_base, b_stride, c_base,
                  c_stride, end)


# ------------------------------------------------------------------------------ driver
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

    def peak_macs_per_cycle(self, fmt) -> int:
        """ROWS * COLS * lanes of ``fmt``."""
        return self.rows * self.cols * _fin(fmt).lanes


@dataclass
class JobResult:
    status: int
    err_code: int
    cycles: int
    macs: int
    invalid: bool
    irq_status: int
    extra: dict = field(default_factory=dict)


def cycle_budget(m: int, n: int, k: int, fmt, cfg: CoprocConfig, slack: float = 16.0) -> int:
    """A generous bound on a job's cycles (for timeouts): compute + all DMA traffic, x slack."""
    f = _fin(fmt)
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

    def __init__(self, regs: RegisterBus, mem: MemoryPort, *, mem_base: int = 0,
                 mem_size: int | None = None, use_irq: bool = True, log=None):
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
        return await self.regs.read32(getattr(R, f"ADDR_{name}"))

    async def write(self, name: str, value: int) -> None:
        await self.regs.write32(getattr(R, f"ADDR_{name}"), int(value) & 0xFFFFFFFF)

    async def read64(self, name: str) -> int:
        lo = await self.read(f"{name}_LO")
        hi = await self.read(f"{name}_HI")
        return (hi << 32) | lo

    async def probe(self) -> CoprocConfig:
        """Read ID, VERSION, CONFIG and buffer sizes (checks the ID)."""
        ident = await self.read("ID")
        if ident != R.ID_VALUE:
            raise RuntimeError(f"no XR-NPE co-processor: ID reads 0x{ident:08x}, "
                               f"expected 0x{R.ID_VALUE:08x}")
        ver = await self.read("VERSION")
        cfg = await self.read("CONFIG")
        self.config = CoprocConfig(
            id=ident, version=ver,
            rows=R.field(cfg, "CONFIG", "ROWS"), cols=R.field(cfg, "CONFIG", "COLS"),
            data_bytes=R.field(cfg, "CONFIG", "DATA_BYTES"),
            abuf_words=await self.read("ABUF_WORDS"), bbuf_words=await self.read("BBUF_WORDS"),
        )
        return self.config

    async def _cfg(self) -> CoprocConfig:
        return self.config or await self.probe()

    # ------------------------------------------------------------------- job control
    async def program(self, lay: Layout, *, fmt_code: int | None = None,
                      out_fmt_code: int | None = None) -> None:
        """Write FORMAT, M, N, K, bases and strides for ``lay`` (codes may be overridden)."""
        fi = FORMATS[lay.fmt].code if fmt_code is None else fmt_code
        fo = FORMATS[lay.out_fmt].code if out_fmt_code is None else out_fmt_code
        await self.write("FORMAT", (fi << R.FORMAT_IN_FMT_LSB) | (fo << R.FORMAT_OUT_FMT_LSB))
        for reg, val in (("M", lay.m), ("N", lay.n), ("K", lay.k), ("A_BASE", lay.a_base),
                         ("A_STRIDE", lay.a_stride), ("B_BASE", lay.b_base),
                         ("B_STRIDE", lay.b_stride), ("C_BASE", lay.c_base),
                         ("C_STRIDE", lay.c_stride)):
            await self.write(reg, val)

    async def start(self) -> None:
        """Clear stale interrupt causes, enable interrupts (if used) and write START."""
        await self.write("IRQ_STATUS", R.IRQ_STATUS_DONE_MASK | R.IRQ_STATUS_ERROR_MASK)
        if self.use_irq and getattr(self.regs, "wait_irq", None) is not None:
            await self.write("IRQ_ENABLE", R.IRQ_ENABLE_DONE_MASK | R.IRQ_ENABLE_ERROR_MASK)
        await self.write("CTRL", R.CTRL_START_MASK)

    async def soft_reset(self, timeout_cycles: int = 100_000) -> int:
        """Abort any job (CTRL.SOFT_RESET) and wait until BUSY drops; returns STATUS."""
        await self.write("CTRL", R.CTRL_SOFT_RESET_MASK)
        return await self._poll_idle(timeout_cycles, "soft-reset drain")

    async def _poll_idle(self, timeout_cycles: int, what: str) -> int:
        sleep = getattr(self.regs, "sleep", None)
        waited, step = 0, 16
        t0 = time.monotonic()
        while True:
            st = await self.read("STATUS")
            if not st & R.STATUS_BUSY_MASK:
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
            if st & R.STATUS_BUSY_MASK:
                raise CoprocTimeout("irq raised while STATUS.BUSY is still set", st)
        else:
            st = await self._poll_idle(timeout_cycles, "job")
        irq = await self.read("IRQ_STATUS")
        await self.write("IRQ_STATUS", irq)  # acknowledge (write 1 to clear)
        res = JobResult(status=st, err_code=R.field(st, "STATUS", "ERR_CODE"),
                        cycles=await self.read64("CYCLES"), macs=await self.read64("MACS"),
                        invalid=bool(st & R.STATUS_INVALID_MASK), irq_status=irq)
        if not st & R.STATUS_DONE_MASK:
            e = CoprocError(res.err_code, st, "job idle but STATUS.DONE not set")
        elif st & R.STATUS_ERROR_MASK or res.err_code:
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
            raise ValueError(f"job needs {lay.end - self.mem_base} bytes of memory, the window "
                             f"has {self.mem_size}")
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
        peak = cfg.peak_macs_per_cycle(lay.fmt)
        self.last_stats = dict(
            m=lay.m, k=lay.k, n=lay.n, fmt=lay.fmt, out_fmt=lay.out_fmt, cycles=res.cycles,
            macs=res.macs, peak_macs_per_cycle=peak,
            utilization=res.macs / (res.cycles * peak) if res.cycles else 0.0,
            invalid=res.invalid,
        )
        return res

    async def matmul(self, a, b, fmt, out_fmt, *, timeout_cycles: int | None = None,
                     layout: Layout | None = None, **plan_kw) -> np.ndarray:
        """C = A x B on the co-processor: validate, lay out, load, run, read C back.

        ``a`` (M, K) and ``b`` (K, N) are code arrays (CONTRACT dtypes).  Returns C codes
        (uint8/uint16) or float32 for fp32.  Raises ValueError on bad operands, CoprocError on
        an error status and CoprocTimeout if the job does not end in time.
        """
        from .matmul import check_operands

        f, o = _fin(fmt), _fout(out_fmt)
        a, b = check_operands(a, b, f)
        await self._cfg()
        (m, k), n = a.shape, b.shape[1]
        lay = layout or self.plan(m, n, k, f, o, **plan_kw)
        self.last_layout = lay
        await self.load(lay, a, b)
        await self.run(lay, timeout_cycles)
        return await self.fetch_c(lay)


# ------------------------------------------------------------------------------- backends
class CocotbBackend:
    """Register bus + memory port over cocotbext-axi: AxiLiteMaster (CPU) and AxiRam (DRAM).

    Memory accesses go straight to the AxiRam's storage (zero simulated time, like a CPU
    writing DRAM before starting the accelerator).  ``wait_irq``/``sleep`` count cycles of
    ``clk``; every register access is bounded by ``reg_timeout_cycles``.
    """

    def __init__(self, axil, ram, clk, irq=None, *, clock_period_ns: float = 10.0,
                 reg_timeout_cycles: int = 2000, raise_on_error: bool = True):
        self.axil, self.ram, self.clk, self.irq = axil, ram, clk, irq
        self.period = clock_period_ns
        self.reg_timeout_cycles = reg_timeout_cycles
        self.raise_on_error = raise_on_error
        self.last_resp = 0
        if irq is None:
            self.wait_irq = None  # type: ignore[assignment]  (driver polls instead)

    @classmethod
    def create(cls, dut, *, ram_size: int = 1 << 32, clock_period_ns: float = 10.0,
               ram_cls=None, **kw):
        """AxiLiteMaster on ``s_axil_*``, ``ram_cls`` (AxiRam) on ``m_axi_*``, reset rst_n."""
        from cocotbext.axi import AxiBus, AxiLiteBus, AxiLiteMaster, AxiRam

        axil = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst_n,
                             reset_active_level=False)
        ram = (ram_cls or AxiRam)(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst_n,
                                  reset_active_level=False, size=ram_size)
        be = cls(axil, ram, dut.clk, dut.irq, clock_period_ns=clock_period_ns, **kw)
        return be, be

    async def _bounded(self, coro, what: str):
        from cocotb.triggers import SimTimeoutError, with_timeout

        try:
            return await with_timeout(coro, self.reg_timeout_cycles * self.period, "ns")
        except SimTimeoutError:
            raise CoprocTimeout(f"{what}: no AXI4-Lite response in "
                                f"{self.reg_timeout_cycles} cycles") from None

    async def read32(self, addr: int) -> int:
        r = await self._bounded(self.axil.read(addr, 4), f"read 0x{addr:02x}")
        self.last_resp = int(r.resp)
        if self.raise_on_error and self.last_resp:
            raise BusError("read", addr, self.last_resp)
        return int.from_bytes(r.data, "little")

    async def write32(self, addr: int, value: int) -> None:
        r = await self._bounded(self.axil.write(addr, int(value).to_bytes(4, "little")),
                                f"write 0x{addr:02x}")
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

    def __init__(self, regs_dev: str, regs_offset: int, mem_dev: str, mem_offset: int,
                 mem_size: int, *, mem_bus_base: int = 0, clock_hz: float = 100e6,
                 uio_irq: bool = False):
        import mmap
        import os

        self.clock_hz = clock_hz
        self._rfd = os.open(regs_dev, os.O_RDWR | os.O_SYNC)
        self._regs = mmap.mmap(self._rfd, 1 << R.REG_ADDR_W, offset=regs_offset)
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
        self._mem[off: off + len(data)] = bytes(data)

    async def read(self, addr: int, length: int) -> bytes:
        off = addr - self.mem_bus_base
        return bytes(self._mem[off: off + length])


__all__ = [
    "BusError", "CocotbBackend", "CoprocConfig", "CoprocError", "CoprocTimeout", "JobResult",
    "Layout", "MmapBackend", "XrnpeDriver", "c_elem_bytes", "c_image", "cycle_budget",
    "operand_image", "pack_rows", "plan_layout", "unpack_c", "unpack_rows", "words_per_row",
]
assert WORD_BITS == 16
