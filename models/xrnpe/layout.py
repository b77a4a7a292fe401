# SPDX-License-Identifier: Apache-2.0
"""Memory layout of a co-processor job: packing of A and Bt into 16-bit SIMD words, the
alignment rules for bases and strides, and the images of A, Bt and C in memory
(docs/coprocessor.md, "Memory layout").  Plain NumPy, testable without a simulator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .formats import as_format


def words_per_row(k: int, fmt) -> int:
    """KW: 16-bit words holding one row of ``k`` codes of ``fmt`` (ceil(k / lanes))."""
    return -(-int(k) // as_format(fmt).lanes)


def c_elem_bytes(out_fmt) -> int:
    """Bytes per C element: 1 for fp4/p4/p8 outputs, 2 for p16, 4 for fp32."""
    w = as_format(out_fmt, output=True).width
    return 1 if w <= 8 else w // 8


def pack_rows(codes, fmt) -> np.ndarray:
    """Pack an (R, K) code matrix into (R, KW) uint16 words, lane 0 in the low bits.

    Lane ``i`` of word ``t`` is element ``t*lanes + i``; lanes past K in a row's last word
    are 0 (the hardware ignores them anyway).
    """
    f = as_format(fmt)
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
    f = as_format(fmt)
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
    o = as_format(out_fmt, output=True)
    size = c_elem_bytes(o)
    c = np.asarray(c)
    m, n = c.shape
    if o.kind == "ieee":
        raw = np.asarray(c, dtype=np.float32).view("<u4")
    else:
        raw = c.astype({1: "<u1", 2: "<u2"}[size])
    img = np.full((m, stride), fill, dtype=np.uint8)
    img[:, : n * size] = (
        raw.astype({1: "<u1", 2: "<u2", 4: "<u4"}[size]).view(np.uint8).reshape(m, n * size)
    )
    return img.tobytes()


def unpack_c(buf: bytes, m: int, n: int, stride: int, out_fmt) -> np.ndarray:
    """Decode C from ``m`` rows of ``stride`` bytes into the CONTRACT dtype of ``out_fmt``
    (uint8 for fp4/p4/p8, uint16 for p16, float32 for fp32)."""
    o = as_format(out_fmt, output=True)
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


def plan_layout(
    m: int,
    n: int,
    k: int,
    fmt,
    out_fmt,
    data_bytes: int,
    base: int = 0,
    *,
    a_pad: int = 0,
    b_pad: int = 0,
    c_pad: int = 0,
    gap: int = 0,
    c_offset: int = 0,
) -> Layout:
    """Lay A, Bt and C out from ``base`` per the alignment rules of docs/coprocessor.md.

    A/B rows start on bus words (``data_bytes``): stride = roundup(2*KW, data_bytes) plus
    ``a_pad``/``b_pad`` extra bus words.  C rows are N elements plus ``c_pad`` extra
    elements.  ``gap`` bytes (rounded up to a bus word) separate the regions (tests fill them
    with a canary); ``c_offset`` elements shift C_BASE inside its bus word.
    """
    f, o = as_format(fmt), as_format(out_fmt, output=True)
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
    return Layout(
        m, n, k, f.name, o.name, a_base, a_stride, b_base, b_stride, c_base, c_stride, end
    )


__all__ = [
    "Layout",
    "c_elem_bytes",
    "c_image",
    "operand_image",
    "pack_rows",
    "plan_layout",
    "unpack_c",
    "unpack_rows",
    "words_per_row",
]
