# SPDX-License-Identifier: Apache-2.0
"""Pure-Python tests of the co-processor driver: packing, layout, C decoding, and the driver's
register sequence against a small fake co-processor (no simulator).

Expected packings are written out by hand from docs/coprocessor.md (lane 0 in the low bits,
little-endian words), not computed by the code under test.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from xrnpe import driver, layout, regmap
from xrnpe.formats import FORMATS, INPUT_FORMATS, OUTPUT_FORMATS
from xrnpe.matmul import matmul


def test_pack_rows_by_hand():
    a = np.array([[0x1, 0x2, 0x3, 0x4, 0x5]], dtype=np.uint8)
    assert layout.pack_rows(a, "fp4").tolist() == [[0x4321, 0x0005]]
    assert layout.pack_rows(a, "p4").tolist() == [[0x4321, 0x0005]]
    b = np.array([[0x12, 0x34, 0xAB]], dtype=np.uint8)
    assert layout.pack_rows(b, "p8").tolist() == [[0x3412, 0x00AB]]
    c = np.array([[0xBEEF, 0x0001]], dtype=np.uint16)
    assert layout.pack_rows(c, "p16").tolist() == [[0xBEEF, 0x0001]]


def test_operand_image_bytes_by_hand():
    a = np.array([[0x1, 0x2, 0x3, 0x4, 0x5], [0xF, 0xE, 0xD, 0xC, 0xB]], dtype=np.uint8)
    img = layout.operand_image(a, "fp4", stride=8, pad_byte=0xEE)
    assert img == bytes(
        [
            0x21,
            0x43,
            0x05,
            0x00,
            0xEE,
            0xEE,
            0xEE,
            0xEE,
            0xEF,
            0xCD,
            0x0B,
            0x00,
            0xEE,
            0xEE,
            0xEE,
            0xEE,
        ]
    )
    with pytest.raises(ValueError):
        layout.operand_image(a, "fp4", stride=2)


@pytest.mark.parametrize("fmt", INPUT_FORMATS)
def test_pack_unpack_roundtrip(fmt, rng):
    f = FORMATS[fmt]
    for k in (1, f.lanes - 1 or 1, f.lanes, f.lanes + 1, 37, 130):
        codes = rng.integers(0, 1 << f.width, (3, k)).astype(f.dtype)
        words = layout.pack_rows(codes, fmt)
        assert words.dtype == np.uint16 and words.shape == (3, layout.words_per_row(k, fmt))
        assert np.array_equal(layout.unpack_rows(words, fmt, k), codes)
        # unused lanes of the last word are zero
        tail = (-k) % f.lanes
        if tail:
            assert (words[:, -1] >> (f.width * (f.lanes - tail))).max() == 0


def test_words_per_row_and_elem_bytes():
    assert [layout.words_per_row(k, "fp4") for k in (1, 4, 5, 8)] == [1, 1, 2, 2]
    assert [layout.words_per_row(k, "p8") for k in (1, 2, 3)] == [1, 1, 2]
    assert layout.words_per_row(7, "p16") == 7
    assert [layout.c_elem_bytes(o) for o in OUTPUT_FORMATS] == [1, 1, 1, 2, 4]


@pytest.mark.parametrize("out", OUTPUT_FORMATS)
def test_unpack_c_dtypes_and_strides(out, rng):
    o = FORMATS[out]
    m, n, size = 3, 5, layout.c_elem_bytes(out)
    if o.kind == "ieee":
        c = rng.standard_normal((m, n)).astype(np.float32)
    else:
        c = rng.integers(0, 1 << o.width, (m, n)).astype(o.dtype)
    stride = (n + 3) * size
    img = layout.c_image(c, out, stride, fill=0xA5)
    assert len(img) == m * stride
    got = layout.unpack_c(img, m, n, stride, out)
    assert got.dtype == o.dtype and got.shape == (m, n)
    assert np.array_equal(
        got.view(np.uint32) if o.kind == "ieee" else got,
        c.view(np.uint32) if o.kind == "ieee" else c,
    )
    # only the last row's elements are needed
    assert np.array_equal(
        layout.unpack_c(img[: (m - 1) * stride + n * size], m, n, stride, out).view(got.dtype), got
    )


def test_unpack_c_by_hand():
    buf = bytes([0x34, 0x12, 0x78, 0x56])  # two p16 elements, little-endian
    assert layout.unpack_c(buf, 1, 2, 4, "p16").tolist() == [[0x1234, 0x5678]]
    f = layout.unpack_c(bytes([0x00, 0x00, 0x80, 0x3F]), 1, 1, 4, "fp32")
    assert f.dtype == np.float32 and f[0, 0] == 1.0
    with pytest.raises(ValueError, match="not a fp4 code"):
        layout.unpack_c(bytes([0x1F]), 1, 1, 1, "fp4")  # upper bits must be 0


@pytest.mark.parametrize("db", [4, 8, 16, 64])
def test_plan_layout_alignment(db):
    for fmt in INPUT_FORMATS:
        for out in OUTPUT_FORMATS:
            lay = layout.plan_layout(
                5, 3, 11, fmt, out, db, base=0x1003, gap=40, c_offset=1, c_pad=2, a_pad=1
            )
            kw = layout.words_per_row(11, fmt)
            size = layout.c_elem_bytes(out)
            for v in (lay.a_base, lay.a_stride, lay.b_base, lay.b_stride):
                assert v % db == 0
            assert lay.a_stride >= 2 * kw + db and lay.b_stride >= 2 * kw
            assert lay.c_base % size == 0 and lay.c_stride == (3 + 2) * size
            # regions in order, separated by at least the gap, no overlap
            assert lay.a_base >= 0x1003
            assert lay.b_base >= lay.a_base + 5 * lay.a_stride + 40
            assert lay.c_base >= lay.b_base + 3 * lay.b_stride + 40
            assert lay.end >= lay.c_base + 5 * lay.c_stride
    with pytest.raises(ValueError):
        layout.plan_layout(0, 1, 1, "p8", "p8", 8)


def test_regmap_constants_are_used():
    """The driver takes addresses and fields from xrnpe.regmap (no private copies)."""
    src = Path(driver.__file__).read_text()
    assert "0x10" not in src.replace("0x1003", "")  # no hard-coded STATUS address
    assert regmap.ERROR_NAMES[regmap.ERR_UNALIGNED] == "UNALIGNED"
    e = driver.CoprocError(regmap.ERR_STRIDE_TOO_SMALL, 0x0606)
    assert e.name == "STRIDE_TOO_SMALL" and "STRIDE_TOO_SMALL" in str(e)


# --------------------------------------------------------------- fake co-processor model
class FakeCoproc:
    """Register-level behaviour of docs/coprocessor.md, computing C with the model."""

    def __init__(self, rows=2, cols=3, data_bytes=8, fail=None):
        self.regs = {name: 0 for name in regmap.REGS}
        self.regs["ID"] = regmap.ID_VALUE
        self.regs["VERSION"] = regmap.VERSION_VALUE
        self.regs["CONFIG"] = rows | (cols << 8) | (data_bytes << 16)
        self.regs["ABUF_WORDS"], self.regs["BBUF_WORDS"] = 128, 256
        self.mem = bytearray(1 << 16)
        self.fail = fail
        self.by_addr = {a: n for n, (a, _) in regmap.REGS.items()}
        self.log = []

    async def read32(self, addr):
        self.log.append(("r", self.by_addr[addr]))
        return self.regs[self.by_addr[addr]]

    async def write32(self, addr, value):
        name = self.by_addr[addr]
        self.log.append(("w", name, value))
        acc = regmap.REGS[name][1]
        if acc == "rw":
            self.regs[name] = value
        elif acc == "rw1c":
            self.regs[name] &= ~value
        elif name == "CTRL" and value & regmap.CTRL_START_MASK:
            self._job()

    def _job(self):
        g = self.regs
        fi, fo = (
            regmap.field(g["FORMAT"], "FORMAT", "IN_FMT"),
            regmap.field(g["FORMAT"], "FORMAT", "OUT_FMT"),
        )
        f = next(x for x in FORMATS.values() if x.code == fi)
        o = next(x for x in FORMATS.values() if x.code == fo)
        m, n, k = g["M"], g["N"], g["K"]
        if self.fail:
            g["STATUS"] = (
                regmap.STATUS_DONE_MASK
                | regmap.STATUS_ERROR_MASK
                | (self.fail << regmap.STATUS_ERR_CODE_LSB)
            )
            g["IRQ_STATUS"] = regmap.IRQ_STATUS_ERROR_MASK
            return
        kw = layout.words_per_row(k, f)

        def rows(base, stride, r):
            w = [
                np.frombuffer(
                    bytes(self.mem[base + i * stride : base + i * stride + 2 * kw]), "<u2"
                )
                for i in range(r)
            ]
            return layout.unpack_rows(np.array(w), f, k)

        a = rows(g["A_BASE"], g["A_STRIDE"], m)
        bt = rows(g["B_BASE"], g["B_STRIDE"], n)
        c = matmul(a, bt.T.copy(), f.name, o.name)
        img = layout.c_image(c, o.name, g["C_STRIDE"])
        size = layout.c_elem_bytes(o.name)
        for i in range(m):
            s = g["C_BASE"] + i * g["C_STRIDE"]
            self.mem[s : s + n * size] = img[i * g["C_STRIDE"] : i * g["C_STRIDE"] + n * size]
        g["STATUS"] = regmap.STATUS_DONE_MASK
        g["IRQ_STATUS"] = regmap.IRQ_STATUS_DONE_MASK
        g["CYCLES_LO"], g["MACS_LO"] = 1000, m * n * k

    async def sleep(self, cycles):
        pass

    async def write(self, addr, data):
        self.mem[addr : addr + len(data)] = data

    async def read(self, addr, length):
        return bytes(self.mem[addr : addr + length])


@pytest.mark.parametrize("fmt", INPUT_FORMATS)
def test_driver_against_fake(fmt, rng):
    f = FORMATS[fmt]
    fake = FakeCoproc()
    drv = driver.XrnpeDriver(fake, fake, mem_base=0x100, mem_size=0xF000)
    for out in OUTPUT_FORMATS:
        m, k, n = 3, 9, 4
        a = rng.integers(0, 1 << f.width, (m, k)).astype(f.dtype)
        b = rng.integers(0, 1 << f.width, (k, n)).astype(f.dtype)
        c = asyncio.run(drv.matmul(a, b, fmt, out))
        exp = matmul(a, b, fmt, out)
        assert c.dtype == exp.dtype
        assert np.array_equal(
            c.view(np.uint32) if out == "fp32" else c, exp.view(np.uint32) if out == "fp32" else exp
        )
        st = drv.last_stats
        assert st["macs"] == m * n * k and st["peak_macs_per_cycle"] == 2 * 3 * f.lanes
    # the job was started last, after every configuration register
    names = [e[1] for e in fake.log if e[0] == "w"]
    assert names.index("CTRL") > max(names.index(r) for r in ("FORMAT", "M", "N", "K", "C_STRIDE"))


def test_driver_error_and_validation(rng):
    fake = FakeCoproc(fail=regmap.ERR_READ_RESP)
    drv = driver.XrnpeDriver(fake, fake)
    a = np.zeros((2, 2), np.uint8)
    with pytest.raises(driver.CoprocError, match="READ_RESP") as ei:
        asyncio.run(drv.matmul(a, a, "p8", "p8"))
    assert ei.value.code == regmap.ERR_READ_RESP
    with pytest.raises(ValueError, match="K mismatch"):
        asyncio.run(drv.matmul(np.zeros((2, 3), np.uint8), a, "p8", "p8"))
    with pytest.raises(ValueError):
        asyncio.run(drv.matmul(a.astype(np.uint16), a, "p8", "p8"))
    small = driver.XrnpeDriver(FakeCoproc(), FakeCoproc(), mem_size=64)
    with pytest.raises(ValueError, match="bytes of memory"):
        asyncio.run(
            small.matmul(np.zeros((9, 9), np.uint8), np.zeros((9, 9), np.uint8), "p8", "p8")
        )


# --------------------------------------------------------------- bus-safety errors and registers
@pytest.mark.parametrize(
    "code",
    [
        regmap.ERR_ADDR_WRAP,
        regmap.ERR_READ_WINDOW,
        regmap.ERR_WRITE_WINDOW,
        regmap.ERR_C_OVERLAP,
        regmap.ERR_BUS_TIMEOUT,
        regmap.ERR_BUS_PROTOCOL,
    ],
)
def test_new_errors_raise_a_clear_coproc_error(code):
    fake = FakeCoproc(fail=code)
    drv = driver.XrnpeDriver(fake, fake)
    a = np.zeros((2, 2), np.uint8)
    with pytest.raises(driver.CoprocError) as ei:
        asyncio.run(drv.matmul(a, a, "p8", "p8"))
    e = ei.value
    assert e.code == code and e.name == regmap.ERROR_NAMES[code]
    assert e.name in str(e) and e.hint and e.hint in str(e)
    assert e.result.irq_status == regmap.IRQ_STATUS_ERROR_MASK
    # every error code has words for it
    assert set(driver.ERROR_HINTS) == set(regmap.ERROR_NAMES) - {regmap.ERR_NONE}


class PrivFake(FakeCoproc):
    """A register bus that tells privileged writes apart (like the RTL with CFG_PRIV = 1)."""

    PROTECTED: ClassVar[set[str]] = {
        "PROT",
        "RD_WIN_BASE",
        "RD_WIN_LIMIT",
        "WR_WIN_BASE",
        "WR_WIN_LIMIT",
        "LOCK",
    }

    def __init__(self, privileged_path=True):
        super().__init__()
        self.regs.update(
            WDOG_CYCLES=0x10000, PROT=3, RD_WIN_LIMIT=0xFFFFFFFF, WR_WIN_LIMIT=0xFFFFFFFF
        )
        if privileged_path:
            self.write32_privileged = self._priv

    async def write32(self, addr, value):
        if self.by_addr[addr] in self.PROTECTED:
            raise driver.BusError("write", addr, 2)  # unprivileged: SLVERR
        await super().write32(addr, value)

    async def _priv(self, addr, value):
        name = self.by_addr[addr]
        if self.regs["LOCK"] and name in self.PROTECTED:
            raise driver.BusError("write", addr, 2)
        self.log.append(("wp", name, value))
        self.regs[name] = value


def test_windows_prot_lock_watchdog_through_the_driver():
    fake = PrivFake()
    drv = driver.XrnpeDriver(fake, fake)
    asyncio.run(drv.set_windows((0x1000, 0x1FFFF), (0x20000, 0x2FFFF)))
    assert [
        fake.regs[n] for n in ("RD_WIN_BASE", "RD_WIN_LIMIT", "WR_WIN_BASE", "WR_WIN_LIMIT")
    ] == [0x1000, 0x1FFFF, 0x20000, 0x2FFFF]
    asyncio.run(drv.set_prot(privileged=False, nonsecure=True, instruction=True))
    assert fake.regs["PROT"] == 0b110
    asyncio.run(drv.set_watchdog(500))
    assert fake.regs["WDOG_CYCLES"] == 500 and ("w", "WDOG_CYCLES", 500) in fake.log
    asyncio.run(drv.set_windows(write=(0x30000, 0x3FFFF), lock=True))
    assert fake.regs["LOCK"] == 1 and fake.regs["RD_WIN_BASE"] == 0x1000
    with pytest.raises(driver.BusError, match="SLVERR"):
        asyncio.run(drv.set_windows((0, 0xFFFFFFFF)))
    for bad in ((5, 4), (-1, 10), (0, 1 << 32)):
        with pytest.raises(ValueError, match="window"):
            asyncio.run(drv.set_windows(bad))
    with pytest.raises(ValueError):
        asyncio.run(drv.set_watchdog(1 << 32))
    # without a privileged path the plain write is used: refused by an unprivileged bus
    plain = driver.XrnpeDriver(PrivFake(privileged_path=False), None)
    with pytest.raises(driver.BusError):
        asyncio.run(plain.set_prot())
