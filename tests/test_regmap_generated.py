# SPDX-License-Identifier: Apache-2.0
"""The generated register-map files must match spec/regmap.toml."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_regmap_files_are_current():
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_regmap.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_regmap_constants():
    from xrnpe import regmap

    assert regmap.ID_VALUE == 0x584E5045
    assert regmap.ADDR_CTRL == 0x0C and regmap.ADDR_STATUS == 0x10
    offsets = [a for a, _ in regmap.REGS.values()]
    assert len(set(offsets)) == len(offsets)
    assert regmap.ERROR_NAMES[regmap.ERR_READ_RESP] == "READ_RESP"
