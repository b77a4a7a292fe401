# SPDX-License-Identifier: Apache-2.0
"""`make ppa` (xrnpe.ppa): the design table and its flatten rule, the Liberty reader and FO4, the energy calculator checked by hand,
the adder-mapping check, and the whole flow on small designs (so it cannot rot): osu018
mapping, STA with the vesta cross-check, ECP5 place-and-route and the Yosys area flow on the
accumulator back end, and the gate-level energy flow on pe_wide (its results checked against
the model, in_ready handshake included)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from xrnpe.ppa.liberty import OSU018, Library, function_to_verilog

ROOT = Path(__file__).resolve().parents[1]

needs_osu018 = pytest.mark.skipif(not OSU018.exists(), reason="qflow-tech-osu018 not installed")

# CONTRACT section 5, make ppa
ENTRY_KEYS = {
    "top",
    "sources",
    "params",
    "macs_per_cycle",
    "osu018",
    "ecp5",
    "energy_pj_per_mac",
    "energy",
    "netlist",
    "opensta",
    "routed",
    "placed_wire_estimate",
}
OSU_KEYS = {
    "area_um2": float,
    "crit_path_ps": float,
    "fmax_mhz": float,
    "crit_start": str,
    "crit_end": str,
}
ECP5_KEYS = {"lut4": int, "ff": int, "dsp": int, "bram": int, "fmax_mhz": float}
FORMATS = ("fp4", "p4", "p8", "p16")


def test_design_table():
    """One table for make synth and make ppa: the report names of CONTRACT section 5, every
    design's top, files and parameters from the manifest."""
    from xrnpe.ppa import designs
    from xrnpe.sim import manifest

    assert [d.name for d in designs.DESIGNS] == [
        "pe_rmmec",
        "pe_baseline",
        "pe_wide",
        "coprocessor",
    ]
    for d in designs.DESIGNS:
        assert d.top_module() == manifest.toplevel(d.block)
        assert d.sources() == manifest.sources(d.block) and all(p.is_file() for p in d.sources())
        assert d.fpga_sources()[0].name.endswith("_pkg.sv")
    cop = designs.BY_NAME["coprocessor"]
    assert cop.hierarchical and cop.flatten_inside == (designs.COPROC_PE,)
    assert cop.parameters() == manifest.parameter_defaults("coprocessor")
    assert cop.fpga_top() == "xrnpe_fpga_shell"
    assert designs.BY_NAME["pe_wide"].macs_per_cycle() == {f: 1 for f in FORMATS}
    assert cop.macs_per_cycle()["fp4"] == 4 * 4 * 4


def test_clock_gate_views(tmp_path):
    """Design.sources(view=...) swaps only the clock gate's file: the simulators' behavioural
    gate in the manifest, the FPGA (= ungated) and osu018 views under rtl/tech/; the FPGA
    flows read the FPGA view."""
    from xrnpe.ppa import designs
    from xrnpe.sim import manifest

    d = designs.BY_NAME["pe_rmmec"]
    sim = d.sources()
    gate = [p for p in sim if p.name == designs.CLOCK_GATE]
    assert len(gate) == 1 and gate[0].parent.name == "rtl"
    for view, sub in (("fpga", "fpga"), ("ungated", "fpga"), ("osu018", "osu018")):
        alt = d.sources(view=view)
        changed = [(a, b) for a, b in zip(sim, alt) if a != b]
        assert len(alt) == len(sim) and len(changed) == 1, view
        assert changed[0][1] == gate[0].parent / "tech" / sub / designs.CLOCK_GATE
        assert changed[0][1].is_file()
    assert designs.CLOCK_GATE in {p.name for p in designs.BY_NAME["coprocessor"].fpga_sources()}
    assert all(
        p.parent.name == "fpga"
        for p in designs.BY_NAME["coprocessor"].fpga_sources()
        if p.name == designs.CLOCK_GATE
    )
    with pytest.raises(ValueError, match="unknown clock-gate view"):
        d.sources(view="asic")
    # a directory of modified RTL copies without views: the checkout's views are used
    for p in sim:
        (tmp_path / p.name).write_text(p.read_text())
    alt = d.sources(rtl=tmp_path, view="osu018")
    assert [p for p in alt if p.name == designs.CLOCK_GATE] == [
        manifest.hw_root() / "rtl" / "tech" / "osu018" / designs.CLOCK_GATE
    ]


