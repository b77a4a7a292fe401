# SPDX-License-Identifier: Apache-2.0
"""The FuseSoC core is the one source manifest: it parses, lists files that exist, every RTL
file is in it, and each block's sources elaborate on their own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from xrnpe.sim import manifest

ROOT = Path(__file__).resolve().parents[1]


def test_every_listed_file_exists():
    man = manifest.load(ROOT)
    missing = [
        str(p) for fs in man.filesets.values() for rel, _, _ in fs if not (p := ROOT / rel).exists()
    ]
    assert not missing, f"xrnpe.core names files that do not exist: {missing}"


def test_every_rtl_file_is_listed():
    listed = {p.name for p in manifest.load(ROOT).all_files()}
    on_disk = {p.name for p in (ROOT / "rtl").glob("*.sv")} | {
        p.name for p in (ROOT / "rtl").glob("*.svh")
    }
    assert on_disk - listed == set(), (
        f"RTL files missing from xrnpe.core: {sorted(on_disk - listed)}"
    )


def test_blocks_have_their_top_and_packages_first():
    man = manifest.load(ROOT)
    for name in man.block_names():
        files = man.files(name)
        top = man.block(name).toplevel
        assert top and any(
            p.stem == top or p.read_text().find(f"module {top}") >= 0 for p in files
        ), name
        pkgs = [i for i, p in enumerate(files) if p.stem.endswith("_pkg")]
        assert pkgs == list(range(len(pkgs))), f"{name}: packages must come first"


def test_module_lookup_uses_the_smallest_block():
    files = [p.name for p in manifest.sources_for_module("xrnpe_posit_decode")]
    assert "xrnpe_posit_decode.sv" in files and "xrnpe_coprocessor.sv" not in files
    assert manifest.toplevel("coprocessor") == "xrnpe_coprocessor"
    assert manifest.parameter_defaults("coprocessor")["ROWS"] == 4


# ------------------------------------------------------------------ the FuseSoC targets, run
FUSESOC = shutil.which("fusesoc")
VLNV = "xrnpe:npe:xrnpe"


def _fusesoc(tmp_path, target, *, check_results=False, env=None, timeout=900):
    cmd = [sys.executable, "-m", "xrnpe.sim.launcher"] + (
        ["--check-results"] if check_results else []
    )
    cmd += [
        FUSESOC,
        "--cores-root",
        str(ROOT),
        "run",
        "--build-root",
        str(tmp_path / "build"),
        f"--target={target}",
        VLNV,
    ]
    return subprocess.run(
        cmd,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.skipif(FUSESOC is None, reason="fusesoc not installed")
def test_fusesoc_lint_target(tmp_path):
    r = _fusesoc(tmp_path, "lint")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    (vc,) = (tmp_path / "build").glob("**/lint/*.vc")
    assert "--lint-only" in vc.read_text() and "-Wall" in vc.read_text()


@pytest.mark.skipif(
    FUSESOC is None or not shutil.which("iverilog"), reason="fusesoc or iverilog missing"
)
def test_fusesoc_sim_target_runs_and_fails_on_failure(tmp_path):
    """The sim target runs the named cocotb tests for real; a filter that selects nothing fails
    (FuseSoC alone would exit 0)."""
    r = _fusesoc(
        tmp_path,
        "sim",
        check_results=True,
        env={"COCOTB_TEST_FILTER": "regs_reset_and_access|regs_unmapped"},
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "2 tests passed" in r.stdout + r.stderr
    r = _fusesoc(tmp_path, "sim", check_results=True, env={"COCOTB_TEST_FILTER": "no_such_test"})
    assert r.returncode == 1 and "holds no test" in r.stderr


@pytest.mark.soak  # about two minutes of Yosys 0.23 (make soak); the file list is checked above
@pytest.mark.skipif(
    FUSESOC is None or not shutil.which("yosys"), reason="fusesoc or Debian yosys missing"
)
def test_fusesoc_synth_target(tmp_path):
    r = _fusesoc(tmp_path, "synth", timeout=1200)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "End of script" in r.stdout + r.stderr
