"""Co-processor test environment: clock/reset, AXI4-Lite CPU, fault-injecting AXI RAM, the
driver, pause generators, canary-checked jobs and an AXI4 master protocol monitor.

Used by test_coprocessor.py (verification) and rtl_engine.py (the `matmul_rtl` engine).
"""

from __future__ import annotations

import json
import logging
import os
import random

import cocotb
import numpy as np
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge
from cocotbext.axi import AxiRam
from cocotbext.axi.constants import AxiResp

from xrnpe import driver as D
from xrnpe import regmap as R
from xrnpe.formats import FORMATS
from xrnpe.matmul import matmul

CLK_NS = 10
OKAY, SLVERR, DECERR = int(AxiResp.OKAY), int(AxiResp.SLVERR), int(AxiResp.DECERR)
# AxID/LOCK/CACHE/PROT/QOS of every master transaction (docs/coprocessor.md): CACHE = 0b0011
AXI_ATTRS = {"id": 0, "lock": 0, "cache": 0b0011, "prot": 0, "qos": 0}


class _Injected(Exception):
    """Raised inside the RAM model to make it answer an error response."""


class FaultRam(AxiRam):
    """AxiRam with error-response windows, a write guard and an AXI4 master protocol monitor.

    * ``read_faults`` / ``write_faults``: lists of ``(lo, hi, resp)``; a beat touching
      [lo, hi) answers ``resp`` (SLVERR or DECERR) and (for writes) stores nothing.
    * ``limit``: addresses at or above it answer DECERR (memory "sized to fit").
    * ``allowed``: if not None, list of [lo, hi) windows writes may touch; any strobed byte
      outside is recorded in ``bad_writes`` (the canary check catches it too).
    * Every AR/AW is checked: INCR, full-width size, at most 256 beats, no 4 KiB crossing,
      attributes per AXI_ATTRS; violations go to ``protocol_errors``.
    """

    def __init__(self, bus, clock, reset=None, reset_active_level=True, size=2**32, **kw):
        super().__init__(bus, clock, reset, reset_active_level, size=size, **kw)
        self.read_faults: list[tuple[int, int, int]] = []
        self.write_faults: list[tuple[int, int, int]] = []
        self.limit: int | None = None
        self.allowed: list[tuple[int, int]] | None = None
        self.bad_writes: list[tuple[int, int]] = []
        self.protocol_errors: list[str] = []
        self.stats = dict(ar=0, aw=0, r_beats=0, w_bytes=0, r_err=0, b_err=0, w_x_beats=0)
        self._pending_r: int | None = None
        self._pending_b: int | None = None
        self.data_bytes = self.read_if.byte_lanes
        rd, wr = self.read_if, self.write_if
        orig_read, orig_write = rd._read, wr._write
        orig_rsend, orig_bsend = rd.r_channel.send, wr.b_channel.send
        orig_ar, orig_aw = rd.ar_channel.recv, wr.aw_channel.recv

        async def _read(address, length):
            self.stats["r_beats"] += 1
            resp = self._fault(self.read_faults, address, length)
            if resp:
                self._pending_r = resp
                raise _Injected()
            return await orig_read(address, length)

        async def _write(address, data):
            resp = self._fault(self.write_faults, address, len(data))
            if resp:
                self._pending_b = resp
                raise _Injected()
            if self.allowed is not None:
                for i in range(len(data)):
                    a = address + i
                    if not any(lo <= a < hi for lo, hi in self.allowed):
                        self.bad_writes.append((a, data[i]))
            self.stats["w_bytes"] += len(data)
            await orig_write(address, data)

        async def r_send(r):
            if self._pending_r is not None:
                r.rresp = self._pending_r
                self._pending_r = None
                self.stats["r_err"] += 1
            await orig_rsend(r)

        async def b_send(b):
            if self._pending_b is not None:
                b.bresp = self._pending_b
                self._pending_b = None
                self.stats["b_err"] += 1
            await orig_bsend(b)

        async def ar_recv():
            t = await orig_ar()
            self.stats["ar"] += 1
            self._check_addr("AR", t, "ar")
            return t

        async def aw_recv():
            t = await orig_aw()
            self.stats["aw"] += 1
            self._check_addr("AW", t, "aw")
            return t

        orig_w = wr.w_channel.recv

        async def w_recv():
            t = await orig_w()
            self._check_wdata(t)
            return t

        wr.w_channel.recv = w_recv
        rd._read, wr._write = _read, _write
        rd.r_channel.send, wr.b_channel.send = r_send, b_send
        rd.ar_channel.recv, wr.aw_channel.recv = ar_recv, aw_recv

    def _fault(self, windows, address, length) -> int:
        hi = address + length
        if self.limit is not None and hi > self.limit:
            return DECERR
        for lo_w, hi_w, resp in windows:
            if address < hi_w and lo_w < hi:
                return resp
        return 0

    def _check_addr(self, ch, t, p) -> None:
        g = lambda n, d=0: int(getattr(t, p + n, d))  # noqa: E731
        addr, length, size, burst = g("addr"), g("len"), g("size"), g("burst", 1)
        nbytes = 1 << size
        errs = []
        if burst != 1:
            errs.append(f"burst type {burst} (INCR expected)")
        if nbytes != self.data_bytes:
            errs.append(f"size {nbytes} bytes (full width {self.data_bytes} expected)")
        if addr % self.data_bytes:
            errs.append("address not aligned to the bus width")
        if length > 255:
            errs.append(f"len {length} > 255")
        if (addr & 0xFFF) + (length + 1) * nbytes > 0x1000:
            errs.append("burst crosses a 4 KiB boundary")
        for n, want in AXI_ATTRS.items():
            if g(n) != want:
                errs.append(f"{p}{n} = {g(n)} ({want} expected)")
        if errs:
            self.protocol_errors.append(f"{ch} addr=0x{addr:x} len={length}: " + "; ".join(errs))

    def _check_wdata(self, t) -> None:
        """X/Z bits are tolerated in byte lanes WSTRB masks off (read as 0), not in others."""
        try:
            int(t.wdata)
            int(t.wstrb)
            return
        except ValueError:
            pass
        s = str(t.wdata)[::-1]  # LSB first
        try:
            strb = int(t.wstrb)
        except ValueError:
            self.protocol_errors.append(f"W beat with X/Z in WSTRB ({t.wstrb})")
            strb = (1 << self.data_bytes) - 1
        bad = [i for i in range(self.data_bytes)
               if strb >> i & 1 and any(c not in "01" for c in s[8 * i: 8 * i + 8])]
        if bad:
            self.protocol_errors.append(f"W beat with X/Z data in strobed byte lanes {bad}")
        self.stats["w_x_beats"] += 1
        t.wdata = int("".join(c if c in "01" else "0" for c in s[::-1]), 2)
        t.wstrb = strb

    def clear_faults(self) -> None:
        self.read_faults.clear()
        self.write_faults.clear()


