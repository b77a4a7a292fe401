# SPDX-License-Identifier: Apache-2.0
"""Parameter sets of the co-processor benches and the RTL engine.

``default`` passes no parameters (the RTL's defaults, from the manifest), so the tests, the
RTL engine, the demo and the benchmark share one build per simulator.  ``small`` is a
non-square 2x3 array on a 32-bit bus with tiny buffers, so that short K already overflows a
buffer slot, and with CFG_PRIV = 0 (protected registers writable without privilege).
"""

from __future__ import annotations

from . import manifest

PARAM_SETS: dict[str, dict] = {
    "default": {},
    "small": dict(ROWS=2, COLS=3, DATA_W=32, ABUF_WORDS=4, BBUF_WORDS=8, CFG_PRIV=0),
}


def effective(params: dict) -> dict:
    """All parameters of a set, the RTL defaults filled in."""
    return {**manifest.parameter_defaults("coprocessor"), **params}
