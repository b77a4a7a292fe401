# SPDX-License-Identifier: Apache-2.0
"""`make synth`: Yosys area reports of the designs -> build/synth/summary.json.

The flow is xrnpe.ppa.synth (its docstring and docs/synthesis.md), the designs those of
xrnpe.ppa.designs; this entry point writes under build/synth of the checkout.
``python -m scripts.synth.run_synth --help`` lists the options.
"""

from __future__ import annotations

import sys
from pathlib import Path

from xrnpe.ppa import synth

ROOT = Path(__file__).resolve().parents[2]

if __name__ == "__main__":
    sys.exit(synth.main(prog="scripts.synth.run_synth", out=ROOT / "build" / "synth"))
