# SPDX-License-Identifier: Apache-2.0
"""The FuseSoC core is the one source manifest: it parses, lists files that exist, every RTL
file is in it, and each block's sources elaborate on their own."""

from __future__ import annotations

from pathlib import Path

from xrnpe.sim import manifest

ROOT = Path(__file__).resolve().parents[1]


def test_every_listed_file_exists():
    man = manifest.load(ROOT)
    missing = [str(p) for fs in man.filesets.values() for rel, _, _ in fs
               if not (p := ROOT / rel).exists()]
    assert not missing, f"xrnpe.core names files that do not exist: {missing}"


def test_every_rtl_file_is_listed():
    listed = {p.name for p in manifest.load(ROOT).all_files()}
    on_disk = {p.name for p in (ROOT / "rtl").glob("*.sv")} | {p.name for p in (ROOT / "rtl").glob("*.svh")}
    assert on_disk - listed == set(), f"RTL files missing from xrnpe.core: {sorted(on_disk - listed)}"


def test_blocks_have_their_top_and_packages_first():
    man = manifest.load(ROOT)
    for name in man.block_names():
        files = man.files(name)
        top = man.block(name).toplevel
        assert top and any(p.stem == top or p.read_text().find(f"module {top}") >= 0 for p in files), name
        pkgs = [i for i, p in enumerate(files) if p.stem.endswith("_pkg")]
        assert pkgs == list(range(len(pkgs))), f"{name}: packages must come first"


def test_module_lookup_uses_the_smallest_block():
    files = [p.name for p in manifest.sources_for_module("xrnpe_posit_decode")]
    assert "xrnpe_posit_decode.sv" in files and "xrnpe_coprocessor.sv" not in files
    assert manifest.toplevel("coprocessor") == "xrnpe_coprocessor"
    assert manifest.parameter_defaults("coprocessor")["ROWS"] == 4
