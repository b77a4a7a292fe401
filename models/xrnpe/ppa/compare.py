# SPDX-License-Identifier: Apache-2.0
"""The cross-design part of `make ppa`'s tables: the energy split of every PE in both
clock-gate views, the ratios the energy issue sets targets for, the per-stage data energy, the
glitch run, and the routed and OpenSTA figures when the flow produced them."""

from __future__ import annotations

FORMATS = ("fp4", "p4", "p8", "p16")
PES = ("pe_rmmec", "pe_baseline", "pe_wide")
# (label, numerator, denominator, formats, target) of docs/ppa.md "Targets"
RATIO_TARGETS = (
    ("RMMEC / baseline", "pe_rmmec", "pe_baseline", FORMATS, 1.0),
    ("RMMEC / wide", "pe_rmmec", "pe_wide", ("fp4", "p4", "p8"), 0.62),
)


def _num(x, nd=1) -> str:
    return "n/a" if x is None else f"{x:,.{nd}f}"


def energy_split_table(summary: dict) -> list[str]:
    designs = summary["designs"]
    rows = []
    for name in PES:
        split = designs.get(name, {}).get("energy") or {}
        for view in ("gated_routed", "gated", "ungated"):
            per = split.get(view)
            if not per:
                continue
            cells = [
                f"{_num(per[f]['clock'])} / {_num(per[f]['data'])} / {_num(per[f]['total'])}"
                if f in per
                else "n/a"
                for f in FORMATS
            ]
            rows.append(f"| {name} | {view} | " + " | ".join(cells) + " |")
    if not rows:
        return []
    return [
        "**Energy split** (pJ/MAC at the reference clock: clock / data / total; leakage is the "
        "rest, below 0.01 pJ/MAC here).  Gated: the clock-gate cells from osu018 cells; "
        "ungated: no clock gating, a hold multiplexer per register bit (docs/ppa.md, "
        '"Clock gating"); gated_routed: the gated netlist after qflow place and route (buffer '
        "and clock trees) with its extracted wires, the figure `energy_pj_per_mac` reports; "
        "the other two with the 2 fF-per-pin wire estimate.",
        "",
        "| design | view | " + " | ".join(FORMATS) + " |",
        "|---|---|" + "---:|" * len(FORMATS),
        *rows,
        "",
    ]


def ratio(summary: dict, num: str, den: str, view: str, fmt: str, term: str) -> float | None:
    d = summary["designs"]
    try:
        a = d[num]["energy"][view][fmt][term]
        b = d[den]["energy"][view][fmt][term]
    except KeyError:
        return None
    return a / b if b else None


def ratio_table(summary: dict) -> list[str]:
    rows = []
    for label, num, den, fmts, target in RATIO_TARGETS:
        for view in ("gated_routed", "gated", "ungated"):
            for term in ("total", "data"):
                vals = [ratio(summary, num, den, view, f, term) for f in FORMATS]
                if all(v is None for v in vals):
                    continue
                cells = []
                for f, v in zip(FORMATS, vals, strict=True):
                    mark = ""
                    if v is not None and f in fmts and term == "total" and view == "gated_routed":
                        mark = " ok" if v <= target else " **miss**"
                    cells.append(f"{_num(v, 2)}{mark}")
                rows.append(
                    f"| {label} | {view} | {term} | <= {target:g} | " + " | ".join(cells) + " |"
                )
    if not rows:
        return []
    return [
        "**Energy ratios** (pJ/MAC; the target applies to the routed, gated total; the "
        "data-only ratio is the comparison without any clock).",
        "",
        "| ratio | view | term | target | " + " | ".join(FORMATS) + " |",
        "|---|---|---|---:|" + "---:|" * len(FORMATS),
        *rows,
        "",
    ]


def stage_table(report: dict, fmt: str) -> list[str]:
    per = {}
    for name in PES:
        r = ((report["designs"].get(name) or {}).get("energy") or {}).get("formats", {}).get(fmt)
        if r and r.get("data_pj_per_mac_by_stage"):
            per[name] = r["data_pj_per_mac_by_stage"]
    if len(per) < 2:
        return []
    stages = sorted(
        {s for v in per.values() for s in v}, key=lambda s: -max(v.get(s, 0) for v in per.values())
    )
    names = list(per)
    return [
        f"**Data energy per pipeline stage, {fmt}, gated view** (pJ/MAC; docs/ppa.md, "
        '"Energy" step 6).',
        "",
        "| stage | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
        *(f"| {s} | " + " | ".join(_num(per[n].get(s), 2) for n in names) + " |" for s in stages),
        "",
    ]


def glitch_table(report: dict) -> list[str]:
    rows = []
    for name in PES:
        g = (report["designs"].get(name) or {}).get("glitch") or {}
        for fmt, r in (g.get("formats") or {}).items():
            rows.append(
                f"| {name} | {fmt} | {r['toggles_zero_delay']:,} | {r['toggles_delays']:,} | "
                f"{_num(r['data_pj_per_mac_zero_delay'], 2)} | {_num(r['data_pj_per_mac_delays'], 2)} | "
                f"{100 * r['missed_share_of_data']:.0f} % |"
            )
    if not rows:
        return []
    return [
        "**Glitches** (gated view, 64 words per format): transitions and data energy of the "
        'zero-delay run and of the delay-annotated run (docs/ppa.md, "Glitches"), and the '
        "share of the data energy the zero-delay figure misses.",
        "",
        "| design | format | transitions, zero delay | with delays | data pJ/MAC, zero delay | with delays | missed |",
        "|---|---|---:|---:|---:|---:|---:|",
        *rows,
        "",
    ]


