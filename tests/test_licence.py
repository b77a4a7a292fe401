# SPDX-License-Identifier: Apache-2.0
"""Every source file the repository tracks carries an SPDX licence line near its top, and the
licence it names is the one at the root."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TAG = "SPDX-License-Identifier: Apache-2.0"
SOURCE_SUFFIXES = {
    ".sv",
    ".svh",
    ".v",
    ".vh",
    ".py",
    ".sh",
    ".toml",
    ".rdl",
    ".core",
    ".mk",
    ".sdc",
    ".c",
    ".h",
    ".cpp",
    ".cff",
    ".yml",
    ".yaml",
    ".cfg",
    ".tcl",
}
SOURCE_NAMES = {"Makefile", "run", "MANIFEST.in"}


def tracked_sources() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    files = [ROOT / f for f in out]
    return [
        p for p in files if p.is_file() and (p.suffix in SOURCE_SUFFIXES or p.name in SOURCE_NAMES)
    ]


def test_every_source_file_has_an_spdx_line():
    files = tracked_sources()
    assert len(files) > 50, "the file scan found too few sources"
    missing = [
        str(p.relative_to(ROOT))
        for p in files
        if TAG not in "\n".join(p.read_text(errors="replace").splitlines()[:5])
    ]
    assert not missing, (
        f"{len(missing)} source files without '{TAG}' in their first lines: {missing}"
    )


def test_root_licence_is_apache_2():
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text
