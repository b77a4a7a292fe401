# SPDX-License-Identifier: Apache-2.0
"""Synthesis reads the RTL as the simulators do: every module's Yosys gate netlist
against its RTL on random inputs (scripts/synth/gate_equiv.py), both PEs' netlists against
the model on real dot products (scripts/bench/bench_pe_activity.py), and a check that the
method catches the Yosys misreading it was written for."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytest.importorskip("pyosys")
if not shutil.which("iverilog"):
    pytest.skip("iverilog not found", allow_module_level=True)


from scripts import lint  # noqa: E402
from scripts.bench import bench_pe_activity as bench  # noqa: E402
from scripts.synth import gate_equiv  # noqa: E402

# the co-processor's feed is the largest module (about 90 s): make soak
SOAK_CASES = {"coproc_feed"}


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.soak) if n in SOAK_CASES else n for n in gate_equiv.CASES],
)
def test_module_netlist_matches_rtl(name):
    gate_equiv.set_rtl(None)
    bad, first = gate_equiv.check(name, vectors=4000, cycles=1000)
    assert bad == 0, f"{name}: {bad} vectors differ between RTL and gate netlist:\n" + "\n".join(
        first
    )


@pytest.mark.parametrize("top", ["pe_rmmec", "pe_baseline"])
def test_pe_netlist_matches_model(top, tmp_path):
    gates = bench.netlist(top, tmp_path)
    for fmt in ("fp4", "p4", "p8", "p16"):
        # raises on the first result that differs from the model
        per_mac = bench.run(top, fmt, 64, 11, tmp_path, gates)
        assert per_mac > 0


def test_checker_catches_the_yosys_minus_cast(tmp_path):
    """posit_encode as it was: `-XW'(MAXS)`, which Yosys 0.70 reads as +MAXS."""
    rtl = tmp_path / "rtl"
    shutil.copytree(ROOT / "rtl", rtl)
    src = (rtl / "xrnpe_posit_encode.sv").read_text()
    fixed = "  assign sat_lo = lo_sum[XW-1];"
    assert fixed in src
    (rtl / "xrnpe_posit_encode.sv").write_text(
        src.replace(
            fixed,
            "  localparam logic signed [XW-1:0] MINS_X = -XW'(MAXS);\n"
            "  assign sat_lo = sx < MINS_X;",
        )
    )
    try:
        gate_equiv.set_rtl(rtl)
        bad, first = gate_equiv.check("posit_encode_8_0", vectors=2000)
    finally:
        gate_equiv.set_rtl(None)
    assert bad > 0 and first and first[0].startswith("MISMATCH")


def test_lint_flags_the_minus_cast(tmp_path):
    f = tmp_path / "m.sv"
    f.write_text(
        "assign a = -W'(1);\n"  # flagged
        "assign b = x ? -SCALE_W'(1) : c;\n"  # flagged
        "assign c = W'(x) - W'(y);\n"  # binary minus: fine
        "assign d = -(W'(1));\n"  # the portable spelling
        "// assign e = -W'(1);\n"
    )  # comment
    found = lint.yosys_traps(f)
    assert [x.split(":")[1] for x in found] == ["1", "2"]
