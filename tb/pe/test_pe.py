# SPDX-License-Identifier: Apache-2.0
"""PE tests: pe_rmmec, pe_baseline and pe_wide (same ports, same results), Icarus and Verilator.

pe_rmmec and pe_baseline take one word per cycle; pe_wide takes 4 (fp4, p4), 2 (p8) or 1 (p16)
cycles per word and holds in_ready low meanwhile (docs/ppa.md).  The driver models that rule
exactly (``word_cycles``): it checks in_ready every cycle against it on pe_wide, and every
latency against 11 + (cycles of the job's last word - 1), which is 11 on the other two PEs.

This file is both the cocotb test module and the pytest entry point.  Stimuli and expected
results are precomputed with ``pe_model`` (xrnpe value tables, codec, Quire); the cocotb side
only drives words and collects results with one await per clock cycle.

Groups (one simulator run each, so pytest-xdist spreads them):
  directed     hand-picked values, latency, clear/readout on back-to-back jobs
  exh4         every fp4 and every p4 operand pair in every lane, all 5 output formats
  exh8         every p8 operand pair in both lanes (65,536 per lane), 1-word jobs back to back,
               random output format, other-format jobs interleaved (mode changes between jobs)
  p16          200,000 random p16 pairs + every pair of corner codes (0, NaR, +-minpos, +-maxpos,
               +-1, regime extremes and neighbours; output format rotated) + rounding ties of
               every output format (exact tie, tie +- 2^-56) as 2-3 word dot products
  chains       random dot products up to K = 4096 in every mode x every output format, NaR
               poisoning, cancellation
  handshake    random in_valid gaps and random out_ready backpressure, checks in_ready
  isolation    toggle counts of the partitions a mode does not use are zero
soak (pytest -m soak): p8 exhaustive x all output formats, K = K_MAX p16 chains, 2M p16 pairs;
and exh8 and p16 at full size on Icarus (make test runs them at full size on Verilator only).
"""

from __future__ import annotations

import os
import random

import numpy as np
import pytest

from xrnpe import codec, formats
from xrnpe.formats import FORMATS
from xrnpe.sim import pe_model as pm

LATENCY = 11  # cycles from accepting a 1-cycle in_last word to out_valid (docs/pe.md)
SEED = int(os.environ.get("PE_SEED", "20260513"))
# `make test` runs the full sizes on Verilator and on Icarus but for exh8 and p16, which Icarus
# runs at the PE_QUICK size there and at full size in `make soak` (Icarus ~3,500 cycles/s).
# PE_QUICK=1 runs the same checks on a reduced stimulus, for quick iteration while editing RTL.
QUICK = os.environ.get("PE_QUICK", "0") == "1"
SIZE = {  # full (make test; Icarus exh8/p16: make soak), quick (PE_QUICK=1)
    "exh4_outs": (5, 1),  # output formats per operand pair (quick: rotated)
    "exh8_pairs": (65536, 1024),  # p8 pairs per lane (quick: random sample)
    "p16_pairs": (200_000, 1500),
    "p16_corners": (None, 1000),  # corner-code pairs, output format rotated (None: all pairs)
    "p16_tie_mids": (60, 8),  # rounding-tie midpoints per output format
    "chain_k": (4096, 256),
    "chain_jobs": (60, 12),
    "handshake_jobs": (150, 30),
    "iso_words": (600, 100),
}


def size(name):
    return SIZE[name][1 if QUICK else 0]


try:
    import cocotb
    from cocotb.clock import Clock
    from cocotb.triggers import FallingEdge, ReadOnly, RisingEdge, Timer
except ImportError:  # pytest collection without cocotb is not expected, but keep it importable
    cocotb = None


# ===================================================================== cocotb side
async def _start(dut):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.rst_n.value = 0
    dut.clear.value = 0
    dut.in_valid.value = 0
    dut.out_ready.value = 1
    for s in ("in_a", "in_b", "in_fmt", "in_out_fmt", "in_first", "in_last"):
        getattr(dut, s).value = 0
    for _ in range(3):
        await RisingEdge(dut.clk)
    dut.rst_n.value = 1
    await RisingEdge(dut.clk)


