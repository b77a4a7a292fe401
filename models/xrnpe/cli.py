# SPDX-License-Identifier: Apache-2.0
"""The ``xrnpe`` command: quantize, dequantize and multiply XR-NPE number-format arrays.

Exit status: 0 on success, 2 on bad input or usage (one ``xrnpe: error: ...`` line on stderr,
no output file written; this includes an empty ``-o`` and an existing ``-o`` that is not a
regular file: a symlink, FIFO, device, socket or directory is refused, never replaced),
3 if the output could not be written (an I/O error such as a read-only directory, a full disk
or a closed stdout: one line on stderr, no partial or temporary file left), 1 if the RTL
simulation itself fails.  ``-o -`` writes the .npy to stdout.  A file output is written to a
temporary file in the same directory, fsynced, then renamed over the target: readers never
see a partial file; a new file gets mode 0666 minus the umask, a replaced file keeps its mode.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import stat
import sys
import tempfile

import numpy as np

from .formats import FORMATS, INPUT_FORMATS, OUTPUT_FORMATS, k_max

PROG = "xrnpe"


class UsageError(Exception):
    """Bad input: reported as one line, exit status 2."""


class OutputError(Exception):
    """The output could not be written (I/O error): one line, exit status 3."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors (exit 2) instead of a usage dump."""

    def error(self, message):
        message = " ".join(str(message).split())
        self.exit(2, f"{PROG}: error: {message} (see '{self.prog} --help')\n")


def _fmt_table() -> str:
    rows = [
        ("fp4", "OCP MX E2M1 float: +-{0, 0.5, 1, 1.5, 2, 3, 4, 6}", "uint8"),
        ("p4", "Posit(4,1): 0, +-{1/16, 1/4, 1/2, 1, 2, 4, 16}, NaR=0x8", "uint8"),
        ("p8", "Posit(8,0) (SoftPosit posit8): 2^-6..2^6, NaR=0x80", "uint8"),
        ("p16", "Posit(16,1) (SoftPosit posit16): 2^-28..2^28, NaR=0x8000", "uint16"),
        ("fp32", "IEEE binary32, matmul --out-format only", "float32"),
    ]
    return "\n".join(f"  {n:<5} {d:<58} {t}" for n, d, t in rows)


MAIN_HELP = f"""\
Exact mixed-precision number formats of the XR-NPE neural processing engine.

formats (one code per array element, not packed; codes are the raw bit patterns):
{_fmt_table()}

rounding: posits round to nearest, ties to even on the encoding, and saturate (a nonzero
value never becomes 0 or NaR); fp4 rounds to nearest, ties to even code, saturates at +-6,
and a result that rounds to zero is +0; fp32 is IEEE round-to-nearest-even.

examples:
  xrnpe quantize   --format p8 weights.npy -o w_p8.npy
  xrnpe dequantize --format p8 w_p8.npy -o w_back.npy
  xrnpe matmul --format p8 --out-format fp32 a_p8.npy w_p8.npy -o c.npy
  xrnpe matmul --format p16 --out-format p16 --engine rtl --sim verilator a.npy b.npy -o c.npy
  xrnpe verify exhaustive --format p8 --out-format p8 -o p8.json   # every pair through the RTL

Errors (missing or unreadable file, wrong shape or dtype, code out of range, K mismatch or
K too large) print one line on stderr and exit with status 2 without writing any output.
"""

QUANTIZE_HELP = """\
Round every value of a float32 or float64 .npy array (any shape) to the nearest code of
FORMAT and save the codes (uint8 for fp4/p4/p8, uint16 for p16, same shape).
Posits: NaN and +-Inf become NaR.  fp4: +-Inf saturates to +-6, NaN is an error.

example:  xrnpe quantize --format p16 x.npy -o x_p16.npy
"""

DEQUANTIZE_HELP = """\
Convert a .npy array of FORMAT codes (uint8 for fp4/p4/p8, uint16 for p16, any shape) to
their exact float64 values.  NaR becomes nan; fp4 code 0x8 becomes -0.0.

example:  xrnpe dequantize --format fp4 codes.npy -o values.npy
"""

