# SPDX-License-Identifier: Apache-2.0
"""The native PE harness (``pe_harness.cpp``) from Python: build per design, stream, compare.

    lib = pe_library("pe_rmmec")                      # built once, from the manifest
    res = stream(lib, a_words, b_words, "p16", "p16", expected, expected_nar)
    res.mismatches, res.index, res.got, res.got_nar, res.cycles

Every word is a whole dot product (in_first = in_last = 1), driven one per cycle; the harness
compares each result with ``expected`` / ``expected_nar`` (computed by the caller from the
reference model) and returns how many groups of ``group`` consecutive words had a mismatch,
with the first mismatching word of each of the first ``max_report`` such groups.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...formats import FORMATS
from .. import manifest
from .build import NativeBuildError, build_library, last_error, load

PE_PORTS = (
    "clk",
    "rst_n",
    "in_valid",
    "in_ready",
    "in_a",
    "in_b",
    "in_fmt",
    "in_out_fmt",
    "in_first",
    "in_last",
    "out_valid",
    "out_ready",
    "out_data",
    "out_nar",
)


class NativeSimError(RuntimeError):
    """The simulation stopped (an RTL assertion, a missing or extra result)."""


def pe_designs() -> list[str]:
    """Manifest designs (block targets) whose top module has the PE ports."""
    out = []
    for name in manifest.load().block_names():
        try:
            if not missing_pe_ports(name):
                out.append(name)
        except (manifest.ManifestError, OSError):
            continue
    return out


def missing_pe_ports(design: str, sources=None) -> list[str]:
    """PE ports the design's top module does not declare (empty for a PE).

    Read from the header of the top module's source file; the build would fail anyway, this
    gives a one-line answer before it.
    """
    top = manifest.toplevel(design)
    if not top:
        return list(PE_PORTS)
    sources = [Path(s) for s in (sources or manifest.sources(design))]
    text = ""
    for src in sources:
        t = src.read_text(errors="replace")
        m = re.search(rf"\bmodule\s+{re.escape(top)}\b(.*?)\);", t, re.S)
        if m:
            text = m.group(1)
            break
    if not text:
        return list(PE_PORTS)
    declared = set(re.findall(r"\b([A-Za-z_]\w*)\b", text))
    return [p for p in PE_PORTS if p not in declared]


def pe_library(design: str, *, sources=None, name: str | None = None) -> Path:
    """Build (once) the harness for ``design`` (a manifest block, e.g. pe_rmmec); ``sources``
    overrides the file list (e.g. a modified copy of the RTL)."""
    srcs = list(sources) if sources is not None else manifest.sources(design)
    return build_library("pe", manifest.toplevel(design), srcs, name=name or design)


@dataclass
class StreamResult:
    mismatches: int  # groups (pairs) with at least one mismatching result
    index: np.ndarray  # word index of the first mismatch of each reported group
    got: np.ndarray  # out_data the RTL produced there
    got_nar: np.ndarray  # out_nar the RTL produced there
    cycles: int  # simulated clock cycles (reset included)


_ARGTYPES = [
    ctypes.c_void_p,
    ctypes.c_void_p,
    ctypes.c_uint64,
    ctypes.c_uint32,
    ctypes.c_uint32,
    ctypes.c_void_p,
    ctypes.c_void_p,
    ctypes.c_uint64,
    ctypes.c_void_p,
    ctypes.c_void_p,
    ctypes.c_void_p,
    ctypes.c_uint64,
    ctypes.c_void_p,
]


def _entry(library):
    lib = load(str(library))
    fn = lib.xrnpe_pe_stream
    fn.restype = ctypes.c_int64
    fn.argtypes = _ARGTYPES
    return lib, fn


def stream(
    library,
    a_words,
    b_words,
    fmt: str,
    out_fmt: str,
    expected,
    expected_nar,
    *,
    group: int = 1,
    max_report: int = 64,
) -> StreamResult:
    """Drive ``a_words``/``b_words`` (16-bit words) through the PE of ``library`` in ``fmt``,
    rounding into ``out_fmt``, and compare with ``expected`` (out_data) and ``expected_nar``."""
    a = np.ascontiguousarray(a_words, dtype=np.uint16)
    b = np.ascontiguousarray(b_words, dtype=np.uint16)
    exp = np.ascontiguousarray(expected, dtype=np.uint32)
    nar = np.ascontiguousarray(expected_nar, dtype=np.uint8)
    n = len(a)
    if not (len(b) == len(exp) == len(nar) == n):
        raise ValueError("a, b, expected and expected_nar must have the same length")
    if group < 1 or n % group:
        raise ValueError(f"group {group} does not divide {n} words")
    idx = np.zeros(max_report, np.uint64)
    got = np.zeros(max_report, np.uint32)
    got_nar = np.zeros(max_report, np.uint8)
    cycles = np.zeros(1, np.uint64)
    lib, fn = _entry(library)
    rc = fn(
        a.ctypes.data,
        b.ctypes.data,
        n,
        FORMATS[fmt].code,
        FORMATS[out_fmt].code,
        exp.ctypes.data,
        nar.ctypes.data,
        group,
        idx.ctypes.data,
        got.ctypes.data,
        got_nar.ctypes.data,
        max_report,
        cycles.ctypes.data,
    )
    if rc < 0:
        raise NativeSimError(last_error(lib))
    k = min(int(rc), max_report)
    return StreamResult(int(rc), idx[:k].astype(np.int64), got[:k], got_nar[:k], int(cycles[0]))


__all__ = [
    "PE_PORTS",
    "NativeBuildError",
    "NativeSimError",
    "StreamResult",
    "missing_pe_ports",
    "pe_designs",
    "pe_library",
    "stream",
]
