# SPDX-License-Identifier: Apache-2.0
"""Co-processor (rtl/xrnpe_coprocessor.sv) end to end over AXI: cocotb tests and their pytest wrapper.

The CPU is cocotbext-axi's AxiLiteMaster on s_axil_*, DRAM an AxiRam (FaultRam: error
responses on demand, write guard, AXI4 master protocol monitor) on m_axi_*, and every job goes
through the real driver (xrnpe.driver).  Results are compared bit-exactly with
xrnpe.matmul.matmul; every job runs on canaried memory (every byte outside C's elements must
survive).  Tests are grouped (regs, random, faults, stream) so that pytest-xdist can spread
them; each group runs once per simulator and parameter set (xrnpe.sim.coproc_params).

Environment (set by the wrapper): XRNPE_PARAMS (JSON, effective parameters), XRNPE_SEED,
XRNPE_CASES (random cases per format pair), XRNPE_SOAK_JOBS.
"""

from __future__ import annotations

import json
import os
import zlib

import cocotb
import numpy as np
import pytest
from cocotb.simtime import get_sim_time
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge
from cocotbext.axi import AxiProt
from coproc_checks import checked_job, random_codes, same, shape_cases

from xrnpe import layout, regmap
from xrnpe.driver import BusError, CoprocError, cycle_budget
from xrnpe.formats import FORMATS, INPUT_FORMATS, OUTPUT_FORMATS, k_max
from xrnpe.sim import fcov
from xrnpe.sim.coproc_env import MEM_BASE, Env
from xrnpe.sim.fault_ram import DECERR, OKAY, SLVERR

PAIRS = [(f, o) for f in INPUT_FORMATS for o in OUTPUT_FORMATS]
LIGHT = os.environ.get("XRNPE_LIGHT", "0") not in ("", "0")
"""Light mode (XRNPE_LIGHT=1, for quick iteration; `make test` runs full size on both simulators)."""
TEST_MS = 200  # per-test simulated-time cap in ms (20M cycles): a hang fails instead of spinning


# registers that take privileged writes only (CFG_PRIV) and freeze with LOCK
PROTECTED = ("PROT", "RD_WIN_BASE", "RD_WIN_LIMIT", "WR_WIN_BASE", "WR_WIN_LIMIT", "LOCK")
# reset values of the safety registers (spec/xrnpe_regs.rdl): windows open, privileged PROT
MEM_LO, MEM_HI = MEM_BASE, MEM_BASE + (1 << 24) - 1  # where the suite's jobs live
RESET_VALUES = {
    "WDOG_CYCLES": 0x10000,
    "PROT": 0b011,
    "RD_WIN_BASE": 0,
    "RD_WIN_LIMIT": 0xFFFFFFFF,
    "WR_WIN_BASE": 0,
    "WR_WIN_LIMIT": 0xFFFFFFFF,
    "LOCK": 0,
}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


async def new_env(dut, **kw) -> Env:
    env = Env(dut, **kw)
    cfg = await env.start()
    p = env.params
    if p:
        assert (cfg.rows, cfg.cols, cfg.data_bytes) == (p["ROWS"], p["COLS"], p["DATA_W"] // 8), (
            f"CONFIG says {cfg}, parameters are {p}"
        )
        assert (cfg.abuf_words, cfg.bbuf_words) == (p["ABUF_WORDS"], p["BBUF_WORDS"])
        assert cfg.pe_kind == p["PE_KIND"], f"CONFIG.PE_KIND {cfg.pe_kind}, parameter {p}"
    return env


async def expect_idle(env: Env, cycles: int = 2000) -> int:
    return await env.drv._poll_idle(cycles, "job")


def small_operands(env: Env, fmt="p8", m=3, k=5, n=2):
    return (
        random_codes(env.rng, fmt, (m, k), "values"),
        random_codes(env.rng, fmt, (k, n), "values"),
    )


async def clean_job(env: Env, fmt="p8", out="p16", shape=(3, 5, 2)):
    """A normal job after an error/abort: must work and be exact."""
    env.ram.clear_faults()
    m, k, n = shape
    a, b = small_operands(env, fmt, m, k, n)
    _c, res = await checked_job(env, a, b, fmt, out)
    return res


# ===================================================================================== regs
@cocotb.test(timeout_time=TEST_MS, timeout_unit="ms")
async def regs_reset_and_access(dut):
    """Reset values, ID/VERSION/CONFIG, rw round trips, ro writes ignored, CTRL reads 0."""
    env = await new_env(dut)
    drv = env.drv
    assert await drv.read("ID") == regmap.ID_VALUE
    assert await drv.read("VERSION") == regmap.VERSION_VALUE
    for name in (
        "STATUS",
        "IRQ_ENABLE",
        "IRQ_STATUS",
        "CTRL",
        "CYCLES_LO",
        "CYCLES_HI",
        "MACS_LO",
        "MACS_HI",
    ):
        assert await drv.read(name) == 0, f"{name} after reset = 0x{await drv.read(name):x}"
    for name, v in RESET_VALUES.items():
        got = await drv.read(name)
        assert got == v, f"{name} after reset = 0x{got:x}, expected 0x{v:x}"
    assert not await env.irq()
    masks = {
        "FORMAT": regmap.FORMAT_IN_FMT_MASK | regmap.FORMAT_OUT_FMT_MASK,
        "IRQ_ENABLE": regmap.IRQ_ENABLE_DONE_MASK | regmap.IRQ_ENABLE_ERROR_MASK,
    }
    rw = [n for n, (_, acc) in regmap.REGS.items() if acc == "rw" and n not in PROTECTED]
    ro = [n for n, (_, acc) in regmap.REGS.items() if acc == "ro"]
    for rnd in range(3):
        vals = {n: int(env.rng.integers(0, 1 << 32)) for n in rw}
        if rnd == 2:
            vals = {n: 0xFFFFFFFF for n in rw}
        vals["IRQ_ENABLE"] = 0  # keep irq low (IRQ_STATUS is 0 anyway)
        for n, v in vals.items():
            await drv.write(n, v)
        for n, v in vals.items():
            got = await drv.read(n)
            assert got == v & masks.get(n, 0xFFFFFFFF), f"{n}: wrote 0x{v:08x}, read 0x{got:08x}"
    # read-only registers: writes answer OKAY and change nothing
    before = {n: await drv.read(n) for n in ro}
    for n in ro:
        await drv.write(n, ~before[n] & 0xFFFFFFFF)  # raises BusError on a non-OKAY response
    after = {n: await drv.read(n) for n in ro}
    assert after == before, f"read-only registers changed by writes: {before} -> {after}"
    # CTRL (wo) reads 0; writing 0 does nothing
    await drv.write("CTRL", 0)
    assert await drv.read("CTRL") == 0
    assert (await drv.read("STATUS")) & regmap.STATUS_BUSY_MASK == 0
    # byte-strobed writes update only their bytes
    await drv.write("M", 0x11223344)
    r = await env.axil.write(regmap.ADDR_M + 2, b"\xab")
    assert int(r.resp) == OKAY
    assert await drv.read("M") == 0x11AB3344, hex(await drv.read("M"))
    await drv.write("FORMAT", 0x0302)  # FORMAT takes each field's byte alone
    await env.axil.write(regmap.ADDR_FORMAT + 1, b"\x04")
    assert await drv.read("FORMAT") == 0x0402
    await env.axil.write(regmap.ADDR_FORMAT, b"\x01")
    assert await drv.read("FORMAT") == 0x0401
    env.check_protocol()


@cocotb.test(timeout_time=TEST_MS, timeout_unit="ms")
async def regs_unmapped(dut):
    """Every unmapped word answers SLVERR on read and write, and writes there alias nothing."""
    env = await new_env(dut)
    drv = env.drv
    aw = len(dut.s_axil_awaddr)
    mapped = {a for a, _ in regmap.REGS.values()}
    unmapped = [a for a in range(0, 1 << aw, 4) if a not in mapped]
    for n in ("M", "N", "K", "A_BASE", "C_STRIDE"):
        await drv.write(n, 0x5A5A0000 | regmap.REGS[n][0])
    snap = {n: await drv.read(n) for n in regmap.REGS}
    for a in unmapped:
        r = await env.axil.read(a, 4)
        assert int(r.resp) == SLVERR, f"read of unmapped 0x{a:02x} answered {int(r.resp)}"
        w = await env.axil.write(a, (0xFFFFFFFF).to_bytes(4, "little"))
        assert int(w.resp) == SLVERR, f"write of unmapped 0x{a:02x} answered {int(w.resp)}"
    assert {n: await drv.read(n) for n in regmap.REGS} == snap, (
        "a write to an unmapped address aliased"
    )
    assert not await env.irq()
    # CTRL START at an unmapped alias must not start a job
    assert (await drv.read("STATUS")) == 0