def word_cycles(st: pm.Stream) -> np.ndarray | None:
    """Cycles each word of ``st`` occupies the PE's R1: None (one cycle per word) on pe_rmmec and
    pe_baseline; on pe_wide the word's lanes (4 fp4/p4, 2 p8, 1 p16 or an unknown format)."""
    if os.environ.get("PE_TOP") != "pe_wide":
        return None
    by_code = np.ones(1 << 3, dtype=np.int64)
    for f in pm.IN_FMTS:
        by_code[FORMATS[f].code] = pm.LANES[f]
    return by_code[st.fmt.astype(np.int64)]


def expected_latencies(st: pm.Stream) -> list[int]:
    """Cycles from accepting each job's in_last word to its out_valid: LATENCY, plus the cycles
    the last word's extra lanes take on a PE that serialises them (pe_wide)."""
    cycles = word_cycles(st)
    ends = np.nonzero(st.last)[0]
    extra = np.zeros(len(ends), dtype=np.int64) if cycles is None else cycles[ends] - 1
    return (LATENCY + extra).tolist()


async def drive(
    dut,
    st: pm.Stream,
    *,
    gap_p: float = 0.0,
    stall_p: float = 0.0,
    seed: int = 0,
    check_latency: bool = False,
    max_cycles: int | None = None,
):
    """Drive every word of ``st`` and collect one result per job.

    One loop iteration per clock: at the falling edge the registered outputs of this cycle
    are sampled and the inputs for the next rising edge are written (only when they change).
    Without gaps and stalls in_ready is checked every cycle against the exact rule (always 1;
    on a PE that takes several cycles per word, ``word_cycles``, 1 in a word's last lane).
    With them, in_ready is read after out_ready settles, a word is accepted when it is 1, and
    it may be 0 only within a word's lanes or while a result waits (docs/pe.md, "Handshake").
    Returns (codes, nars, latencies).
    """
    rng = random.Random(seed)
    cycles = word_cycles(st)
    multi = cycles is not None
    cyc_list = cycles.tolist() if multi else None
    remaining = 0  # pe_wide: lanes of R1's word still to go, this cycle's included
    cols = [
        st.a.tolist(),
        st.b.tolist(),
        st.fmt.tolist(),
        st.ofmt.tolist(),
        st.first.tolist(),
        st.last.tolist(),
    ]
    sigs = [dut.in_a, dut.in_b, dut.in_fmt, dut.in_out_fmt, dut.in_first, dut.in_last]
    prev = [None] * 6
    n, n_out = len(cols[0]), st.n_jobs
    codes, nars, lat = [], [], []
    last_acc = []  # cycle of each accepted in_last word
    i = cyc = 0
    in_valid = 0
    out_ready = 1
    dut.out_ready.value = 1
    dut.in_valid.value = 0
    simple = gap_p == 0.0 and stall_p == 0.0
    acc_cyc, stalled = 0, False  # non-simple runs: when R1 took its word, stalls since then
    n_cyc = int(cycles.sum()) if multi else n
    limit = max_cycles or (n_cyc * 4 + 200 if not simple else n_cyc + 200)
    ov_sig, od_sig, on_sig, ir_sig = dut.out_valid, dut.out_data, dut.out_nar, dut.in_ready
    while len(codes) < n_out:
        await FallingEdge(dut.clk)
        cyc += 1
        if cyc > limit:
            raise AssertionError(f"timeout: {len(codes)} of {n_out} results after {cyc} cycles")
        ov = int(ov_sig.value)
        if not simple:
            new_ready = 0 if rng.random() < stall_p else 1
            if new_ready != out_ready:
                out_ready = new_ready
                dut.out_ready.value = out_ready
            # in_ready depends on out_ready within the cycle: read it once out_ready settled,
            # then drive the inputs a step later (still long before the rising edge)
            await ReadOnly()
            ir = int(ir_sig.value)
            # The PE holds in_ready low only while it serialises a word's lanes (never fewer
            # cycles than the lanes) or while a result waits on out_ready: then it may stall
            # once its pipeline is full, which also makes the lanes take longer.
            waiting = bool(ov and not out_ready)
            stalled |= waiting
            busy = multi and i > 0 and cyc - acc_cyc < cyc_list[i - 1] - 1
            if busy:
                assert not ir, f"in_ready=1 at cycle {cyc}, {cyc - acc_cyc} cycles into a word"
            elif not ir:
                assert waiting or (multi and stalled), (
                    f"in_ready=0 at cycle {cyc} without a waiting result"
                )
            await Timer(1, unit="ns")
        else:
            ir = int(remaining <= 1)
            if multi:
                assert int(ir_sig.value) == ir, f"in_ready={1 - ir} at cycle {cyc}, expected {ir}"
        if ov and out_ready:
            codes.append(int(od_sig.value))
            nars.append(int(on_sig.value))
            if check_latency:
                lat.append(cyc - last_acc[len(codes) - 1])
        want = 1 if (i < n and (gap_p == 0.0 or rng.random() >= gap_p)) else 0
        if want:
            for k in range(6):
                v = cols[k][i]
                if v != prev[k]:
                    sigs[k].value = v
                    prev[k] = v
        if want != in_valid:
            in_valid = want
            dut.in_valid.value = want
        if want and ir:  # accepted at the next rising edge
            acc_cyc, stalled = cyc + 1, False  # R1 holds the word from the next cycle
            if cols[5][i]:
                last_acc.append(cyc)
            if multi:
                remaining = cyc_list[i] + 1  # R1 holds it from the next cycle (-1 below)
            i += 1
        if multi and remaining:  # (without stalls R1 moves one lane per cycle)
            remaining -= 1
    await FallingEdge(dut.clk)
    dut.in_valid.value = 0
    return codes, nars, lat