def _yosys(cmds: list[str], log: Path):
    from pyosys import libyosys as ys

    from xrnpe.ppa.yosys import stdout_to

    design = ys.Design()
    with stdout_to(log):
        for c in cmds:
            ys.run_pass(c, design)
    return design


def test_coprocessor_pe_is_flattened_inside(tmp_path):
    """The co-processor's flatten rule names the module of each PE of its array: the flows'
    Yosys commands leave that module with no submodule, instantiated ROWS x COLS times."""
    ys = pytest.importorskip("pyosys.libyosys")
    from xrnpe.ppa import designs, yosys

    cop = designs.BY_NAME["coprocessor"]
    p = cop.parameters()
    cmds = yosys.read_commands(cop.top_module(), cop.sources(), p, cop.include_dirs())
    design = _yosys(cmds + yosys.flatten_inside_commands(cop.flatten_inside), tmp_path / "y.log")
    mods = {m.name.str(): m for m in design.modules_.values()}
    hdlname = ys.IdString("\\hdlname")  # a derived module's source name

    def source_name(name: str) -> str:
        return mods[name].get_string_attribute(hdlname) or name.lstrip("\\")

    pe = [n for n in mods if source_name(n) == designs.COPROC_PE]
    assert len(pe) == 1, sorted(mods)
    assert not [c for c in mods[pe[0]].cells_.values() if c.type.str() in mods]
    uses = sum(c.type.str() == pe[0] for m in mods.values() for c in m.cells_.values())
    assert uses == p["ROWS"] * p["COLS"]


