"""Make tb/common and the xrnpe models importable from every tb/<dut>/test_*.py."""

import sys
from pathlib import Path

_TB = Path(__file__).resolve().parent
for p in (_TB, _TB.parent / "models"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))