def check(dut, st: pm.Stream, codes, nars, what: str):
    got = np.array(codes, dtype=np.int64)
    gotn = np.array(nars, dtype=np.int64)
    bad = np.nonzero((got != st.exp_code) | (gotn != st.exp_nar))[0]
    if len(bad):
        # locate each bad job's words for the report
        ends = np.nonzero(st.last)[0]
        starts = np.concatenate([[0], ends[:-1] + 1])
        for j in bad[:8]:
            s, e = starts[j], ends[j]
            dut._log.error(
                "%s job %d fmt=%d out=%d K=%d words a=%s b=%s: got %#x nar=%d, expected %#x nar=%d",
                what,
                j,
                st.fmt[s],
                st.ofmt[s],
                e - s + 1,
                [hex(x) for x in st.a[s : min(e + 1, s + 4)]],
                [hex(x) for x in st.b[s : min(e + 1, s + 4)]],
                got[j],
                gotn[j],
                st.exp_code[j],
                st.exp_nar[j],
            )
    assert not len(bad), f"{what}: {len(bad)} of {st.n_jobs} results wrong"
    dut._log.info("%s: %d results (%d words) bit-exact", what, st.n_jobs, len(st.a))


def _ofmts(rng, n):
    return rng.integers(0, len(pm.OUT_FMTS), size=n, dtype=np.int64)


# ---------------------------------------------------------------- stimulus builders
def stim_directed() -> pm.Stream:
    q = {
        n: (lambda n: lambda x: int(pm.vector.quantize(n, np.array([x]))[0]))(n) for n in pm.IN_FMTS
    }
    jobs = []
    # 1.5 * 2 + 0.5 * -3 + 6*6 + 0 = 37.5 (fp4, 4 lanes, one word)
    a = pm.pack(np.array([[q["fp4"](1.5), q["fp4"](0.5), q["fp4"](6), 0]]), 4)
    b = pm.pack(np.array([[q["fp4"](2), q["fp4"](-3), q["fp4"](6), q["fp4"](4)]]), 4)
    for o in pm.OUT_FMTS:
        jobs.append(("fp4", o, a, b))
    # exact cancellation -> +0 in every output format
    a = pm.pack(np.array([[q["p8"](1.25), q["p8"](1.25)]]), 8)
    b = pm.pack(np.array([[q["p8"](3), q["p8"](-3)]]), 8)
    for o in pm.OUT_FMTS:
        jobs.append(("p8", o, a, b))
    # p16 1 x 1 + NaR poisoning, then a clean job right after (flag must clear)
    one = q["p16"](1.0)
    jobs.append(("p16", "p16", np.array([one, 0x8000]), np.array([one, one])))
    jobs.append(("p16", "fp32", np.array([one]), np.array([one])))
    jobs.append(("p4", "fp4", np.array([0x8888]), np.array([0x1111])))  # 4 NaR lanes -> fp4 NaR
    jobs.append(("p4", "p4", np.array([0x4444]), np.array([0x4444])))  # 4 x 1*1 = 4
    return pm.chain_jobs(jobs, quire_check=True)


