# SPDX-License-Identifier: Apache-2.0
"""Checks of the co-processor suite: random operands, canary-checked jobs and shape cases.

The environment itself (clock, CPU, RAM, driver, pause generators) is the installed
:mod:`xrnpe.sim.coproc_env`; this module holds what only the verification needs.
"""

from __future__ import annotations

import numpy as np

from xrnpe import layout, regmap
from xrnpe.driver import CoprocError, CoprocTimeout
from xrnpe.formats import FORMATS
from xrnpe.matmul import matmul
from xrnpe.sim.coproc_env import Env


# --------------------------------------------------------------------------- operands
def random_codes(
    rng: np.random.Generator, fmt: str, shape, mode: str | None = None, nar_prob: float = 0.0
) -> np.ndarray:
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


async def checked_job(
    env: Env,
    a,
    b,
    fmt: str,
    out: str,
    *,
    gap: int = 64,
    c_pad: int | None = None,
    c_offset: int | None = None,
    expect_err: int | None = None,
    timeout_cycles: int | None = None,
    junk: bool = True,
    check_c: bool = True,
    lay: layout.Layout | None = None,
):
    """Run one job on randomly canaried memory and check everything it touched.

    Memory from the first byte of A to the end of the layout (gaps included) is filled with
    random canary bytes; A/Bt rows are written with garbage in the stride padding and in the
    unused lanes.  Afterwards every byte outside C's elements must be unchanged and C must
    equal the model (unless an error is expected).  Returns (C or None, JobResult or error).
    """
    drv, rng = env.drv, env.rng
    m, k = a.shape
    n = b.shape[1]
    size = layout.c_elem_bytes(out)
    if c_pad is None:
        c_pad = int(rng.choice([0, 0, 1, 3]))
    if c_offset is None:
        c_offset = int(rng.integers(0, max(1, env.drv.config.data_bytes // size)))
    if lay is None:
        lay = drv.plan(
            m,
            n,
            k,
            fmt,
            out,
            gap=gap,
            c_pad=c_pad,
            c_offset=c_offset,
            a_pad=int(rng.integers(0, 2)),
            b_pad=int(rng.integers(0, 2)),
        )
    lo, hi = lay.a_base - gap, lay.end
    canary = rng.integers(0, 256, hi - lo, dtype=np.uint8)
    env.ram.write(lo, canary.tobytes())
    aw, bw = layout.pack_rows(a, fmt), layout.pack_rows(np.ascontiguousarray(b.T), fmt)
    if junk:
        aw, bw = garbage_lanes(aw, fmt, k, rng), garbage_lanes(bw, fmt, k, rng)
    env.ram.write(lay.a_base, _image(aw, lay.a_stride, rng))
    env.ram.write(lay.b_base, _image(bw, lay.b_stride, rng))
    before = np.frombuffer(env.ram.read(lo, hi - lo), dtype=np.uint8).copy()
    cmask = np.zeros(hi - lo, bool)  # bytes C may write
    for i in range(m):
        s = lay.c_base + i * lay.c_stride - lo
        cmask[s : s + n * size] = True
    env.ram.allowed = [
        (lo + s, lo + s + n * size) for s in (lay.c_base + i * lay.c_stride - lo for i in range(m))
    ]
    env.ram.bad_writes.clear()
    drv.last_layout = lay
    paused_before = dict(env.pause_counts)
    res: object
    try:
        res = await drv.run(lay, timeout_cycles)
        err = None
    except CoprocError as e:
        if isinstance(e, CoprocTimeout):
            raise
        res, err = e, e.code
    after = np.frombuffer(env.ram.read(lo, hi - lo), dtype=np.uint8)
    changed = np.nonzero((after != before) & ~cmask)[0]
    assert not len(changed), (
        f"{len(changed)} bytes outside C's elements changed, first at "
        + ", ".join(f"0x{lo + int(x):x}" for x in changed[:4])
        + f" ({lay})"
    )
    assert not env.ram.bad_writes, f"writes outside C: {env.ram.bad_writes[:4]}"
    env.ram.allowed = None
    if expect_err is not None or err is not None:
        assert err == expect_err, (
            f"expected error {regmap.ERROR_NAMES.get(expect_err, expect_err)}, got "
            f"{regmap.ERROR_NAMES.get(err, err) if err is not None else 'success'}"
        )
        return None, res
    c = await drv.fetch_c(lay)
    if check_c:
        exp = matmul(a, b, fmt, out)
        if not same(c, exp):
            bad = np.argwhere(
                (c.view(np.uint32) if out == "fp32" else c)
                != (exp.view(np.uint32) if out == "fp32" else exp)
            )
            i, j = bad[0]
            raise AssertionError(
                f"{fmt}->{out} M={m} K={k} N={n}: {len(bad)} wrong results, first C[{i},{j}] = "
                f"{c[i, j]!r} expected {exp[i, j]!r} (pauses={env.pauses_on})"
            )
        macs = m * n * k
        assert res.macs == macs, f"MACS = {res.macs}, expected {macs}"
        assert res.cycles > 0
        f = FORMATS[fmt]
        exp_invalid = f.nar is not None and (bool((a == f.nar).any()) or bool((b == f.nar).any()))
        assert res.invalid == exp_invalid, f"STATUS.INVALID = {res.invalid}, expected {exp_invalid}"
        env.sample_job(m, n, k, fmt, out, paused_before)
    return c, res


def shape_cases(
    rng: np.random.Generator,
    cfg,
    fmt: str,
    n_cases: int,
    kmax_words: int,
    first: int = 0,
    light: bool = False,
):
    """Random (M, K, N) including 1, non-multiples of ROWS/COLS and lanes, K over a buffer.

    The K kind rotates with ``first + i`` (tiny, short, just over an A buffer slot, long);
    ``light`` keeps the PE work small (over-a-slot K only when the slot is small).
    """
    lanes = FORMATS[fmt].lanes
    out = []
    for i in range(n_cases):
        m = int(
            rng.choice(
                [1, cfg.rows, cfg.rows + 1, 2 * cfg.rows + 1, rng.integers(1, 3 * cfg.rows + 2)]
            )
        )
        n = int(
            rng.choice(
                [1, cfg.cols, cfg.cols - 1 or 1, cfg.cols + 1, rng.integers(1, 3 * cfg.cols + 2)]
            )
        )
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
            k = int(
                rng.integers(cfg.abuf_words * lanes + 1, cfg.abuf_words * lanes + 3 * lanes + 2)
            )
        else:
            k = int(rng.integers(1, kmax_words * lanes))
        out.append((m, k, n))
    return out
