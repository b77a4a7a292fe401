# SPDX-License-Identifier: Apache-2.0
"""`make ppa`: area, timing and energy on osu018, ECP5 place-and-route and the Yosys area
reports of the designs -> build/ppa/summary.json, and the generated tables of docs/ppa.md.

The flow is xrnpe.ppa.flow (its docstring and docs/ppa.md), the designs those of
xrnpe.ppa.designs; this entry point writes under build/ppa of the checkout and rewrites the
tables of docs/ppa.md after a run of every design.
``python -m scripts.ppa.run --help`` lists the options.
"""

from __future__ import annotations

import sys
from pathlib import Path

from xrnpe.ppa import flow

ROOT = Path(__file__).resolve().parents[2]

if __name__ == "__main__":
    sys.exit(
        flow.main(prog="scripts.ppa.run", out=ROOT / "build" / "ppa", docs=ROOT / "docs" / "ppa.md")
    )