def stim_exh4(fmt: str) -> pm.Stream:
    pairs = np.arange(256, dtype=np.int64)
    a_c, b_c = pairs >> 4, pairs & 15
    parts = []
    for lane in range(4):
        if size("exh4_outs") == 5:
            for o in pm.OUT_FMTS:
                parts.append(
                    pm.single_word_jobs(
                        fmt,
                        a_c << (4 * lane),
                        b_c << (4 * lane),
                        np.full(256, FORMATS[o].code, np.int64),
                    )
                )
        else:  # every pair once, output formats rotated
            parts.append(
                pm.single_word_jobs(
                    fmt, a_c << (4 * lane), b_c << (4 * lane), (pairs + lane) % len(pm.OUT_FMTS)
                )
            )
    out = parts[0]
    for p in parts[1:]:
        out = out + p
    return out


def stim_exh8(lane: int, rng, all_out: bool = False) -> pm.Stream:
    pairs = np.arange(65536, dtype=np.int64)
    if size("exh8_pairs") < 65536 and not all_out:
        pairs = np.sort(rng.choice(pairs, size("exh8_pairs"), replace=False))
    a_c, b_c = pairs >> 8, pairs & 255
    a, b = a_c << (8 * lane), b_c << (8 * lane)
    n = len(pairs)
    if all_out:
        parts = [
            pm.single_word_jobs("p8", a, b, np.full(n, FORMATS[o].code, np.int64))
            for o in pm.OUT_FMTS
        ]
    else:
        parts = [pm.single_word_jobs("p8", a, b, _ofmts(rng, n))]
    st = parts[0]
    for p in parts[1:]:
        st = st + p
    return st


def interleave_modes(st: pm.Stream, rng, every: int = 61) -> pm.Stream:
    """Insert random 1-word jobs of other formats between the jobs of a 1-word stream."""
    n = len(st.a)
    pos = np.arange(every, n, every)
    fm = rng.choice(["fp4", "p4", "p16"], size=len(pos))
    extra = []
    for f in ("fp4", "p4", "p16"):
        sel = fm == f
        if sel.any():
            k = int(sel.sum())
            e = pm.single_word_jobs(
                f,
                pm.random_words(rng, f, k, nar_ok=True),
                pm.random_words(rng, f, k, nar_ok=True),
                _ofmts(rng, k),
            )
            extra.append((pos[sel], e))
    order = np.argsort(np.concatenate([np.arange(n)] + [p + 0.5 for p, _ in extra]), kind="stable")
    allst = st
    for _, e in extra:
        allst = allst + e
    fields = ("a", "b", "fmt", "ofmt", "first", "last", "exp_code", "exp_nar")
    return pm.Stream(*(getattr(allst, f)[order] for f in fields))


def p16_corner_codes() -> np.ndarray:
    c = {
        0x0000,
        0x8000,
        0x0001,
        0xFFFF,
        0x7FFF,
        0x8001,
        0x4000,
        0xC000,
    }  # 0 NaR +-minpos +-maxpos +-1
    for r in range(1, 15):  # regime extremes and neighbours
        for base in ((1 << 15) - (1 << (15 - r)), 1 << (15 - r)):
            for d in (-1, 0, 1):
                x = (base + d) & 0xFFFF
                c.add(x)
                c.add((-x) & 0xFFFF)
    return np.array(sorted(c), dtype=np.int64)


