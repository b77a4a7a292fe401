# SPDX-License-Identifier: Apache-2.0
"""The xrnpe command line (CONTRACT section 4): in-process main([...]) and as a subprocess."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys

import numpy as np
import pytest
from reference_tables import ref_float_table

from xrnpe import vector
from xrnpe.cli import main
from xrnpe.formats import FORMATS, k_max

# the module (xrnpe.matmul the attribute is the function of the same name)
mm = importlib.import_module("xrnpe.matmul")

FMTS = ["fp4", "p4", "p8", "p16"]


def run(argv, capsys):
    rc = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return rc, out, err


def assert_error(rc, err, *needles):
    assert rc == 2
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1, err
    assert lines[0].startswith("xrnpe: error: "), err
    for n in needles:
        assert str(n) in lines[0], (n, err)


def leftovers(d):
    return sorted(p for p in os.listdir(d) if p.startswith(".xrnpe-") or p.endswith(".tmp"))


def codes(rng, fmt, shape):
    f = FORMATS[fmt]
    return rng.integers(0, 1 << f.width, shape).astype(f.dtype)


# ------------------------------------------------------------------------------ round trips
@pytest.mark.parametrize("fmt", FMTS)
def test_quantize_dequantize_round_trip(tmp_path, capsys, rng, fmt):
    x = np.concatenate([rng.standard_normal(500) * 3, [0.0, -0.0, 1e9, -1e9, 1e-9]]).reshape(5, 101)
    src, q, back = tmp_path / "x.npy", tmp_path / "q.npy", tmp_path / "back.npy"
    for dt in (np.float64, np.float32):
        np.save(src, x.astype(dt))
        rc, out, err = run(["quantize", "--format", fmt, src, "-o", q], capsys)
        assert rc == 0 and err == "" and out == ""
        c = np.load(q)
        assert c.dtype == FORMATS[fmt].dtype and c.shape == x.shape
        np.testing.assert_array_equal(c, vector.quantize(fmt, x.astype(dt)))
        rc, _, err = run(["dequantize", "--format", fmt, q, "-o", back], capsys)
        assert rc == 0 and err == ""
        v = np.load(back)
        assert v.dtype == np.float64
        np.testing.assert_array_equal(v, ref_float_table(fmt)[c.astype(np.int64)])
        # quantizing the dequantized values gives the same codes (idempotent)
        np.save(src, v)
        assert run(["quantize", "--format", fmt, src, "-o", q], capsys)[0] == 0
        np.testing.assert_array_equal(np.load(q), c)
    assert leftovers(tmp_path) == []


def test_dequantize_nar_and_fp4_negative_zero(tmp_path, capsys):
    for fmt, code, check in (
        ("p8", 0x80, np.isnan),
        ("p16", 0x8000, np.isnan),
        ("p4", 0x8, np.isnan),
        ("fp4", 0x8, lambda v: v == 0 and np.signbit(v)),
    ):
        np.save(tmp_path / "c.npy", np.array([code], FORMATS[fmt].dtype))
        assert (
            run(
                ["dequantize", "--format", fmt, tmp_path / "c.npy", "-o", tmp_path / "v.npy"],
                capsys,
            )[0]
            == 0
        )
        assert check(np.load(tmp_path / "v.npy")[0])


def test_quantize_specials(tmp_path, capsys):
    np.save(tmp_path / "x.npy", np.array([np.inf, -np.inf, np.nan, -0.0]))
    assert (
        run(["quantize", "-f", "p16", tmp_path / "x.npy", "-o", tmp_path / "q.npy"], capsys)[0] == 0
    )
    assert np.load(tmp_path / "q.npy").tolist() == [0x8000, 0x8000, 0x8000, 0]
    np.save(tmp_path / "x.npy", np.array([np.inf, -np.inf, -1e-9], np.float32))
    assert (
        run(["quantize", "-f", "fp4", tmp_path / "x.npy", "-o", tmp_path / "q.npy"], capsys)[0] == 0
    )
    assert np.load(tmp_path / "q.npy").tolist() == [0x7, 0xF, 0x0]


@pytest.mark.parametrize("fmt", FMTS)
def test_matmul_all_output_formats_bit_exact(tmp_path, capsys, rng, fmt):
    a, b = codes(rng, fmt, (5, 33)), codes(rng, fmt, (33, 7))
    np.save(tmp_path / "a.npy", a)
    np.save(tmp_path / "b.npy", b)
    for o in ("fp4", "p4", "p8", "p16", "fp32"):
        c_path = tmp_path / f"c_{o}.npy"
        rc, _out, err = run(
            [
                "matmul",
                "--format",
                fmt,
                "--out-format",
                o,
                tmp_path / "a.npy",
                tmp_path / "b.npy",
                "-o",
                c_path,
            ],
            capsys,
        )
        assert rc == 0 and err == "", err
        c = np.load(c_path)
        assert c.shape == (5, 7) and c.dtype == FORMATS[o].dtype
        want = mm.matmul(a, b, fmt, o)
        if o == "fp32":
            np.testing.assert_array_equal(c.view(np.uint32), want.view(np.uint32))
        else:
            np.testing.assert_array_equal(c, want)
    assert leftovers(tmp_path) == []


def test_output_overwritten_on_success_only(tmp_path, capsys):
    out = tmp_path / "o.npy"
    out.write_bytes(b"precious")
    np.save(tmp_path / "x.npy", np.array([1, 2], np.int32))
    rc, _, err = run(["quantize", "-f", "p8", tmp_path / "x.npy", "-o", out], capsys)
    assert_error(rc, err, "x.npy", "int32")
    assert out.read_bytes() == b"precious"
    np.save(tmp_path / "x.npy", np.array([1.0, 2.0]))
    assert run(["quantize", "-f", "p8", tmp_path / "x.npy", "-o", out], capsys)[0] == 0
    assert np.load(out).tolist() == [0x40, 0x60]
    assert leftovers(tmp_path) == []


# ------------------------------------------------------------------------------ errors
def _error_cases(tmp_path, rng):
    """(argv, substrings the one error line must contain) for every bad-input path."""
    t = tmp_path
    np.save(t / "f64.npy", np.array([1.0, 2.0]))
    np.save(t / "nan.npy", np.array([1.0, np.nan]))
    np.save(t / "int.npy", np.array([1, 2], np.int64))
    np.save(t / "u8.npy", np.array([[1, 2], [3, 4]], np.uint8))
    np.save(t / "u8_3.npy", codes(rng, "p8", (3, 2)))
    np.save(t / "p4_big.npy", np.array([[1, 16]], np.uint8))
    np.save(t / "u16.npy", np.array([[1, 2], [3, 4]], np.uint16))
    np.save(t / "vec.npy", np.array([1, 2], np.uint8))
    np.save(t / "empty.npy", np.zeros((0, 3), np.uint8))
    np.save(t / "wideK.npy", np.zeros((1, k_max("p16") + 1), np.uint16))
    np.save(t / "tallK.npy", np.zeros((k_max("p16") + 1, 1), np.uint16))
    np.save(t / "obj.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    np.savez(t / "arch.npz", a=np.zeros(2))
    (t / "text.npy").write_text("not numpy\n")
    (t / "trunc.npy").write_bytes((t / "f64.npy").read_bytes()[:-4])
    mmul = ["matmul", "--format", "p8", "--out-format", "p8"]
    return [
        (["quantize", "-f", "p8", t / "missing.npy"], ["missing.npy", "no such file"]),
        (["quantize", "-f", "p8", t / "text.npy"], ["text.npy", "not a readable .npy"]),
        (["quantize", "-f", "p8", t / "trunc.npy"], ["trunc.npy", "not a readable .npy"]),
        (["quantize", "-f", "p8", t / "arch.npz"], ["arch.npz", "not a readable .npy"]),
        (["quantize", "-f", "p8", t / "obj.npy"], ["obj.npy", "not a readable .npy"]),
        (["quantize", "-f", "p8", t], ["directory"]),
        (["quantize", "-f", "p8", t / "int.npy"], ["int.npy", "float32 or float64", "int64"]),
        (["quantize", "-f", "fp4", t / "nan.npy"], ["nan.npy", "NaN", "fp4"]),
        (["quantize", "-f", "p9", t / "f64.npy"], ["p9", "invalid choice"]),
        (["quantize", t / "f64.npy"], ["--format", "required"]),
        (["dequantize", "-f", "p8", t / "f64.npy"], ["f64.npy", "dtype", "uint8", "float64"]),
        (["dequantize", "-f", "p16", t / "u8.npy"], ["u8.npy", "uint16", "uint8"]),
        (["dequantize", "-f", "p4", t / "p4_big.npy"], ["p4_big.npy", "code 16", "out of range"]),
        (["dequantize", "-f", "fp32", t / "u8.npy"], ["fp32", "invalid choice"]),
        (mmul + [t / "u8.npy", t / "u8_3.npy"], ["u8.npy", "K mismatch", "2x2", "3x2"]),
        (mmul + [t / "vec.npy", t / "u8.npy"], ["vec.npy", "2-D", "(2,)"]),
        (mmul + [t / "u8.npy", t / "empty.npy"], ["empty.npy", "empty"]),
        (mmul + [t / "u8.npy", t / "u16.npy"], ["u16.npy", "dtype", "uint8", "uint16"]),
        (mmul + [t / "u8.npy", t / "missing.npy"], ["missing.npy", "no such file"]),
        (
            ["matmul", "-f", "p4", "-O", "p4", t / "p4_big.npy", t / "u8.npy"],
            ["p4_big.npy", "code 16", "out of range"],
        ),
        (
            ["matmul", "-f", "p16", "-O", "fp32", t / "wideK.npy", t / "tallK.npy"],
            ["wideK.npy", f"K={k_max('p16') + 1}", "too large", str(k_max("p16"))],
        ),
        (
            ["matmul", "-f", "p8", "-O", "fp16", t / "u8.npy", t / "u8.npy"],
            ["fp16", "invalid choice"],
        ),
        (
            ["matmul", "-f", "p8", "-O", "p8", "--engine", "fpga", t / "u8.npy", t / "u8.npy"],
            ["fpga", "invalid choice"],
        ),
        (["matmul", "-f", "p8", "-O", "p8", t / "u8.npy"], ["required"]),
        (
            ["matmul", "-f", "p8", "-O", "p8", "--pe-kind", "wide", t / "u8.npy", t / "u8.npy"],
            ["--pe-kind", "--engine rtl"],
        ),
        (
            ["matmul", "-f", "p8", "-O", "p8", "--pe-kind", "fast", t / "u8.npy", t / "u8.npy"],
            ["fast", "invalid choice"],
        ),
        (["frobnicate", t / "u8.npy"], ["frobnicate", "invalid choice"]),
        ([], ["required"]),
    ]


def test_every_error_path_in_process(tmp_path, capsys, rng):
    for argv, needles in _error_cases(tmp_path, rng):
        out_path = tmp_path / "out.npy"
        rc, _out, err = run(argv + ["-o", out_path] if argv else argv, capsys)
        assert_error(rc, err, *needles)
        assert not out_path.exists(), argv
        assert leftovers(tmp_path) == [], argv


def test_error_never_clobbers_existing_output(tmp_path, capsys, rng):
    for argv, _ in _error_cases(tmp_path, rng):
        if not argv:
            continue
        out_path = tmp_path / "keep.npy"
        out_path.write_bytes(b"old")
        rc, _, err = run(argv + ["-o", out_path], capsys)
        assert rc == 2 and out_path.read_bytes() == b"old", (argv, err)


def test_non_native_byte_order_accepted(tmp_path, capsys):
    np.save(tmp_path / "x.npy", np.array([1.0, -2.0], dtype=">f8"))
    assert (
        run(["quantize", "-f", "p16", tmp_path / "x.npy", "-o", tmp_path / "q.npy"], capsys)[0] == 0
    )
    q = np.load(tmp_path / "q.npy")
    assert q.dtype == np.uint16 and q.tolist() == [0x4000, (-0x5000) & 0xFFFF]
    np.save(tmp_path / "q.npy", q.astype(">u2"))
    assert (
        run(["dequantize", "-f", "p16", tmp_path / "q.npy", "-o", tmp_path / "v.npy"], capsys)[0]
        == 0
    )
    assert np.load(tmp_path / "v.npy").tolist() == [1.0, -2.0]


def test_output_directory_missing(tmp_path, capsys):
    np.save(tmp_path / "x.npy", np.array([1.0]))
    rc, _, err = run(
        ["quantize", "-f", "p8", tmp_path / "x.npy", "-o", tmp_path / "no" / "o.npy"], capsys
    )
    assert_error(rc, err, "does not exist")


def test_k_max_is_accepted(tmp_path, capsys):
    k = k_max("p16")
    a = np.full((1, k), 0x7FFF, np.uint16)  # maxpos: the largest possible sum
    np.save(tmp_path / "a.npy", a)
    np.save(tmp_path / "b.npy", a.T.copy())
    rc, _, err = run(
        [
            "matmul",
            "-f",
            "p16",
            "-O",
            "fp32",
            tmp_path / "a.npy",
            tmp_path / "b.npy",
            "-o",
            tmp_path / "c.npy",
        ],
        capsys,
    )
    assert rc == 0, err
    assert np.load(tmp_path / "c.npy")[0, 0] == np.float32(k * 2.0**56)


def test_rtl_engine_missing_or_failing(tmp_path, capsys, monkeypatch):
    np.save(tmp_path / "a.npy", np.array([[0x40]], np.uint8))
    argv = [
        "matmul",
        "-f",
        "p8",
        "-O",
        "p8",
        "--engine",
        "rtl",
        "--sim",
        "verilator",
        tmp_path / "a.npy",
        tmp_path / "a.npy",
        "-o",
        tmp_path / "c.npy",
    ]
    import types

    calls = []
    fake = types.ModuleType("xrnpe.rtl")

    def matmul_rtl(a, b, fmt, out_fmt, sim="icarus", progress=None, **kw):
        calls.append((a.tolist(), b.tolist(), fmt, out_fmt, sim))
        return mm.matmul(a, b, fmt, out_fmt)

    fake.matmul_rtl = matmul_rtl
    monkeypatch.setitem(sys.modules, "xrnpe.rtl", fake)
    rc, _, err = run(argv, capsys)
    assert rc == 0, err
    assert calls == [([[0x40]], [[0x40]], "p8", "p8", "verilator")]
    assert np.load(tmp_path / "c.npy").tolist() == [[0x40]]
    os.unlink(tmp_path / "c.npy")

    def broken(*a, **k):
        raise ValueError("M too large\nfor the DMA")

    fake.matmul_rtl = broken
    rc, _, err = run(argv, capsys)
    assert_error(rc, err, "M too large for the DMA")
    assert not (tmp_path / "c.npy").exists()
    monkeypatch.setitem(sys.modules, "xrnpe.rtl", None)  # import fails
    rc, _, err = run(argv, capsys)
    assert_error(rc, err, "--engine rtl", "not available")
    assert not (tmp_path / "c.npy").exists() and leftovers(tmp_path) == []


def test_help_texts(capsys):
    for argv in ([], ["quantize"], ["dequantize"], ["matmul"]):
        assert main(argv + ["--help"]) == 0
        out = capsys.readouterr().out
        assert "usage: xrnpe" in out and "example" in out
        for f in FMTS:
            assert f in out


# ------------------------------------------------------------------------------ subprocess
def _py(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "xrnpe", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_subprocess_round_trip_and_matmul(tmp_path, rng):
    np.save(tmp_path / "x.npy", rng.standard_normal((4, 6)).astype(np.float32))
    r = _py("quantize", "--format", "p16", "x.npy", "-o", "q.npy", cwd=tmp_path)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    r = _py(
        "matmul",
        "--format",
        "p16",
        "--out-format",
        "fp32",
        "q.npy",
        "qT.npy",
        "-o",
        "c.npy",
        cwd=tmp_path,
    )
    assert_error(r.returncode, r.stderr, "qT.npy", "no such file")
    q = np.load(tmp_path / "q.npy")
    np.save(tmp_path / "qT.npy", q.T.copy())
    r = _py(
        "matmul",
        "--format",
        "p16",
        "--out-format",
        "fp32",
        "q.npy",
        "qT.npy",
        "-o",
        "c.npy",
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    np.testing.assert_array_equal(np.load(tmp_path / "c.npy"), mm.matmul(q, q.T, "p16", "fp32"))


def test_subprocess_errors_are_one_line(tmp_path):
    np.save(tmp_path / "i.npy", np.arange(3))
    for args, needles in (
        (["quantize", "--format", "p8", "i.npy", "-o", "o.npy"], ["i.npy", "int64"]),
        (["quantize", "--format", "p8"], ["required"]),
        (["matmul", "--format", "p3", "a", "b", "-o", "c"], ["p3"]),
    ):
        r = _py(*args, cwd=tmp_path)
        assert_error(r.returncode, r.stderr, *needles)
        assert r.stdout == ""
        assert not (tmp_path / "o.npy").exists()
    r = _py("--help", cwd=tmp_path)
    assert r.returncode == 0 and "quantize" in r.stdout


# ------------------------------------------------------------------------------ output safety
def _one_line(rc, err, status, *needles):
    """One ``xrnpe: error:`` line, the documented status, no traceback."""
    assert rc == status, (rc, err)
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("xrnpe: error: "), err
    assert "Traceback" not in err
    for n in needles:
        assert n in lines[0], (n, err)


def _x(tmp_path):
    np.save(tmp_path / "x.npy", np.array([1.0, -2.0, 0.5]))
    return ["quantize", "-f", "p8", tmp_path / "x.npy"]


def test_output_to_stdout(tmp_path):
    """``-o -`` writes the .npy to stdout, nothing else there, no file named '-'."""
    np.save(tmp_path / "x.npy", np.array([1.0, -2.0, 0.5]))
    r = subprocess.run(
        [sys.executable, "-m", "xrnpe", "quantize", "-f", "p16", "x.npy", "-o", "-"],
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
    )
    assert r.returncode == 0 and r.stderr == b"", r.stderr
    import io

    got = np.load(io.BytesIO(r.stdout))
    np.testing.assert_array_equal(got, vector.quantize("p16", np.array([1.0, -2.0, 0.5])))
    assert not (tmp_path / "-").exists()
    # a closed stdout is an I/O failure: one line, exit 3
    r = subprocess.run(
        f"{sys.executable} -m xrnpe quantize -f p16 x.npy -o - >&-",
        shell=True,
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        timeout=120,
    )
    _one_line(r.returncode, r.stderr.decode(), 3, "stdout")


def test_non_regular_outputs_refused(tmp_path, capsys):
    """A symlink, FIFO, device or directory given as -o is refused (exit 2) and left as it is."""
    argv = _x(tmp_path)
    target = tmp_path / "target.npy"
    target.write_bytes(b"target")
    link = tmp_path / "link.npy"
    link.symlink_to(target)
    dangling = tmp_path / "dangling.npy"
    dangling.symlink_to(tmp_path / "nowhere.npy")
    fifo = tmp_path / "fifo.npy"
    os.mkfifo(fifo)
    cases = [
        (link, "symbolic link"),
        (dangling, "symbolic link"),
        (fifo, "FIFO"),
        (tmp_path, "directory"),
    ]
    if os.geteuid() == 0:  # a private character device node (like /dev/null), safe to refuse
        dev = tmp_path / "null"
        os.mknod(dev, 0o666 | __import__("stat").S_IFCHR, os.makedev(1, 3))
        cases.append((dev, "device"))
    for path, kind in cases:
        before = os.lstat(path)
        rc, _out, err = run(argv + ["-o", path], capsys)
        _one_line(rc, err, 2, kind, "refusing")
        after = os.lstat(path)
        assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino), path
    assert target.read_bytes() == b"target" and not (tmp_path / "nowhere.npy").exists()
    assert leftovers(tmp_path) == []


def test_empty_output_path(tmp_path, capsys):
    rc, _, err = run(_x(tmp_path) + ["-o", ""], capsys)
    _one_line(rc, err, 2, "empty output path")


def test_new_files_honour_the_umask(tmp_path, capsys):
    argv = _x(tmp_path)
    old = os.umask(0o022)
    try:
        for mask, mode in ((0o022, 0o644), (0o077, 0o600), (0o002, 0o664)):
            os.umask(mask)
            out = tmp_path / f"u{mask:o}.npy"
            assert run(argv + ["-o", out], capsys)[0] == 0
            assert (out.stat().st_mode & 0o777) == mode, (oct(mask), oct(out.stat().st_mode))
        # a replaced file keeps its own mode
        out = tmp_path / "keep.npy"
        out.write_bytes(b"x")
        out.chmod(0o640)
        assert run(argv + ["-o", out], capsys)[0] == 0
        assert (out.stat().st_mode & 0o777) == 0o640
    finally:
        os.umask(old)


def test_fsync_before_rename(tmp_path, capsys, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append(("fsync", fd)), real_fsync(fd))[1])
    monkeypatch.setattr(
        os, "replace", lambda a, b: (events.append(("replace", str(b))), real_replace(a, b))[1]
    )
    out = tmp_path / "o.npy"
    assert run(_x(tmp_path) + ["-o", out], capsys)[0] == 0
    kinds = [e[0] for e in events]
    assert "fsync" in kinds and kinds.index("fsync") < kinds.index("replace"), events
    assert events[kinds.index("replace")][1] == str(out)


@pytest.mark.parametrize(
    "where,err_no,needle",
    [
        ("mkstemp", 30, "Read-only file system"),  # EROFS: read-only directory / file system
        ("mkstemp", 13, "Permission denied"),  # EACCES
        ("save", 28, "No space left on device"),  # ENOSPC while writing
        ("fsync", 28, "No space left on device"),  # ENOSPC found at fsync (delayed allocation)
        ("replace", 5, "Input/output error"),  # EIO at the rename
    ],
)
def test_io_failures_are_one_line_exit_3(tmp_path, capsys, monkeypatch, where, err_no, needle):
    """Every output I/O failure: one line on stderr, exit 3, the old file untouched, no temp."""
    import errno as _errno
    import tempfile

    import xrnpe.cli as cli

    def boom(*a, **k):
        raise OSError(err_no, os.strerror(err_no))

    argv = _x(tmp_path)
    real_save = np.save
    if where == "mkstemp":
        monkeypatch.setattr(tempfile, "mkstemp", boom)
    elif where == "save":

        def partial_save(fh, arr, **k):
            fh.write(b"\x93NUMPY partial")
            boom()

        monkeypatch.setattr(cli.np, "save", partial_save)
    elif where == "fsync":
        monkeypatch.setattr(os, "fsync", boom)
    else:
        monkeypatch.setattr(os, "replace", boom)
    out = tmp_path / "o.npy"
    out.write_bytes(b"old")
    rc, _stdout, err = run(argv + ["-o", out], capsys)
    monkeypatch.setattr(cli.np, "save", real_save)
    _one_line(rc, err, 3, "o.npy", "cannot write", needle)
    assert out.read_bytes() == b"old" and leftovers(tmp_path) == []
    assert _errno.errorcode[err_no]


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_directory_real(tmp_path, capsys):
    d = tmp_path / "ro"
    d.mkdir()
    argv = _x(tmp_path)
    d.chmod(0o555)
    try:
        rc, _, err = run(argv + ["-o", d / "o.npy"], capsys)
    finally:
        d.chmod(0o755)
    _one_line(rc, err, 3, "cannot write")
    assert list(d.iterdir()) == []


def test_io_failure_in_subprocess_has_no_traceback(tmp_path):
    """A real (not simulated) write failure end to end: a directory of /proc, where no file
    can be created."""
    np.save(tmp_path / "x.npy", np.array([1.0]))
    if not os.path.isdir("/proc/self"):
        pytest.skip("no /proc")
    r = _py("quantize", "-f", "p8", "x.npy", "-o", "/proc/self/xrnpe-out.npy", cwd=tmp_path)
    assert r.returncode in (2, 3), r.stderr
    _one_line(r.returncode, r.stderr, r.returncode, "xrnpe-out.npy")
