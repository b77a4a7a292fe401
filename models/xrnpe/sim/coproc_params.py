# SPDX-License-Identifier: Apache-2.0
"""Parameter sets of the co-processor benches and the RTL engine.

``default`` passes no parameters (the RTL's defaults, from the manifest), so the tests, the
RTL engine, the demo and the benchmark share one build per simulator.  ``small`` is a
non-square 2x3 array on a 32-bit bus with tiny buffers, so that short K already overflows a
buffer slot, and with CFG_PRIV = 0 (protected registers writable without privilege).
``baseline`` and ``wide`` are the default geometry with the other PE kinds (PE_KIND).
"""

from __future__ import annotations

from . import manifest

PARAM_SETS: dict[str, dict] = {
    "default": {},
    "small": dict(ROWS=2, COLS=3, DATA_W=32, ABUF_WORDS=4, BBUF_WORDS=8, CFG_PRIV=0),
    # the other PE kinds (xrnpe_pe_pkg) at the default geometry: the same results, other
    # timing (the wide kind takes 1, 2 or 4 cycles per word)
    "baseline": dict(PE_KIND=1),
    "wide": dict(PE_KIND=2),
}
# PE kind names (the CLI's --pe-kind) and their PE_KIND values
PE_KINDS = {"rmmec": 0, "baseline": 1, "wide": 2}
# the groups of the co-processor suite the other PE kinds run (the PE datapath is all that
# differs: results, streaming and back-pressure; registers, protection and faults are the
# same RTL as with RMMEC): light size, Icarus in make test, Verilator in make soak; the soak job
# (every parameter set) streams them on both simulators
PE_KIND_GROUPS = ("random",)


def effective(params: dict) -> dict:
    """All parameters of a set, the RTL defaults filled in."""
    return {**manifest.parameter_defaults("coprocessor"), **params}


# The clock-gate view the co-processor's simulations read (xrnpe.sim.manifest.VIEWS).  The
# ungated view ("fpga": the gate's enable on the flip-flops, functionally the gated design by
# construction) keeps the co-processor suites within make test's time: the behavioural gate's
# latches and 384 gated clocks double the simulators' time.  The gated view is verified where
# it lives: every PE test (the co-processor's PE is the same xrnpe_pe_core), gate_equiv, one
# co-processor group in make test (GATED_GROUPS) and make vio's RTL check.
SIM_CLOCK_GATE = "fpga"
GATED_GROUPS = ("random",)


def coproc_sources(view: str = SIM_CLOCK_GATE) -> list:
    """The co-processor's files with the clock gate in ``view``."""
    return manifest.view_sources(manifest.sources("coprocessor"), view)
