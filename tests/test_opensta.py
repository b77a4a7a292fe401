# SPDX-License-Identifier: Apache-2.0
"""The OpenSTA cross-check (xrnpe.ppa.opensta): netlist sanitizer, Tcl, report parsers, the
VCD duty reader, and real `sta` runs on hand-made osu018 netlists whose path delay and power
are derived here from the Liberty tables (own interpolation, rise/fall pin capacitances)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from xrnpe.ppa import opensta
from xrnpe.ppa.liberty import OSU018, Library, parse
from xrnpe.ppa.sta import WIRE_PF_PER_PIN, Netlist

needs_lib = pytest.mark.skipif(not OSU018.exists(), reason="qflow-tech-osu018 not installed")
needs_sta = pytest.mark.skipif(
    shutil.which("sta") is None or not OSU018.exists(), reason="OpenSTA (sta) not installed"
)

# r0 -> INVX1 -> r1, all on the clock port
CHAIN_PORTS = {"clk": "input", "d": "input", "q": "output"}
CHAIN_CELLS = [
    ("r0", "DFFPOSX1", {"CLK": "clk", "D": "d", "Q": "n1"}),
    ("u1", "INVX1", {"A": "n1", "Y": "n2"}),
    ("r1", "DFFPOSX1", {"CLK": "clk", "D": "n2", "Q": "q"}),
]
# a clock gate as rtl/tech/osu018/xrnpe_prim_clock_gate.sv builds it, clocking two flops
CG_PORTS = {"clk": "input", "en": "input", "d": "input", "q": "output"}
CG_CELLS = [
    ("u_clk_inv", "INVX1", {"A": "clk", "Y": "clk_n"}),
    ("u_en_latch", "LATCH", {"CLK": "clk_n", "D": "en", "Q": "en_l"}),
    ("u_clk_and", "AND2X1", {"A": "clk", "B": "en_l", "Y": "gclk"}),
    ("r0", "DFFPOSX1", {"CLK": "gclk", "D": "d", "Q": "q0"}),
    ("r1", "DFFPOSX1", {"CLK": "gclk", "D": "q0", "Q": "q"}),
]


def write_netlist(out: Path, top: str, ports: dict[str, str], cells: list) -> None:
    """netlist.v and a Yosys-style netlist.json with the same one-bit nets and names."""
    out.mkdir(parents=True, exist_ok=True)
    bits: dict[str, int] = {}
    for name in [*ports, *(n for _i, _t, conns in cells for n in conns.values())]:
        bits.setdefault(name, len(bits) + 2)
    v = [f"module {top} ({', '.join(ports)});"]
    v += [f"  {d} {p};" for p, d in ports.items()]
    v += [f"  wire {n};" for n in bits if n not in ports]
    for inst, ctype, conns in cells:
        pins = ", ".join(f".{p}({n})" for p, n in conns.items())
        v.append(f"  {ctype} {inst} ({pins});")
    v.append("endmodule")
    (out / "netlist.v").write_text("\n".join(v) + "\n")
    mod = {
        "ports": {p: {"direction": d, "bits": [bits[p]]} for p, d in ports.items()},
        "cells": {
            inst: {"type": ctype, "connections": {p: [bits[n]] for p, n in conns.items()}}
            for inst, ctype, conns in cells
        },
        "netnames": {n: {"hide_name": 0, "bits": [b]} for n, b in bits.items()},
    }
    (out / "netlist.json").write_text(json.dumps({"modules": {top: mod}}))


# ---------------------------------------------------------------------------------------------
# Liberty by hand: table lookup with bilinear interpolation / linear extrapolation
# ---------------------------------------------------------------------------------------------


def _seg(xs: list[float], x: float) -> tuple[int, float]:
    if len(xs) == 1:
        return 0, 0.0
    i = 0
    while i < len(xs) - 2 and x > xs[i + 1]:
        i += 1
    return i, (x - xs[i]) / (xs[i + 1] - xs[i])


def lookup(table, **point: float) -> float:
    """A Liberty table at a point named by its template variables' kinds."""
    kinds = {
        "total_output_net_capacitance": "load",
        "input_net_transition": "slew",
        "input_transition_time": "slew",
        "related_pin_transition": "related",
        "constrained_pin_transition": "constrained",
    }
    xs = [point[kinds[var]] for var in table.variables]
    if len(table.index) == 1:
        i, w = _seg(table.index[0], xs[0])
        row = table.values[0]
        return row[i] if len(row) == 1 else row[i] * (1 - w) + row[i + 1] * w
    (i, wi), (j, wj) = _seg(table.index[0], xs[0]), _seg(table.index[1], xs[1])
    v = table.values
    return (v[i][j] * (1 - wj) + v[i][j + 1] * wj) * (1 - wi) + (
        v[i + 1][j] * (1 - wj) + v[i + 1][j + 1] * wj
    ) * wi