@cocotb.test(timeout_time=TEST_MS, timeout_unit="ms")
async def irq_behaviour(dut):
    """irq = |(IRQ_STATUS & IRQ_ENABLE), level; W1C; causes set whatever the enables say."""
    env = await new_env(dut)
    drv = env.drv
    a, b = small_operands(env)
    lay = drv.plan(3, 2, 5, "p8", "p8", gap=64)
    await drv.load(lay, a, b)
    await drv.program(lay)
    await drv.write("IRQ_ENABLE", 0)
    seen = []

    async def watch():
        while True:
            await RisingEdge(dut.clk)
            await ReadOnly()
            if int(dut.irq.value):
                seen.append(1)

    w = cocotb.start_soon(watch())
    await drv.write("CTRL", regmap.CTRL_START_MASK)
    st = await expect_idle(env)
    assert st & regmap.STATUS_DONE_MASK and not st & regmap.STATUS_ERROR_MASK
    await ClockCycles(dut.clk, 5)
    w.cancel()
    assert not seen, "irq rose with IRQ_ENABLE = 0"
    assert await drv.read("IRQ_STATUS") == regmap.IRQ_STATUS_DONE_MASK
    c = await drv.fetch_c(lay)
    from xrnpe.matmul import matmul

    assert same(c, matmul(a, b, "p8", "p8"))
    # enabling afterwards raises the (level) interrupt
    await drv.write("IRQ_ENABLE", regmap.IRQ_ENABLE_ERROR_MASK)
    assert not await env.irq()
    await drv.write("IRQ_ENABLE", regmap.IRQ_ENABLE_DONE_MASK)
    assert await env.irq()
    await drv.write("IRQ_STATUS", regmap.IRQ_STATUS_ERROR_MASK)  # the other cause: no effect
    assert await env.irq() and await drv.read("IRQ_STATUS") == regmap.IRQ_STATUS_DONE_MASK
    await drv.write("IRQ_STATUS", regmap.IRQ_STATUS_DONE_MASK)
    assert not await env.irq() and await drv.read("IRQ_STATUS") == 0
    # error interrupt only
    await drv.write("IRQ_ENABLE", regmap.IRQ_ENABLE_ERROR_MASK)
    await drv.write("CTRL", regmap.CTRL_START_MASK)
    await expect_idle(env)
    assert await drv.read("IRQ_STATUS") == regmap.IRQ_STATUS_DONE_MASK and not await env.irq()
    await drv.write("IRQ_STATUS", 0x3)
    await drv.write("M", 0)
    await drv.write("CTRL", regmap.CTRL_START_MASK)
    st = await expect_idle(env)
    assert regmap.field(st, "STATUS", "ERR_CODE") == regmap.ERR_ZERO_DIM
    assert await drv.read("IRQ_STATUS") == regmap.IRQ_STATUS_ERROR_MASK and await env.irq()
    # SOFT_RESET clears IRQ_STATUS (and so irq); IRQ_ENABLE is kept
    await drv.write("CTRL", regmap.CTRL_SOFT_RESET_MASK)
    await expect_idle(env)
    assert await drv.read("IRQ_STATUS") == 0 and not await env.irq()
    assert await drv.read("IRQ_ENABLE") == regmap.IRQ_ENABLE_ERROR_MASK
    assert await drv.read("STATUS") == 0
    # the driver's own irq-driven path and its polling path
    await clean_job(env)
    env.drv.use_irq = False
    await drv.write("IRQ_ENABLE", 0)
    await clean_job(env, "fp4", "fp32", (5, 9, 6))
    assert not await env.irq()
    env.check_protocol()