MATMUL_HELP = """\
C = A x B on codes: A is an (M,K) and B a (K,N) .npy array of FORMAT codes (uint8 for
fp4/p4/p8, uint16 for p16).  Every product and the whole sum are exact; each C[i,j] is
rounded once into OUT_FORMAT and saved as an (M,N) array (uint8/uint16 codes, or float32
for fp32).  A NaR operand makes its result NaR (posits), nan (fp32) or code 0x8 (fp4).
K may be at most {kmax}.

engines: 'model' (default) is the exact Python reference; 'rtl' runs the RTL co-processor
in simulation (--sim icarus, the default, verilator, or verilator-native: the Verilator model
in a C++ harness, no Python per cycle, for large jobs) and returns its results.

example:  xrnpe matmul --format p8 --out-format p16 a.npy b.npy -o c.npy
"""


VERIFY_HELP = """\
Every operand pair of FORMAT (NaR included) through the RTL processing element, each result
checked against the exact model; sharded on Dask (a LocalCluster with one worker per core, or
--scheduler ADDRESS for an existing cluster).  Pair index i = (A code << width) | B code
(2^32 pairs for p16); p8 pairs run in both lanes, fp4/p4 pairs in every lane.  Finished
shards are recorded under --state; a rerun skips them.

exit status: 0 no mismatch, 1 mismatches, 2 bad input (nothing written), 3 the run could not
complete (build failure, a shard failed; finished shards stay recorded).

example:  xrnpe verify exhaustive --format p16 --out-format p16 --state st -o p16.json
"""


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=PROG, description=MAIN_HELP, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    from . import __version__

    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    def common(sp, kind):
        sp.add_argument(
            "--format",
            "-f",
            required=True,
            choices=INPUT_FORMATS,
            metavar="FORMAT",
            help=f"{kind} format: {', '.join(INPUT_FORMATS)}",
        )

    q = sub.add_parser(
        "quantize",
        help="float32/float64 values -> codes",
        description=QUANTIZE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    common(q, "target")
    q.add_argument("input", metavar="IN.npy", help="float32 or float64 array")
    q.add_argument(
        "-o", "--output", required=True, metavar="OUT.npy", help="codes are written here"
    )

    d = sub.add_parser(
        "dequantize",
        help="codes -> float64 values (NaR -> nan)",
        description=DEQUANTIZE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    common(d, "code")
    d.add_argument("input", metavar="IN.npy", help="array of codes")
    d.add_argument(
        "-o", "--output", required=True, metavar="OUT.npy", help="float64 values are written here"
    )

    m = sub.add_parser(
        "matmul",
        help="exact matrix multiply on codes, one rounding",
        description=MATMUL_HELP.format(kmax=", ".join(f"{n}: {k_max(n)}" for n in INPUT_FORMATS)),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    common(m, "input")
    m.add_argument(
        "--out-format",
        "-O",
        required=True,
        choices=OUTPUT_FORMATS,
        metavar="OUT_FORMAT",
        help=f"output format: {', '.join(OUTPUT_FORMATS)}",
    )
    m.add_argument(
        "--engine",
        choices=("model", "rtl"),
        default="model",
        help="model (exact Python reference, default) or rtl (RTL simulation)",
    )
    m.add_argument(
        "--sim",
        choices=("icarus", "verilator", "verilator-native"),
        default="icarus",
        help="simulator for --engine rtl (default icarus); verilator-native runs the "
        "co-processor in a Verilator C++ harness (no Python per cycle, fastest)",
    )
    m.add_argument(
        "--pe-kind",
        choices=("rmmec", "baseline", "wide"),
        default="rmmec",
        help="the co-processor's PEs for --engine rtl: rmmec (default, one reconfigurable "
        "datapath), baseline (per-format lanes) or wide (one Posit(16,1)-wide lane); the "
        "results are the same",
    )
    m.add_argument(
        "--build-dir",
        metavar="DIR",
        default=None,
        help="where --engine rtl keeps simulator builds (default $XRNPE_BUILD_DIR, "
        "else $XDG_CACHE_HOME/xrnpe/sim)",
    )
    m.add_argument("a", metavar="A.npy", help="(M,K) codes")
    m.add_argument("b", metavar="B.npy", help="(K,N) codes")
    m.add_argument("-o", "--output", required=True, metavar="C.npy", help="(M,N) result")

    v = sub.add_parser(
        "verify",
        help="exhaustive RTL verification on Dask (every operand pair)",
        description=VERIFY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    vsub = v.add_subparsers(dest="check", metavar="CHECK", parser_class=_Parser)
    vsub.required = True
    e = vsub.add_parser(
        "exhaustive",
        help="every operand pair of a range through the RTL PE",
        description=VERIFY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    common(e, "operand")
    e.add_argument(
        "--out-format",
        "-O",
        required=True,
        choices=OUTPUT_FORMATS,
        metavar="OUT_FORMAT",
        help=f"output format: {', '.join(OUTPUT_FORMATS)}",
    )
    e.add_argument(
        "--design",
        default="pe_rmmec",
        help="PE design of the source manifest (default pe_rmmec; also pe_baseline, ...)",
    )
    e.add_argument(
        "--range",
        metavar="START:STOP",
        default=None,
        help="pair indices START..STOP-1 (default: every pair; 0x hex allowed)",
    )
    where = e.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=int,
        metavar="N",
        default=None,
        help="local Dask workers (default: one per core)",
    )
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="use the Dask cluster of this scheduler (e.g. tcp://host:8786)",
    )
    e.add_argument(
        "--state",
        metavar="DIR",
        default=None,
        help="record finished shards here; a rerun skips them",
    )
    e.add_argument(
        "--shard-size",
        type=int,
        metavar="PAIRS",
        default=None,
        help="pairs per shard (default 2^22 for p16, 8192 for p8, 256 for fp4/p4)",
    )
    e.add_argument(
        "-o", "--output", required=True, metavar="REPORT.json", help="JSON report ('-' for stdout)"
    )
    _add_onnx_parser(sub)
    return p


def _add_onnx_parser(sub) -> None:
    """``xrnpe onnx run|inspect`` (CONTRACT section 6): defined in ``xrnpe.onnx.cli``."""
    from .onnx.cli import add_parser

    add_parser(sub, _Parser)


# ------------------------------------------------------------------------------ file I/O
def _load(path: str) -> np.ndarray:
    if not os.path.exists(path):
        raise UsageError(f"{path}: no such file")
    if os.path.isdir(path):
        raise UsageError(f"{path}: is a directory, not a .npy file")
    try:
        with open(path, "rb") as fh:
            arr = np.load(fh, allow_pickle=False)
            if not isinstance(arr, np.ndarray):
                raise ValueError("an .npz archive, not a single array")
    except (OSError, ValueError, EOFError) as e:
        msg = " ".join(str(e).split()) or type(e).__name__
        raise UsageError(f"{path}: not a readable .npy file ({msg})") from None
    return arr


def _check_output_dir(path: str) -> None:
    """Refuse an output that must not be replaced (before any work is done)."""
    if path == "-":
        return
    if not path:
        raise UsageError("-o: empty output path (give a file name, or - for stdout)")
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise UsageError(f"{path}: cannot use as output ({e.strerror})") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        kind = (
            "a directory"
            if stat.S_ISDIR(st.st_mode)
            else "a symbolic link"
            if stat.S_ISLNK(st.st_mode)
            else "a FIFO"
            if stat.S_ISFIFO(st.st_mode)
            else "a device"
            if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
            else "a socket"
            if stat.S_ISSOCK(st.st_mode)
            else "not a regular file"
        )
        raise UsageError(
            f"{path}: is {kind}; refusing to replace it (name a regular file, or - for stdout)"
        )
    d = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(d):
        raise UsageError(f"{path}: output directory {d} does not exist")


def _new_file_mode(path: str) -> int:
    """A replaced regular file keeps its mode; a new file gets 0666 minus the umask."""
    try:
        return stat.S_IMODE(os.lstat(path).st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _save(path: str, arr: np.ndarray) -> None:
    """Write atomically: a temp file in the same directory, fsync, then os.replace (or the
    .npy on stdout for ``-`` ).  Any OSError becomes :class:`OutputError`; no temp file stays."""
    if path == "-":
        out = getattr(sys.stdout, "buffer", None)
        if out is None:
            raise OutputError("-: cannot write the output to stdout (stdout is closed)")
        try:
            np.save(out, arr, allow_pickle=False)
            out.flush()
        except (OSError, ValueError) as e:  # closed or broken pipe, full device
            msg = getattr(e, "strerror", None) or " ".join(str(e).split())
            raise OutputError(f"-: cannot write the output to stdout ({msg})") from None
        return
    d = os.path.dirname(os.path.abspath(path))
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".xrnpe-", suffix=".npy.tmp", dir=d)
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), _new_file_mode(path))
            np.save(fh, arr, allow_pickle=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = None
        try:  # the rename itself durable (best effort: not every file system allows it)
            dfd = os.open(d, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError:
            pass
    except OSError as e:
        msg = e.strerror or " ".join(str(e).split()) or type(e).__name__
        raise OutputError(f"{path}: cannot write the output ({msg})") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _codes(path: str, arr: np.ndarray, fmt: str, what: str = "codes") -> np.ndarray:
    from . import vector

    f = FORMATS[fmt]
    if arr.dtype.kind == f.dtype.kind and arr.dtype.itemsize == f.dtype.itemsize:
        arr = arr.astype(f.dtype)  # e.g. big-endian '>u2' codes are still uint16 codes
    if arr.dtype != f.dtype:
        raise UsageError(f"{path}: {fmt} {what} must have dtype {f.dtype}, got {arr.dtype}")
    try:
        vector.check_codes(f, arr)
    except ValueError as e:
        raise UsageError(f"{path}: {e}") from None
    return arr


# ------------------------------------------------------------------------------ commands
def _quantize(args) -> np.ndarray:
    from . import vector

    x = _load(args.input)
    if x.dtype.kind == "f" and x.dtype.itemsize in (4, 8):
        x = x.astype(np.float32 if x.dtype.itemsize == 4 else np.float64)  # native order
    if x.dtype not in (np.float32, np.float64):
        raise UsageError(f"{args.input}: quantize needs float32 or float64 values, got {x.dtype}")
    if FORMATS[args.format].kind == "minifloat" and np.isnan(x).any():
        n = int(np.isnan(x).sum())
        raise UsageError(
            f"{args.input}: {n} NaN value(s) cannot be quantized to {args.format} (fp4 has no NaN)"
        )
    return vector.quantize(args.format, x)


def _dequantize(args) -> np.ndarray:
    from . import vector

    c = _codes(args.input, _load(args.input), args.format)
    return vector.dequantize(args.format, c)


def _matmul(args) -> np.ndarray:
    from .matmul import matmul

    f = FORMATS[args.format]
    mats = []
    for name, path in (("A", args.a), ("B", args.b)):
        m = _load(path)
        if m.ndim != 2:
            raise UsageError(f"{path}: {name} must be a 2-D matrix, got shape {m.shape}")
        if 0 in m.shape:
            raise UsageError(f"{path}: {name} has an empty dimension, shape {m.shape}")
        mats.append(_codes(path, m, args.format))
    a, b = mats
    if a.shape[1] != b.shape[0]:
        raise UsageError(
            f"{args.a}: K mismatch: A is {a.shape[0]}x{a.shape[1]} but {args.b} "
            f"is {b.shape[0]}x{b.shape[1]} (A's columns must equal B's rows)"
        )
    k = a.shape[1]
    if k > k_max(f):
        raise UsageError(
            f"{args.a}: K={k} is too large for exact {f.name} accumulation (at most K={k_max(f)})"
        )
    if args.engine == "model":
        if args.pe_kind != "rmmec":
            raise UsageError(
                "--pe-kind applies to --engine rtl (the model's results are every PE kind's)"
            )
        return matmul(a, b, args.format, args.out_format)
    try:
        from .rtl import matmul_rtl
    except ImportError as e:
        raise UsageError(f"--engine rtl is not available ({' '.join(str(e).split())})") from None

    from .progress import Progress

    progress = Progress("RTL simulation")  # steps on stderr, a live line on a terminal
    try:
        out = matmul_rtl(
            a,
            b,
            args.format,
            args.out_format,
            sim=args.sim,
            progress=progress,
            build_dir=args.build_dir,
            pe_kind=args.pe_kind,
        )
    except ValueError as e:
        raise UsageError(" ".join(str(e).split())) from None
    finally:
        progress.close()
    return np.asarray(out)


COMMANDS = {"quantize": _quantize, "dequantize": _dequantize, "matmul": _matmul}


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help / --version (0) or usage errors (2)
        return int(e.code or 0) if not isinstance(e.code, str) else 2
    if args.command == "verify":
        from .verify import exhaustive_command

        return exhaustive_command(args)
    if args.command == "onnx":
        return _onnx_command(args)
    try:
        _check_output_dir(args.output)
        result = COMMANDS[args.command](args)
        _save(args.output, result)
    except UsageError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    except OutputError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 3
    except MemoryError:
        print(f"{PROG}: error: out of memory", file=sys.stderr)
        return 2
    except Exception as e:  # e.g. a failed simulation: still one line, distinct status
        print(f"{PROG}: error: {type(e).__name__}: {' '.join(str(e).split())}", file=sys.stderr)
        return 1
    return 0


def _onnx_command(args) -> int:
    from .onnx.cli import command

    return command(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