def pin_caps() -> dict[tuple[str, str], tuple[float, float]]:
    """(cell, pin) -> (rise_capacitance, fall_capacitance) from the Liberty text."""
    top = parse(OSU018.read_text())
    out = {}
    for cell in top.sub("cell"):
        for pin in cell.sub("pin"):
            c = float(pin.attr("capacitance", 0.0))
            for name in pin.args:
                out[(cell.args[0], name)] = (
                    float(pin.attr("rise_capacitance", c)),
                    float(pin.attr("fall_capacitance", c)),
                )
    return out


def arc(lib: Library, cell: str, pin: str, related: str, kind: str):
    return next(
        a for a in lib.cells[cell].pins[pin].arcs if a.related == related and a.timing_type == kind
    )


# ---------------------------------------------------------------------------------------------
# Netlist sanitizer, Tcl
# ---------------------------------------------------------------------------------------------


def test_sanitize_verilog_splits_assigns_and_drops_signed():
    text = (
        "module m(a, y);\n"
        "  input [1:0] a;\n"
        "  output [2:0] y;\n"
        "  wire signed [3:0] \\u.s ;\n"
        "  wire w;\n"
        "  assign { y[2], \\u.s [1:0] } = { 1'h1, a };\n"
        "  assign \\u.s [3:2] = 2'h2;\n"
        "  assign w = a[0];\n"
        "  assign y[1:0] = \\u.s [1:0];\n"
        "endmodule\n"
    )
    out, stats = opensta.sanitize_verilog(text)
    assert "  wire [3:0] \\u.s ;" in out and "signed" not in out
    assigns = [ln.strip() for ln in out.splitlines() if "assign" in ln]
    assert assigns == [
        "assign y[2] = 1'b1;",
        "assign \\u.s [1] = a[1];",
        "assign \\u.s [0] = a[0];",
        "assign \\u.s [3] = 1'b1;",
        "assign \\u.s [2] = 1'b0;",
        "assign w = a[0];",
        "assign y[1] = \\u.s [1];",
        "assign y[0] = \\u.s [0];",
    ]
    assert stats == {"signed_declarations": 1, "assigns": 4, "assign_bits": 8}


def test_sanitize_verilog_rejects_undeclared_nets():
    with pytest.raises(ValueError, match="not declared"):
        opensta.sanitize_verilog("module m;\n  wire a;\n  assign a = b;\nendmodule\n")


