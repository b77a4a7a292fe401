# SPDX-License-Identifier: Apache-2.0
"""Energy per MAC of a PE from a gate-level simulation of its mapped netlist.

1. Workload (the activity bench's): per input format, WORDS words of random non-NaR codes in
   dot products of 16 words, a random output format per dot product; expected results from
   the model (xrnpe.sim.pe_model, cross-checked with xrnpe.matmul.Quire).
2. Icarus simulates the osu018 netlist (cell models generated from the Liberty functions,
   zero delay) with a testbench that honours in_ready (pe_wide takes several cycles per word).
   Every result is compared with the model first: a wrong netlist or stimulus stops the run.
3. Toggles: every rising and falling transition of every net bit of the netlist (VCD of the
   netlist's nets; transitions from or to x are not counted), per format window (from the
   first word to the last result of that format; each window starts after a warm-up word of
   its format and 12 idle cycles).
4. Energy of a window (calculate()):
     switching  1/2 C V^2 per transition, C = driven pin capacitances + wire estimate
                (xrnpe/ppa/sta.py: WIRE_PF_PER_PIN per driven pin) + output port load
     internal   per output transition, the driving cell's internal_power table (rise_power /
                fall_power at the net's load and the input slew from the STA), averaged over
                the cell's related pins (which input switched is not known); plus the
                pin-level internal_power of every driven input pin (flip-flop D and CLK pins)
     clock      every net of the clock network (sta.Netlist.clock_network: the clock input,
                the gated clocks and the clock gates' inner nets) is counted like the others
                (its transitions, wire and pin capacitance, the CLK pins' internal power, the
                gate cells' output internal power) but booked as clock; a gated clock
                toggles only in its enabled cycles.  Ideal source; no clock tree unless the
                netlist has one (the routed netlist's buffers).  data = switching + internal
                of every other net
     leakage    the cells' cell_leakage_power over the window's cycles at a clock frequency
   pJ per MAC = window energy / MACs of the window (lane products), at each design's Fmax and
   at a common reference clock (leakage is the only term that depends on the clock).
Zero-delay simulation counts no glitches, so the dynamic energy is a lower bound.

Standalone: ``python -m xrnpe.ppa.energy NETLIST_DIR TOP [--words N]`` (a directory with
netlist.v and netlist.json from xrnpe.ppa.asic).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from xrnpe.formats import FORMATS
from xrnpe.ppa import blocks
from xrnpe.ppa.liberty import Library, function_to_verilog
from xrnpe.ppa.sta import Netlist, Timing, analyse
from xrnpe.sim import pe_model as pm

K_WORDS = 16  # words per dot product
WARMUP_IDLE = 12  # idle cycles after the warm-up word of a window
PERIOD_NS = 10  # testbench clock (zero-delay simulation: any period)


# ---------------------------------------------------------------------------------------------
# Cell models for Icarus (functional, zero delay) generated from the Liberty
# ---------------------------------------------------------------------------------------------


def cell_models(lib: Library, used: set[str], delays: bool = False) -> str:
    """Verilog models of the library cells in ``used``: combinational cells as continuous
    assigns of their Liberty functions, flip-flops with their clear/preset (clear wins when
    both are active, as clear_preset_var1 L says for osu018's DFFSR), latches transparent
    while their enable function is true.  Zero delay, or with ``delays`` per-instance
    parameters (ns, 0 by default; xrnpe.ppa.glitch sets them): R_<pin> / F_<pin> on each
    combinational output (inertial, as continuous-assignment delays are) and CQ on a
    register's update."""
    out = ["`timescale 1ns/1ps"]
    nba = "<= #(CQ) " if delays else "<= "
    for name in sorted(used):
        cell = lib.cells[name]
        if cell.three_state:
            raise ValueError(f"cell {name}: tri-state cells are not modelled")
        ports = ", ".join(cell.pins)
        decl = [f"  input {p};" for p in cell.inputs]
        body = []
        if delays and (cell.latch is not None or cell.ff is not None):
            decl.append("  parameter real CQ = 0.0;")
        if cell.latch is not None:
            la = cell.latch
            state = la["state"]
            decl += [f"  output {p};" for p in cell.outputs] + [f"  reg {state};"]
            enable = function_to_verilog(la["enable"])
            body.append(
                f"  always @* if ({enable}) {state} {nba}{function_to_verilog(la['data_in'])};"
            )
            for p in cell.outputs:
                func = cell.pins[p].function
                expr = function_to_verilog(func).replace(la.get("state_n") or "\0", f"~{state}")
                body.append(f"  assign {p} = {expr};")
        elif cell.ff is None:
            decl += [f"  output {p};" for p in cell.outputs]
            for p in cell.outputs:
                dly = ""
                if delays:
                    decl.append(f"  parameter real R_{p} = 0.0, F_{p} = 0.0;")
                    dly = f"#(R_{p}, F_{p}) "
                body.append(f"  assign {dly}{p} = {function_to_verilog(cell.pins[p].function)};")
        else:
            ff = cell.ff
            state = ff["state"]
            decl += [f"  output {p};" for p in cell.outputs]
            decl.append(f"  reg {state};")
            clk = ff["clocked_on"]
            m = re.fullmatch(r"\(?\s*(!?)\s*([A-Za-z_]\w*)\s*\)?", clk)
            if not m:
                raise ValueError(f"cell {name}: clocked_on {clk!r} not supported")
            edges = [f"{'negedge' if m.group(1) else 'posedge'} {m.group(2)}"]
            branches = []
            for kind, value in (("clear", "1'b0"), ("preset", "1'b1")):
                if kind in ff:
                    mm = re.fullmatch(r"\(?\s*(!?)\s*([A-Za-z_]\w*)\s*\)?", ff[kind])
                    if not mm:
                        raise ValueError(f"cell {name}: {kind} {ff[kind]!r} not supported")
                    edges.append(f"{'negedge' if mm.group(1) else 'posedge'} {mm.group(2)}")
                    active = f"!{mm.group(2)}" if mm.group(1) else mm.group(2)
                    branches.append(f"if ({active}) {state} {nba}{value};")
            data = function_to_verilog(ff["next_state"])
            chain = " else ".join([*branches, f"{state} {nba}{data};"])
            body.append(f"  always @({' or '.join(edges)}) {chain}")
            for p in cell.outputs:
                func = cell.pins[p].function
                expr = function_to_verilog(func).replace(ff.get("state_n", "\0"), f"~{state}")
                body.append(f"  assign {p} = {expr};")
        out.append(f"module {name} ({ports});\n" + "\n".join(decl + body) + "\nendmodule")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# Workload and testbench
# ---------------------------------------------------------------------------------------------


@dataclass
class Window:
    fmt: str
    words: int
    macs: int
    stream: pm.Stream
    label: str = ""  # the window's name in the results (default: its format)

    def __post_init__(self):
        self.label = self.label or self.fmt


def workload(words: int, seed: int, formats=tuple(pm.IN_FMTS)) -> list[Window]:
    """Per format: dot products of K_WORDS random non-NaR words, a random output format each."""
    if words % K_WORDS:
        raise ValueError(f"words must be a multiple of {K_WORDS}")
    out = []
    for fmt in formats:
        rng = np.random.default_rng([seed, FORMATS[fmt].code])
        jobs = [
            (
                fmt,
                pm.OUT_FMTS[int(rng.integers(0, len(pm.OUT_FMTS)))],
                pm.random_words(rng, fmt, K_WORDS),
                pm.random_words(rng, fmt, K_WORDS),
            )
            for _ in range(words // K_WORDS)
        ]
        st = pm.chain_jobs(jobs, quire_check=True)
        out.append(Window(fmt, words, words * pm.LANES[fmt], st))
    return out


def workload_from_operands(
    fmt: str, a: np.ndarray, w: np.ndarray, words: int, label: str, out_fmt: str = "fp32"
) -> Window:
    """A window of real dot products: rows of ``a`` (M x K activation codes) with columns of
    ``w`` (K x N weight codes), in the order one co-processor PE meets them (a weight column,
    then every row of A against it, then the next column), until ``words`` words are reached
    (whole dot products; K is padded with zero codes to a multiple of the lanes).  The output
    format is the one the network's layers use (fp32: the host applies scale and bias)."""
    a, w = np.asarray(a, np.int64), np.asarray(w, np.int64)
    if a.ndim != 2 or w.ndim != 2 or a.shape[1] != w.shape[0]:
        raise ValueError(f"{label}: operands of shapes {a.shape} and {w.shape} do not multiply")
    lanes, width = pm.LANES[fmt], pm.WIDTH[fmt]
    k = a.shape[1]
    pad = -k % lanes
    a = np.pad(a, ((0, 0), (0, pad)))
    w = np.pad(w, ((0, pad), (0, 0)))
    per_dot = (k + pad) // lanes
    order = [(i, j) for j in range(w.shape[1]) for i in range(a.shape[0])]
    n_dots = max(1, words // per_dot)
    jobs = []
    for t in range(n_dots):  # the layer's dot products again from the start if it has fewer
        i, j = order[t % len(order)]
        a_words = pm.pack(a[i].reshape(-1, lanes), width)
        w_words = pm.pack(w[:, j].reshape(-1, lanes), width)
        jobs.append((fmt, out_fmt, a_words, w_words))
    total = n_dots * per_dot
    st = pm.chain_jobs(jobs)
    return Window(fmt, total, total * lanes, st, label)


def hex_words(st: pm.Stream, warmup: bool) -> list[str]:
    """$readmemh lines {a, b, fmt, out_fmt, first, last} (16+16+3+3+1+1 bits); the warm-up
    word is the first word with last = 0 (no result)."""
    lines = []
    rows = [0] if warmup else range(len(st.a))
    for i in rows:
        last = 0 if warmup else int(st.last[i])
        w = (
            (int(st.a[i]) << 24)
            | (int(st.b[i]) << 8)
            | (int(st.fmt[i]) << 5)
            | (int(st.ofmt[i]) << 2)
            | (int(st.first[i]) << 1)
            | last
        )
        lines.append(f"{w:010x}")
    return lines


TB = """`timescale 1ns/1ps
module ppa_energy_tb;
  logic clk = 1'b0, rst_n = 1'b0;
  always #{half} clk = ~clk;
  logic in_ready, out_valid, out_nar;
  logic [31:0] out_data;
  logic [15:0] a, b;
  logic [2:0] fmt, ofmt;
  logic first, last, valid;
  logic [39:0] mem [0:{nmem}];
  integer i, w, nout, fd, fm;
  {top} dut (.clk(clk), .rst_n(rst_n), .clear(1'b0), .in_valid(valid), .in_ready(in_ready),
           .in_a(a), .in_b(b), .in_fmt(fmt), .in_out_fmt(ofmt), .in_first(first),
           .in_last(last), .out_valid(out_valid), .out_ready(1'b1), .out_data(out_data),
           .out_nar(out_nar));
  always @(posedge clk) if (out_valid) begin
    $fwrite(fd, "%08x %0d\\n", out_data, out_nar);
    nout <= nout + 1;
  end
  // one word: applied after a falling edge, accepted at the first rising edge with in_ready
  task automatic drive(input integer k);
    {{a, b, fmt, ofmt, first, last}} = mem[k];
    valid = 1'b1;
    #1;
    while (!in_ready) begin
      @(negedge clk);
      #1;
    end
    @(negedge clk);
  endtask
  initial begin
    $readmemh("words.hex", mem);
    fd = $fopen("results.txt", "w");
    fm = $fopen("windows.txt", "w");
    {{a, b, fmt, ofmt, first, last, valid}} = '0;
    nout = 0;
    $dumpfile("act.vcd");
    $dumpvars(1, dut);
    repeat (3) @(negedge clk);
    rst_n = 1'b1;
    @(negedge clk);
{windows}
    $fclose(fd);
    $fclose(fm);
    $finish;
  end
endmodule
"""

WINDOW = """    // window {k}: {fmt}
    drive({warm});
    valid = 1'b0;
    repeat ({idle}) @(negedge clk);
    $fdisplay(fm, "{fmt} start %0d", $time);
    for (w = {first}; w < {end}; w = w + 1) drive(w);
    valid = 1'b0;
    wait (nout == {results});
    @(negedge clk);
    $fdisplay(fm, "{fmt} end %0d", $time);
"""


def testbench(top: str, windows: list[Window]) -> tuple[str, list[str]]:
    """The testbench and its memory image: per window a warm-up word, then the window."""
    mem, parts, results = [], [], 0
    for k, win in enumerate(windows):
        warm = len(mem)
        mem += hex_words(win.stream, warmup=True)
        first = len(mem)
        mem += hex_words(win.stream, warmup=False)
        results += win.stream.n_jobs
        parts.append(
            WINDOW.format(
                k=k,
                fmt=win.label,
                warm=warm,
                idle=WARMUP_IDLE,
                first=first,
                end=len(mem),
                results=results,
            )
        )
    tb = TB.format(half=PERIOD_NS // 2, nmem=len(mem) - 1, top=top, windows="".join(parts))
    return tb, mem


def check_results(path: Path, windows: list[Window], what: str) -> None:
    """The netlist's results must equal the model's, job by job."""
    got = [ln.split() for ln in path.read_text().splitlines() if ln.strip()]
    exp = [
        (int(c), int(n))
        for w in windows
        for c, n in zip(w.stream.exp_code, w.stream.exp_nar, strict=True)
    ]
    if len(got) != len(exp):
        raise RuntimeError(f"{what}: {len(got)} results, expected {len(exp)}")
    for j, ((code, nar), (ec, en)) in enumerate(zip(got, exp, strict=True)):
        if int(code, 16) != ec or int(nar) != en:
            raise RuntimeError(
                f"{what}: result {j}: got {code} nar {nar}, expected {ec:08x} nar {en}"
            )


# ---------------------------------------------------------------------------------------------
# Toggles from the VCD
# ---------------------------------------------------------------------------------------------


def vcd_changes(vcd: Path, net: Netlist, covered: set[int] | None = None):
    """The value changes of a VCD's netlist nets, in file order: (time, variable id, its bits
    LSB first, value MSB first padded to the width).  VCD variables are mapped to netlist bits
    through the names the netlist JSON gives them; a bit reachable through several names is
    owned by the first (None in the others' bit lists).  ``covered`` receives every owned bit."""
    data = json.loads(Path(net.json_path).read_text())["modules"]
    mod = {k.lstrip("\\"): v for k, v in data.items()}[net.top]
    from_name = {name.lstrip("\\"): n["bits"] for name, n in mod["netnames"].items()}
    var_bits: dict[str, list] = {}  # VCD id -> bits (LSB first), None for a duplicate
    owner: set[int] = set() if covered is None else covered
    now = 0
    with open(vcd) as fh:
        in_defs = True
        for line in fh:
            if in_defs:
                if line.startswith("$var"):
                    parts = line.split()
                    ident, ref = parts[3], parts[4].lstrip("\\")
                    bits = from_name.get(ref)
                    if bits is None or len(bits) != int(parts[2]):
                        continue  # not a netlist net (or a part-select view)
                    mine = []
                    for b in bits:
                        if isinstance(b, int) and b not in owner:
                            owner.add(b)
                            mine.append(b)
                        else:
                            mine.append(None)
                    var_bits.setdefault(ident, mine)
                elif line.startswith("$enddefinitions"):
                    in_defs = False
                continue
            c = line[:1]
            if c == "#":
                now = int(line[1:])
                continue
            if c in "01xz":
                val, ident = line[0], line[1:].strip()
            elif c == "b":
                val, ident = line[1:].split()
            else:
                continue
            bits = var_bits.get(ident)
            if bits is None:
                continue
            yield now, ident, bits, val.rjust(len(bits), "0" if val[0] in "01" else val[0])


def window_of(windows: dict[str, tuple[int, int]]):
    """A function time -> the name of the window holding it (None outside every window)."""
    spans = sorted((t0, t1, w) for w, (t0, t1) in windows.items())
    return lambda t: next((w for t0, t1, w in spans if t0 <= t < t1), None)


def vcd_toggles(
    vcd: Path, net: Netlist, windows: dict[str, tuple[int, int]]
) -> dict[str, dict[int, list[int]]]:
    """Per window (name -> (t_start, t_end), simulation time units of the VCD): net bit ->
    [rising, falling] transitions (vcd_changes; transitions from or to x are not counted)."""
    counts = {w: defaultdict(lambda: [0, 0]) for w in windows}
    where = window_of(windows)
    last: dict[str, str] = {}
    when, active = None, None
    for now, ident, bits, val in vcd_changes(vcd, net):
        if now != when:
            when, active = now, where(now)
        prev = last.get(ident)
        last[ident] = val
        if prev is None or active is None:
            continue
        cw = counts[active]
        width = len(bits)
        for k in range(width):
            p, q = prev[width - 1 - k], val[width - 1 - k]
            if p != q and bits[k] is not None:
                if p == "0" and q == "1":
                    cw[bits[k]][0] += 1
                elif p == "1" and q == "0":
                    cw[bits[k]][1] += 1
    return {w: dict(c) for w, c in counts.items()}


def read_windows(work: Path) -> dict[str, tuple[int, int]]:
    """The windows of a testbench run (its windows.txt, $time in ns) in the VCD's time units."""
    per_ns = vcd_units_per_ns(work / "act.vcd")
    spans: dict[str, list[int]] = {}
    for ln in (work / "windows.txt").read_text().splitlines():
        label, what, t = ln.split()
        spans.setdefault(label, [0, 0])[0 if what == "start" else 1] = int(t) * per_ns
    return {w: (s[0], s[1]) for w, s in spans.items()}


# ---------------------------------------------------------------------------------------------
# The energy calculator
# ---------------------------------------------------------------------------------------------


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def calculate(
    net: Netlist,
    toggles: dict[int, list[int]],
    cycles: float,
    tm: Timing | None = None,
    clock_slew: float | None = None,
    input_slew: float | None = None,
    per_bit: dict[int, float] | None = None,
) -> dict:
    """Energy (pJ) of a window with the given per-bit [rising, falling] transitions and
    ``cycles`` clock cycles; leakage is returned as power (nW) to be multiplied by the window
    time at a chosen clock.  ``tm`` supplies input slews (STA); without it every slew is
    ``input_slew`` (default: the library's FO4 slew).  ``per_bit`` (a dict) receives every
    data net's energy (switching + internal, pJ), for the per-block breakdown."""
    lib = net.lib
    fo4_slew = lib.fo4()["slew_ns"]
    clock_slew = fo4_slew if clock_slew is None else clock_slew
    input_slew = fo4_slew if input_slew is None else input_slew
    v2 = lib.voltage**2

    def slew(bit) -> float:
        if tm is not None and isinstance(bit, int) and bit in tm.slew:
            return _mean(tm.slew[bit])
        return input_slew

    clock_bits = net.clock_network()
    e_switch = e_int_out = e_int_in = e_clock = 0.0
    n_toggles = 0
    for bit, (rises, falls) in toggles.items():
        n = rises + falls
        if not n:
            continue
        cap = net.load_pf(bit)
        sw = 0.5 * cap * v2 * n
        s_in = clock_slew if bit in clock_bits else slew(bit)
        # input pins with pin-level internal power (flip-flop D, CLK)
        pin_e = 0.0
        for c, p in net.sinks.get(bit, []):
            for pw in lib.cells[net.cells[c][1]].pins[p].power:
                if pw.related is None:
                    pin_e += rises * (pw.rise.load_slew(0.0, s_in) if pw.rise else 0.0) + falls * (
                        pw.fall.load_slew(0.0, s_in) if pw.fall else 0.0
                    )
        # the driving cell's output internal power, averaged over its related pins
        out_e = 0.0
        drv = net.driver.get(bit)
        if drv is not None:
            idx, opin = drv
            _inst, ctype, conns = net.cells[idx]
            groups = [pw for pw in lib.cells[ctype].pins[opin].power if pw.related]
            if groups:
                er, ef = [], []
                for pw in groups:
                    rel = conns.get(pw.related)
                    s = clock_slew if lib.cells[ctype].sequential else slew(rel)
                    er.append(pw.rise.load_slew(cap, s) if pw.rise else 0.0)
                    ef.append(pw.fall.load_slew(cap, s) if pw.fall else 0.0)
                out_e = rises * _mean(er) + falls * _mean(ef)
        if bit in clock_bits:
            e_clock += sw + pin_e + out_e
        else:
            e_switch += sw
            e_int_in += pin_e
            e_int_out += out_e
            n_toggles += n
            if per_bit is not None:
                per_bit[bit] = sw + pin_e + out_e
    leak_nw = sum(lib.cells[c[1]].leakage for c in net.cells)
    return {
        "switching_pj": e_switch,
        "internal_pj": e_int_out + e_int_in,
        "internal_output_pj": e_int_out,
        "internal_input_pins_pj": e_int_in,
        "clock_pj": e_clock,
        "data_pj": e_switch + e_int_out + e_int_in,
        "dynamic_pj": e_switch + e_int_out + e_int_in + e_clock,
        "leakage_nw": leak_nw,
        "toggles": n_toggles,
        "cycles": cycles,
    }


def energy_at(res: dict, mhz: float) -> float:
    """Total energy (pJ) of a calculate() result at a clock of ``mhz``: dynamic + leakage over
    the window (nW x ns = 1e-6 pJ)."""
    return res["dynamic_pj"] + res["leakage_nw"] * res["cycles"] * (1000.0 / mhz) * 1e-6


# ---------------------------------------------------------------------------------------------
# The flow
# ---------------------------------------------------------------------------------------------


def used_cells(netlist_v: Path, lib: Library) -> set[str]:
    """The library cells a Verilog netlist instantiates."""
    text = Path(netlist_v).read_text()
    return set(
        re.findall(r"^\s*([A-Z][A-Z0-9_]*)\s+(?:#\(.*?\)\s*)?\S+\s*\(", text, flags=re.M)
    ) & set(lib.cells)


def simulate(
    netlist_dir: Path,
    top: str,
    lib: Library,
    windows: list[Window],
    work: Path,
    netlist_v: Path | None = None,
    cells_v: str | None = None,
) -> tuple[Path, dict[str, tuple[int, int]]]:
    """Run the testbench on the netlist (``netlist_v``, default the directory's netlist.v,
    with the cell models ``cells_v``, default the zero-delay ones); returns the VCD and the
    windows' time spans."""
    work.mkdir(parents=True, exist_ok=True)
    netlist_v = Path(netlist_v or netlist_dir / "netlist.v").resolve()
    if cells_v is None:
        cells_v = cell_models(lib, used_cells(netlist_v, lib))
    (work / "cells.v").write_text(cells_v)
    tb, mem = testbench(top, windows)
    (work / "tb.sv").write_text(tb)
    (work / "words.hex").write_text("\n".join(mem) + "\n")
    r = subprocess.run(
        [
            "iverilog",
            "-g2012",
            "-o",
            "sim.vvp",
            "-s",
            "ppa_energy_tb",
            str(netlist_v),
            "cells.v",
            "tb.sv",
        ],
        cwd=work,
        capture_output=True,
        text=True,
    )
    if r.returncode:
        raise RuntimeError(f"iverilog failed: {r.stderr[-2000:]}")
    subprocess.run(["vvp", "-n", "sim.vvp"], cwd=work, check=True, capture_output=True)
    check_results(work / "results.txt", windows, top)
    return work / "act.vcd", read_windows(work)


def vcd_units_per_ns(vcd: Path) -> int:
    """VCD time units per ns (from its $timescale)."""
    with open(vcd) as fh:
        head = ""
        for line in fh:
            head += line
            if "$end" in line and "$timescale" in head:
                break
    m = re.search(r"\$timescale\s*(\d+)\s*(s|ms|us|ns|ps|fs)", head)
    if not m:
        raise RuntimeError(f"{vcd}: no $timescale")
    unit_fs = {"s": 10**15, "ms": 10**12, "us": 10**9, "ns": 10**6, "ps": 10**3, "fs": 1}
    return 10**6 // (int(m.group(1)) * unit_fs[m.group(2)])


def run(
    netlist_dir: Path,
    top: str,
    lib: Library,
    words: int = 256,
    seed: int = 7,
    work: Path | None = None,
    keep_vcd: bool = False,
    formats=tuple(pm.IN_FMTS),
    windows: list[Window] | None = None,
    wire_pf: dict[str, float] | None = None,
) -> dict:
    """Energy per MAC of every window for one mapped PE (xrnpe.ppa.asic output): by default
    the random workload of ``formats`` (results keyed by format), else ``windows`` (keyed by
    their labels).  ``wire_pf``: extracted wire capacitance per net (xrnpe.ppa.pnr) instead of
    the per-pin estimate."""
    work = work or netlist_dir / "energy"
    windows = windows or workload(words, seed, formats)
    vcd, spans = simulate(netlist_dir, top, lib, windows, work)
    net = Netlist.load(netlist_dir / "netlist.json", top, lib, wire_pf=wire_pf)
    tm = analyse(net)
    counts = vcd_toggles(vcd, net, spans)
    per_ns = vcd_units_per_ns(vcd)
    if not keep_vcd:
        vcd.unlink()
    owner = blocks.stage_of_bits(net, pe_top=top.startswith("xrnpe_pe_"))
    out = {}
    for win in windows:
        t0, t1 = spans[win.label]
        per_bit: dict[int, float] = {}
        res = calculate(net, counts[win.label], (t1 - t0) / per_ns / PERIOD_NS, tm, per_bit=per_bit)
        res["data_pj_per_mac_by_stage"] = {
            k: round(v / win.macs, 3) for k, v in blocks.by_stage(per_bit, owner).items()
        }
        res.update(
            macs=win.macs,
            words=win.words,
            jobs=win.stream.n_jobs,
            toggles_per_mac=res["toggles"] / win.macs,
            dynamic_pj_per_mac=res["dynamic_pj"] / win.macs,
            cycles_per_mac=res["cycles"] / win.macs,
        )
        out[win.label] = res
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("netlist_dir", type=Path)
    ap.add_argument("top")
    ap.add_argument("--words", type=int, default=256)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--mhz", type=float, default=100.0)
    args = ap.parse_args(argv)
    if not shutil.which("iverilog"):
        print("energy: iverilog not found", file=sys.stderr)
        return 1
    res = run(args.netlist_dir, args.top, Library(), args.words, args.seed)
    for fmt, r in res.items():
        print(
            f"{fmt:<5} {energy_at(r, args.mhz) / r['macs']:8.3f} pJ/MAC at {args.mhz:g} MHz  "
            f"{r['toggles_per_mac']:8.1f} toggles/MAC  {r['cycles_per_mac']:.2f} cycles/MAC"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