def test_flatten_rule_stops_on_a_missing_module(tmp_path):
    """A flatten rule naming a module the design does not have stops the flow (before: a
    Yosys warning, and the rule did nothing)."""
    pytest.importorskip("pyosys")
    from xrnpe.ppa import yosys

    src = tmp_path / "t.sv"
    src.write_text(
        "module leaf(input logic a, output logic y); assign y = ~a; endmodule\n"
        "module core #(parameter bit B = 0) (input logic a, output logic y);\n"
        "  leaf u (.a, .y); endmodule\n"
        "module top(input logic a, output logic y); core #(.B(1)) c (.a, .y); endmodule\n"
    )
    read = yosys.read_commands("top", [src], {})
    code = (
        "import sys\nfrom pyosys import libyosys as ys\nd = ys.Design()\n"
        "for c in sys.argv[1:]:\n    ys.run_pass(c, d)\n"
        "print('CELLS', sorted(c.type.str() for m in d.modules_.values() for c in m.cells_.values()))\n"
    )
    for module, ok in (("core", True), ("xrnpe_no_such_pe", False)):
        r = subprocess.run(
            [sys.executable, "-c", code, *read, *yosys.flatten_inside_commands([module])],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert (r.returncode == 0) == ok, r.stdout[-2000:] + r.stderr[-2000:]
        if ok:  # the derived core module holds the leaf's gate, no leaf instance
            assert "\\leaf" not in r.stdout.split("CELLS")[-1]


@pytest.fixture(scope="module")
def lib() -> Library:
    if not OSU018.exists():
        pytest.skip("qflow-tech-osu018 not installed")
    return Library(OSU018)


def _truth(verilog: str, names: str) -> list[int]:
    """Truth table of a Verilog expression of single-bit names (~ & | ^ and parentheses)."""
    import itertools

    expr = verilog.replace("1'b0", "0").replace("1'b1", "1")  # Python's ~ & | ^ bind alike
    out = []
    for values in itertools.product((0, 1), repeat=len(names)):
        out.append(eval(expr, {}, dict(zip(names, values, strict=True))) & 1)
    return out


def test_function_to_verilog():
    """Liberty functions (juxtaposition = AND, !, +, ^, postfix ') as Verilog expressions."""
    import itertools

    cases = {
        "(!((A B)+C))": ("ABC", lambda a, b, c: 1 - ((a & b) | c)),  # AOI21
        "(!((S A) + (!S B)))": ("SAB", lambda s, a, b: 1 - (a if s else b)),  # osu018 MUX2X1
        "((A^B)^C)": ("ABC", lambda a, b, c: a ^ b ^ c),
        "(((A B)+(B C))+(C A))": ("ABC", lambda a, b, c: int(a + b + c >= 2)),
        "(A B)'": ("AB", lambda a, b: 1 - (a & b)),
    }
    for func, (names, ref) in cases.items():
        want = [ref(*v) for v in itertools.product((0, 1), repeat=len(names))]
        assert _truth(function_to_verilog(func), names) == want, func


@needs_osu018
def test_liberty_and_fo4(lib):
    assert lib.voltage == 1.8
    inv = lib.cells["INVX1"]
    assert inv.area == 16 and inv.pins["A"].capacitance == pytest.approx(0.00932456)
    fo4 = lib.fo4()
    # an osu018 FO4 is about 0.1 ns; the stage's output slew is its own input slew
    assert 0.08 < fo4["fo4_ns"] < 0.12
    assert fo4["load_pf"] == pytest.approx(4 * 0.00932456)
    ff = lib.clock_to_q_and_setup["DFFPOSX1"]
    assert 0.1 < ff["clock_to_q_ns"] < 0.3 and 0.1 < ff["setup_ns"] < 0.3
    # table lookup: a grid point, and bilinear interpolation between grid points
    fall = inv.pins["Y"].arcs[0].tables["cell_fall"]
    assert fall.load_slew(0.0125, 0.18) == pytest.approx(0.057551)
    mid = fall.load_slew((0.0125 + 0.025) / 2, (0.18 + 0.42) / 2)
    assert mid == pytest.approx((0.057551 + 0.073142 + 0.091076 + 0.11557) / 4)


@needs_osu018
def test_energy_calculator_by_hand(lib):
    """in -> INVX1 u1 -> n1 -> INVX1 u2 -> n2 -> DFFPOSX1 ff (clk) -> q.  n1 rises 3 times and
    falls twice, the clock runs 10 cycles; wire load chosen so that n1's load is exactly
    0.0125 pF (a grid point of the INVX1 tables) and every slew is 0.06 ns (a grid point)."""
    from xrnpe.ppa import energy
    from xrnpe.ppa.sta import Netlist

    wire = 0.0125 - 0.00932456  # + INVX1/A 9.32456 fF = 12.5 fF
    cells = [
        ("u1", "INVX1", {"A": 2, "Y": 3}),
        ("u2", "INVX1", {"A": 3, "Y": 4}),
        ("ff", "DFFPOSX1", {"CLK": 1, "D": 4, "Q": 5}),
    ]
    driver = {3: (0, "Y"), 4: (1, "Y"), 5: (2, "Q")}
    sinks = {1: [(2, "CLK")], 2: [(0, "A")], 3: [(1, "A")], 4: [(2, "D")]}
    net = Netlist("hand", lib, cells, driver, sinks, {1: "clk", 2: "in"}, {5: "q"}, {}, wire)
    res = energy.calculate(
        net, {3: [3, 2], 1: [10, 10]}, cycles=10, tm=None, clock_slew=0.06, input_slew=0.06
    )
    v2 = 1.8**2
    # n1: 1/2 C V^2 per transition, C = 12.5 fF
    switching = 0.5 * 0.0125 * v2 * 5  # 0.10125 pJ
    # u1's INVX1 internal_power at (0.0125 pF, 0.06 ns): rise 0.023165, fall 0.009047 pJ
    internal = 3 * 0.023165 + 2 * 0.009047  # 0.087589 pJ
    # clock: CLK pin 27.9235 fF + wire 3.17544 fF, 20 transitions; DFFPOSX1 CLK pin internal
    # power at 0.06 ns: rise 0.006865, fall 0.11034 pJ
    clock = 0.5 * (0.0279235 + wire) * v2 * 20 + 10 * 0.006865 + 10 * 0.11034  # 2.179656 pJ
    assert res["switching_pj"] == pytest.approx(switching, rel=1e-9)
    assert res["internal_pj"] == pytest.approx(internal, rel=1e-9)
    assert res["clock_pj"] == pytest.approx(clock, rel=1e-9)
    assert res["dynamic_pj"] == pytest.approx(2.368494656, rel=1e-6)
    assert res["toggles"] == 5
    # leakage 2 x 0.0221741 + 0.160725 nW over 10 cycles of 10 ns = 2.050732e-5 pJ
    assert res["leakage_nw"] == pytest.approx(0.2050732)
    assert energy.energy_at(res, 100.0) == pytest.approx(2.368494656 + 2.050732e-5, rel=1e-6)
    assert energy.energy_at(res, 50.0) - energy.energy_at(res, 100.0) == pytest.approx(2.050732e-5)


@needs_osu018
def test_data_energy_by_stage(lib):
    """xrnpe.ppa.blocks: a register's output net is its stage's, a combinational net the
    stage of the nearest register it feeds, the clock nobody's; energies sum per stage."""
    from xrnpe.ppa import blocks
    from xrnpe.ppa.sta import Netlist

    # in -> INVX1 -> n3 -> INVX1 -> n4 -> DFF (register "u_acc.seg_q") -> n5 -> INVX1 -> n6
    # -> DFF (register "u_readout.val1_q") -> n7 (output)
    cells = [
        ("u1", "INVX1", {"A": 2, "Y": 3}),
        ("u2", "INVX1", {"A": 3, "Y": 4}),
        ("f1", "DFFPOSX1", {"CLK": 1, "D": 4, "Q": 5}),
        ("u3", "INVX1", {"A": 5, "Y": 6}),
        ("f2", "DFFPOSX1", {"CLK": 1, "D": 6, "Q": 7}),
    ]
    driver = {3: (0, "Y"), 4: (1, "Y"), 5: (2, "Q"), 6: (3, "Y"), 7: (4, "Q")}
    sinks = {1: [(2, "CLK"), (4, "CLK")], 2: [(0, "A")], 3: [(1, "A")], 4: [(2, "D")]}
    sinks.update({5: [(3, "A")], 6: [(4, "D")]})
    names = {5: "u_acc.seg_q", 7: "u_readout.val1_q"}
    net = Netlist("st", lib, cells, driver, sinks, {1: "clk", 2: "in"}, {7: "out"}, names, 0.0)
    owner = blocks.stage_of_bits(net)
    acc, p1 = "S4 accumulate (R3->acc)", "P1 carry resolve (acc->P1)"
    assert owner == {2: acc, 3: acc, 4: acc, 5: acc, 6: p1, 7: p1}
    assert blocks.by_stage({3: 1.0, 5: 2.0, 6: 0.5, 9: 0.25}, owner) == {
        acc: 3.0,
        p1: 0.5,
        "unattributed": 0.25,
    }


@needs_osu018
def test_clock_gate_is_clock_energy_and_a_timing_endpoint(lib):
    """A clock gate built from osu018 cells (rtl/tech/osu018/xrnpe_prim_clock_gate.sv):
    clk -> INVX1 -> LATCH.CLK, en -> LATCH.D, LATCH.Q and clk -> AND2X1 -> flip-flop CLK.
    The clock network is the clock, the inverted clock, the latched enable and the gated
    clock; their energy is clock energy, the enable's is data; the enable ends a timing path
    at the latch, and no data path starts in the clock network."""
    from xrnpe.ppa import energy, sta
    from xrnpe.ppa.sta import Netlist

    cells = [
        ("inv", "INVX1", {"A": 1, "Y": 3}),
        ("lat", "LATCH", {"CLK": 3, "D": 2, "Q": 4}),
        ("and", "AND2X1", {"A": 1, "B": 4, "Y": 5}),
        ("ff", "DFFPOSX1", {"CLK": 5, "D": 6, "Q": 7}),
    ]
    driver = {3: (0, "Y"), 4: (1, "Q"), 5: (2, "Y"), 7: (3, "Q")}
    sinks = {
        1: [(0, "A"), (2, "A")],
        2: [(1, "D")],
        3: [(1, "CLK")],
        4: [(2, "B")],
        5: [(3, "CLK")],
    }
    inputs = {1: "clk", 2: "en", 6: "d"}
    net = Netlist("cg", lib, cells, driver, sinks, inputs, {7: "q"}, {}, 0.002)
    assert net.clock_network() == {1, 3, 4, 5}
    assert lib.cells["LATCH"].area == 56.0  # the Liberty says 0; the LEF 5.6 x 10 um
    only_enable = energy.calculate(net, {2: [1, 1]}, cycles=10)
    assert only_enable["clock_pj"] == 0 and only_enable["data_pj"] > 0
    gated = energy.calculate(net, {5: [4, 4], 4: [1, 1]}, cycles=10)
    assert gated["data_pj"] == 0 and gated["clock_pj"] > 0
    # 8 transitions of the gated clock cost more than 2 of the latched enable alone
    assert gated["clock_pj"] > energy.calculate(net, {4: [1, 1]}, cycles=10)["clock_pj"]
    paths = sta.endpoints(net, sta.analyse(net))
    kinds = {(p.start, p.end, p.kind) for p in paths}
    assert ("en", "n4", "in2reg") in kinds  # the enable, set up to the latch
    assert all(p.start not in ("clk", "n3", "n4", "n5") for p in paths)


@needs_osu018
@pytest.mark.skipif(not shutil.which("iverilog"), reason="iverilog not installed")
def test_clock_gate_views_map_and_simulate(tmp_path, lib):
    """The gated (osu018 cells) and ungated (clock enable) views of a clock-gated register map
    onto osu018; the gated netlist holds the gate's cells and no hold multiplexers, and it
    computes what the RTL computes (Icarus, the flow's cell models)."""
    pytest.importorskip("pyosys")
    from xrnpe.ppa import asic, energy

    (tmp_path / "top.sv").write_text(
        "module gtop (input logic clk, input logic en, input logic ld, input logic [7:0] d,\n"
        "             output logic [7:0] q);\n"
        "  logic clk_g, we;\n"
        "  xrnpe_prim_clock_gate u_cg (.clk_i(clk), .en_i(en), .clk_o(clk_g), .reg_en_o(we));\n"
        "  always_ff @(posedge clk_g) if (we) q <= ld ? d : q + d;\n"
        "endmodule\n"
    )
    prim = ROOT / "rtl" / "xrnpe_prim_clock_gate.sv"
    cells = {}
    for view in ("gated", "ungated"):
        spec = {
            "name": "g",
            "top": "gtop",
            "sources": [str(prim), str(tmp_path / "top.sv")],
            "params": {},
            "flatten": True,
            "flatten_inside": [],
            "liberty": str(OSU018),
            "clock_gate": view,
            "out": str(tmp_path / view),
        }
        (tmp_path / f"{view}.json").write_text(json.dumps(spec))
        r = subprocess.run(
            [sys.executable, "-m", "xrnpe.ppa.asic", "--spec", str(tmp_path / f"{view}.json")],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
        _area, cells[view] = asic.area_um2(tmp_path / view, "gtop")
    assert cells["gated"]["LATCH"] == 1 and "LATCH" not in cells["ungated"]
    assert cells["gated"]["DFFPOSX1"] == cells["ungated"]["DFFPOSX1"] == 8
    assert "MUX2X1" not in cells["gated"]
    netlist = (tmp_path / "gated" / "netlist.v").read_text().replace("module gtop", "module gl")
    (tmp_path / "gl.v").write_text(netlist)
    used = set(re.findall(r"^\s*([A-Z][A-Z0-9_]*)\s+\S+\s*\(", netlist, flags=re.M))
    (tmp_path / "cells.v").write_text(energy.cell_models(lib, used & set(lib.cells)))
    (tmp_path / "tb.sv").write_text(
        "module tb;\n"
        "  logic clk = 0, en = 1, ld = 1; logic [7:0] d = 0, q_rtl, q_gl;\n"
        "  integer i, bad = 0;\n"
        "  gtop u_rtl (.clk, .en, .ld, .d, .q(q_rtl));\n"
        "  gl u_gl (.clk, .en, .ld, .d, .q(q_gl));\n"
        "  always #5 clk = ~clk;\n"
        "  initial begin\n"
        "    @(negedge clk); @(negedge clk); ld = 0;  // both registers load 0\n"
        "    for (i = 0; i < 400; i++) begin\n"
        "      @(negedge clk); if (q_rtl !== q_gl) bad++; en = $urandom % 2; d = $urandom;\n"
        "    end\n"
        '    $display("bad=%0d q=%0d", bad, q_rtl); $finish;\n'
        "  end\n"
        "endmodule\n"
    )
    r = subprocess.run(
        [
            "iverilog",
            "-g2012",
            "-o",
            "s.vvp",
            "-s",
            "tb",
            "tb.sv",
            "top.sv",
            str(prim),
            "gl.v",
            "cells.v",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    out = subprocess.run(["vvp", "-n", "s.vvp"], cwd=tmp_path, capture_output=True, text=True)
    m = re.search(r"bad=(\d+) q=(\d+)", out.stdout)
    assert m and m.group(1) == "0", out.stdout


def test_real_operand_window_is_the_layers_matmul():
    """make ppa-real's windows (energy.workload_from_operands): whole dot products of A rows
    and W columns in a PE's order (a column, every row against it), K padded with zero codes
    to the lanes, wrapping around when the layer has fewer; every expected result is that
    entry of the exact matmul (xrnpe.matmul)."""
    from xrnpe.matmul import matmul
    from xrnpe.ppa import energy
    from xrnpe.sim import pe_model as pm

    rng = np.random.default_rng(3)
    a = pm.random_words(rng, "p8", 21).reshape(3, 7) & 0xFF  # 8-bit codes, K = 7
    w = pm.random_words(rng, "p8", 14).reshape(7, 2) & 0xFF
    win = energy.workload_from_operands("p8", a, w, words=40, label="p8/x")
    assert win.label == "p8/x" and win.fmt == "p8"
    assert win.words == 40 and win.macs == 80  # 10 dot products of 4 words (K 7 -> 8)
    c = np.asarray(matmul(a.astype(np.uint8), w.astype(np.uint8), "p8", "fp32")).view(np.uint32)
    order = [(i, j) for j in range(2) for i in range(3)]
    want = [c[order[t % 6]] for t in range(10)]
    assert [int(x) for x in win.stream.exp_code] == [int(x) for x in want]
    assert int(win.stream.first.sum()) == 10 and int(win.stream.last.sum()) == 10
    with pytest.raises(ValueError, match="do not multiply"):
        energy.workload_from_operands("p8", a, w.T, words=8, label="bad")


@needs_osu018
def test_mapping_keeps_the_carry_tree(tmp_path):
    """The flow's ABC script keeps Yosys' Brent-Kung adders; the default one (dc2) makes a
    128-bit adder a ripple chain (xrnpe/ppa/asic.py)."""
    pytest.importorskip("pyosys")
    from xrnpe.ppa.asic import adder_check

    res = adder_check(tmp_path)
    assert res["flow"] < 4000, res
    assert res["yosys_default"] > 2 * res["flow"], res


def _run(args: list[str], out: Path) -> dict:
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "scripts.ppa.run",
            "--out",
            str(out),
            "--jobs",
            "2",
            "--no-docs",
            *args,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return json.loads((out / "summary.json").read_text())


def _check_entry(e: dict, energy: bool, fpga: bool):
    assert set(e) <= ENTRY_KEYS
    assert e["sources"] and all((ROOT / s).is_file() for s in e["sources"])
    assert e["sources"][0].endswith("_pkg.sv")  # packages first
    assert set(e["macs_per_cycle"]) == set(FORMATS)
    for k, t in OSU_KEYS.items():
        assert isinstance(e["osu018"][k], t), k
    assert e["osu018"]["fmax_mhz"] == pytest.approx(1e6 / e["osu018"]["crit_path_ps"], rel=1e-3)
    if fpga:
        for k, t in ECP5_KEYS.items():
            assert isinstance(e["ecp5"][k], t), k
        assert e["ecp5"]["lut4"] > 0 and e["ecp5"]["fmax_mhz"] > 0
    if energy:
        assert set(e["energy_pj_per_mac"]) <= set(FORMATS) and e["energy_pj_per_mac"]
        assert all(v > 0 for v in e["energy_pj_per_mac"].values())


@needs_osu018
@pytest.mark.skipif(not shutil.which("iverilog"), reason="iverilog not installed")
def test_flow_on_the_back_end(tmp_path):
    """Every task but energy on the PE readout (xrnpe_acc_readout, the pe_backend block):
    osu018 area/STA/vesta, ECP5, Yosys area."""
    pytest.importorskip("pyosys")
    summary = _run(["--design", "backend=pe_backend"], tmp_path)
    assert summary["fo4_ps"] == pytest.approx(Library(OSU018).fo4()["fo4_ns"] * 1000, abs=0.1)
    assert "LFE5U-85F" in summary["fpga"]
    e = summary["designs"]["backend"]
    assert e["top"] == "xrnpe_acc_readout"
    _check_entry(e, energy=False, fpga=True)
    report = json.loads((tmp_path / "report.json").read_text())["designs"]["backend"]
    sta = report["sta"]
    assert sta["critical"]["levels"] > 10
    # the critical path ends in a register of a readout stage (P1..P5: val1_q .. fp32_5_q)
    assert sta["critical"]["end"].split("[")[0].endswith("_q"), sta["critical"]["end"]
    assert sta["stages"], "no per-stage worst paths"
    check = sta["vesta_check"]
    if check["vesta"] is not None:  # qflow installed: two STAs agree on the worst paths
        assert check["view"] == "ungated"  # vesta would propagate the clock through the gates
        assert check["vesta"]["period_ps"] == pytest.approx(
            check["this_sta_no_wire"]["period_ps"], rel=0.15
        )
        # into vesta's critical endpoint this STA finds a path within 15 % (vesta's clock slew
        # is that of one unbuffered net driving every flip-flop)
        mine = check["this_sta_no_wire_at_vesta_end"]
        assert mine and mine["period_ps"] == pytest.approx(check["vesta"]["period_ps"], rel=0.15)
    assert report["synth"]["area_um2"] > 0 and report["synth"]["lut"] > 0
    assert (tmp_path / "pareto.png").stat().st_size > 1000
    assert "### backend" in (tmp_path / "tables.md").read_text()


@needs_osu018
@pytest.mark.skipif(not shutil.which("iverilog"), reason="iverilog not installed")
def test_energy_flow_on_pe_wide(tmp_path):
    """Gate-level energy on pe_wide (several cycles per word, in_ready honoured): every result
    of the netlist equals the model's, and the figures are consistent."""
    pytest.importorskip("pyosys")
    summary = _run(
        [
            "--design",
            "pe_wide",
            "--skip",
            "fpga,synth,pnr,energy_routed",
            "--words",
            "32",
            "--formats",
            "fp4,p16",
        ],
        tmp_path,
    )
    e = summary["designs"]["pe_wide"]
    _check_entry(e, energy=True, fpga=False)
    assert e["macs_per_cycle"] == {f: 1 for f in FORMATS}
    en = json.loads((tmp_path / "report.json").read_text())["designs"]["pe_wide"]["energy"]
    fp4, p16 = en["formats"]["fp4"], en["formats"]["p16"]
    # one MAC per cycle: 32 words x 4 lanes take ~128 cycles in fp4, 32 in p16 (+ drain)
    assert 1.0 <= fp4["cycles_per_mac"] < 1.2 and 1.0 <= p16["cycles_per_mac"] < 1.5
    assert fp4["toggles_per_mac"] > 10 and p16["toggles_per_mac"] > fp4["toggles_per_mac"]
    for r in (fp4, p16):
        total = r["switching_pj"] + r["internal_pj"] + r["clock_pj"]
        assert r["dynamic_pj"] == pytest.approx(total)
        assert r["clock_pj"] > 0 and r["leakage_nw"] > 0
        assert r["data_pj"] == pytest.approx(r["switching_pj"] + r["internal_pj"])
        by_stage = r["data_pj_per_mac_by_stage"]
        assert sum(by_stage.values()) == pytest.approx(r["data_pj"] / r["macs"], abs=0.05)
        assert by_stage.get("unattributed", 0) < 0.01 * sum(by_stage.values())
    # the split of CONTRACT section 5, gated and ungated views, each adding up
    for view in ("gated", "ungated"):
        for fmt in ("fp4", "p16"):
            sp = e["energy"][view][fmt]
            assert sp["total"] == pytest.approx(sp["clock"] + sp["data"] + sp["leakage"], abs=0.01)
    assert e["energy_pj_per_mac"]["fp4"] == e["energy"]["gated"]["fp4"]["total"]
    # OpenSTA on the same netlist and activity: the same critical path within 10 %
    ost = e["opensta"]
    assert ost["crit_path_ps"] == pytest.approx(e["osu018"]["crit_path_ps"], rel=0.1)
    assert ost["power_mw"] > 0
    # the delay-annotated run counts at least the zero-delay run's transitions
    gl = json.loads((tmp_path / "report.json").read_text())["designs"]["pe_wide"]["glitch"]
    for fmt in ("fp4", "p16"):
        g = gl["formats"][fmt]
        assert g["toggles_delays"] >= g["toggles_zero_delay"] > 0
        assert 0.0 <= g["missed_share_of_data"] < 0.9