@needs_lib
def test_tcl_loads_activity_and_isolation(tmp_path):
    write_netlist(tmp_path, "chain", CHAIN_PORTS, CHAIN_CELLS)
    lib = Library()
    net = Netlist.load(tmp_path / "netlist.json", "chain", lib)
    loads = opensta.load_tcl(net)
    # n1 and n2 drive one pin each, q drives only the output port: 2 fF each
    assert sorted(loads) == sorted(
        f"set_load {WIRE_PF_PER_PIN:.9g} [get_nets -of_objects [get_pins {{{p}}}]]"
        for p in ("r0/Q", "u1/Y", "r1/Q")
    )
    iso, made = opensta.isolate_tcl(net)
    assert list(made.values()) == ["xrnpe_iso_1"]  # d only (clk is the clock)
    assert "connect_pin $port_net [get_pins xrnpe_iso_1/D]" in iso
    lines, set_bits, unmeasured = opensta.activity_tcl(
        net, {"n1": (30, 0.25), "n2": (30, 0.75)}, 100, isolated=made
    )
    assert "sta::set_power_pin_activity [get_pins {r0/Q}] 0.3 0.25" in lines
    assert "sta::set_power_pin_activity [get_pins {u1/A}] 0.3 0.25" in lines
    assert "sta::set_power_pin_activity [get_pins {r1/D}] 0.3 0.75" in lines
    assert "sta::set_power_pin_activity [get_pins {xrnpe_iso_1/Q}] 0 0.5" in lines
    assert unmeasured == 3  # clk, d, q: not given, set to 0 transitions
    bit = {n: b for n, b in opensta.net_bits(net).items()}
    assert set_bits[bit["n1"]] == (0.3, 0.25)
    with pytest.raises(ValueError, match="not in the netlist"):
        opensta.activity_tcl(net, {"nope": (1, 0.5)}, 10)
    with pytest.raises(ValueError, match="duty"):
        opensta.activity_tcl(net, {"n1": (1, 1.5)}, 10)
    with pytest.raises(ValueError, match="window"):
        opensta.activity_tcl(net, {"n1": (1, 0.5)}, 0)
    tcl = opensta.script(tmp_path / "netlist.v", "chain", OSU018, 5.0, "clk", 0.1, 0.2, tmp_path)
    for line in (
        "create_clock -name clk -period 5 [get_ports clk]",
        "set_clock_transition 0.1 [get_clocks clk]",
        "set_input_transition 0.2 $data_inputs",
        "set_load -pin_load 0.0088 [all_outputs]",
    ):
        assert line in tcl.splitlines()


# ---------------------------------------------------------------------------------------------
# Report parsers (captured OpenSTA 2.0.17 output)
# ---------------------------------------------------------------------------------------------

CHECKS = """Startpoint: u_en_latch (positive level-sensitive latch clocked by clk')
Endpoint: u_clk_and (rising clock gating-check end-point clocked by clk)
Path Group: **clock_gating_default**
Path Type: max

      Cap      Slew     Delay      Time   Description
-------------------------------------------------------------------------------
             0.0000    5.0000    5.0000   clock clk' (rise edge)
                       0.0000    5.0000   clock network delay (ideal)
             0.0000    0.0000    5.0000 ^ u_en_latch/CLK (LATCH)
   0.0122    0.0522    0.1703    5.1703 v u_en_latch/Q (LATCH)
             0.0522    0.0000    5.1703 v u_clk_and/B (AND2X1)
                                 5.1703   data arrival time

             0.0000   10.0000   10.0000   clock clk (rise edge)
                       0.0000   10.0000   clock network delay (ideal)
                       0.0000   10.0000   clock reconvergence pessimism
                                10.0000 ^ u_clk_and/A (AND2X1)
                       0.0000   10.0000   clock gating setup time
                                10.0000   data required time
-------------------------------------------------------------------------------
                                10.0000   data required time
                                -5.1703   data arrival time
-------------------------------------------------------------------------------
                                 4.8297   slack (MET)


Startpoint: r0 (rising edge-triggered flip-flop clocked by clk)
Endpoint: r1 (rising edge-triggered flip-flop clocked by clk)
Path Group: clk
Path Type: max

      Cap      Slew     Delay      Time   Description
-------------------------------------------------------------------------------
             0.1000    0.0000    0.0000   clock clk (rise edge)
                       0.0000    0.0000   clock network delay (ideal)
             0.1000    0.0000    0.0000 ^ r0/CLK (DFFPOSX1)
   0.0170    0.0700    0.1690    0.1690 ^ r0/Q (DFFPOSX1)
   0.0108    0.0500    0.0400    0.2090 v u1/Y (INVX1)
             0.0500    0.0000    0.2090 v r1/D (DFFPOSX1)
                                 0.2090   data arrival time

             0.1000    5.0000    5.0000   clock clk (rise edge)
                       0.0000    5.0000   clock network delay (ideal)
                       0.0000    5.0000   clock reconvergence pessimism
                                 5.0000 ^ r1/CLK (DFFPOSX1)
                      -0.1610    4.8390   library setup time
                                 4.8390   data required time
-------------------------------------------------------------------------------
                                 4.8390   data required time
                                -0.2090   data arrival time
-------------------------------------------------------------------------------
                                 4.6300   slack (VIOLATED)
"""