def pause_gen(rng: random.Random, p: float):
    """Random pauses: each cycle paused with probability p, in bursts."""
    while True:
        if rng.random() < p:
            for _ in range(rng.choice((1, 1, 2, 3, 8))):
                yield True
        else:
            yield False


class Env:
    """One DUT with its CPU (AxiLiteMaster), DRAM (FaultRam) and driver."""

    def __init__(self, dut, seed: int | None = None, use_irq: bool = True):
        self.dut = dut
        self.seed = int(os.environ.get("XRNPE_SEED", "1")) if seed is None else seed
        self.rng = np.random.default_rng(self.seed)
        self.prng = random.Random(self.seed)
        dut.rst_n.value = 0
        cocotb.start_soon(Clock(dut.clk, CLK_NS, unit="ns").start())
        self.regs, _ = D.CocotbBackend.create(dut, ram_cls=FaultRam, clock_period_ns=CLK_NS,
                                              ram_size=1 << 32)
        self.ram: FaultRam = self.regs.ram
        self.axil = self.regs.axil
        self.drv = D.XrnpeDriver(self.regs, self.regs, mem_base=0x10000, use_irq=use_irq)
        self.params = json.loads(os.environ.get("XRNPE_PARAMS", "{}"))
        if not os.environ.get("XRNPE_AXI_LOG"):  # per-burst INFO logs slow the simulation down
            for port in (self.ram.read_if, self.ram.write_if, self.axil.read_if, self.axil.write_if):
                port.log.setLevel(logging.WARNING)
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

    def set_pauses(self, on: bool, p: float | None = None) -> None:
        """Random idle/backpressure on all ten AXI channels (or none)."""
        self.pauses_on = on
        chans = [self.ram.write_if.aw_channel, self.ram.write_if.w_channel,
                 self.ram.write_if.b_channel, self.ram.read_if.ar_channel,
                 self.ram.read_if.r_channel, self.axil.write_if.aw_channel,
                 self.axil.write_if.w_channel, self.axil.write_if.b_channel,
                 self.axil.read_if.ar_channel, self.axil.read_if.r_channel]
        for i, ch in enumerate(chans):
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


