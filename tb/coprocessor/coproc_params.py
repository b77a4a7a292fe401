"""Parameter sets of the co-processor testbench: the one source for the pytest wrapper, the
RTL engine (xrnpe.rtl) and the Makefile.

``default`` passes no parameters (the RTL's defaults), so the tests, `matmul_rtl`, the demo
and the benchmark share one build per simulator.  ``small`` is a non-square 2x3 array on a
32-bit bus with tiny buffers, so that short K already overflows a buffer slot.
"""

from __future__ import annotations

RTL_DEFAULTS = dict(ROWS=4, COLS=4, DATA_W=64, ADDR_W=32, ID_W=4, AXIL_ADDR_W=8,
                    ABUF_WORDS=128, BBUF_WORDS=256)

PARAM_SETS: dict[str, dict] = {
    "default": {},
    "small": dict(ROWS=2, COLS=3, DATA_W=32, ABUF_WORDS=4, BBUF_WORDS=8),
}


def effective(params: dict) -> dict:
    """All parameters of a set, RTL defaults filled in."""
    return {**RTL_DEFAULTS, **params}