POWER = """Group                  Internal  Switching    Leakage      Total
                          Power      Power      Power      Power
----------------------------------------------------------------
Sequential             1.047000e-04 1.470000e-06 5.850000e-10 1.061706e-04  73.9%
Combinational          1.250000e-05 2.530000e-05 9.690000e-11 3.780010e-05  26.1%
Macro                  0.000000e+00 0.000000e+00 0.000000e+00 0.000000e+00   0.0%
Pad                    0.000000e+00 0.000000e+00 0.000000e+00 0.000000e+00   0.0%
----------------------------------------------------------------
Total                  1.172000e-04 2.677000e-05 6.819000e-10 1.439707e-04 100.0%
                          81.5%      18.5%       0.0%
"""


def test_parse_checks_and_summary():
    gate, reg = opensta.parse_checks(CHECKS)
    assert (gate["start"], gate["end"], gate["group"]) == (
        "u_en_latch",
        "u_clk_and",
        "**clock_gating_default**",
    )
    assert gate["launch_ns"] == 5.0 and gate["arrival_ns"] == 5.1703
    assert gate["setup_ns"] == 0.0 and gate["slack_ns"] == 4.8297
    s = opensta.path_summary(reg)
    assert (s["start"], s["end"], s["group"]) == ("r0", "r1", "clk")
    assert s["period_ps"] == 370.0  # 209.0 arrival + 161.0 setup
    assert (s["clock_to_q_ps"], s["logic_ps"], s["setup_ps"], s["levels"]) == (
        169.0,
        40.0,
        161.0,
        1,
    )
    assert [c["pin"] for c in s["cells"]] == ["r0/CLK", "r0/Q", "u1/Y", "r1/D"]
    assert reg["met"] is False and reg["cells"][2]["edge"] == "fall"


def test_parse_power():
    p = opensta.parse_power(POWER)
    assert p["total"]["internal_mw"] == pytest.approx(0.1172)
    assert p["sequential"]["switching_mw"] == pytest.approx(1.47e-3)
    assert p["combinational"]["leakage_mw"] == pytest.approx(9.69e-8)
    with pytest.raises(ValueError, match="Total"):
        opensta.parse_power("nothing")


# ---------------------------------------------------------------------------------------------
# VCD: duty next to energy.vcd_toggles' counts
# ---------------------------------------------------------------------------------------------

VCD = """$timescale 1ps $end
$scope module tb $end
$scope module dut $end
$var wire 1 ! clk $end
$var wire 1 " n1 $end
$var wire 1 # n2 $end
$upscope $end
$upscope $end
$enddefinitions $end
#0
0!
0"
1#
#10
1!
1"
0#
#20
0!
#30
1!
0"
1#
#40
0!
#45
1"
0#
#60
1!
"""


@needs_lib
def test_energy_run_activity(tmp_path):
    write_netlist(tmp_path, "chain", CHAIN_PORTS, CHAIN_CELLS)
    net = Netlist.load(tmp_path / "netlist.json", "chain", Library())
    bit = opensta.net_bits(net)
    e = tmp_path / "energy"
    e.mkdir()
    (e / "act.vcd").write_text(VCD)
    # window [5, 50) ps: n1 rises at 10, falls at 30, rises at 45 -> high 20 + 5
    high, covered = opensta.vcd_high_time(e / "act.vcd", net, {"w": (5, 50)})
    assert high["w"][bit["n1"]] == 25 and high["w"][bit["n2"]] == 5 + 15
    assert high["w"][bit["clk"]] == 10 + 10
    assert covered == {bit["clk"], bit["n1"], bit["n2"]}
    # an energy run's files (windows.txt in ns; this VCD in ns) with energy.vcd_toggles
    (e / "act.vcd").write_text(VCD.replace("1ps", "1ns"))
    (e / "windows.txt").write_text("w start 5\nw end 50\n")
    act = opensta.energy_run_activity(e, net)["w"]
    assert act["cycles"] == 4.5  # 45 ns at the testbench's 10 ns clock
    assert act["toggles"] == {bit["clk"]: [2, 2], bit["n1"]: [2, 1], bit["n2"]: [1, 2]}
    assert act["nets"] == {
        bit["clk"]: (4, 20 / 45),
        bit["n1"]: (3, 25 / 45),
        bit["n2"]: (3, 20 / 45),
    }
    (e / "windows.txt").write_text("w start 5\nw end 5\n")
    with pytest.raises(ValueError, match="empty"):
        opensta.energy_run_activity(e, net)


