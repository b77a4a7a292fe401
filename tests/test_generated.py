# SPDX-License-Identifier: Apache-2.0
"""Generated RTL constants must match their Python source of truth."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_rtl_format_package_is_current():
    r = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_rtl_pkg.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