# ---------------------------------------------------------------- configuration errors
def _cfg_error_cases(cfg, lay: layout.Layout):
    """(description, register overrides, expected error) for every configuration check."""
    db = cfg.data_bytes
    cases = []
    for v in (4, 5, 7):
        cases.append((f"IN_FMT={v}", {"IN_FMT": v}, regmap.ERR_BAD_IN_FMT))
    for v in (5, 6, 7):
        cases.append((f"OUT_FMT={v}", {"OUT_FMT": v}, regmap.ERR_BAD_OUT_FMT))
    for r in ("M", "N", "K"):
        cases.append((f"{r}=0", {r: 0}, regmap.ERR_ZERO_DIM))
    cases += [
        ("p16 K=32768", {"IN_FMT": 3, "K": k_max("p16") + 1}, regmap.ERR_K_TOO_LARGE),
        ("p8 K=65537", {"IN_FMT": 2, "K": 65537}, regmap.ERR_K_TOO_LARGE),
        ("fp4 K=2^32-1", {"IN_FMT": 0, "K": 0xFFFFFFFF}, regmap.ERR_K_TOO_LARGE),
        ("p4 K=2^31", {"IN_FMT": 1, "K": 1 << 31}, regmap.ERR_K_TOO_LARGE),
        ("A_BASE+1", {"A_BASE": lay.a_base + 1}, regmap.ERR_UNALIGNED),
        ("A_BASE+DB/2", {"A_BASE": lay.a_base + db // 2}, regmap.ERR_UNALIGNED),
        ("A_STRIDE+DB/2", {"A_STRIDE": lay.a_stride + db // 2}, regmap.ERR_UNALIGNED),
        ("B_BASE+2", {"B_BASE": lay.b_base + 2}, regmap.ERR_UNALIGNED),
        ("B_STRIDE+1", {"B_STRIDE": lay.b_stride + 1}, regmap.ERR_UNALIGNED),
        ("p16 out C_BASE+1", {"OUT_FMT": 3, "C_BASE": lay.c_base + 1}, regmap.ERR_UNALIGNED),
        ("fp32 out C_STRIDE+2", {"OUT_FMT": 4, "C_STRIDE": 4 * lay.n + 2}, regmap.ERR_UNALIGNED),
        (
            "fp32 out C_BASE+2",
            {"OUT_FMT": 4, "C_BASE": lay.c_base + 2, "C_STRIDE": 4 * lay.n},
            regmap.ERR_UNALIGNED,
        ),
        ("A_STRIDE=0", {"A_STRIDE": 0}, regmap.ERR_STRIDE_TOO_SMALL),
        ("B_STRIDE=0", {"B_STRIDE": 0}, regmap.ERR_STRIDE_TOO_SMALL),
        ("C_STRIDE=N-1", {"C_STRIDE": lay.n - 1}, regmap.ERR_STRIDE_TOO_SMALL),
        (
            "p16 out C_STRIDE=2N-2",
            {"OUT_FMT": 3, "C_STRIDE": 2 * lay.n - 2},
            regmap.ERR_STRIDE_TOO_SMALL,
        ),
        (
            "A_STRIDE one bus word short",
            {"K": 2 * db + 1, "A_STRIDE": 2 * db, "B_STRIDE": 4 * db},
            regmap.ERR_STRIDE_TOO_SMALL,
        ),
        (
            "B_STRIDE one bus word short",
            {"K": 2 * db + 1, "A_STRIDE": 4 * db, "B_STRIDE": 2 * db},
            regmap.ERR_STRIDE_TOO_SMALL,
        ),
        ("M=65537", {"M": 65537}, regmap.ERR_DIM_TOO_LARGE),
        ("N=65537", {"N": 65537, "C_STRIDE": 65537}, regmap.ERR_DIM_TOO_LARGE),
        ("M=2^32-1", {"M": 0xFFFFFFFF}, regmap.ERR_DIM_TOO_LARGE),
        # check order: the first failing check wins
        ("IN_FMT=6 and M=0", {"IN_FMT": 6, "M": 0}, regmap.ERR_BAD_IN_FMT),
        ("OUT_FMT=7 and K=0", {"OUT_FMT": 7, "K": 0}, regmap.ERR_BAD_OUT_FMT),
        ("N=0 and p16 K=40000", {"N": 0, "IN_FMT": 3, "K": 40000}, regmap.ERR_ZERO_DIM),
        (
            "K too large and A_BASE+1",
            {"IN_FMT": 3, "K": 40000, "A_BASE": lay.a_base + 1},
            regmap.ERR_K_TOO_LARGE,
        ),
        (
            "C_BASE+1 (p16) and C_STRIDE=0",
            {"OUT_FMT": 3, "C_BASE": lay.c_base + 1, "C_STRIDE": 0},
            regmap.ERR_UNALIGNED,
        ),
        ("A_STRIDE=0 and M=65537", {"A_STRIDE": 0, "M": 65537}, regmap.ERR_STRIDE_TOO_SMALL),
    ]
    return cases


async def _program_raw(drv, lay: layout.Layout, ov: dict):
    fi = ov.get("IN_FMT", FORMATS[lay.fmt].code)
    fo = ov.get("OUT_FMT", FORMATS[lay.out_fmt].code)
    await drv.program(lay, fmt_code=fi, out_fmt_code=fo)
    for reg, v in ov.items():
        if reg not in ("IN_FMT", "OUT_FMT"):
            await drv.write(reg, v)


@cocotb.test(timeout_time=TEST_MS, timeout_unit="ms")
async def config_errors(dut):
    """Each configuration error code: reported, DONE+ERROR, irq, MACS 0, no AXI traffic."""
    env = await new_env(dut)
    drv, cfg = env.drv, env.drv.config
    lay = drv.plan(3, 2, 5, "p8", "p8", gap=64)
    await drv.write("IRQ_ENABLE", regmap.IRQ_ENABLE_ERROR_MASK | regmap.IRQ_ENABLE_DONE_MASK)
    seen = set()
    for i, (desc, ov, exp) in enumerate(_cfg_error_cases(cfg, lay)):
        traffic = (env.ram.stats["ar"], env.ram.stats["aw"])
        await drv.write("IRQ_STATUS", 0x3)
        await _program_raw(drv, lay, ov)
        await drv.write("CTRL", regmap.CTRL_START_MASK)
        if not await env.regs.wait_irq(200):
            raise AssertionError(f"{desc}: no interrupt within 200 cycles")
        st = await drv.read("STATUS")
        code = regmap.field(st, "STATUS", "ERR_CODE")
        assert code == exp, (
            f"{desc}: ERR_CODE {regmap.ERROR_NAMES.get(code, code)}, expected "
            f"{regmap.ERROR_NAMES[exp]} (STATUS 0x{st:x})"
        )
        assert (
            st & (regmap.STATUS_BUSY_MASK | regmap.STATUS_DONE_MASK | regmap.STATUS_ERROR_MASK)
            == regmap.STATUS_DONE_MASK | regmap.STATUS_ERROR_MASK
        ), f"{desc}: STATUS 0x{st:x}"
        assert await drv.read("IRQ_STATUS") == regmap.IRQ_STATUS_ERROR_MASK, desc
        assert await drv.read64("MACS") == 0, desc
        assert (env.ram.stats["ar"], env.ram.stats["aw"]) == traffic, f"{desc}: AXI traffic"
        seen.add(exp)
        if i % 12 == 11:  # errors leave nothing behind: a normal job works in between
            await clean_job(env)
    assert seen == {
        regmap.ERR_BAD_IN_FMT,
        regmap.ERR_BAD_OUT_FMT,
        regmap.ERR_ZERO_DIM,
        regmap.ERR_K_TOO_LARGE,
        regmap.ERR_UNALIGNED,
        regmap.ERR_STRIDE_TOO_SMALL,
        regmap.ERR_DIM_TOO_LARGE,
    }
    # largest legal values are accepted (started, then aborted by SOFT_RESET)
    # (C placed far away: the spans of A and Bt grow with K, M and N; M = N = 65536 together
    # is no longer legal, C alone would fill the 32-bit space)
    far = 0x4000_0000
    for desc, ov in (
        (
            "p16 K=32767",
            {
                "IN_FMT": 3,
                "K": k_max("p16"),
                "A_STRIDE": 1 << 16,
                "B_STRIDE": 1 << 16,
                "C_BASE": far,
            },
        ),
        (
            "p8 K=65536",
            {"IN_FMT": 2, "K": 65536, "A_STRIDE": 1 << 16, "B_STRIDE": 1 << 16, "C_BASE": far},
        ),
        ("M=65536", {"M": 65536, "C_BASE": far}),
        ("N=65536", {"N": 65536, "C_STRIDE": 65536, "C_BASE": far}),
    ):
        await drv.write("IRQ_STATUS", 0x3)
        await _program_raw(drv, lay, ov)
        await drv.write("CTRL", regmap.CTRL_START_MASK)
        await ClockCycles(dut.clk, 40)
        st = await drv.read("STATUS")  # (INVALID may already be set: memory holds anything)
        assert st & ~regmap.STATUS_INVALID_MASK == regmap.STATUS_BUSY_MASK, (
            f"{desc}: STATUS 0x{st:x} (expected a running job)"
        )
        st = await drv.soft_reset(20000)
        assert st == 0, f"{desc}: STATUS after soft reset 0x{st:x}"
    res = await clean_job(env, "p16", "fp32", (3, 4, 2) if LIGHT else (5, 7, 3))
    assert res.err_code == 0
    # a successful job with a 1-byte output at an odd C_BASE (only element alignment needed)
    a, b = small_operands(env, "p4", 3, 6, 5)
    await checked_job(env, a, b, "p4", "p8", c_offset=1, c_pad=1)
    env.check_protocol()


# =================================================================================== random
async def _random_pairs(dut, pairs, cases_per_pair: int, label: str):
    env = await new_env(dut)
    cfg = env.drv.config
    jobs = 0
    for pi, (fmt, out) in enumerate(pairs):
        kmax_words = max(2, cfg.abuf_words * 2)
        for m, k, n in shape_cases(
            env.rng, cfg, fmt, cases_per_pair, kmax_words, first=pi, light=LIGHT
        ):
            nar = float(env.rng.choice([0.0, 0.0, 0.0, 0.05]))
            a = random_codes(env.rng, fmt, (m, k), nar_prob=nar)
            b = random_codes(env.rng, fmt, (k, n), nar_prob=nar)
            results = []
            # light mode: one run per job, pauses on every other pair
            for pauses in (False, True) if not LIGHT else (bool(pi % 2),):
                env.set_pauses(pauses)
                c, res = await checked_job(env, a, b, fmt, out)
                results.append((c, res.cycles))
                jobs += 1
            env.set_pauses(False)
            assert same(results[0][0], results[-1][0])
            dut._log.info(
                "%s %s->%s M=%d K=%d N=%d: cycles %s (pauses off/on)",
                label,
                fmt,
                out,
                m,
                k,
                n,
                [r[1] for r in results],
            )
    env.check_protocol()
    dut._log.info("%s: %d jobs, all bit-exact", label, jobs)


@cocotb.test(timeout_time=TEST_MS, timeout_unit="ms")
async def random_formats(dut):
    """All 4x5 format pairs, random shapes (1, non-multiples, K over a buffer slot), each job
    run without and with random pauses on all AXI channels: bit-exact both times."""
    await _random_pairs(dut, PAIRS, env_int("XRNPE_CASES", 1), "random")


# =================================================================================== faults
@cocotb.test(timeout_time=TEST_MS, timeout_unit="ms")
async def mem_faults(dut):
    """SLVERR/DECERR on reads of A and Bt and on writes of C: READ_RESP / WRITE_RESP, the job
    ends, nothing outside C is written, the next job is clean."""
    env = await new_env(dut)
    drv, cfg = env.drv, env.drv.config
    fmt, out = "p8", "fp32"
    m, n = cfg.rows + 1, cfg.cols + 2
    k = 6 if LIGHT else 2 * (cfg.abuf_words + 2)  # (default: more than one A buffer slot)
    cases = [("read", "A", 1, SLVERR), ("read", "B", n - 1, DECERR), ("write", "C", m - 1, SLVERR)]
    if not LIGHT:
        cases += [
            ("write", "C", 0, DECERR),
            ("read", "A", 0, DECERR),
            ("read", "B", 0, SLVERR),
            ("write", "C", 1, SLVERR),
        ]
    for i, (kind, where, row, resp) in enumerate(cases):
        env.set_pauses(i % 2 == 1)
        a, b = small_operands(env, fmt, m, k, n)
        lay = drv.plan(m, n, k, fmt, out, gap=64, c_pad=1)
        base, stride = {
            "A": (lay.a_base, lay.a_stride),
            "B": (lay.b_base, lay.b_stride),
            "C": (lay.c_base, lay.c_stride),
        }[where]
        lo = base + row * stride + (stride // 2 if where != "C" else 4 * (n // 2))
        window = (lo, lo + 4, resp)
        (env.ram.read_faults if kind == "read" else env.ram.write_faults).append(window)
        await drv.write("IRQ_ENABLE", 0x3)
        exp = regmap.ERR_READ_RESP if kind == "read" else regmap.ERR_WRITE_RESP
        errs = (env.ram.stats["r_err"], env.ram.stats["b_err"])
        _, e = await checked_job(env, a, b, fmt, out, lay=lay, expect_err=exp)
        assert e.result.macs == 0 and e.result.irq_status == regmap.IRQ_STATUS_ERROR_MASK, (
            f"{kind} {where}: MACS {e.result.macs}, IRQ_STATUS {e.result.irq_status}"
        )
        got = (env.ram.stats["r_err"] - errs[0], env.ram.stats["b_err"] - errs[1])
        assert got[0 if kind == "read" else 1] >= 1, f"{kind} fault was never hit"
        assert not await env.irq()
        env.ram.clear_faults()
        env.set_pauses(False)
        # bus must be quiet after the error (nothing outstanding)
        traffic = dict(env.ram.stats)
        await ClockCycles(dut.clk, 100)
        assert env.ram.stats == traffic, "AXI traffic after the job ended with an error"
        if not LIGHT or i == len(cases) - 1:
            await clean_job(env, "p8", "fp32", (m, 5, n))
    env.check_protocol()


@cocotb.test(timeout_time=TEST_MS, timeout_unit="ms")
async def start_while_busy(dut):
    """A START while BUSY is refused and flagged; the running job is unaffected; START_REFUSED
    is sticky until the next accepted START.  Reprogramming registers while BUSY does not
    disturb the running job either (the job works on what START saw)."""
    env = await new_env(dut)
    drv, cfg = env.drv, env.drv.config
    fmt, out = "p8", "p16"
    m, k, n = (
        (2 * cfg.rows + 1, 2 * (cfg.abuf_words + 1), cfg.cols + 1)
        if not LIGHT
        else (cfg.rows + 1, 12, cfg.cols)
    )
    a, b = small_operands(env, fmt, m, k, n)
    lay = drv.plan(m, n, k, fmt, out, gap=64)
    await drv.load(lay, a, b)
    await drv.program(lay)
    await drv.start()
    await ClockCycles(dut.clk, 6)
    assert (await drv.read("STATUS")) & regmap.STATUS_BUSY_MASK
    traffic = env.ram.stats["ar"]
    await drv.write("CTRL", regmap.CTRL_START_MASK)
    st = await drv.read("STATUS")
    assert st & regmap.STATUS_START_REFUSED_MASK and st & regmap.STATUS_BUSY_MASK, (
        f"STATUS 0x{st:x}"
    )
    res = await drv.wait(cycle_budget(m, n, k, fmt, cfg))
    assert res.status & regmap.STATUS_START_REFUSED_MASK, "START_REFUSED not sticky"
    from xrnpe.matmul import matmul

    assert same(await drv.fetch_c(lay), matmul(a, b, fmt, out))
    assert res.macs == m * n * k
    # no second job was started by the refused START
    ar = env.ram.stats["ar"]
    await ClockCycles(dut.clk, 200)
    assert env.ram.stats["ar"] == ar and not (await drv.read("STATUS")) & regmap.STATUS_BUSY_MASK
    assert ar > traffic
    # next accepted START clears START_REFUSED
    _c, res = await checked_job(env, a, b, fmt, out, lay=lay)
    assert not res.status & regmap.STATUS_START_REFUSED_MASK
    env.check_protocol()


@cocotb.test(timeout_time=TEST_MS, timeout_unit="ms")
async def reprogram_while_busy(dut):
    """Configuration registers written while BUSY (a host preparing the next job) must not
    disturb the running job: the job works on the values START saw."""
    env = await new_env(dut)
    drv, cfg = env.drv, env.drv.config
    fmt, out = "p8", "p8"
    m, k, n = 2 * cfg.rows + 1, 9, 2 * cfg.cols + 1
    a, b = small_operands(env, fmt, m, k, n)
    lay = drv.plan(m, n, k, fmt, out, gap=64)
    a2, b2 = small_operands(env, "p4", 3, 7, 2)
    lay2 = layout.plan_layout(3, 2, 7, "p4", "fp4", cfg.data_bytes, lay.end + 256)  # after lay
    from xrnpe.matmul import matmul

    await drv.load(lay, a, b)
    await drv.load(lay2, a2, b2)
    await drv.program(lay)
    await drv.start()
    await ClockCycles(dut.clk, 4)
    await drv.program(lay2)
    await drv.wait(cycle_budget(m, n, k, fmt, cfg))  # raises on an error
    c = await drv.fetch_c(lay)
    assert same(c, matmul(a, b, fmt, out)), "registers written while BUSY changed the running job"
    await drv.start()  # lay2 is programmed
    await drv.wait(10000)
    assert same(await drv.fetch_c(lay2), matmul(a2, b2, "p4", "fp4"))
    env.check_protocol()


async def _abort_sweep(dut, hard: bool):
    env = await new_env(dut)
    drv, cfg = env.drv, env.drv.config
    fmt, out = "p8", "p16"
    m, n = cfg.rows + 1, cfg.cols + 1
    k = 10 if LIGHT else 2 * (cfg.abuf_words + 3)
    a, b = small_operands(env, fmt, m, k, n)
    _c, res = await checked_job(env, a, b, fmt, out)
    length = res.cycles
    fracs = (0.3, 0.8) if LIGHT else (0.1, 0.3, 0.5, 0.7, 0.9, 0.97)
    delays = sorted({1, 8} | {max(2, int(length * f)) for f in fracs})
    for i, delay in enumerate(delays):
        env.set_pauses(i % 2 == 1)
        lay = drv.plan(m, n, k, fmt, out, gap=64, c_pad=1)
        before = env.ram.read(lay.a_base - 64, lay.end - lay.a_base + 64)
        await drv.load(lay, a, b)
        await drv.program(lay)
        await drv.write("IRQ_ENABLE", 0x3)
        await drv.start()
        await ClockCycles(dut.clk, delay)
        if hard:
            dut.rst_n.value = 0
            await ClockCycles(dut.clk, 3)
            await ReadOnly()
            for sig in ("m_axi_arvalid", "m_axi_awvalid", "m_axi_wvalid", "irq"):
                assert int(getattr(dut, sig).value) == 0, f"{sig} high during reset"
            await RisingEdge(dut.clk)
            dut.rst_n.value = 1
            await ClockCycles(dut.clk, 2)
            st = await drv.read("STATUS")
            for reg in (
                "M",
                "N",
                "K",
                "A_BASE",
                "FORMAT",
                "IRQ_ENABLE",
                "IRQ_STATUS",
                "CYCLES_LO",
                "MACS_LO",
            ):
                assert await drv.read(reg) == 0, f"{reg} not reset by rst_n"
        else:
            st = await drv.soft_reset(20000)
            for reg, v in (
                ("M", m),
                ("N", n),
                ("K", k),
                ("A_BASE", lay.a_base),
                ("C_STRIDE", lay.c_stride),
                ("IRQ_ENABLE", 3),
            ):
                assert await drv.read(reg) == v, f"{reg} changed by SOFT_RESET"
            assert await drv.read("IRQ_STATUS") == 0
        assert st == 0, f"delay {delay}: STATUS after abort 0x{st:x}"
        assert not await env.irq()
        env.set_pauses(False)
        # quiet bus, nothing written outside C's elements
        quiet = dict(env.ram.stats)
        await ClockCycles(dut.clk, 100)
        assert env.ram.stats == quiet, f"delay {delay}: AXI traffic after the abort"
        after = env.ram.read(lay.a_base - 64, lay.end - lay.a_base + 64)
        size = layout.c_elem_bytes(out)
        ok = np.ones(len(after), bool)
        for r in range(m):
            s = lay.c_base + r * lay.c_stride - (lay.a_base - 64)
            ok[s : s + n * size] = False
        img = np.frombuffer(await _expected_image(env, lay, a, b, before), np.uint8)
        diff = np.nonzero((np.frombuffer(after, np.uint8) != img) & ok)[0]
        assert not len(diff), f"delay {delay}: bytes outside C changed at {diff[:4]}"
        if hard:
            await drv.probe()
        res = await clean_job(env, fmt, out, (3, 5, 2))
        assert res.macs == 30
    # SOFT_RESET when idle clears STATUS; START+SOFT_RESET together: no job
    await drv.write("CTRL", regmap.CTRL_SOFT_RESET_MASK)
    await expect_idle(env)
    assert await drv.read("STATUS") == 0
    ar = env.ram.stats["ar"]
    await drv.write("CTRL", regmap.CTRL_SOFT_RESET_MASK | regmap.CTRL_START_MASK)
    await ClockCycles(dut.clk, 50)
    assert await drv.read("STATUS") == 0 and env.ram.stats["ar"] == ar, "START with SOFT_RESET ran"
    env.check_protocol()


async def _expected_image(env, lay, a, b, before: bytes) -> bytes:
    """Memory around a job after loading A/B (what must still be there outside C)."""
    lo = lay.a_base - 64
    img = bytearray(before)
    ai = layout.operand_image(a, lay.fmt, lay.a_stride)
    bi = layout.operand_image(np.ascontiguousarray(b.T), lay.fmt, lay.b_stride)
    img[lay.a_base - lo : lay.a_base - lo + len(ai)] = ai
    img[lay.b_base - lo : lay.b_base - lo + len(bi)] = bi
    return bytes(img)


@cocotb.test(timeout_time=TEST_MS, timeout_unit="ms")
async def soft_reset_mid_job(dut):
    """SOFT_RESET at many points of a job (with and without pauses): drains, idles, clears
    STATUS/IRQ_STATUS, keeps configuration, writes nothing outside C; then a clean job."""
    await _abort_sweep(dut, hard=False)


@cocotb.test(timeout_time=TEST_MS, timeout_unit="ms")
async def hard_reset_mid_job(dut):
    """rst_n in the middle of a job: AXI valids drop, registers reset, then a clean job."""
    await _abort_sweep(dut, hard=True)


# =================================================================================== safety
def _window_spans(lay: layout.Layout, db: int):
    """(first, last) byte of A, Bt (whole bus words read) and C (bytes written)."""
    kw = layout.words_per_row(lay.k, FORMATS[lay.fmt])
    rd = -(-2 * kw // db) * db
    a = (lay.a_base, lay.a_base + (lay.m - 1) * lay.a_stride + rd - 1)
    b = (lay.b_base, lay.b_base + (lay.n - 1) * lay.b_stride + rd - 1)
    c = (
        lay.c_base,
        lay.c_base + (lay.m - 1) * lay.c_stride + lay.n * layout.c_elem_bytes(lay.out_fmt) - 1,
    )
    return a, b, c


async def _expect_start_error(env: Env, lay: layout.Layout, ov: dict, exp: int, desc: str):
    """Program ``lay`` with overrides, START: the job must end with ``exp`` at once, with the
    error interrupt and without any memory access."""
    drv = env.drv
    traffic = (env.ram.stats["ar"], env.ram.stats["aw"])
    await drv.write("IRQ_STATUS", 0x3)
    await drv.write("IRQ_ENABLE", 0x3)
    await _program_raw(drv, lay, ov)
    await drv.write("CTRL", regmap.CTRL_START_MASK)
    if not await env.regs.wait_irq(200):
        raise AssertionError(f"{desc}: no interrupt within 200 cycles")
    st = await drv.read("STATUS")
    code = regmap.field(st, "STATUS", "ERR_CODE")
    assert code == exp, (
        f"{desc}: ERR_CODE {regmap.ERROR_NAMES.get(code, code)}, expected "
        f"{regmap.ERROR_NAMES[exp]} (STATUS 0x{st:x})"
    )
    assert (
        st & (regmap.STATUS_BUSY_MASK | regmap.STATUS_DONE_MASK | regmap.STATUS_ERROR_MASK)
        == regmap.STATUS_DONE_MASK | regmap.STATUS_ERROR_MASK
    ), f"{desc}: STATUS 0x{st:x}"
    assert await drv.read("IRQ_STATUS") == regmap.IRQ_STATUS_ERROR_MASK, desc
    assert (env.ram.stats["ar"], env.ram.stats["aw"]) == traffic, f"{desc}: memory was accessed"
    await drv.write("IRQ_STATUS", 0x3)


@cocotb.test(timeout_time=TEST_MS, timeout_unit="ms")
async def regs_protection(dut):
    """PROT and the DMA windows take privileged writes only (CFG_PRIV = 1; any write with
    CFG_PRIV = 0); LOCK freezes them and itself until rst_n (SOFT_RESET keeps it); PROT
    drives ARPROT/AWPROT; WDOG_CYCLES stays writable by anyone."""
    env = await new_env(dut)
    drv = env.drv
    priv_only = int(env.params.get("CFG_PRIV", 1)) == 1
    vals = {
        "PROT": 0b101,
        "RD_WIN_BASE": 0x1000,
        "RD_WIN_LIMIT": 0x7FFF_FFFF,
        "WR_WIN_BASE": 0x2000,
        "WR_WIN_LIMIT": 0x6FFF_FFFF,
    }
    # unprivileged writes (cocotbext-axi's default AWPROT: unprivileged, non-secure)
    for name, v in vals.items():
        r = await env.axil.write(regmap.REGS[name][0], v.to_bytes(4, "little"))
        got = await drv.read(name)
        if priv_only:
            assert int(r.resp) == SLVERR, f"unprivileged write of {name} answered {int(r.resp)}"
            assert got == RESET_VALUES[name], f"{name} changed by an unprivileged write"
        else:
            assert int(r.resp) == OKAY and got == v, f"CFG_PRIV=0: {name} write refused"
        await drv.write_protected(name, RESET_VALUES[name])
    if priv_only:  # LOCK itself is protected
        r = await env.axil.write(regmap.ADDR_LOCK, (1).to_bytes(4, "little"))
        assert int(r.resp) == SLVERR and await drv.read("LOCK") == 0
    # WDOG_CYCLES is an ordinary register
    await drv.write("WDOG_CYCLES", 12345)
    assert await drv.read("WDOG_CYCLES") == 12345
    await drv.write("WDOG_CYCLES", RESET_VALUES["WDOG_CYCLES"])
    # privileged round trips, byte strobes
    for name, v in vals.items():
        await drv.write_protected(name, v)
        assert await drv.read(name) == v, name
    # PROT drives AxPROT of every AR and AW (FaultRam checks each burst against it)
    env.ram.expected_attrs["prot"] = 0b101
    await drv.set_windows((0, 0xFFFFFFFF), (0, 0xFFFFFFFF))
    await clean_job(env)
    await drv.set_prot(privileged=False, nonsecure=True)
    env.ram.expected_attrs["prot"] = 0b010
    await clean_job(env)
    await drv.set_prot()
    env.ram.expected_attrs["prot"] = 0b011
    # LOCK: windows around the driver's memory, then frozen, even for privileged writes
    lo, hi = MEM_LO, MEM_HI
    await drv.set_windows((lo, hi), (lo, hi), lock=True)
    assert await drv.read("LOCK") == 1
    for name in PROTECTED:
        before = await drv.read(name)
        r = await env.axil.write(
            regmap.REGS[name][0],
            (0).to_bytes(4, "little"),
            prot=AxiProt.PRIVILEGED | AxiProt.NONSECURE,
        )
        assert int(r.resp) == SLVERR, f"locked {name}: write answered {int(r.resp)}"
        assert await drv.read(name) == before, f"locked {name} changed"
    with pytest.raises(BusError):
        await drv.set_windows((0, 0xFFFFFFFF))
    await drv.write("CTRL", regmap.CTRL_SOFT_RESET_MASK)  # SOFT_RESET keeps the lock
    await expect_idle(env)
    assert await drv.read("LOCK") == 1 and await drv.read("RD_WIN_BASE") == lo
    await clean_job(env)  # inside the windows: runs
    lay = drv.plan(3, 2, 5, "p8", "p8", gap=64)
    await _expect_start_error(
        env, lay, {"C_BASE": hi - 1}, regmap.ERR_WRITE_WINDOW, "locked window"
    )
    # only rst_n unlocks
    await env.reset()
    for name, v in RESET_VALUES.items():
        assert await drv.read(name) == v, f"{name} after rst_n"
    await drv.write_protected("RD_WIN_BASE", 0x40)
    assert await drv.read("RD_WIN_BASE") == 0x40
    env.check_protocol()


@cocotb.test(timeout_time=TEST_MS, timeout_unit="ms")
async def address_checks(dut):
    """At START, before any memory access: spans passing 2**32 (ADDR_WRAP), A/Bt outside the
    read window (READ_WINDOW), C outside the write window (WRITE_WINDOW), C overlapping A or
    Bt (C_OVERLAP), in that order; exact fits run; A and Bt may overlap."""
    env = await new_env(dut)
    drv, cfg = env.drv, env.drv.config
    db = cfg.data_bytes
    m, k, n = 3, 5 if LIGHT else 2 * db + 3, 2
    a, b = small_operands(env, "p8", m, k, n)
    lay = drv.plan(m, n, k, "p8", "p8", gap=64)
    (a0, a1), (b0, b1), (c0, c1) = _window_spans(lay, db)
    top = 1 << 32
    rd = a1 - lay.a_base - (m - 1) * lay.a_stride + 1  # bytes read per row
    cases = [
        (
            "A passes 2**32",
            {"A_BASE": top - (m - 1) * lay.a_stride - rd + db},
            regmap.ERR_ADDR_WRAP,
        ),
        (
            "Bt passes 2**32",
            {"B_BASE": top - (n - 1) * lay.b_stride - rd + db},
            regmap.ERR_ADDR_WRAP,
        ),
        ("C passes 2**32", {"C_BASE": top - (m - 1) * lay.c_stride - n + 1}, regmap.ERR_ADDR_WRAP),
        ("huge A stride", {"A_STRIDE": 0x8000_0000}, regmap.ERR_ADDR_WRAP),
        ("huge C stride", {"C_STRIDE": 0x9000_0000}, regmap.ERR_ADDR_WRAP),
        ("C over A", {"C_BASE": a0 + lay.a_stride}, regmap.ERR_C_OVERLAP),
        ("C over Bt", {"C_BASE": b1}, regmap.ERR_C_OVERLAP),
        (
            "C ends on A's first byte",
            {"C_BASE": a0 - (m - 1) * lay.c_stride - n + 1},
            regmap.ERR_C_OVERLAP,
        ),
        (
            "C interleaved with A rows",
            {"C_BASE": a0 + rd, "C_STRIDE": lay.a_stride},
            regmap.ERR_C_OVERLAP,
        ),
        ("wrap before overlap", {"C_BASE": a0, "A_STRIDE": 0x8000_0000}, regmap.ERR_ADDR_WRAP),
        ("alignment before wrap", {"A_BASE": top - db + 1}, regmap.ERR_UNALIGNED),
    ]
    for desc, ov, exp in cases:
        await _expect_start_error(env, lay, ov, exp, desc)
    # windows (privileged software), exact fits first
    await drv.set_windows((a0, b1), (c0, c1))
    await checked_job(env, a, b, "p8", "p8", lay=lay)
    win_cases = [
        ("A below the read window", (a0 + db, b1), None, regmap.ERR_READ_WINDOW),
        ("Bt above the read window", (a0, b1 - 1), None, regmap.ERR_READ_WINDOW),
        ("read window only around Bt", (b0, b1), None, regmap.ERR_READ_WINDOW),
        ("C below the write window", None, (c0 + 1, c1), regmap.ERR_WRITE_WINDOW),
        ("C above the write window", None, (c0, c1 - 1), regmap.ERR_WRITE_WINDOW),
        ("empty-ish write window", None, (c0, c0), regmap.ERR_WRITE_WINDOW),
    ]
    for desc, rwin, wwin, exp in win_cases:
        await drv.set_windows(rwin or (a0, b1), wwin or (c0, c1))
        await _expect_start_error(env, lay, {}, exp, desc)
    # order: read window before write window before overlap
    await drv.set_windows((b0, b1), (c0 + 1, c1))
    await _expect_start_error(env, lay, {}, regmap.ERR_READ_WINDOW, "read before write window")
    await drv.set_windows((a0, b1), (a0, c1))
    await _expect_start_error(
        env, lay, {"C_BASE": a0}, regmap.ERR_C_OVERLAP, "overlap inside windows"
    )
    await drv.set_windows((a0, b1), (c0 + 1, c1))
    await _expect_start_error(
        env, lay, {"C_BASE": a0}, regmap.ERR_WRITE_WINDOW, "write window before overlap"
    )
    await drv.set_windows((0, 0xFFFFFFFF), (0, 0xFFFFFFFF))
    # a span ending exactly at 0xFFFFFFFF is legal (C at the very top of memory)
    top_lay = layout.Layout(
        m,
        n,
        k,
        "p8",
        "p8",
        lay.a_base,
        lay.a_stride,
        lay.b_base,
        lay.b_stride,
        top - (m - 1) * lay.c_stride - n,
        lay.c_stride,
        top,
    )
    await drv.load(top_lay, a, b)
    res = await drv.run(top_lay)
    assert res.err_code == 0
    from xrnpe.matmul import matmul

    assert same(await drv.fetch_c(top_lay), matmul(a, b, "p8", "p8"))
    # A and Bt may overlap: Bt rows are A's rows (B = A[:n].T)
    b2 = np.ascontiguousarray(a[:n].T)
    lay2 = layout.Layout(
        m,
        n,
        k,
        "p8",
        "p8",
        lay.a_base,
        lay.a_stride,
        lay.a_base,
        lay.a_stride,
        lay.c_base,
        lay.c_stride,
        lay.end,
    )
    await drv.load(lay2, a, np.zeros_like(b2))  # writes Bt over... then A again on top
    await drv.mem.write(lay.a_base, layout.operand_image(a, "p8", lay.a_stride))
    res = await drv.run(lay2)
    assert res.err_code == 0 and same(await drv.fetch_c(lay2), matmul(a, b2, "p8", "p8"))
    # rows of A, Bt and C across 4 KiB boundaries: the DMAs split their bursts there
    k4 = 4 * db
    a4, b4 = small_operands(env, "p8", 3, k4, 6)
    st = k4  # p8: one byte per element, rows of 4 bus words
    lay4 = layout.Layout(
        3,
        6,
        k4,
        "p8",
        "fp32",
        0x4_0000 - st - 2 * db,
        st,
        0x4_1000 - 2 * db,
        st,
        0x4_8000 - 12,
        6 * 4 + 4,
        0x4_8000 + 4 * (6 * 4 + 4) + 64,
    )
    await checked_job(env, a4, b4, "p8", "fp32", lay=lay4)
    await clean_job(env)
    env.check_protocol()


# (case, setup, expected error, the slave's violation the checker must see, DUT withdraws VALID)
BUS_FAULTS = [
    # (an abandoned side withdraws a pending AR/AW/W: "may" where one may be pending, True
    # where it must be; a dead slave soon stops accepting addresses too)
    (
        "R never answers",
        lambda r: setattr(r, "r_hang_after", 3),
        regmap.ERR_BUS_TIMEOUT,
        None,
        "may",
    ),
    (
        "B never answers",
        lambda r: setattr(r, "b_hang_after", 0),
        regmap.ERR_BUS_TIMEOUT,
        None,
        "may",
    ),
    (
        "ARREADY stuck low",
        lambda r: setattr(r.read_if.ar_channel, "pause", True),
        regmap.ERR_BUS_TIMEOUT,
        None,
        True,
    ),
    (
        "AWREADY stuck low",
        lambda r: setattr(r.write_if.aw_channel, "pause", True),
        regmap.ERR_BUS_TIMEOUT,
        None,
        True,
    ),
    (
        "WREADY stuck low",
        lambda r: setattr(r.write_if.w_channel, "pause", True),
        regmap.ERR_BUS_TIMEOUT,
        None,
        True,
    ),
    (
        "early RLAST",
        lambda r: setattr(r, "r_bad", {1: "early_last"}),
        regmap.ERR_BUS_PROTOCOL,
        "rlast",
        "may",
    ),
    (
        "late RLAST",
        lambda r: setattr(r, "r_bad", {1: "late_last"}),
        regmap.ERR_BUS_PROTOCOL,
        "rlast",
        "may",
    ),
    (
        "wrong RID",
        lambda r: setattr(r, "r_bad", {2: "bad_id"}),
        regmap.ERR_BUS_PROTOCOL,
        "unrequested",
        "may",
    ),
    (
        "wrong BID",
        lambda r: setattr(r, "b_bad", {0: "bad_id"}),
        regmap.ERR_BUS_PROTOCOL,
        "unrequested",
        "may",
    ),
    # (a stray beat that meets an outstanding burst is seen as that burst's wrong RLAST)
    ("R without request", "stray_r", regmap.ERR_BUS_PROTOCOL, ("unrequested", "rlast"), "may"),
    ("B without request", "stray_b", regmap.ERR_BUS_PROTOCOL, "unrequested", "may"),
]


async def _inject_when_quiet(env: Env, which: str):
    """Inject a response nobody asked for once the job runs and that side has nothing
    outstanding."""
    dut = env.dut
    side = dut.u_rd if which == "stray_r" else dut.u_wr
    while True:
        await RisingEdge(dut.clk)
        await ReadOnly()
        if int(dut.u_ctrl.running.value) and int(side.outstanding_q.value) == 0:
            break
    await RisingEdge(dut.clk)
    await (env.ram.inject_r() if which == "stray_r" else env.ram.inject_b())


@cocotb.test(timeout_time=TEST_MS, timeout_unit="ms")
async def bus_faults(dut):
    """Misbehaving slaves (never-answering R or B, stuck ARREADY/AWREADY/WREADY, early and
    late RLAST, wrong RID/BID, responses without requests): the job ends with BUS_TIMEOUT or
    BUS_PROTOCOL and the error interrupt, nothing is written outside C, the checker saw the
    slave's violation; after a reset of the interconnect the next job is exact.  Responses
    arriving while idle are dropped."""
    env = await new_env(dut)
    drv, cfg = env.drv, env.drv.config
    db = cfg.data_bytes
    fmt, out = "p8", "p16"
    m, k, n = cfg.rows + 1, 4 * db + 3, cfg.cols + 1  # rows of several beats
    wdog = 200
    for i, (desc, setup, exp, rule, withdraws) in enumerate(BUS_FAULTS):
        await drv.set_watchdog(wdog)
        a, b = small_operands(env, fmt, m, k, n)
        lay = drv.plan(m, n, k, fmt, out, gap=64, c_pad=1)
        inj = None
        if isinstance(setup, str):
            inj = cocotb.start_soon(_inject_when_quiet(env, setup))
        else:
            setup(env.ram)
        t0 = get_sim_time("ns")
        _, e = await checked_job(env, a, b, fmt, out, lay=lay, expect_err=exp)
        assert e.result.irq_status == regmap.IRQ_STATUS_ERROR_MASK and e.result.macs == 0, desc
        assert "BUS_" in str(e) and e.hint, f"{desc}: driver message {e}"
        took = (get_sim_time("ns") - t0) / 10
        assert took < cycle_budget(m, n, k, fmt, cfg), f"{desc}: {took} cycles"
        if inj is not None:
            inj.cancel()
        for chk in (env.axi_m, env.axi_l):
            bad = [v for v in chk.errors("dut") if not (withdraws and v[2] == "valid_dropped")]
            assert not bad, f"{desc}: DUT violations {bad[:3]}"
        if withdraws is True:
            assert env.axi_m.count("valid_dropped", "dut") >= 1, f"{desc}: VALID not withdrawn"
        if rule is not None:
            rules = rule if isinstance(rule, tuple) else (rule,)
            assert sum(env.axi_m.count(r, "tb") for r in rules) >= 1, (
                f"{desc}: checker missed the slave's {rule}"
            )
        dut._log.info(
            "%s: %s after %d cycles (%s)", desc, regmap.ERROR_NAMES[exp], took, env.ram.misbehaved
        )
        # the system resets its interconnect, then the co-processor works again
        env.reset_bus()
        env.axi_m.clear()
        if not LIGHT or i % 3 == 0:
            await clean_job(env, "p8", "fp32", (m, 5, n))
    # responses nobody asked for while idle are taken and dropped: no error, next job exact
    await ClockCycles(dut.clk, 5)
    await env.ram.inject_r()
    await env.ram.inject_b()
    await ClockCycles(dut.clk, 20)
    assert await drv.read("STATUS") & regmap.STATUS_ERROR_MASK == 0
    assert env.axi_m.count("unrequested", "tb") == 2
    env.axi_m.clear()
    await drv.set_watchdog(0)  # off: a normal job is unaffected
    await clean_job(env)
    env.check_protocol()


def _only_withdrawals(env: Env, desc: str) -> None:
    """After the DUT abandoned its master port on purpose: its only handshake violations are
    withdrawn VALIDs (documented), and the checker's record is cleared."""
    bad = [v for v in env.axi_m.errors("dut") if v[2] != "valid_dropped"]
    assert not bad, f"{desc}: DUT violations {bad[:3]}"
    env.axi_m.clear()


async def _busy_falls(dut, limit: int) -> int:
    """Cycles until STATUS.BUSY drops (at most ``limit``)."""
    for c in range(limit):
        await RisingEdge(dut.clk)
        await ReadOnly()
        if not int(dut.u_ctrl.st_busy.value):
            return c
    raise AssertionError(f"still BUSY {limit} cycles after SOFT_RESET")


@cocotb.test(timeout_time=TEST_MS, timeout_unit="ms")
async def soft_reset_hung(dut):
    """SOFT_RESET with a dead slave (watchdog off): BUSY drops within DRAIN_WDOG (1024) + 4
    cycles of the SOFT_RESET, STATUS and IRQ_STATUS are clear, no error; after an
    interconnect reset the next job is exact.  Also in an error drain (READ_RESP, then R dead)."""
    env = await new_env(dut)
    drv, cfg = env.drv, env.drv.config
    db = cfg.data_bytes
    fmt, out = "p8", "p8"
    m, k, n = cfg.rows + 1, 4 * db + 3, cfg.cols + 1
    worst = 0
    cases = [
        ("R dead", lambda r: setattr(r, "r_hang_after", 2)),
        ("B dead", lambda r: setattr(r, "b_hang_after", 0)),
        ("WREADY stuck", lambda r: setattr(r.write_if.w_channel, "pause", True)),
        ("ARREADY stuck", lambda r: setattr(r.read_if.ar_channel, "pause", True)),
        ("error drain, then R dead", None),
    ]
    for desc, setup in cases:
        await drv.set_watchdog(0)
        a, b = small_operands(env, fmt, m, k, n)
        lay = drv.plan(m, n, k, fmt, out, gap=64)
        await drv.load(lay, a, b)
        await drv.program(lay)
        if setup is None:
            env.ram.read_faults.append((lay.a_base, lay.a_base + 1, SLVERR))
            env.ram.r_hang_after = 1
        else:
            setup(env.ram)
        await drv.start()
        await ClockCycles(dut.clk, 1500 if setup is not None and "B" in desc else 400)
        st = await drv.read("STATUS")
        assert st & regmap.STATUS_BUSY_MASK, f"{desc}: job not hung (STATUS 0x{st:x})"
        if setup is None:
            assert int(dut.u_ctrl.job_q.value) == 6, f"{desc}: not in the error drain"
        await drv.write("CTRL", regmap.CTRL_SOFT_RESET_MASK)
        took = await _busy_falls(dut, 1024 + 64)
        worst = max(worst, took)
        assert took <= 1024 + 4, f"{desc}: BUSY dropped {took} cycles after SOFT_RESET"
        assert await drv.read("STATUS") == 0 and await drv.read("IRQ_STATUS") == 0, desc
        dut._log.info("%s: idle %d cycles after SOFT_RESET", desc, took)
        _only_withdrawals(env, desc)
        env.reset_bus()
        await drv.set_watchdog(RESET_VALUES["WDOG_CYCLES"])
        await clean_job(env, "p8", "fp32", (m, 5, n))
    dut._log.info("soft reset with a dead slave: worst %d cycles", worst)
    env.check_protocol()


@cocotb.test(timeout_time=TEST_MS, timeout_unit="ms")
async def soft_reset_states(dut):
    """SOFT_RESET in every state of the job (SPAN, SETUP, SETUP2, RUN, DRAIN, IDLE): idle,
    STATUS clear, no interrupt, nothing written outside C, then an exact job."""
    env = await new_env(dut)
    drv, cfg = env.drv, env.drv.config
    fmt, out = "p8", "p16"
    m, k, n = cfg.rows + 1, 9, cfg.cols + 1
    seen = set()

    async def soft_reset_later(cycles):
        await ClockCycles(dut.clk, cycles)
        await env.axil.write(regmap.ADDR_CTRL, regmap.CTRL_SOFT_RESET_MASK.to_bytes(4, "little"))

    async def watch():
        while True:
            await RisingEdge(dut.clk)
            await ReadOnly()
            if int(dut.u_ctrl.soft_reset.value):
                seen.add(int(dut.u_ctrl.job_q.value))

    w = cocotb.start_soon(watch())
    for delay in [*range(1, 9), 40, "drain"]:
        a, b = small_operands(env, fmt, m, k, n)
        lay = drv.plan(m, n, k, fmt, out, gap=64)
        await drv.load(lay, a, b)
        await drv.program(lay)
        await drv.write("IRQ_ENABLE", 0x3)
        await drv.write("IRQ_STATUS", 0x3)
        if delay == "drain":  # an error drain (READ_RESP) held open by a dead R channel
            env.ram.read_faults.append((lay.a_base, lay.a_base + 1, SLVERR))
            env.ram.r_hang_after = 1
            await env.axil.write(regmap.ADDR_CTRL, regmap.CTRL_START_MASK.to_bytes(4, "little"))
            while int(dut.u_ctrl.job_q.value) != 6:
                await RisingEdge(dut.clk)
            await soft_reset_later(5)
        else:
            t = cocotb.start_soon(soft_reset_later(delay))
            await env.axil.write(regmap.ADDR_CTRL, regmap.CTRL_START_MASK.to_bytes(4, "little"))
            await t
        st = await drv.soft_reset(20000)  # a second one while idle does no harm
        assert st == 0 and await drv.read("IRQ_STATUS") == 0, f"delay {delay}: STATUS 0x{st:x}"
        assert not await env.irq()
        _only_withdrawals(env, f"delay {delay}")
        env.reset_bus()
        await clean_job(env, fmt, out, (3, 5, 2))
    w.cancel()
    names = {fcov.JOB_STATES[s] for s in seen}
    assert {"SPAN", "SETUP", "SETUP2", "RUN", "DRAIN", "IDLE"} <= names, (
        f"soft reset seen in {names}"
    )
    env.check_protocol()


# =================================================================================== stream
@cocotb.test(timeout_time=TEST_MS, timeout_unit="ms")
async def back_to_back(dut):
    """Many jobs back to back in distinct buffers; every result is still intact at the end."""
    env = await new_env(dut)
    drv, cfg = env.drv, env.drv.config
    n_jobs = env_int("XRNPE_B2B_JOBS", 8 if LIGHT else 20)
    done = []
    for i in range(n_jobs):
        fmt, out = PAIRS[int(env.rng.integers(len(PAIRS)))]
        m, k, n = (
            int(env.rng.integers(1, 2 * cfg.rows + 2)),
            int(env.rng.integers(1, 9 if LIGHT else 40)),
            int(env.rng.integers(1, (cfg.cols + 2) if LIGHT else 2 * cfg.cols + 2)),
        )
        a = random_codes(env.rng, fmt, (m, k))
        b = random_codes(env.rng, fmt, (k, n))
        env.set_pauses(i % 3 == 2)
        c, _res = await checked_job(env, a, b, fmt, out, gap=32)
        done.append((drv.last_layout, c))
        drv.mem_base = drv.last_layout.end + 64  # next job in fresh memory
    env.set_pauses(False)
    for lay, c in done:
        assert same(await drv.fetch_c(lay), c), f"result of an earlier job was overwritten ({lay})"
    drv.mem_base = 0x10000
    env.check_protocol()


@cocotb.test(timeout_time=TEST_MS, timeout_unit="ms")
async def counters_and_nar(dut):
    """CYCLES matches the START-to-irq time, MACS = M*N*K; NaR operands set INVALID and give
    the documented NaR codes; fp4 inputs never set INVALID."""
    env = await new_env(dut)
    drv, cfg = env.drv, env.drv.config
    long_k = 9 if LIGHT else 3 * cfg.abuf_words * 4 + 1
    for fmt, out, (m, k, n) in (
        ("p8", "p8", (cfg.rows + 1, 17, cfg.cols + 1)),
        ("fp4", "fp32", (2, long_k, 3)),
    ):
        a, b = small_operands(env, fmt, m, k, n)
        lay = drv.plan(m, n, k, fmt, out, gap=64)
        await drv.load(lay, a, b)
        await drv.program(lay)
        await drv.write("IRQ_ENABLE", regmap.IRQ_ENABLE_DONE_MASK)
        await drv.write("IRQ_STATUS", 0x3)
        await drv.write("CTRL", regmap.CTRL_START_MASK)
        t0 = get_sim_time("ns")
        assert await env.regs.wait_irq(cycle_budget(m, n, k, fmt, cfg))
        measured = int((get_sim_time("ns") - t0) // 10)
        cycles, macs = await drv.read64("CYCLES"), await drv.read64("MACS")
        assert macs == m * n * k
        assert abs(cycles - measured) <= 8, f"CYCLES {cycles}, measured ~{measured}"
        dut._log.info(
            "%s->%s %dx%dx%d: CYCLES %d, START->irq %d cycles", fmt, out, m, k, n, cycles, measured
        )
    # NaR: one NaR in A row 1 and one in B column 0 -> row 1 and column 0 NaR, INVALID
    for fmt in ("p4", "p8", "p16"):
        nar = FORMATS[fmt].nar
        for out in OUTPUT_FORMATS if not LIGHT else OUTPUT_FORMATS[FORMATS[fmt].code :][:2]:
            m, k, n = 3, 5, 3
            a, b = small_operands(env, fmt, m, k, n)
            a[1, 2] = nar
            b[4, 0] = nar
            c, res = await checked_job(env, a, b, fmt, out)
            assert res.invalid
            bits = c.view(np.uint32) if out == "fp32" else c.astype(np.uint32)
            nar_code = {"fp4": 0x8, "fp32": 0x7FC00000}.get(out, FORMATS[out].nar)
            assert (bits[1, :] == nar_code).all() and (bits[:, 0] == nar_code).all()
    for out in (
        OUTPUT_FORMATS if not LIGHT else ("fp4", "fp32")
    ):  # fp4 has no NaR: never INVALID, even with -0 (0x8) operands
        a, b = small_operands(env, "fp4", 2, 5, 2)
        a[0, 0] = 0x8
        c, res = await checked_job(env, a, b, "fp4", out)
        assert not res.invalid
    env.check_protocol()


# ===================================================================================== soak
@cocotb.test(
    timeout_time=6 * 3600 * 1000, timeout_unit="ms", skip=os.environ.get("XRNPE_SOAK_JOBS") is None
)
async def soak(dut):
    """A thousand random jobs: random formats/shapes/pauses; now and then error responses,
    soft and hard resets mid-job, START while busy, hung or misbehaving slaves (watchdog
    expiry, protocol errors, then an interconnect reset), wrap/window/overlap violations and
    configuration errors; every normal job bit-exact, nothing ever written outside C."""
    env = await new_env(dut)
    drv, cfg = env.drv, env.drv.config
    n_jobs = env_int("XRNPE_SOAK_JOBS", 1000)
    kinds = [
        "read_fault",
        "write_fault",
        "soft_reset",
        "cfg_error",
        "hard_reset",
        "start_busy",
        "bus_fault",
        "addr_error",
    ]
    tally = dict.fromkeys(["ok", *kinds], 0)
    for i in range(n_jobs):
        fmt, out = PAIRS[int(env.rng.integers(len(PAIRS)))]
        lanes = FORMATS[fmt].lanes
        m = int(env.rng.integers(1, 3 * cfg.rows + 2))
        n = int(env.rng.integers(1, 3 * cfg.cols + 2))
        k = int(
            env.rng.choice(
                [
                    env.rng.integers(1, 4 * lanes),
                    env.rng.integers(1, 2 * cfg.abuf_words * lanes + 8),
                ]
            )
        )
        nar = float(env.rng.choice([0.0, 0.0, 0.02]))
        a = random_codes(env.rng, fmt, (m, k), nar_prob=nar)
        b = random_codes(env.rng, fmt, (k, n), nar_prob=nar)
        env.set_pauses(bool(env.rng.random() < 0.5))
        what = env.rng.choice(["ok"] * 12 + kinds)
        lay = drv.plan(m, n, k, fmt, out, gap=64, c_pad=int(env.rng.integers(0, 3)))
        if what == "ok":
            await checked_job(env, a, b, fmt, out, lay=lay)
        elif what in ("read_fault", "write_fault"):
            if what == "read_fault":
                r = int(env.rng.integers(m + n))
                addr = (
                    lay.a_base + r * lay.a_stride if r < m else lay.b_base + (r - m) * lay.b_stride
                )
                env.ram.read_faults.append((addr, addr + 1, int(env.rng.choice([SLVERR, DECERR]))))
                exp = regmap.ERR_READ_RESP
            else:
                r = int(env.rng.integers(m))
                addr = lay.c_base + r * lay.c_stride
                env.ram.write_faults.append((addr, addr + 1, int(env.rng.choice([SLVERR, DECERR]))))
                exp = regmap.ERR_WRITE_RESP
            await checked_job(env, a, b, fmt, out, lay=lay, expect_err=exp)
            env.ram.clear_faults()
        elif what == "soft_reset":
            await drv.load(lay, a, b)
            await drv.program(lay)
            await drv.start()
            await ClockCycles(dut.clk, int(env.rng.integers(1, 400)))
            assert await drv.soft_reset(50000) == 0
        elif what == "hard_reset":
            await drv.load(lay, a, b)
            await drv.program(lay)
            await drv.start()
            await ClockCycles(dut.clk, int(env.rng.integers(1, 400)))
            await env.reset(int(env.rng.integers(1, 4)))
            assert await drv.read("STATUS") == 0 and await drv.read("M") == 0
            await drv.probe()
        elif what == "start_busy":

            async def second_start():
                await RisingEdge(dut.u_ctrl.st_busy)
                await env.axil.write(regmap.ADDR_CTRL, regmap.CTRL_START_MASK.to_bytes(4, "little"))

            t = cocotb.start_soon(second_start())
            _, res = await checked_job(env, a, b, fmt, out, lay=lay)
            await t
            assert res.status & regmap.STATUS_START_REFUSED_MASK, "START while busy not flagged"
        elif what == "bus_fault":
            env.set_pauses(False)  # (a pause generator would override a stuck READY)
            desc, setup, exp, _, _ = BUS_FAULTS[int(env.rng.integers(len(BUS_FAULTS)))]
            await drv.set_watchdog(int(env.rng.choice([64, 300, 2000])))
            inj = None
            if isinstance(setup, str):
                inj = cocotb.start_soon(_inject_when_quiet(env, setup))
            else:
                setup(env.ram)
            try:
                await checked_job(env, a, b, fmt, out, lay=lay, expect_err=exp)
            except AssertionError as e:
                # a fault armed after the job's last beat of that kind cannot fire
                if "got success" not in str(e):
                    raise
            if inj is not None:
                inj.cancel()
            _only_withdrawals(env, desc)
            env.axi_m.clear()
            env.reset_bus()
            await drv.set_watchdog(RESET_VALUES["WDOG_CYCLES"])
        elif what == "addr_error":
            (a0, a1), (_b0, b1), (c0, c1) = _window_spans(lay, cfg.data_bytes)
            case = int(env.rng.integers(5))
            top, size = 1 << 32, layout.c_elem_bytes(out)
            if case == 0:
                await _expect_start_error(
                    env, lay, {"C_BASE": a0}, regmap.ERR_C_OVERLAP, "soak overlap"
                )
            elif case == 1:
                cb = top - (lay.m - 1) * lay.c_stride - lay.n * size + size
                await _expect_start_error(
                    env, lay, {"C_BASE": cb}, regmap.ERR_ADDR_WRAP, "soak C wrap"
                )
            elif case == 2:
                ab = top - (a1 - a0 + 1) + cfg.data_bytes
                await _expect_start_error(
                    env, lay, {"A_BASE": ab}, regmap.ERR_ADDR_WRAP, "soak A wrap"
                )
            else:
                rd = (a0, b1 - cfg.data_bytes) if case == 3 else (0, 0xFFFFFFFF)
                wr = (c0 + 1, c1 + 1) if case == 4 else (0, 0xFFFFFFFF)
                await drv.set_windows(rd, wr)
                await _expect_start_error(
                    env,
                    lay,
                    {},
                    regmap.ERR_READ_WINDOW if case == 3 else regmap.ERR_WRITE_WINDOW,
                    "soak window",
                )
                await drv.set_windows((0, 0xFFFFFFFF), (0, 0xFFFFFFFF))
        else:
            await _program_raw(drv, lay, {"K": 0})
            await drv.start()
            try:
                await drv.wait(500)
                raise AssertionError("K=0 accepted")
            except CoprocError as e:
                assert e.code == regmap.ERR_ZERO_DIM
        tally[str(what)] += 1
        if i % 25 == 0:
            dut._log.info("soak: %d/%d jobs %s", i, n_jobs, tally)
    env.set_pauses(False)
    await clean_job(env)
    env.check_protocol()
    dut._log.info("soak done: %s", tally)


# ================================================================================== pytest
GROUPS = {
    "regs": [
        "regs_reset_and_access",
        "regs_unmapped",
        "irq_behaviour",
        "config_errors",
        "regs_protection",
        "address_checks",
    ],
    "safety": ["bus_faults", "soft_reset_hung", "soft_reset_states"],
    "random": ["random_formats"],
    "faults": ["mem_faults", "start_while_busy"],
    "aborts": ["soft_reset_mid_job", "hard_reset_mid_job"],
    "reprogram": ["reprogram_while_busy"],
    "stream": ["back_to_back", "counters_and_nar"],
}

if not cocotb.is_simulation:  # collected by pytest, not running inside a simulator
    from xrnpe.sim import manifest, runner
    from xrnpe.sim.coproc_params import (
        GATED_GROUPS,
        PARAM_SETS,
        PE_KIND_GROUPS,
        coproc_sources,
        effective,
    )

    def run_group(
        sim: str,
        pset: str,
        tests: list[str],
        extra: dict | None = None,
        name: str | None = None,
        seed: int = 1,
        view: str | None = None,
    ):
        params = PARAM_SETS[pset]
        runner.run(
            toplevel=manifest.toplevel("coprocessor"),
            sources=coproc_sources(view) if view else coproc_sources(),
            test_module="test_coprocessor",
            sim=sim,
            parameters=params,
            testcase=",".join(tests),
            extra_env={
                "XRNPE_PARAMS": json.dumps(effective(params)),
                "XRNPE_SEED": str(seed),
                "XRNPE_RUN_NAME": f"{sim}-{name or pset}",
                **(extra or {}),
            },
            name=name or f"{pset}-{'-'.join(tests)}",
            seed=seed,
        )

    def _combos():
        """(group, pset, sim) to run: every group x parameter set x simulator, full size; the
        other PE kinds' parameter sets run PE_KIND_GROUPS only, on Verilator in make soak
        (a co-processor build per kind costs minutes: make test's budget)."""
        out = []
        for sim in runner.simulators():
            for pset, params in PARAM_SETS.items():
                for group in GROUPS:
                    kind = "PE_KIND" in params
                    if kind and group not in PE_KIND_GROUPS:
                        continue
                    marks = [pytest.mark.soak] if kind and sim == "verilator" else []
                    out.append(
                        pytest.param(group, pset, sim, id=f"{group}-{pset}-{sim}", marks=marks)
                    )
        return out

    @pytest.mark.parametrize("group,pset,sim", _combos())
    def test_coprocessor(group, pset, sim):
        # the other PE kinds: light size (every format pair, fewer shapes); full size in soak
        light = "1" if "PE_KIND" in PARAM_SETS[pset] else os.environ.get("XRNPE_LIGHT", "0")
        run_group(
            sim,
            pset,
            GROUPS[group],
            {"XRNPE_CASES": "1", "XRNPE_LIGHT": light},
            name=f"{pset}-{group}",
            seed=zlib.crc32(f"{pset}-{group}".encode()) % 1000,
        )

    @pytest.mark.parametrize("group", GATED_GROUPS)
    def test_coprocessor_gated(group):
        """The co-processor with the behavioural clock gates (the suites above read the
        ungated view: xrnpe.sim.coproc_params.SIM_CLOCK_GATE), on Icarus."""
        run_group(
            "icarus",
            "default",
            GROUPS[group],
            {"XRNPE_CASES": "1", "XRNPE_LIGHT": "1"},
            name=f"default-{group}-gated",
            seed=zlib.crc32(f"default-{group}".encode()) % 1000,
            view="sim",
        )

    @pytest.mark.soak
    @pytest.mark.parametrize("sim", runner.simulators())
    @pytest.mark.parametrize("pset", list(PARAM_SETS))
    def test_coprocessor_soak(sim, pset, request):  # every PE kind too
        if "soak" not in (request.config.getoption("-m") or ""):
            pytest.skip("soak: select it with -m soak (make soak)")
        run_group(
            sim,
            pset,
            ["soak"],
            {"XRNPE_SOAK_JOBS": os.environ.get("XRNPE_SOAK_JOBS", "1000")},
            name=f"{pset}-soak",
            seed=int(os.environ.get("XRNPE_SEED", "7")),
        )
