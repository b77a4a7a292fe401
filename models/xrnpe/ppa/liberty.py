# SPDX-License-Identifier: Apache-2.0
"""A Liberty (.lib) reader for what the PPA flow needs: cell areas and leakage, pin
capacitances and functions, NLDM timing arcs (delay, transition, setup), internal-power tables,
and the FO4 delay of the library.

Tables are looked up the way STA tools do: bilinear interpolation inside the index grid,
linear extrapolation outside it.  Units are those of the library (osu018: ns, pF, V, nW; an
internal-power table entry is an energy in pF*V^2 = pJ per output transition).

Standalone: ``python -m xrnpe.ppa.liberty [LIB]`` prints the units, the cells and the FO4
delay.
"""

from __future__ import annotations

import argparse
import bisect
import re
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

OSU018 = Path("/usr/share/qflow/tech/osu018/osu018_stdcells.lib")
OSU018_LEF = OSU018.with_suffix(".lef")

# ---------------------------------------------------------------------------------------------
# Syntax: groups `type (args) { ... }`, simple attributes `name : value ;`, complex attributes
# `name (args) ;`.  Comments /* */ and // , line continuations.
# ---------------------------------------------------------------------------------------------

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}();:,]|[^\s{}();:,"]+')


@dataclass
class Group:
    kind: str
    args: list[str]
    attrs: dict[str, list] = field(default_factory=dict)  # name -> list of values
    groups: list[Group] = field(default_factory=list)

    def attr(self, name: str, default=None):
        values = self.attrs.get(name)
        return values[-1] if values else default

    def sub(self, kind: str) -> list[Group]:
        return [g for g in self.groups if g.kind == kind]


def _unquote(tok: str) -> str:
    return tok[1:-1] if tok.startswith('"') else tok


def parse(text: str) -> Group:
    """The syntax tree of a Liberty file (its top group, normally `library`)."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"\\\s*\n", " ", text)
    toks = _TOKEN.findall(text)
    pos = 0

    def args_list() -> list[str]:
        nonlocal pos
        out = []
        assert toks[pos] == "("
        pos += 1
        while toks[pos] != ")":
            if toks[pos] != ",":
                out.append(_unquote(toks[pos]))
            pos += 1
        pos += 1
        return out

    def body(group: Group) -> None:
        nonlocal pos
        while pos < len(toks) and toks[pos] != "}":
            name = toks[pos]
            pos += 1
            if toks[pos] == ":":
                pos += 1
                value = []
                while (
                    toks[pos] != ";"
                    and toks[pos] != "}"
                    and not (pos + 1 < len(toks) and toks[pos + 1] == ":" and value)
                ):
                    value.append(_unquote(toks[pos]))
                    pos += 1
                if toks[pos] == ";":
                    pos += 1
                group.attrs.setdefault(name, []).append(" ".join(value))
            elif toks[pos] == "(":
                args = args_list()
                if pos < len(toks) and toks[pos] == "{":
                    pos += 1
                    sub = Group(name, args)
                    body(sub)
                    pos += 1  # "}"
                    group.groups.append(sub)
                else:
                    if pos < len(toks) and toks[pos] == ";":
                        pos += 1
                    group.attrs.setdefault(name, []).append(args)
            else:
                raise ValueError(f"liberty: unexpected token {toks[pos]!r} after {name!r}")

    top = Group("", [])
    body(top)
    if not top.groups:
        raise ValueError("liberty: no group found")
    return top.groups[0]


def _floats(s) -> list[float]:
    if isinstance(s, list):
        s = ",".join(s)
    return [float(x) for x in re.split(r"[\s,]+", s.strip()) if x]


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------


def _interp1(xs: list[float], x: float) -> tuple[int, float]:
    """Index i and weight w so that value = v[i] * (1 - w) + v[i+1] * w (extrapolates)."""
    if len(xs) == 1:
        return 0, 0.0
    i = min(max(bisect.bisect_right(xs, x) - 1, 0), len(xs) - 2)
    return i, (x - xs[i]) / (xs[i + 1] - xs[i])


@dataclass
class Table:
    """A 1-D or 2-D lookup table; ``variables`` names its axes (template variable_1/2)."""

    variables: tuple[str, ...]
    index: tuple[list[float], ...]
    values: list[list[float]]  # [i1][i2] (1-D: one row)

    def load_slew(self, load: float, slew: float) -> float:
        """Value at an output load and input slew (delay, transition and power tables)."""
        kinds = tuple(AXIS.get(v) for v in self.variables)
        if kinds == ("load", "slew"):
            return self._at2(load, slew)
        if kinds == ("slew", "load"):
            return self._at2(slew, load)
        return (
            self.at(load=load, slew=slew)
            if len(kinds) == 2
            else self.at(**({"slew": slew} if kinds == ("slew",) else {"load": load}))
        )

    def _at2(self, x: float, y: float) -> float:
        i, wi = _interp1(self.index[0], x)
        j, wj = _interp1(self.index[1], y)
        v = self.values
        if len(self.index[1]) == 1:
            return v[i][0] * (1 - wi) + v[i + 1][0] * wi
        if len(self.index[0]) == 1:
            return v[0][j] * (1 - wj) + v[0][j + 1] * wj
        return (v[i][j] * (1 - wj) + v[i][j + 1] * wj) * (1 - wi) + (
            v[i + 1][j] * (1 - wj) + v[i + 1][j + 1] * wj
        ) * wi

    def at(self, **point: float) -> float:
        """Value at the named point, e.g. ``at(load=0.02, slew=0.1)``; each axis variable is
        matched by its kind (see AXIS)."""
        coords = []
        for var in self.variables:
            kind = AXIS.get(var)
            if kind not in point:
                raise KeyError(f"table axis {var} ({kind}) not given")
            coords.append(point[kind])
        if len(self.index) == 1:
            i, w = _interp1(self.index[0], coords[0])
            row = self.values[0]
            return row[i] if len(row) == 1 else row[i] * (1 - w) + row[i + 1] * w
        i, wi = _interp1(self.index[0], coords[0])
        j, wj = _interp1(self.index[1], coords[1])
        v = self.values

        def cell(a, b):
            return v[a][b]

        if len(self.index[1]) == 1:
            return cell(i, 0) * (1 - wi) + cell(i + 1, 0) * wi
        if len(self.index[0]) == 1:
            return cell(0, j) * (1 - wj) + cell(0, j + 1) * wj
        return (cell(i, j) * (1 - wj) + cell(i, j + 1) * wj) * (1 - wi) + (
            cell(i + 1, j) * (1 - wj) + cell(i + 1, j + 1) * wj
        ) * wi


# template variable -> the keyword Table.at() takes
AXIS = {
    "total_output_net_capacitance": "load",
    "input_net_transition": "slew",
    "input_transition_time": "slew",
    "related_pin_transition": "related",
    "constrained_pin_transition": "constrained",
}


# ---------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------


@dataclass
class Arc:
    related: str
    timing_type: str  # "combinational", "rising_edge", "setup_rising", ...
    sense: str  # "positive_unate", "negative_unate", "non_unate"
    tables: dict[str, Table]  # cell_rise, cell_fall, rise_transition, fall_transition,
    # rise_constraint, fall_constraint


@dataclass
class Power:
    related: str | None
    rise: Table | None
    fall: Table | None


@dataclass
class Pin:
    name: str
    direction: str
    capacitance: float = 0.0
    function: str | None = None
    clock: bool = False
    arcs: list[Arc] = field(default_factory=list)
    power: list[Power] = field(default_factory=list)


@dataclass
class Cell:
    name: str
    area: float
    leakage: float  # library leakage unit (osu018: nW)
    pins: dict[str, Pin]
    ff: dict[str, str] | None  # next_state, clocked_on, clear, preset, and the state names
    latch: dict[str, str] | None = None  # data_in, enable, and the state names
    three_state: bool = False

    @property
    def inputs(self) -> list[str]:
        return [p for p, v in self.pins.items() if v.direction == "input"]

    @property
    def outputs(self) -> list[str]:
        return [p for p, v in self.pins.items() if v.direction == "output"]

    @property
    def sequential(self) -> bool:
        return self.ff is not None or self.latch is not None

    def setup(self, data_pin: str, clk_slew: float, data_slew: float) -> float:
        """Worst (rise/fall) setup time of ``data_pin`` to the active clock edge."""
        worst = 0.0
        for arc in self.pins[data_pin].arcs:
            if arc.timing_type.startswith("setup"):
                for key in ("rise_constraint", "fall_constraint"):
                    if key in arc.tables:
                        worst = max(
                            worst, arc.tables[key].at(related=clk_slew, constrained=data_slew)
                        )
        return worst


def lef_areas(lef: Path) -> dict[str, float]:
    """Cell area (um2) of every MACRO of a LEF file, from its SIZE."""
    out = {}
    for m in re.finditer(
        r"^\s*MACRO\s+(\S+)(.*?)^\s*END\s+\1\b", Path(lef).read_text(), flags=re.M | re.S
    ):
        size = re.search(r"\bSIZE\s+([\d.]+)\s+BY\s+([\d.]+)", m.group(2))
        if size:
            out[m.group(1)] = float(size.group(1)) * float(size.group(2))
    return out


def zero_area_fixes(liberty: Path) -> dict[str, float]:
    """Cells whose Liberty area is 0 and their area from the LEF beside it (osu018 gives its
    LATCH area 0; its layout is 5.6 x 10 um): the area the flow uses for them."""
    lef = Path(liberty).with_suffix(".lef")
    if not lef.exists():
        return {}
    text = re.sub(r"//[^\n]*|/\*.*?\*/", " ", Path(liberty).read_text(), flags=re.S)
    zero = {
        m.group(1)
        for m in re.finditer(
            r"\bcell\s*\(\s*\"?([\w$]+)\"?\s*\)\s*\{\s*area\s*:\s*0(\.0*)?\s*;", text
        )
    }
    sizes = lef_areas(lef)
    return {c: sizes[c] for c in sorted(zero) if c in sizes}


class Library:
    def __init__(self, path: Path = OSU018):
        self.path = Path(path)
        top = parse(self.path.read_text())
        self.name = top.args[0] if top.args else self.path.stem
        self.time_unit = top.attr("time_unit", "1ns")
        cap = top.attr("capacitive_load_unit")
        self.cap_unit = f"{cap[0]}{cap[1]}" if cap else "1pf"
        self.leakage_unit = top.attr("leakage_power_unit", "1nW")
        self.voltage = float(top.attr("nom_voltage", "1.8"))
        if (self.time_unit, self.cap_unit.lower(), self.leakage_unit) != ("1ns", "1pf", "1nW"):
            raise ValueError(
                f"{self.path}: units {self.time_unit}, {self.cap_unit}, "
                f"{self.leakage_unit}; this reader expects 1ns, 1pf, 1nW"
            )
        templates = {
            g.args[0]: g
            for g in top.groups
            if g.kind in ("lu_table_template", "power_lut_template")
        }
        self.cells: dict[str, Cell] = {}
        for g in top.sub("cell"):
            self.cells[g.args[0]] = self._cell(g, templates)
        self.area_from_lef = zero_area_fixes(self.path)
        for name, area in self.area_from_lef.items():
            self.cells[name].area = area

    @staticmethod
    def _table(g: Group, templates: dict[str, Group]) -> Table:
        tmpl = templates.get(g.args[0]) if g.args else None
        variables = []
        for k in ("variable_1", "variable_2", "variable_3"):
            v = g.attr(k) or (tmpl.attr(k) if tmpl else None)
            if v:
                variables.append(v)
        index = []
        for k in ("index_1", "index_2"):
            v = g.attr(k) or (tmpl.attr(k) if tmpl else None)
            if v is not None:
                index.append(_floats(v))
        rows = [_floats(r) for r in (g.attr("values") or [])]
        if len(variables) == 2 and len(rows) == 1 and len(index) == 2 and len(index[0]) > 1:
            raise ValueError(f"liberty: table {g.kind} has one row for a 2-D template")
        return Table(tuple(variables[: len(index)]), tuple(index), rows)

    def _cell(self, g: Group, templates: dict[str, Group]) -> Cell:
        pins = {}
        three_state = False
        for pg in g.sub("pin"):
            for name in pg.args:
                pin = Pin(
                    name,
                    pg.attr("direction", "input"),
                    float(pg.attr("capacitance", 0.0)),
                    pg.attr("function"),
                    pg.attr("clock", "false") == "true",
                )
                three_state |= pg.attr("three_state") is not None
                for tg in pg.sub("timing"):
                    tables = {t.kind: self._table(t, templates) for t in tg.groups}
                    pin.arcs.append(
                        Arc(
                            tg.attr("related_pin", ""),
                            tg.attr("timing_type", "combinational"),
                            tg.attr("timing_sense", "non_unate"),
                            tables,
                        )
                    )
                for pwr in pg.sub("internal_power"):
                    tabs = {t.kind: self._table(t, templates) for t in pwr.groups}
                    pin.power.append(
                        Power(
                            pwr.attr("related_pin"), tabs.get("rise_power"), tabs.get("fall_power")
                        )
                    )
                pins[name] = pin
        ff = None
        ffs = g.sub("ff")
        if ffs:
            f = ffs[0]
            ff = {
                "state": f.args[0],
                "state_n": f.args[1] if len(f.args) > 1 else "",
                **{
                    k: f.attr(k)
                    for k in ("next_state", "clocked_on", "clear", "preset", "clear_preset_var1")
                    if f.attr(k)
                },
            }
        latch = None
        latches = g.sub("latch")
        if latches:
            f = latches[0]
            latch = {
                "state": f.args[0],
                "state_n": f.args[1] if len(f.args) > 1 else "",
                **{k: f.attr(k) for k in ("data_in", "enable") if f.attr(k)},
            }
        return Cell(
            g.args[0],
            float(g.attr("area", 0.0)),
            float(g.attr("cell_leakage_power", 0.0)),
            pins,
            ff,
            latch,
            three_state,
        )

    # ---------------------------------------------------------------- derived figures

    def fo4(self, inverter: str = "INVX1") -> dict:
        """FO4 delay: ``inverter`` driving four copies of its own input pin (no wire), with the
        input slew that such a stage itself produces (fixed point of a chain of FO4 stages);
        the mean of the rising and falling output delays.  ns."""
        cell = self.cells[inverter]
        (ipin,) = cell.inputs
        (opin,) = cell.outputs
        load = 4 * cell.pins[ipin].capacitance
        arc = next(a for a in cell.pins[opin].arcs if a.related == ipin)
        rise_slew = fall_slew = 0.1
        for _ in range(50):  # rising output follows a falling input and vice versa
            rise_slew, fall_slew = (
                arc.tables["rise_transition"].at(load=load, slew=fall_slew),
                arc.tables["fall_transition"].at(load=load, slew=rise_slew),
            )
        rise = arc.tables["cell_rise"].at(load=load, slew=fall_slew)
        fall = arc.tables["cell_fall"].at(load=load, slew=rise_slew)
        return {
            "inverter": inverter,
            "load_pf": load,
            "rise_ns": rise,
            "fall_ns": fall,
            "fo4_ns": (rise + fall) / 2,
            "slew_ns": (rise_slew + fall_slew) / 2,
        }

    @cached_property
    def clock_to_q_and_setup(self) -> dict[str, dict]:
        """Per flip-flop type: clock-to-Q (worst edge) and setup (worst) at the FO4 slew and an
        FO4-like load (4 inverter inputs), ns.  Informational; the STA evaluates each
        flip-flop at its real load and slews."""
        fo = self.fo4()
        out = {}
        for c in self.cells.values():
            if c.ff is None:
                continue
            clk = re.findall(r"[A-Za-z_]\w*", c.ff["clocked_on"])[0]
            q = next(p for p in c.outputs)
            arc = next(a for a in c.pins[q].arcs if a.related == clk)
            cq = max(
                arc.tables[k].at(load=fo["load_pf"], slew=fo["slew_ns"])
                for k in ("cell_rise", "cell_fall")
                if k in arc.tables
            )
            data = re.findall(r"[A-Za-z_]\w*", c.ff["next_state"])[0]
            out[c.name] = {
                "clock_to_q_ns": cq,
                "setup_ns": c.setup(data, fo["slew_ns"], fo["slew_ns"]),
            }
        return out


# ---------------------------------------------------------------------------------------------
# Boolean functions (Liberty syntax: ! ' + | & * ^ and juxtaposition for AND)
# ---------------------------------------------------------------------------------------------


def function_to_verilog(expr: str) -> str:
    """A Liberty boolean function as a Verilog expression (~ & | ^)."""
    toks = re.findall(r"[A-Za-z_][A-Za-z0-9_]*|[01]|[!'()+|&*^]", expr)
    out: list[str] = []
    prev_operand = False
    for t in toks:
        operand_start = t == "(" or t == "!" or re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*|[01]", t)
        if prev_operand and operand_start:
            out.append("&")  # juxtaposition is AND
        if t == "'":  # postfix NOT of the previous operand
            depth, k = 0, len(out) - 1
            while k >= 0:
                depth += out[k] == ")"
                depth -= out[k] == "("
                if depth == 0:
                    break
                k -= 1
            out.insert(k, "~(")
            out.append(")")
            prev_operand = True
            continue
        out.append({"!": "~", "+": "|", "*": "&", "0": "1'b0", "1": "1'b1"}.get(t, t))
        prev_operand = t == ")" or bool(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*|[01]", t))
    return " ".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Liberty summary and FO4 delay")
    ap.add_argument("liberty", nargs="?", type=Path, default=OSU018)
    args = ap.parse_args(argv)
    lib = Library(args.liberty)
    fo = lib.fo4()
    print(
        f"{lib.name}: {len(lib.cells)} cells, {lib.voltage} V, units {lib.time_unit} "
        f"{lib.cap_unit} {lib.leakage_unit}"
    )
    print(
        f"FO4 ({fo['inverter']} driving 4 x {fo['load_pf'] / 4 * 1000:.2f} fF): "
        f"{fo['fo4_ns'] * 1000:.1f} ps (rise {fo['rise_ns'] * 1000:.1f}, fall "
        f"{fo['fall_ns'] * 1000:.1f}, slew {fo['slew_ns'] * 1000:.1f})"
    )
    for name, t in lib.clock_to_q_and_setup.items():
        print(
            f"  {name:<10} clock-to-Q {t['clock_to_q_ns'] * 1000:6.1f} ps   setup "
            f"{t['setup_ns'] * 1000:6.1f} ps"
        )
    for c in lib.cells.values():
        funcs = {p: lib.cells[c.name].pins[p].function for p in c.outputs}
        print(f"  {c.name:<10} area {c.area:6.1f}  leak {c.leakage:8.4f}  {funcs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
