# SPDX-License-Identifier: Apache-2.0
"""`make synth` flow (scripts/synth/run_synth.py -> xrnpe.ppa.synth) on a tiny test-local design: the summary
schema of CONTRACT section 5, skipped designs, failure status, breakdown, and helpers."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "synth" / "run_synth.py"
LIB = ROOT / "data" / "liberty" / "sky130_fd_sc_hd_area.lib"

pytest.importorskip("pyosys")

KEYS = {
    "lut": int,
    "ff": int,
    "dsp": int,
    "carry": int,
    "levels": int,
    "cmos_transistors": int,
    "area_um2": float,
}

PKG = """package tiny_pkg;
  localparam int W = 8;
endpackage
"""
# an 8-bit registered adder (carry chain) feeding an accumulator through a submodule
ADD = """module tiny_add #(parameter int W = 8) (input logic [W-1:0] a, b, output logic [W:0] s);
  assign s = a + b;
endmodule
"""
TOP = """module tiny_top #(parameter int W = tiny_pkg::W) (
  input logic clk, rst_n, en, input logic [W-1:0] a, b, output logic [W+3:0] acc);
  logic [W:0] s;
  tiny_add #(.W(W)) u_add (.a(a), .b(b), .s(s));
  always_ff @(posedge clk or negedge rst_n)
    if (!rst_n) acc <= '0;
    else if (en) acc <= acc + {3'b000, s};
endmodule
"""


def _load():
    from xrnpe.ppa import synth

    return synth


# the test's own source manifest, in the project's format (a FuseSoC core)
CORE = """CAPI=2:
name: test:tiny:tiny:0
filesets:
  pkg: {files: [rtl/tiny_pkg.sv], file_type: systemVerilogSource}
  tiny: {files: [rtl/tiny_add.sv, rtl/tiny_top.sv], file_type: systemVerilogSource}
  other: {files: [rtl/unrelated.sv, rtl/broken.sv], file_type: systemVerilogSource}
targets:
  tiny: {filesets: [pkg, tiny], toplevel: tiny_top}
  other: {filesets: [pkg, tiny, other], toplevel: unrelated}
"""


def _run(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--core",
            str(tmp / "xrnpe.core"),
            "--out",
            str(tmp / "out"),
            "--jobs",
            "2",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture()
def rtl(tmp_path: Path) -> Path:
    d = tmp_path / "rtl"
    d.mkdir()
    (d / "tiny_pkg.sv").write_text(PKG)
    (d / "tiny_add.sv").write_text(ADD)
    (d / "tiny_top.sv").write_text(TOP)
    (d / "unrelated.sv").write_text("module unrelated; endmodule\n")
    (d / "broken.sv").write_text(
        "module broken(input logic a, output logic y); assign y = a; endmodule\n"
    )
    (tmp_path / "xrnpe.core").write_text(CORE)
    return tmp_path


def test_summary_schema_skip_and_breakdown(rtl: Path):
    """Two designs (flattened and hierarchical) and an absent one, in one run (< 60 s)."""
    r = _run(
        rtl,
        "--design",
        "tiny=tiny_top:W=6",
        "--design",
        "tinyh=tiny_top:W=6/hier",
        "--design",
        "pe_rmmec_absent=no_such_top",
        "--no-breakdown",
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "skipped: no block of xrnpe.core lists no_such_top.sv" in r.stdout
    summary = json.loads((rtl / "out" / "summary.json").read_text())
    assert list(summary) == ["designs"]
    # the absent design is left out, no placeholder
    assert list(summary["designs"]) == ["tiny", "tinyh"]
    for entry in summary["designs"].values():
        assert set(entry) == set(KEYS)
        for k, t in KEYS.items():
            assert isinstance(entry[k], t), (k, entry[k])
    # hierarchical mapping (each module once, counted per instance): same flops, and its area
    # equals the breakdown total
    hier = summary["designs"]["tinyh"]
    assert hier["ff"] == 10
    bdh = json.loads((rtl / "out" / "tinyh" / "breakdown.json").read_text())
    assert hier["area_um2"] == pytest.approx(bdh["total_area_um2_hierarchical"], abs=0.01)
    entry = summary["designs"]["tiny"]
    # W=6: 10 accumulator flops, no DSP, some LUTs, a carry chain, non-trivial area
    assert entry["ff"] == 10
    assert entry["dsp"] == 0
    assert entry["lut"] > 0 and entry["carry"] >= 1 and entry["levels"] >= 1
    assert entry["cmos_transistors"] > 10 * 16
    assert entry["area_um2"] > 10 * 20.0  # at least the ten sky130 flops
    # --no-breakdown skips the extra run for flattened designs; a hierarchical one has it free
    assert not (rtl / "out" / "tiny" / "breakdown.json").exists()
    mods = {m["module"] for m in bdh["by_module"]}
    assert "tiny_top" in mods and "tiny_add(W=6)" in mods
    assert abs(sum(m["share"] for m in bdh["by_module"]) - 1.0) < 1e-3
    details = json.loads((rtl / "out" / "tiny" / "details.json").read_text())
    assert details["summary"] == entry
    assert details["params"] == {"W": 6}
    assert re.search(r"^tiny\s+\d+\s+10\s+0\s", r.stdout, re.M), r.stdout  # table row


def test_broken_design_fails(rtl: Path):
    (rtl / "rtl" / "broken.sv").write_text(
        "module broken(input logic a, output logic y);\n  assign y = a +;\nendmodule\n"
    )
    r = _run(rtl, "--design", "broken", "--no-breakdown")
    assert r.returncode != 0
    assert "FAILED" in r.stdout + r.stderr
    assert json.loads((rtl / "out" / "summary.json").read_text()) == {"designs": {}}


def test_sources_come_from_the_manifest_block(rtl: Path):
    from xrnpe.ppa.designs import Design

    core = rtl / "xrnpe.core"
    srcs = [p.name for p in Design("x", top="tiny_top").sources(core)]
    assert srcs == ["tiny_pkg.sv", "tiny_add.sv", "tiny_top.sv"]
    srcs = [p.name for p in Design("y", top="unrelated").sources(core)]
    assert srcs[-2:] == ["unrelated.sv", "broken.sv"]
    alt = Design("x", top="tiny_top").sources(core, Path("/elsewhere"))
    assert alt[0] == Path("/elsewhere/tiny_pkg.sv")
    # a block by name: its files, top and (no) parameters
    d = Design("t", "tiny")
    assert [p.name for p in d.sources(core)] == srcs[:3]
    assert (d.top_module(core), d.parameters(core)) == ("tiny_top", {})


def test_helpers(tmp_path: Path):
    rs = _load()
    assert rs.pretty_module("\\tiny_top") == "tiny_top"
    assert (
        rs.pretty_module(
            "$paramod\\posit_decode\\N=s32'00000000000000000000000000010000"
            "\\ES=s32'00000000000000000000000000000001"
        )
        == "posit_decode(N=16,ES=1)"
    )
    d = rs.parse_design("x=top:A=3,B=foo")
    assert (d.name, d.top, d.params, d.hierarchical) == ("x", "top", {"A": 3, "B": "foo"}, False)
    d = rs.parse_design("coprocessor/flat")
    assert (d.name, d.top_module(), d.hierarchical) == ("coprocessor", "xrnpe_coprocessor", False)
    assert rs.parse_design("coprocessor").hierarchical is True
    assert rs.parse_design("y=top/hier").hierarchical is True
    # by top module or by block, a design inherits the table's rules; parameters override
    for arg in ("c2=xrnpe_coprocessor:ROWS=2", "c2=coprocessor:ROWS=2"):
        d = rs.parse_design(arg)
        assert d.hierarchical is True and d.parameters()["ROWS"] == 2, arg
        assert d.parameters()["COLS"] == 4 and d.top_module() == "xrnpe_coprocessor"
        assert rs.parse_design(d.arg()) == d  # the worker's command line reads back
    log = tmp_path / "yosys.log"
    log.write_text(
        "5.3. Executing AST frontend in derive mode using pre-parsed AST for module `\\ram'.\n"
        "Parameter \\W = 64\nParameter \\DEPTH = 32'00000000000000000000000010000000\n"
        "Generating RTLIL representation for module `$paramod$0123abcd\\ram'.\n"
    )
    assert rs.paramod_names(log) == {"$paramod$0123abcd\\ram": "ram(W=64,DEPTH=128)"}
    # LUT depth on a hand-made netlist: in -> LUT -> CARRY4 -> CARRY4 -> LUT -> FF
    dirs = {"I0": "input", "O": "output"}
    cdirs = {"CI": "input", "S": "input", "CO": "output", "O": "output"}
    mod = {
        "cells": {
            "l1": {"type": "LUT1", "port_directions": dirs, "connections": {"I0": [2], "O": [3]}},
            "c1": {
                "type": "CARRY4",
                "port_directions": cdirs,
                "connections": {"CI": ["0"], "S": [3], "CO": [4], "O": [5]},
            },
            "c2": {
                "type": "CARRY4",
                "port_directions": cdirs,
                "connections": {"CI": [4], "S": [5], "CO": [6], "O": [7]},
            },
            "l2": {
                "type": "LUT2",
                "port_directions": {**dirs, "I1": "input"},
                "connections": {"I0": [7], "I1": [2], "O": [8]},
            },
            "ff": {
                "type": "FDRE",
                "port_directions": {"D": "input", "Q": "output"},
                "connections": {"D": [8], "Q": [2]},
            },
        }
    }
    r = rs.lut_depth(mod)
    assert (r["levels"], r["levels_all"], r["carry4_chains"], r["carry8_equiv"]) == (2, 4, [2], 1)


def test_liberty_areas_from_lef():
    text = LIB.read_text()
    area = dict(re.findall(r"cell \((\w+)\) \{\s*area : ([\d.]+);", text))
    # sky130_fd_sc_hd LEF SIZE: 1.38 x 2.72 (nand2_1, inv_1), 7.36 x 2.72 (dfxtp_1)
    assert float(area["sky130_fd_sc_hd__nand2_1"]) == pytest.approx(3.7536)
    assert float(area["sky130_fd_sc_hd__inv_1"]) == pytest.approx(3.7536)
    assert float(area["sky130_fd_sc_hd__dfxtp_1"]) == pytest.approx(20.0192)
    assert len(area) > 60