# ---------------------------------------------------------------------------------------------
# Real OpenSTA runs
# ---------------------------------------------------------------------------------------------


@needs_sta
def test_chain_timing_and_power_from_the_liberty(tmp_path):
    """r0 -> INVX1 -> r1: OpenSTA's path delay and the inverter's switching and internal
    power at one transition per period, derived here from the tables."""
    write_netlist(tmp_path, "chain", CHAIN_PORTS, CHAIN_CELLS)
    period, s_clk, wire = 5.0, 0.1, WIRE_PF_PER_PIN
    res = opensta.run(
        tmp_path / "netlist.v",
        "chain",
        period_ns=period,
        clock_slew_ns=s_clk,
        input_slew_ns=0.2,
        activity={"n1": (40, 0.5), "n2": (40, 0.5)},
        cycles=100,
        unit_activity_dump=True,
    )
    lib, caps = Library(), pin_caps()
    # load of n1 (INVX1 A) and n2 (DFF D) per edge: pin capacitance of that edge + wire
    n1 = [caps[("INVX1", "A")][k] + wire for k in (0, 1)]
    n2 = [caps[("DFFPOSX1", "D")][k] + wire for k in (0, 1)]
    ck = arc(lib, "DFFPOSX1", "Q", "CLK", "rising_edge").tables
    inv = arc(lib, "INVX1", "Y", "A", "combinational").tables
    setup = arc(lib, "DFFPOSX1", "D", "CLK", "setup_rising").tables
    q = {  # Q edge -> (delay, slew)
        "rise": (
            lookup(ck["cell_rise"], load=n1[0], slew=s_clk),
            lookup(ck["rise_transition"], load=n1[0], slew=s_clk),
        ),
        "fall": (
            lookup(ck["cell_fall"], load=n1[1], slew=s_clk),
            lookup(ck["fall_transition"], load=n1[1], slew=s_clk),
        ),
    }
    y_fall = (
        lookup(inv["cell_fall"], load=n2[1], slew=q["rise"][1]),
        lookup(inv["fall_transition"], load=n2[1], slew=q["rise"][1]),
    )
    y_rise = (
        lookup(inv["cell_rise"], load=n2[0], slew=q["fall"][1]),
        lookup(inv["rise_transition"], load=n2[0], slew=q["fall"][1]),
    )
    paths = [
        q["rise"][0]
        + y_fall[0]
        + lookup(setup["fall_constraint"], related=s_clk, constrained=y_fall[1]),
        q["fall"][0]
        + y_rise[0]
        + lookup(setup["rise_constraint"], related=s_clk, constrained=y_rise[1]),
    ]
    got = res["paths"]["reg2reg"]
    assert (got["start"], got["end"], got["levels"]) == ("n1", "q", 1)
    assert got["period_ps"] == pytest.approx(max(paths) * 1000, abs=0.15)
    # power: measured activity kept on every driven net, leakage = the cells' leakage
    assert res["activity"]["overridden"] == 0 and res["activity"]["kept"] == 3
    leak_nw = sum(lib.cells[t].leakage for _i, t, _c in CHAIN_CELLS)
    assert res["power_mw"]["total"]["leakage_mw"] == pytest.approx(leak_nw * 1e-6, rel=1e-4)
    # the inverter at one transition per period: switching 1/2 C V^2 with the larger of the
    # rise/fall loads; internal = rise_power + fall_power (2.0.17 sums both per transition)
    _int0, sw0, _ = res["instances_w"][0]["u1"]
    int1, sw1, _ = res["instances_w"][1]["u1"]
    v2 = lib.voltage**2
    assert sw0 == 0.0
    assert sw1 == pytest.approx(0.5 * max(n2) * v2 / period * 1e-3, rel=2e-3)
    pw = lib.cells["INVX1"].pins["Y"].power[0]
    e_rise = lookup(pw.rise, load=max(n2), slew=q["rise"][1])
    e_fall = lookup(pw.fall, load=max(n2), slew=q["fall"][1])
    assert int1 == pytest.approx((e_rise + e_fall) / period * 1e-3, rel=2e-3)