# --------------------------------------------------------------------------- operands
def random_codes(rng: np.random.Generator, fmt: str, shape, mode: str | None = None,
                 nar_prob: float = 0.0) -> np.ndarray:
    """Random codes of ``fmt``: uniform over codes ('codes') or quantized normals ('values');
    NaR (posits) excluded unless ``nar_prob`` > 0 (then a few NaR elements)."""
    f = FORMATS[fmt]
    mode = mode or rng.choice(["codes", "values"])
    if mode == "codes":
        c = rng.integers(0, 1 << f.width, shape)
    else:
        from xrnpe.vector import quantize

        scale = 2.0 ** rng.integers(-3, 4)
        c = quantize(fmt, rng.standard_normal(shape) * scale).astype(np.int64)
    if f.nar is not None:
        c = np.where(c == f.nar, 0 if rng.random() < 0.5 else 1, c)
        if nar_prob > 0:
            c = np.where(rng.random(shape) < nar_prob, f.nar, c)
    return c.astype(f.dtype)


def same(got: np.ndarray, exp: np.ndarray) -> bool:
    if exp.dtype == np.float32:
        return got.dtype == np.float32 and np.array_equal(got.view(np.uint32), exp.view(np.uint32))
    return got.dtype == exp.dtype and np.array_equal(got, exp)


def garbage_lanes(words: np.ndarray, fmt: str, k: int, rng: np.random.Generator) -> np.ndarray:
    """Fill the unused lanes of each row's last word with random bits (HW must ignore them)."""
    f = FORMATS[fmt]
    tail = (-k) % f.lanes
    if not tail:
        return words
    used = f.width * (f.lanes - tail)
    keep_out = np.uint32(0xFFFF & ~((1 << used) - 1))
    junk = rng.integers(0, 1 << 16, words.shape[0]).astype(np.uint32) & keep_out
    words = words.copy()
    words[:, -1] |= junk.astype(np.uint16)
    return words


def _image(words: np.ndarray, stride: int, rng: np.random.Generator) -> bytes:
    r, kw = words.shape
    img = rng.integers(0, 256, (r, stride), dtype=np.uint8)
    img[:, : 2 * kw] = words.astype("<u2").view(np.uint8).reshape(r, 2 * kw)
    return img.tobytes()