def p16_ties(rng) -> list[tuple[str, str, np.ndarray, np.ndarray]]:
    """2- and 3-word p16 dot products whose exact sum is a rounding tie (and tie +- 2^-56)."""
    one = 0x4000
    jobs = []
    val16 = pm.vector.value_table("p16")
    finite = np.where(~np.isnan(val16))[0]
    vals = val16[finite]
    order = np.argsort(vals)
    svals, scodes = vals[order], finite[order]

    def p16_code(x):
        j = np.searchsorted(svals, x)
        return int(scodes[j]) if j < len(svals) and svals[j] == x else None

    tiny = 0x0001  # minpos 2^-28; minpos * minpos = 2^-56 (accumulator LSB)
    for o in pm.OUT_FMTS:
        f = FORMATS[o]
        if f.kind == "posit":
            cs = range(1, (1 << (f.width - 1)) - 1)
            mids = [codec.decode_float_posit(f.width + 1, f.es, 2 * c + 1) for c in cs]
        elif f.kind == "minifloat":
            v = [0, 0.5, 1, 1.5, 2, 3, 4, 6]
            mids = [(v[i] + v[i + 1]) / 2 for i in range(7)]
        else:
            mids = [float(1 + 2**-24) * 2.0**e for e in range(-20, 21)]
            mids += [float(1 + 3 * 2**-24) * 2.0**e for e in range(-20, 21)]
        mids = [m for m in mids if 2**-27 < m < 2**27]
        if len(mids) > size("p16_tie_mids"):
            mids = list(rng.choice(mids, size("p16_tie_mids"), replace=False))
        for m in mids:
            # m = hi + lo with both p16 values
            j = np.searchsorted(svals, m, side="right") - 1
            for jj in (j, j - 1, j - 2):
                hi = float(svals[jj])
                lo = m - hi
                if hi <= 0:
                    continue
                c_hi, c_lo = p16_code(hi), p16_code(lo) if lo != 0 else 0
                if c_lo is None:
                    continue
                for sgn in (1, -1):
                    ch = c_hi if sgn > 0 else (-c_hi) & 0xFFFF
                    cl = c_lo if sgn > 0 else (-c_lo) & 0xFFFF
                    for extra in (0, 1, -1):  # exact tie, tie + 2^-56, tie - 2^-56
                        a = [ch, cl]
                        b = [one, one]
                        if extra:
                            a.append(tiny)
                            b.append(tiny if extra > 0 else 0xFFFF)
                        jobs.append(("p16", o, np.array(a, np.int64), np.array(b, np.int64)))
                break
    return jobs


def stim_p16(rng, n_random: int) -> pm.Stream:
    a = pm.random_codes(rng, "p16", n_random, nar_ok=True)
    b = pm.random_codes(rng, "p16", n_random, nar_ok=True)
    st = pm.single_word_jobs("p16", a, b, _ofmts(rng, n_random))
    cc = p16_corner_codes()
    ca, cb = np.meshgrid(cc, cc)
    ca, cb = ca.ravel(), cb.ravel()
    if size("p16_corners") is None:  # every corner pair, output formats rotated
        st = st + pm.single_word_jobs("p16", ca, cb, np.arange(len(ca)) % len(pm.OUT_FMTS))
    else:
        sel = rng.choice(len(ca), size("p16_corners"), replace=False)
        st = st + pm.single_word_jobs("p16", ca[sel], cb[sel], _ofmts(rng, len(sel)))
    return st + pm.chain_jobs(p16_ties(rng))


