# SPDX-License-Identifier: Apache-2.0
"""Place and route (xrnpe.ppa.pnr, qflow) of a small counter mapped by the flow's asic
script: routing completes, the wires are extracted, and the post-P&R netlist computes what
the flow's netlist computes (cycle by cycle in Icarus, from the same random stimulus)."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from xrnpe.ppa import pnr
from xrnpe.ppa.liberty import OSU018, Library

pytestmark = pytest.mark.skipif(
    not (OSU018.exists() and pnr.tools_present() and shutil.which("yosys")),
    reason="qflow (graywolf, qrouter, blifFanout), tcsh/tclsh or yosys not installed",
)

WIDTH = 24  # 24 flip-flops: the clock (and reset) nets exceed blifFanout's fanout limit
COUNTER = f"""\
module counter(input clk, input rst_n, input en, output [{WIDTH - 1}:0] count, output wrap);
  reg [{WIDTH - 1}:0] count_q;
  wire [{WIDTH - 1}:0] count_d;
  assign count_d = en ? count_q + {WIDTH}'d1 : count_q;
  always @(posedge clk or negedge rst_n)
    if (!rst_n) count_q <= {WIDTH}'d0; else count_q <= count_d;
  assign count = count_q;
  assign wrap = &count_q;
endmodule
"""


@pytest.fixture(scope="module")
def routed(tmp_path_factory):
    pytest.importorskip("pyosys")
    work = tmp_path_factory.mktemp("pnr")
    (work / "counter.v").write_text(COUNTER)
    spec = {
        "top": "counter",
        "sources": [str(work / "counter.v")],
        "params": {},
        "out": str(work / "asic"),
        "liberty": str(OSU018),
    }
    (work / "spec.json").write_text(json.dumps(spec))
    r = subprocess.run(
        [sys.executable, "-m", "xrnpe.ppa.asic", "--spec", str(work / "spec.json")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    res = pnr.run(work / "asic", "counter", work / "pnr")
    return work, res


def test_routes_and_extracts(routed):
    work, res = routed
    assert res["failed_nets"] == 0
    assert res["wirelength_um"] > 0
    assert 0.3 < res["utilisation"] <= 1.0
    assert res["core_um2"] >= res["cell_area_um2"] > 0
    caps = list(res["wire_pf"].values())
    assert all(c >= 0 for c in caps) and sum(c > 0 for c in caps) > 0.95 * len(caps)
    # the clock: a buffer tree of clock buffers (fanout limit 16), every flip-flop below it
    clk = res["clock"]
    assert clk["roots"] == ["clk"] and clk["flops"] == WIDTH
    assert clk["buffers"] >= 2 and clk["flops_per_leaf_buffer"][1] <= pnr.MAX_FANOUT
    # the flow's netlist plus the buffers the P&R added, nothing else
    assert res["cells_after"] == res["cells"] + res["buffers_added"] + len(res["added_cells"])
    assert res["buffers_added"] >= clk["buffers"]
    # every net of the flow's netlist with a routed wire has its extracted capacitance
    assert res["wire_pf_original"]["clk"] > 0
    assert Path(res["spef"]).read_text().count("*D_NET") == len(res["wire_pf"])
    # every cell of the flow's netlist is found under its qflow name (the added buffers keep
    # theirs)
    names = json.loads(Path(res["names"]).read_text())
    flow = json.loads((work / "asic" / "netlist.json").read_text())["modules"]["counter"]
    assert sorted(names["instances"].values()) == sorted(flow["cells"])


def test_sta_loads_extracted_wires(routed):
    work, res = routed
    cmp = pnr.sta_compare(work / "asic", "counter", res)
    for view in ("estimate", "extracted", "post_pnr"):
        assert cmp[view]["critical"]["period_ps"] > 0
    assert cmp["extracted"]["nets_with_extracted_wire"] > 0
    # every extracted net of the flow's netlist is found by its name: the STA's wire total
    # is the extraction's
    assert cmp["extracted"]["nets_with_extracted_wire"] == len(res["wire_pf_original"])
    assert cmp["extracted"]["wire_total_pf"] == pytest.approx(
        sum(res["wire_pf_original"].values()), abs=1e-4
    )


def test_wire_load_model():
    samples = [(1, 0.001)] * 10 + [(1, 0.003)] * 10 + [(2, 0.004)] * 5 + [(4, 0.008)] * 5
    fit = pnr.fit_wire_load(samples)
    assert pnr.wire_load_model(fit, 1) == pytest.approx(0.002)  # 20 nets: the bin mean
    # fewer than 20 nets with fanout 2 or 4, none with 40: the least-squares line
    n, sx, sy = 30, 20 + 10 + 20, 0.04 + 0.02 + 0.04
    sxx, sxy = 10 + 10 + 5 * 4 + 5 * 16, 0.001 * 10 + 0.003 * 10 + 5 * 2 * 0.004 + 5 * 4 * 0.008
    slope = (n * sxy - sx * sy) / (n * sxx - sx * sx)
    intercept = (sy - slope * sx) / n
    assert fit["slope_pf_per_sink"] == pytest.approx(slope)
    assert pnr.wire_load_model(fit, 2) == pytest.approx(intercept + 2 * slope)
    assert pnr.wire_load_model(fit, 40) == pytest.approx(intercept + 40 * slope)


def _simulate(netlist: Path, lib: Library, work: Path, stimulus: list[tuple[int, int]]) -> str:
    from xrnpe.ppa.energy import cell_models

    text = netlist.read_text()
    used = set(re.findall(r"^\s*([A-Z][A-Z0-9_]*)\s+\S+\s*\(", text, flags=re.M))
    (work / "cells.v").write_text(cell_models(lib, used))
    steps = "\n".join(
        f'    rst_n = {r}; en = {e}; #5 clk = 1; #5 clk = 0; $display("%h %b", count, wrap);'
        for r, e in stimulus
    )
    (work / "tb.v").write_text(
        "`timescale 1ns/1ps\nmodule tb;\n  reg clk = 0, rst_n = 0, en = 0;\n"
        f"  wire [{WIDTH - 1}:0] count;\n  wire wrap;\n"
        "  counter dut(.clk(clk), .rst_n(rst_n), .en(en), .count(count), .wrap(wrap));\n"
        f"  initial begin\n    #1;\n{steps}\n    $finish;\n  end\nendmodule\n"
    )
    subprocess.run(
        [
            "iverilog",
            "-o",
            str(work / "sim"),
            str(work / "tb.v"),
            str(work / "cells.v"),
            str(netlist),
        ],
        check=True,
    )
    return subprocess.run(
        ["vvp", "-n", str(work / "sim")], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.skipif(not shutil.which("iverilog"), reason="iverilog not installed")
def test_post_pnr_netlist_is_the_same_function(routed, tmp_path):
    work, res = routed
    lib = Library()
    rng = random.Random(5)
    stimulus = [(0, 0), (1, 1)] + [
        (int(rng.random() > 0.05), int(rng.random() > 0.2)) for _ in range(200)
    ]
    outs = []
    for k, netlist in enumerate(
        (work / "asic" / "netlist.v", Path(res["netlist_dir"]) / "netlist.v")
    ):
        d = tmp_path / str(k)
        d.mkdir()
        outs.append(_simulate(netlist, lib, d, stimulus))
    assert outs[0].count("\n") == len(stimulus)
    assert "x" not in outs[0]
    assert outs[0] == outs[1]


def test_wire_load_model_on_the_routed_counter(routed):
    from xrnpe.ppa.sta import Netlist

    work, res = routed
    fit = pnr.fit_from_results([res])
    assert fit["designs"] == ["counter"] and fit["nets"] == len(res["fanout_samples"])
    wire = pnr.model_wire_caps(work / "asic" / "netlist.json", "counter", fit)
    net = Netlist.load(work / "asic" / "netlist.json", "counter", Library(), wire_pf=wire)
    assert len(net.wire_pf) == len(wire) and all(c > 0 for c in wire.values())
    # a two-pin net gets the mean extracted wire of the routed one-sink nets
    one_sink = [n for n, c in wire.items() if c == pytest.approx(fit["bins"][1][1])]
    assert fit["bins"][1][0] >= pnr.MIN_BIN_SAMPLES and one_sink


def test_cli_wire_load_report(routed, capsys):
    work, res = routed
    pnr_json = Path(res["work"]) / "pnr.json"
    assert (
        pnr.main(
            [
                "--wire-load-from",
                str(pnr_json),
                "--work",
                str(work / "wlm"),
                str(work / "asic"),
                "counter",
            ]
        )
        == 0
    )
    out = json.loads((work / "wlm" / "wire_load_model.json").read_text())
    assert out["fit"]["designs"] == ["counter"]
    assert out["wire_load_model"]["critical"]["period_ps"] > 0
    assert out["wire_load_model"]["wire_total_pf"] != out["estimate"]["wire_total_pf"]
    assert (
        pnr.main(
            [
                "--wire-load-from",
                str(work / "none.json"),
                "--work",
                str(work),
                str(work / "asic"),
                "counter",
            ]
        )
        == 1
    )
    assert "no such P&R result" in capsys.readouterr().err