@needs_sta
def test_gated_clock(tmp_path):
    """The clock reaches the flops through the gate's AND; OpenSTA infers the clock gating
    check on it (the latch opens while the clock is low); gated clock pins keep 2.0."""
    write_netlist(tmp_path, "cg", CG_PORTS, CG_CELLS)
    res = opensta.run(
        tmp_path / "netlist.v",
        "cg",
        period_ns=10.0,
        activity={"gclk": (20, 0.25), "q0": (10, 0.5)},
        cycles=100,
    )
    reg = res["paths"]["reg2reg"]
    assert (reg["start_point"], reg["end_point"]) == ("r0", "r1")
    gate = res["groups"]["**clock_gating_default**"]
    assert (gate["start_point"], gate["end_point"]) == ("u_en_latch", "u_clk_and")
    assert gate["setup_ps"] == 0.0
    over = {o["net"]: o for o in res["activity"]["overridden_nets"]}
    assert over["gclk"]["opensta"] == pytest.approx(2.0) and over["gclk"]["set"] == 0.2
    assert "q0" not in over


SPEF = """*SPEF "IEEE 1481-1998"
*DESIGN "chain"
*DATE "-"
*VENDOR "-"
*PROGRAM "-"
*VERSION "-"
*DESIGN_FLOW "NETLIST_TYPE_VERILOG"
*DIVIDER /
*DELIMITER :
*BUS_DELIMITER [ ]
*T_UNIT 1 NS
*C_UNIT 1 PF
*R_UNIT 1 OHM
*L_UNIT 1 HENRY
"""
SPEF_NET = """
*D_NET {net} {cap}
*CONN
*I {drv} O
*I {load} I
*CAP
1 {load} {cap}
*RES
1 {drv} {load} 0.001
*END
"""


@needs_sta
def test_spef_and_cli(tmp_path, capsys):
    """A SPEF with the estimate's 2 fF per net times like the estimate; more wire, slower.
    The command line prints the run as JSON."""
    write_netlist(tmp_path, "chain", CHAIN_PORTS, CHAIN_CELLS)
    kw = {"period_ns": 5.0, "clock_slew_ns": 0.1, "input_slew_ns": 0.2}
    base = opensta.run(tmp_path / "netlist.v", "chain", **kw)["paths"]["reg2reg"]
    for cap, work in ((0.002, "same"), (0.03, "more")):
        spef = tmp_path / f"{work}.spef"
        spef.write_text(
            SPEF
            + SPEF_NET.format(net="n1", cap=cap, drv="r0:Q", load="u1:A")
            + SPEF_NET.format(net="n2", cap=cap, drv="u1:Y", load="r1:D")
        )
        got = opensta.run(tmp_path / "netlist.v", "chain", spef=spef, work=tmp_path / work, **kw)
        assert got["spef"] == str(spef) and got["wire_pf_per_pin"] is None
        p = got["paths"]["reg2reg"]["period_ps"]
        assert p == base["period_ps"] if work == "same" else p > base["period_ps"] + 20
    act = tmp_path / "act.json"
    act.write_text(json.dumps({"cycles": 10, "nets": {"n1": [4, 0.5]}}))
    assert opensta.main([str(tmp_path), "chain", "--period", "5", "--activity", str(act)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["activity"]["kept"] == 3 and out["paths"]["reg2reg"]["start"] == "n1"
    assert opensta.main([str(tmp_path / "nowhere"), "chain"]) == 2