def stim_chains(rng, k_max_products: int, n_random_jobs: int) -> pm.Stream:
    jobs = []
    for f in pm.IN_FMTS:
        lanes = pm.LANES[f]
        kw = k_max_products // lanes  # words for K products
        for o in pm.OUT_FMTS:
            a = pm.random_words(rng, f, kw)
            b = pm.random_words(rng, f, kw)
            jobs.append((f, o, a, b))
        # all maxpos (or 6*6): the largest sum the accumulator must hold exactly
        big = {"fp4": 0x7, "p4": 0x7, "p8": 0x7F, "p16": 0x7FFF}[f]
        word = int(pm.pack(np.full((1, lanes), big), pm.WIDTH[f])[0])
        jobs.append((f, "fp32", np.full(kw, word), np.full(kw, word)))
        # cancellation: x_i*y_i then -x_i*y_i in reverse order, plus one small term
        a = pm.random_words(rng, f, kw // 2)
        b = pm.random_words(rng, f, kw // 2)
        neg = pm.pack(
            np.vectorize(
                lambda c: (
                    pm.FORMATS[f].code_mask
                    & ((-c) if FORMATS[f].kind == "posit" else c ^ (1 << (pm.WIDTH[f] - 1)))
                )
            )(pm.unpack(b, pm.WIDTH[f])),
            pm.WIDTH[f],
        )
        small = pm.random_words(rng, f, 1)
        jobs.append(
            (
                f,
                rng.choice(pm.OUT_FMTS),
                np.concatenate([a, a[::-1], small]),
                np.concatenate([b, neg[::-1], small]),
            )
        )
    for j in range(n_random_jobs):
        f = str(rng.choice(pm.IN_FMTS))
        kw = (
            int(rng.integers(1, k_max_products // pm.LANES[f] + 1))
            if j % 3 == 0
            else int(rng.integers(1, 40))
        )
        nar_job = j % 7 == 3
        a = pm.random_words(rng, f, kw)
        b = pm.random_words(rng, f, kw)
        if nar_job and FORMATS[f].nar is not None:  # NaR in one random lane of one random word
            w, lane = int(rng.integers(kw)), int(rng.integers(pm.LANES[f]))
            wd = pm.WIDTH[f]
            a[w] = (a[w] & ~(((1 << wd) - 1) << (wd * lane))) | (FORMATS[f].nar << (wd * lane))
        jobs.append((f, str(rng.choice(pm.OUT_FMTS)), a, b))
    # shuffle so modes change between jobs
    order = rng.permutation(len(jobs))
    return pm.chain_jobs([jobs[i] for i in order])


def stim_handshake(rng, n_jobs: int = 400) -> pm.Stream:
    jobs = []
    for _j in range(n_jobs):
        f = str(rng.choice(pm.IN_FMTS))
        kw = int(rng.integers(1, 9))
        jobs.append(
            (
                f,
                str(rng.choice(pm.OUT_FMTS)),
                pm.random_words(rng, f, kw, nar_ok=True),
                pm.random_words(rng, f, kw, nar_ok=True),
            )
        )
    return pm.chain_jobs(jobs, quire_check=True)


# ---------------------------------------------------------------- cocotb tests
if cocotb is not None:

    @cocotb.test()
    async def directed(dut):
        await _start(dut)
        st = stim_directed()
        codes, nars, lat = await drive(dut, st, check_latency=True)
        check(dut, st, codes, nars, "directed")
        assert lat == expected_latencies(st), f"latency {lat}, documented {expected_latencies(st)}"
        # back-to-back 1-word jobs: one result per cycle, fixed latency
        rng = np.random.default_rng(SEED)
        st = pm.single_word_jobs(
            "p8",
            pm.random_words(rng, "p8", 300, nar_ok=True),
            pm.random_words(rng, "p8", 300, nar_ok=True),
            _ofmts(rng, 300),
        )
        codes, nars, lat = await drive(dut, st, check_latency=True)
        check(dut, st, codes, nars, "back-to-back")
        assert lat == expected_latencies(st), f"latency {sorted(set(lat))}"
        await clear_mid_job(dut, rng)

    async def clear_mid_job(dut, rng):
        """`clear` at every point of a job's flight drops its words and its result (nothing
        comes out, even under backpressure), and the next job is exact."""
        for at in range(LATENCY + 3):
            st = pm.single_word_jobs(
                "p16",
                pm.random_words(rng, "p16", 3, nar_ok=True),
                pm.random_words(rng, "p16", 3, nar_ok=True),
                _ofmts(rng, 3),
            )
            dut.out_ready.value = int(at % 2 == 0)
            for i in range(3):  # three 1-word jobs, then `clear` `at` cycles after the last
                await FallingEdge(dut.clk)
                dut.in_a.value, dut.in_b.value = int(st.a[i]), int(st.b[i])
                dut.in_fmt.value, dut.in_out_fmt.value = int(st.fmt[i]), int(st.ofmt[i])
                dut.in_first.value = dut.in_last.value = 1
                dut.in_valid.value = 1
            await FallingEdge(dut.clk)
            dut.in_valid.value = 0
            for _ in range(at):
                await FallingEdge(dut.clk)
            dut.clear.value = 1
            await FallingEdge(dut.clk)
            dut.clear.value = 0
            dut.out_ready.value = 1
            for _ in range(LATENCY + 4):
                assert not int(dut.out_valid.value), f"a result survived clear {at} cycles after"
                await FallingEdge(dut.clk)
        st = pm.single_word_jobs(
            "p8", pm.random_words(rng, "p8", 20), pm.random_words(rng, "p8", 20), _ofmts(rng, 20)
        )
        codes, nars, _ = await drive(dut, st)
        check(dut, st, codes, nars, "after clear")

    @cocotb.test()
    async def exh4(dut):
        await _start(dut)
        for f in ("fp4", "p4"):
            st = stim_exh4(f)
            codes, nars, _ = await drive(dut, st)
            check(
                dut,
                st,
                codes,
                nars,
                f"exhaustive {f} (4 lanes x 256 pairs x {size('exh4_outs')} outputs)",
            )

    @cocotb.test()
    async def exh8(dut):
        await _start(dut)
        rng = np.random.default_rng(SEED + 8)
        for lane in (0, 1):
            st = interleave_modes(stim_exh8(lane, rng), rng)
            codes, nars, _ = await drive(dut, st)
            check(
                dut,
                st,
                codes,
                nars,
                f"p8 lane {lane}: {size('exh8_pairs')} pairs (+ other-mode jobs)",
            )

    @cocotb.test()
    async def p16(dut):
        await _start(dut)
        rng = np.random.default_rng(SEED + 16)
        n = int(os.environ.get("PE_P16_PAIRS", str(size("p16_pairs"))))
        st = stim_p16(rng, n)
        codes, nars, _ = await drive(dut, st)
        check(dut, st, codes, nars, f"p16 ({n} random pairs + corners + ties)")

    @cocotb.test()
    async def chains(dut):
        await _start(dut)
        rng = np.random.default_rng(SEED + 32)
        k = size("chain_k")
        st = stim_chains(rng, k, size("chain_jobs"))
        codes, nars, _ = await drive(dut, st)
        check(dut, st, codes, nars, f"chains K<={k}, all modes x all outputs")

    @cocotb.test()
    async def handshake(dut):
        await _start(dut)
        rng = np.random.default_rng(SEED + 64)
        for gap, stall in ((0.3, 0.0), (0.0, 0.4), (0.5, 0.5), (0.1, 0.8)):
            st = stim_handshake(rng, size("handshake_jobs"))
            codes, nars, _ = await drive(
                dut, st, gap_p=gap, stall_p=stall, seed=int(gap * 10 + stall * 100)
            )
            check(dut, st, codes, nars, f"handshake gaps {gap} stalls {stall}")

    # signals a mode must leave alone: (hierarchical path, bit mask or None = all bits)
    def isolation_signals(dut):
        fmts = ("fp4", "p4", "p8", "p16")
        ops = core(dut).u_operands
        return {f: [getattr(ops, f"iso_a_{f}"), getattr(ops, f"iso_b_{f}")] for f in fmts}

    def core(dut):
        """The PE core (xrnpe_pe_core): operand stage, front end and accumulator."""
        return dut.u_shell.u_core

    @cocotb.test()
    async def isolation(dut):
        await _start(dut)
        top = os.environ.get("PE_TOP", "pe_rmmec")
        rng = np.random.default_rng(SEED + 128)
        groups = isolation_signals(dut)
        extra = {}
        if top == "pe_rmmec":
            # RMMEC partitions: multiplier operand bits outside a mode's lanes, reducer inputs
            # in p16 mode
            front = core(dut).g_merged.u_front
            extra = {
                "fp4": [(front.u_mul.ma, 0x1F00), (front.u_mul.mb, 0x1F00)],
                "p4": [(front.u_mul.ma, 0x1F55), (front.u_mul.mb, 0x1F55)],  # no fraction bits
                "p8": [(front.u_mul.ma, 0x0040), (front.u_mul.mb, 0x0040)],
                "p16": [(front.u_align.win, None), (front.u_align.ls, None)],
            }
        # selective gating of the accumulator: the segments a format's sums cannot reach
        # (formats.acc_live_segments) hold, with their pending carries, in that mode
        acc = core(dut).u_acc
        nseg = formats.ACC_WIDTH // formats.ACC_SEG_W
        for f in ("fp4", "p4", "p8", "p16"):
            dead = ~formats.acc_live_segments(f) & ((1 << nseg) - 1)
            seg_mask = sum(
                ((1 << formats.ACC_SEG_W) - 1) << (formats.ACC_SEG_W * s)
                for s in range(nseg)
                if dead >> s & 1
            )
            if dead:
                extra.setdefault(f, []).extend([(acc.seg_q, seg_mask), (acc.carry_q, dead)])
        for f in ("fp4", "p4", "p8", "p16"):
            n = size("iso_words")
            st = pm.single_word_jobs(
                f,
                pm.random_words(rng, f, n, nar_ok=True),
                pm.random_words(rng, f, n, nar_ok=True),
                _ofmts(rng, n),
            )
            # one word of this mode first so the isolated buses settle, then count
            watch = [s for g, ss in groups.items() if g != f for s in ss]
            watch = [(s, None) for s in watch] + extra.get(f, [])
            base = None
            toggles = [0] * len(watch)
            dut.in_fmt.value = FORMATS[f].code
            codes = []

            async def count():
                nonlocal base
                while True:
                    await FallingEdge(dut.clk)
                    vals = []
                    for s, mask in watch:
                        # registers without reset read X until first written: an X that
                        # stays X is no toggle, X <-> 0/1 is one
                        bits = str(s.value).lower()
                        v = int(bits.replace("x", "0").replace("z", "0"), 2)
                        u = int("".join("1" if c in "xz" else "0" for c in bits), 2)
                        m = (1 << len(bits)) - 1 if mask is None else mask
                        vals.append((v & m, u & m))
                    if base is not None:
                        for k, ((v, u), (v0, u0)) in enumerate(zip(vals, base)):
                            toggles[k] += bin((v ^ v0) | (u ^ u0)).count("1")
                    base = vals

            first = pm.single_word_jobs(f, st.a[:1], st.b[:1], st.ofmt[:1])
            _c, _nn, _ = await drive(dut, first)
            task = cocotb.start_soon(count())
            codes, nars, _ = await drive(dut, st)
            task.cancel()
            check(dut, st, codes, nars, f"isolation workload {f}")
            bad = [(watch[k][0]._path, t) for k, t in enumerate(toggles) if t]
            assert not bad, f"mode {f}: isolated signals toggled: {bad}"
            dut._log.info("mode %s: %d isolated signals, 0 toggles over %d words", f, len(watch), n)

    @cocotb.test(skip=os.environ.get("PE_SOAK", "0") != "1")
    async def soak(dut):
        global QUICK
        QUICK = False  # the soak always runs full size
        await _start(dut)
        rng = np.random.default_rng(SEED + 999)
        for lane in (0, 1):
            st = stim_exh8(lane, rng, all_out=True)
            codes, nars, _ = await drive(dut, st)
            check(dut, st, codes, nars, f"soak: exhaustive p8 lane {lane} x 5 outputs")
        kmax = formats.k_max("p16")
        jobs = []
        for o in pm.OUT_FMTS:
            jobs.append(
                ("p16", o, pm.random_words(rng, "p16", kmax), pm.random_words(rng, "p16", kmax))
            )
        jobs.append(("p16", "fp32", np.full(kmax, 0x7FFF), np.full(kmax, 0x7FFF)))
        jobs.append(("p16", "p16", np.full(kmax, 0x8001), np.full(kmax, 0x7FFF)))
        st = pm.chain_jobs(jobs)
        codes, nars, _ = await drive(dut, st)
        check(dut, st, codes, nars, f"soak: p16 K={kmax}")
        st = stim_p16(rng, 2_000_000)
        codes, nars, _ = await drive(dut, st)
        check(dut, st, codes, nars, "soak: 2M p16 pairs")


# ===================================================================== pytest side
TOPS = ("pe_rmmec", "pe_baseline", "pe_wide")
GROUPS = ("directed", "exh4", "exh8", "p16", "chains", "handshake", "isolation")
# Slow (about 80 s per PE each on Icarus, and the clock gates' latches slow both simulators):
# make test runs them at the PE_QUICK size, make soak at full size on both simulators
# (test_pe_full); `xrnpe verify exhaustive` checks every operand pair on demand.
SOAK_GROUPS = ("exh8", "p16")


def _run(sim, top, testcase, extra_env=None):
    from xrnpe.sim import manifest, runner

    runner.run(
        toplevel=manifest.toplevel(top),
        sources=manifest.sources(top),
        test_module="test_pe",
        sim=sim,
        testcase=testcase,
        name=f"{testcase}",
        seed=SEED,
        extra_env={"PE_TOP": top, "PE_QUICK": os.environ.get("PE_QUICK", "0"), **(extra_env or {})},
    )


def _sims():
    from xrnpe.sim import runner

    return runner.simulators()


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.parametrize("top", TOPS)
@pytest.mark.parametrize("sim", _sims())
def test_pe(sim, top, group):
    quick = group in SOAK_GROUPS
    _run(sim, top, group, {"PE_QUICK": "1"} if quick else None)


@pytest.mark.soak
@pytest.mark.parametrize("group", SOAK_GROUPS)
@pytest.mark.parametrize("top", TOPS)
@pytest.mark.parametrize("sim", _sims())
def test_pe_full(sim, top, group):
    """The full-size exh8 and p16 groups (make test runs them at the reduced size: the same
    checks on fewer operands)."""
    _run(sim, top, group, {"PE_QUICK": "0"})


@pytest.mark.soak
@pytest.mark.parametrize("top", TOPS)
@pytest.mark.parametrize("sim", _sims())
def test_pe_soak(sim, top):
    _run(sim, top, "soak", {"PE_SOAK": "1"})