async def checked_job(env: Env, a, b, fmt: str, out: str, *, gap: int = 64,
                      c_pad: int | None = None, c_offset: int | None = None,
                      expect_err: int | None = None, timeout_cycles: int | None = None,
                      junk: bool = True, check_c: bool = True, lay: D.Layout | None = None):
    """Run one job on randomly canaried memory and check everything it touched.

    Memory from the first byte of A to the end of the layout (gaps included) is filled with
    random canary bytes; A/Bt rows are written with garbage in the stride padding and in the
    unused lanes.  Afterwards every byte outside C's elements must be unchanged and C must
    equal the model (unless an error is expected).  Returns (C or None, JobResult or error).
    """
    drv, rng = env.drv, env.rng
    m, k = a.shape
    n = b.shape[1]
    size = D.c_elem_bytes(out)
    if c_pad is None:
        c_pad = int(rng.choice([0, 0, 1, 3]))
    if c_offset is None:
        c_offset = int(rng.integers(0, max(1, env.drv.config.data_bytes // size)))
    if lay is None:
        lay = drv.plan(m, n, k, fmt, out, gap=gap, c_pad=c_pad, c_offset=c_offset,
                       a_pad=int(rng.integers(0, 2)), b_pad=int(rng.integers(0, 2)))
    lo, hi = lay.a_base - gap, lay.end
    canary = rng.integers(0, 256, hi - lo, dtype=np.uint8)
    env.ram.write(lo, canary.tobytes())
    aw, bw = D.pack_rows(a, fmt), D.pack_rows(np.ascontiguousarray(b.T), fmt)
    if junk:
        aw, bw = garbage_lanes(aw, fmt, k, rng), garbage_lanes(bw, fmt, k, rng)
    env.ram.write(lay.a_base, _image(aw, lay.a_stride, rng))
    env.ram.write(lay.b_base, _image(bw, lay.b_stride, rng))
    before = np.frombuffer(env.ram.read(lo, hi - lo), dtype=np.uint8).copy()
    cmask = np.zeros(hi - lo, bool)  # bytes C may write
    for i in range(m):
        s = lay.c_base + i * lay.c_stride - lo
        cmask[s: s + n * size] = True
    env.ram.allowed = [(lo + s, lo + s + n * size)
                       for s in (lay.c_base + i * lay.c_stride - lo for i in range(m))]
    env.ram.bad_writes.clear()
    drv.last_layout = lay
    res: object
    try:
        res = await drv.run(lay, timeout_cycles)
        err = None
    except D.CoprocError as e:
        if isinstance(e, D.CoprocTimeout):
            raise
        res, err = e, e.code
    after = np.frombuffer(env.ram.read(lo, hi - lo), dtype=np.uint8)
    changed = np.nonzero((after != before) & ~cmask)[0]
    assert not len(changed), (
        f"{len(changed)} bytes outside C's elements changed, first at "
        + ", ".join(f"0x{lo + int(x):x}" for x in changed[:4]) + f" ({lay})")
    assert not env.ram.bad_writes, f"writes outside C: {env.ram.bad_writes[:4]}"
    env.ram.allowed = None
    if expect_err is not None or err is not None:
        assert err == expect_err, (
            f"expected error {R.ERROR_NAMES.get(expect_err, expect_err)}, got "
            f"{R.ERROR_NAMES.get(err, err) if err is not None else 'success'}")
        return None, res
    c = await drv.fetch_c(lay)
    if check_c:
        exp = matmul(a, b, fmt, out)
        if not same(c, exp):
            bad = np.argwhere((c.view(np.uint32) if out == "fp32" else c)
                              != (exp.view(np.uint32) if out == "fp32" else exp))
            i, j = bad[0]
            raise AssertionError(
                f"{fmt}->{out} M={m} K={k} N={n}: {len(bad)} wrong results, first C[{i},{j}] = "
                f"{c[i, j]!r} expected {exp[i, j]!r} (pauses={env.pauses_on})")
        macs = m * n * k
        assert res.macs == macs, f"MACS = {res.macs}, expected {macs}"
        assert res.cycles > 0
        f = FORMATS[fmt]
        exp_invalid = f.nar is not None and (bool((a == f.nar).any()) or bool((b == f.nar).any()))
        assert res.invalid == exp_invalid, f"STATUS.INVALID = {res.invalid}, expected {exp_invalid}"
    return c, res


def shape_cases(rng: np.random.Generator, cfg, fmt: str, n_cases: int, kmax_words: int,
                first: int = 0, light: bool = False):
    """Random (M, K, N) including 1, non-multiples of ROWS/COLS and lanes, K over a buffer.

    The K kind rotates with ``first + i`` (tiny, short, just over an A buffer slot, long);
    ``light`` keeps the PE work small (over-a-slot K only when the slot is small).
    """
    lanes = FORMATS[fmt].lanes
    out = []
    for i in range(n_cases):
        m = int(rng.choice([1, cfg.rows, cfg.rows + 1, 2 * cfg.rows + 1, rng.integers(1, 3 * cfg.rows + 2)]))
        n = int(rng.choice([1, cfg.cols, cfg.cols - 1 or 1, cfg.cols + 1, rng.integers(1, 3 * cfg.cols + 2)]))
        kind = (first + i) % 4
        if light:
            m, n = min(m, cfg.rows + 1), min(n, cfg.cols + 1)
            if kind == 3 or (kind == 2 and cfg.abuf_words > 16):
                kind = 0
        elif kind >= 2:
            m, n = min(m, 2 * cfg.rows + 1), min(n, 2 * cfg.cols + 1)
        if kind == 0:
            k = int(rng.integers(1, lanes + 1))
        elif kind == 1:
            k = int(rng.integers(1, 8 * lanes))
        elif kind == 2:  # more than one A buffer slot
            k = int(rng.integers(cfg.abuf_words * lanes + 1, cfg.abuf_words * lanes + 3 * lanes + 2))
        else:
            k = int(rng.integers(1, kmax_words * lanes))
        out.append((m, k, n))
    return out