def routed_table(summary: dict, report: dict) -> list[str]:
    rows = []
    for name in PES:
        det = report["designs"].get(name) or {}
        pr = det.get("pnr") or {}
        if not pr or "error" in pr:
            continue
        sta = pr.get("sta", {})
        crit = [
            sta.get(v, {}).get("critical", {}).get("period_ps")
            for v in ("estimate", "extracted", "post_pnr")
        ]
        en = summary["designs"][name].get("energy") or {}
        e_fp4 = [en.get(v, {}).get("fp4", {}).get("total") for v in ("gated", "gated_routed")]
        rows.append(
            f"| {name} | {_num(pr.get('cell_area_um2'), 0)} | {_num(pr.get('core_um2'), 0)} | "
            f"{_num(100 * (pr.get('utilisation') or 0), 1)} % | "
            f"{_num((pr.get('wirelength_um') or 0) / 1000)} | {pr.get('clock', {}).get('buffers', 'n/a')} | "
            f"{_num(pr.get('wire_total_pf'))} | "
            + " / ".join(_num(c, 0) for c in crit)
            + " | "
            + " / ".join(_num(e, 1) for e in e_fp4)
            + " |"
        )
    if not rows:
        return []
    return [
        '**Place and route** (qflow: blifFanout, graywolf, qrouter; docs/ppa.md, "Place and '
        'route"): placed cell area, core area and utilisation, routed wire, clock buffers, '
        "extracted wire capacitance, the critical path with the 2 fF-per-pin estimate / the "
        "extracted wires / the routed netlist, and fp4 pJ/MAC before / after (gated).",
        "",
        "| design | cells (um2) | core (um2) | utilisation | wire (mm) | clock buffers | wire C (pF) | critical path (ps) | fp4 pJ/MAC |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
    ]


def opensta_table(report: dict) -> list[str]:
    rows = []
    for name in PES:
        det = report["designs"].get(name) or {}
        o = det.get("opensta") or {}
        s = (det.get("sta") or {}).get("critical") or {}
        if not o or "error" in o:
            continue
        f = (o.get("formats") or {}).get("fp4") or {}
        pj = f.get("pj_per_mac", {})
        flow, ost = pj.get("flow", {}), pj.get("opensta_unit_activity_model", {})
        rows.append(
            f"| {name} | {_num(s.get('period_ps'), 1)} | {_num(o.get('crit_path_ps'), 1)} | "
            f"{_num(flow.get('dynamic'))} | {_num(pj.get('opensta_measured_activity', {}).get('dynamic'))} | "
            f"{_num(flow.get('combinational_switching') + flow.get('sequential_switching') if flow else None)} | "
            f"{_num(ost.get('combinational_switching') + ost.get('sequential_switching') if ost else None)} | "
            f"{_num(flow.get('clock_pins_internal'))} | {_num(ost.get('clock_pins_internal'))} |"
        )
    if not rows:
        return []
    return [
        "**OpenSTA 2.0.17 on the same gated netlists** (the `opensta` task; fp4 window, pJ/MAC at "
        "10 ns): the critical path, and the energy with the measured activity, in all and by "
        "part.  The switching energies agree; this OpenSTA puts every clock pin at 2 "
        "transitions per period (a gated clock's measured activity is overridden) and counts "
        'internal energy with both tables per transition (docs/ppa.md, "OpenSTA cross-check").',
        "",
        "| design | flow critical path (ps) | OpenSTA | flow dynamic | OpenSTA dynamic | flow switching | OpenSTA switching | flow clock pins | OpenSTA clock pins |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
    ]


def wire_load_table(report: dict) -> list[str]:
    out = []
    for name, det in report["designs"].items():
        wl = det.get("wire_load_model")
        if not wl:
            continue
        e, m = wl["estimate"], wl["wire_load_model"]
        out += [
            f"**{name}: placed-wire estimate** (too large to route here): the flow's STA with the "
            f"wire-load model fitted on the routed PEs (per-fanout extracted wire): critical path "
            f"{_num(e['critical']['period_ps'], 0)} ps with 2 fF per pin, "
            f"{_num(m['critical']['period_ps'], 0)} ps with the model "
            f"(`{m['critical']['start']}` -> `{m['critical']['end']}`); total wire "
            f"{_num(e['wire_total_pf'])} pF -> {_num(m['wire_total_pf'])} pF.  A lower bound for "
            "its long inter-PE nets (the PEs have none above 16 sinks).",
            "",
        ]
    return out


def tables(summary: dict, report: dict) -> list[str]:
    """Every cross-design table (empty when the flow ran no PE energy)."""
    out = energy_split_table(summary) + ratio_table(summary)
    out += routed_table(summary, report) + opensta_table(report) + wire_load_table(report)
    for fmt in ("fp4", "p8", "p16"):
        out += stage_table(report, fmt)
    return out + glitch_table(report)
