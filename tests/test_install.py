# SPDX-License-Identifier: Apache-2.0
"""The RTL engine works from a wheel: build it, install it with the `rtl` extra into a fresh
virtual environment whose site-packages is then made read-only, and run one RTL matmul from a
directory outside the checkout; it must be bit-exact, and every build must land in the user
cache directory, never in site-packages or the checkout."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from xrnpe.matmul import matmul
from xrnpe.vector import quantize

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not shutil.which("iverilog"), reason="iverilog not installed")


def _run(cmd, **kw):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    assert r.returncode == 0, f"{cmd[:4]} failed:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
    return r


def _read_only(tree: Path) -> None:
    for p in tree.rglob("*"):
        if not p.is_symlink():
            p.chmod(p.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _writable(tree: Path) -> None:
    for p in tree.rglob("*"):
        if not p.is_symlink():
            p.chmod(p.stat().st_mode | stat.S_IWUSR)


def _source_copy(dest: Path) -> Path:
    """The checkout's tracked and new files (what a release ships), so that the wheel build
    writes nothing into the checkout."""
    files = _run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT).stdout.split()
    for rel in files:
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


def test_wheel_rtl_engine_from_outside_the_checkout(tmp_path):
    wheels = tmp_path / "wheels"
    src = _source_copy(tmp_path / "src")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, src])
    (wheel,) = wheels.glob("xrnpe-*.whl")
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv])
    py = venv / "bin" / "python"
    # the project's lock as constraints: the same versions the regression uses (and the pip cache)
    _run([py, "-m", "pip", "install", "-q", "-c", ROOT / "requirements.txt", f"{wheel}[rtl]"])
    site = Path(
        _run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    )
    _read_only(site)
    # the native engine's harness includes the register map's generated C header: shipped too
    inc = _run(
        [
            py,
            "-c",
            "from xrnpe.sim.native.engine import regs_include_dir; print(regs_include_dir())",
        ]
    ).stdout.strip()
    assert Path(inc).is_relative_to(site) and (Path(inc) / "xrnpe_regs.h").is_file(), inc
    try:
        work = tmp_path / "work"
        work.mkdir()
        rng = np.random.default_rng(3)
        a = quantize("p8", rng.standard_normal((3, 9)))
        b = quantize("p8", rng.standard_normal((9, 5)))
        np.save(work / "a.npy", a)
        np.save(work / "b.npy", b)
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("XRNPE_", "PYTHON", "VIRTUAL_ENV", "COCOTB", "MAKE"))
        }
        env["PATH"] = os.pathsep.join(
            p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(ROOT))
        )
        env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
        r = _run(
            [
                venv / "bin" / "xrnpe",
                "matmul",
                "--format",
                "p8",
                "--out-format",
                "fp32",
                "--engine",
                "rtl",
                "--sim",
                "icarus",
                "a.npy",
                "b.npy",
                "-o",
                "c.npy",
            ],
            cwd=work,
            env=env,
            timeout=900,
        )
        assert "building" in r.stderr  # progress lines even when stderr is not a terminal
        c = np.load(work / "c.npy")
        exp = matmul(a, b, "p8", "fp32")
        assert np.array_equal(c.view(np.uint32), exp.view(np.uint32))
        builds = list((tmp_path / "cache" / "xrnpe" / "sim").glob("xrnpe_coprocessor-icarus-*"))
        assert builds, "the simulator build is not in the user cache directory"
    finally:
        _writable(site)
    assert not list(site.rglob("*.vvp")) and not (site / "xrnpe" / "build").exists()
    # the installed engine builds from its own copy of the RTL, into the cache: no build of
    # the checkout's build tree names the installed sources
    stamps = (ROOT / "build").glob("**/built.stamp")
    assert not [s for s in stamps if str(site) in s.read_text(errors="replace")], (
        "the installed engine built into the checkout"
    )
