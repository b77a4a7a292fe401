#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`make results`: docs/results.md, every measured figure of the project in one place, written
from the JSON reports the make targets leave under build/ (and the headline list of README.md
between its results markers).  A report that is missing is named with the target that makes it;
nothing is copied by hand.

    python -m scripts.gen_results [--check]     (--check: exit 1 if docs/results.md is stale)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
OUT = ROOT / "docs" / "results.md"
README = ROOT / "README.md"
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
FORMATS = ("fp4", "p4", "p8", "p16")
DESIGNS = ("pe_rmmec", "pe_baseline", "pe_wide", "coprocessor")


def load(rel: str) -> dict | None:
    p = BUILD / rel
    try:
        return json.loads(p.read_text())
    except (OSError, ValueError):
        return None


def fmt(v, nd: int = 1) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:,.{nd}f}"
    return str(v)


def missing(what: str, target: str) -> list[str]:
    return [f"_Not measured in this tree: run `{target}` ({what})._", ""]


def _workers(r: dict) -> str:
    """How many pytest-xdist workers ran: the summary's count, else its -n argument."""
    n = r.get("workers")
    args = r.get("args") or []
    if not n and "-n" in args and args.index("-n") + 1 < len(args):
        n = args[args.index("-n") + 1]
    return f"{n} pytest workers" if n and str(n) != "1" else "one pytest worker"


def section_regression() -> list[str]:
    out = ["## Regression (`make test`)", ""]
    r = load("test/summary.json")
    if not r:
        return out + missing("build/test/summary.json", "make test")
    c = r.get("counts", {})
    out += [
        f"{c.get('passed', 0):,} passed, {c.get('failed', 0)} failed, {c.get('error', 0)} errors, "
        f"{c.get('skipped', 0)} skipped in {r['seconds'] / 60:.1f} min "
        f"({_workers(r)}; the 2-core reference machine).",
        "",
    ]
    ci = load("ci/summary.json")
    if ci:
        out += [
            f"`.ci/run` on a fresh clone (set-up, `make sim`, `make test`): "
            f"{ci['total_s'] / 60:.1f} min, of which `make sim` {ci['make_sim_s'] / 60:.1f} min "
            f"({ci.get('cores', 2)} cores).",
            "",
        ]
    return out


def section_ppa() -> list[str]:
    out = ["## Performance, power and area per design (`make ppa`)", ""]
    s = load("ppa/summary.json")
    if not s:
        return out + missing("build/ppa/summary.json", "make ppa")
    out += [
        f"Liberty `{s.get('liberty')}` (FO4 {fmt(s.get('fo4_ps'))} ps), FPGA {s.get('fpga')}. "
        "Method and limits: [ppa.md](ppa.md).",
        "",
    ]
    for name in DESIGNS:
        d = s.get("designs", {}).get(name)
        if not d:
            continue
        o, e, en = d.get("osu018", {}), d.get("ecp5", {}), d.get("energy_pj_per_mac", {})
        synth = (load("synth/summary.json") or {}).get("designs", {}).get(name, {})
        out += [
            f"### {name} (`{d.get('top')}`)",
            "",
            "| area osu018 (µm²) | area sky130 (µm²) | ECP5 LUT4 | ECP5 FF | ECP5 DSP | ECP5 BRAM | xcup LUT | Fmax osu018 (MHz) | critical path (ps) | Fmax ECP5 (MHz) |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {fmt(o.get('area_um2'), 0)} | {fmt(synth.get('area_um2'), 0)} | {fmt(e.get('lut4'))} | "
            f"{fmt(e.get('ff'))} | {fmt(e.get('dsp'))} | {fmt(e.get('bram'))} | {fmt(synth.get('lut'))} | "
            f"{fmt(o.get('fmax_mhz'))} | {fmt(o.get('crit_path_ps'), 0)} | {fmt(e.get('fmax_mhz'))} |",
            "",
            f"Critical path: `{o.get('crit_start')}` -> `{o.get('crit_end')}`.",
            "",
            "| format | MACs/cycle | pJ/MAC | GMAC/s per mm² (osu018, at its Fmax) |",
            "|---|---:|---:|---:|",
        ]
        area_mm2 = (o.get("area_um2") or 0) / 1e6
        for f in FORMATS:
            mpc = d.get("macs_per_cycle", {}).get(f)
            thr = (
                (mpc * o["fmax_mhz"] * 1e6 / area_mm2 / 1e9)
                if (mpc and o.get("fmax_mhz") and area_mm2)
                else None
            )
            out.append(f"| {f} | {fmt(mpc)} | {fmt(en.get(f), 2)} | {fmt(thr, 2)} |")
        out.append("")
        split = d.get("energy") or {}
        if split:
            out += [
                "| view | " + " | ".join(f"{f} clock / data / total" for f in FORMATS) + " |",
                "|---|" + "---:|" * len(FORMATS),
            ]
            for view, per in split.items():
                cells = [
                    f"{fmt(per[f]['clock'])} / {fmt(per[f]['data'])} / {fmt(per[f]['total'])}"
                    if f in per
                    else "n/a"
                    for f in FORMATS
                ]
                out.append(f"| {view} | " + " | ".join(cells) + " |")
            out.append("")
        extra = []
        if d.get("routed"):
            r = d["routed"]
            extra.append(
                f"placed and routed (qflow): {fmt(r.get('area_um2'), 0)} µm² at "
                f"{fmt(100 * (r.get('utilization') or 0), 0)} % utilisation, "
                f"{fmt((r.get('wirelength_um') or 0) / 1000, 1)} mm of wire, critical path "
                f"{fmt(r.get('crit_path_ps'), 0)} ps"
            )
        if d.get("opensta"):
            extra.append(
                f"OpenSTA on the same netlist: critical path "
                f"{fmt(d['opensta']['crit_path_ps'], 0)} ps, {fmt(d['opensta']['power_mw'], 2)} mW "
                "(its 2019 power accounting differs: ppa.md)"
            )
        if extra:
            out += ["; ".join(extra).capitalize() + ".", ""]
    return out + section_real_operands()


def section_real_operands() -> list[str]:
    r = load("ppa/real_operands.json")
    if not r:
        return []
    out = [
        "### PEs on the odometry network's own operands (`make ppa-real`)",
        "",
        "pJ/MAC at 100 MHz, MAC-weighted over the network's layers (each format's network "
        "fine-tuned for it), beside `make ppa`'s uniform random codes (random).  Method: "
        '[ppa.md](ppa.md), "Real operands".',
        "",
        "| design | view | " + " | ".join(f"{f} real / random" for f in FORMATS) + " |",
        "|---|---|" + "---:|" * len(FORMATS),
    ]
    for name, views in r.get("designs", {}).items():
        for view, per in views.items():
            cells = []
            for f in FORMATS:
                real = per.get(f, {}).get("weighted", {}).get("total")
                rnd = (per.get(f, {}).get("random_operands") or {}).get("total")
                cells.append(f"{fmt(real)} / {fmt(rnd)}")
            out.append(f"| {name} | {view} | " + " | ".join(cells) + " |")
    return out + [""]


def section_synth() -> list[str]:
    out = ["## Area reports (`make synth`)", ""]
    s = load("synth/summary.json")
    if not s:
        return out + missing("build/synth/summary.json", "make synth")
    out += [
        "Yosys `synth_xilinx -family xcup -noiopad` (LUT, FF, DSP, CARRY8, LUT levels), "
        "`stat -tech cmos` (transistors), area-only sky130_fd_sc_hd mapping (µm²); "
        "[synthesis.md](synthesis.md).",
        "",
        "| design | LUT | FF | DSP | CARRY8 | LUT levels | CMOS transistors | sky130 µm² |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, d in s.get("designs", {}).items():
        out.append(
            f"| {name} | {fmt(d.get('lut'))} | {fmt(d.get('ff'))} | {fmt(d.get('dsp'))} | "
            f"{fmt(d.get('carry'))} | {fmt(d.get('levels'))} | {fmt(d.get('cmos_transistors'))} | "
            f"{fmt(d.get('area_um2'), 0)} |"
        )
    ds = s.get("designs", {})
    if "pe_rmmec" in ds and "pe_baseline" in ds and ds["pe_baseline"].get("area_um2"):
        r, b = ds["pe_rmmec"], ds["pe_baseline"]
        out += [
            "",
            f"RMMEC / per-format baseline: LUT {r['lut'] / b['lut']:.3f}, "
            f"sky130 area {r['area_um2'] / b['area_um2']:.3f}.",
        ]
    return out + [""]


def section_bench() -> list[str]:
    out = ["## Co-processor throughput (`make bench`)", ""]
    rows = []
    for rel, size in (("bench/coproc.json", 64), ("bench/coproc_128.json", 128)):
        r = load(rel)
        for f in FORMATS:
            if r and f in r:
                rows.append((size, f, r[f]))
    if not rows:
        return out + missing("build/bench/coproc.json", "make bench")
    out += [
        "Default parameters (4x4 PEs, 64-bit AXI), memory without wait states, output format = "
        "input format; cycles from the co-processor's own counter, START to DONE, DMA included; "
        "every result bit-exact against the model.",
        "",
        "| size | format | cycles | MACs | peak MACs/cycle | utilization |",
        "|---|---|---:|---:|---:|---:|",
    ]
    out += [
        f"| {n}³ | {f} | {fmt(r['cycles'])} | {fmt(r['macs'])} | {fmt(r['peak_macs_per_cycle'])} | "
        f"{r['utilization']:.3f} |"
        for n, f, r in rows
    ]
    m = load("bench/models.json")
    if m:
        q = m.get("quantize", {})
        mm = m.get("matmul_64", {})
        out += [
            "",
            "Exact Python models (`build/bench/models.json`): quantize "
            + ", ".join(f"{f} {v / 1e6:.1f} M values/s" for f, v in q.items())
            + "; exact 64x64x64 matmul into fp32 "
            + ", ".join(f"{f} {row['fp32'] * 1e3:.2f} ms" for f, row in mm.items() if "fp32" in row)
            + ".",
        ]
    return out + [""]


def section_workloads() -> list[str]:
    out = ["## Workloads (`make workload`, `make vio`)", ""]
    w = load("workload/report.json")
    if w:
        out += [
            "Digits CNN ([workload.md](workload.md)): fp32 "
            f"{w['fp32_acc']:.2%}, "
            + ", ".join(f"{f} {a:.2%}" for f, a in w["formats"].items())
            + f"; mixed {'/'.join(w['mixed']['layer_formats'])} {w['mixed']['acc']:.2%} at "
            f"{w['mixed']['weight_bits']:,} weight bits; RTL check {w['rtl_check']['images']} images, "
            f"bit-exact: {fmt(w['rtl_check']['bit_exact'])}.",
            "",
        ]
    else:
        out += missing("build/workload/report.json", "make workload")
    v = load("vio/report.json")
    if v:
        out += [
            f"Odometry on KITTI ([vio.md](vio.md)), {v['dataset']}, metric: {v['metric']} (lower is better).",
            "",
            "| configuration | error | weight bits | pJ per inference |",
            "|---|---:|---:|---:|",
            f"| dead reckoning | {fmt(v['dead_reckoning'], 2)} | – | – |",
            f"| fp32 | {fmt(v['fp32']['value'], 2)} | {fmt(v['fp32']['weight_bits'])} | – |",
        ]
        for f, r in v["formats"].items():
            out.append(
                f"| {f} | {fmt(r['value'], 2)} | {fmt(r['weight_bits'])} | {fmt(r['energy_pj_per_inference'], 0)} |"
            )
        mx = v["mixed"]
        out += [
            f"| mixed ({'/'.join(mx['layer_formats'])}) | {fmt(mx['value'], 2)} | {fmt(mx['weight_bits'])} | "
            f"{fmt(mx['energy_pj_per_inference'], 0)} |",
            "",
            f"RTL check: {v['rtl_check']['windows']} windows, bit-exact: {fmt(v['rtl_check']['bit_exact'])}.",
            "",
        ]
    else:
        out += missing("build/vio/report.json", "make vio")
    return out


def section_verify() -> list[str]:
    out = ["## Verification at scale (`xrnpe verify exhaustive`)", ""]
    reports = []
    for p in sorted((BUILD / "verify").glob("*.json")) if (BUILD / "verify").exists() else []:
        try:
            r = json.loads(p.read_text())
        except ValueError:
            continue
        if {"format", "out_format", "design", "pairs", "mismatches"} <= set(r):
            reports.append(r)
    if not reports:
        return out + missing("build/verify/*.json", "the runs listed in docs/verify.md")
    out += [
        "| design | format | output | range | pairs | mismatches | wall time | pairs/s |",
        "|---|---|---|---|---:|---:|---:|---:|",
    ]
    for r in reports:
        rng = r.get("range", [0, r["pairs"]])
        out.append(
            f"| {r['design']} | {r['format']} | {r['out_format']} | {rng[0]:,}..{rng[1]:,} | "
            f"{r['pairs']:,} | {r['mismatches']} | {r['seconds'] / 60:.1f} min | {fmt(r['pairs_per_s'], 0)} |"
        )
    return out + [""]


def section_coverage() -> list[str]:
    out = ["## Coverage (`make coverage`)", ""]
    c = load("coverage/summary.json")
    if not c:
        return out + missing("build/coverage/summary.json", "make coverage")
    out += [
        f"Line {c['line_pct']:.1f} %, branch {c['branch_pct']:.1f} %, toggle {c['toggle_pct']:.1f} % of rtl/ "
        f"from the whole regression; functional bins {c['functional_pct']:.1f} % "
        f"([coverage.md](coverage.md)). Waived: {len(c.get('waived', []))} items.",
        "",
    ]
    return out


def _sections(text: str) -> dict[str, list[str]]:
    """The '## ' sections of a rendered page, by heading."""
    out: dict[str, list[str]] = {}
    head = None
    for line in text.splitlines():
        if line.startswith("## "):
            head = line
            out[head] = []
        if head:
            out[head].append(line)
    return out


def render(keep: str | None = None) -> str:
    lines = [
        "<!-- SPDX-License-Identifier: Apache-2.0 -->",
        "<!-- GENERATED by scripts/gen_results.py (make results) from the reports under build/ -- do not edit. -->",
        "# Results",
        "",
        "Every figure below is read from the JSON report of the make target named in its heading, "
        "measured on the 2-core reference machine. Re-run the target, then `make results`.",
        "",
    ]
    for sec in (
        section_regression,
        section_ppa,
        section_synth,
        section_bench,
        section_workloads,
        section_verify,
        section_coverage,
    ):
        new = sec()
        if keep and any(line.startswith("_Not measured in this tree") for line in new):
            new = _sections(keep).get(new[0], new)
            new = new + [""] if new[-1] else new
        lines += new
    return "\n".join(lines).rstrip() + "\n"


def headlines(keep: str | None = None) -> list[str]:
    out = []
    s = load("ppa/summary.json")
    if s and "pe_rmmec" in s.get("designs", {}):
        d = s["designs"]["pe_rmmec"]
        routed = d.get("routed") or {}
        speed = (
            f"{fmt(1e6 / routed['crit_path_ps'])} MHz routed"
            if routed.get("crit_path_ps")
            else f"{fmt(d['osu018'].get('fmax_mhz'))} MHz"
        )
        out.append(
            f"- RMMEC PE: {speed} on OSU 0.18 µm, "
            f"{fmt(d.get('ecp5', {}).get('fmax_mhz'))} MHz on ECP5-85F; pJ/MAC "
            + ", ".join(f"{f} {fmt(d['energy_pj_per_mac'].get(f), 2)}" for f in FORMATS)
            + (" (clock-gated" + (", routed)" if routed else ")") if d.get("energy") else "")
            + "."
        )
        view = "gated_routed" if "gated_routed" in (d.get("energy") or {}) else "gated"
        base = s["designs"].get("pe_baseline", {}).get("energy", {}).get(view)
        mine = (d.get("energy") or {}).get(view)
        if base and mine:
            what = "clock-gated, routed" if view == "gated_routed" else "clock-gated"
            out.append(
                f"- RMMEC / per-format baseline, pJ/MAC ({what}; total | data only): "
                + ", ".join(
                    f"{f} {mine[f]['total'] / base[f]['total']:.2f} | "
                    f"{mine[f]['data'] / base[f]['data']:.2f}"
                    for f in FORMATS
                    if f in mine and f in base
                )
                + "."
            )
    b = load("bench/coproc.json")
    if b:
        out.append(
            "- Co-processor 64³ utilization: "
            + ", ".join(f"{f} {b[f]['utilization']:.3f}" for f in FORMATS if f in b)
            + "."
        )
    v = load("vio/report.json")
    if v:
        out.append(
            f"- KITTI odometry ({v['metric']}): fp32 {fmt(v['fp32']['value'], 2)}, mixed "
            f"{fmt(v['mixed']['value'], 2)} ({'/'.join(v['mixed']['layer_formats'])})."
        )
    r = load("test/summary.json")
    if r:
        out.append(
            f"- Regression: {r['counts'].get('passed', 0):,} tests in {r['seconds'] / 60:.1f} min."
        )
    if keep:  # a headline whose report is missing keeps its previous text
        prefixes = ("- RMMEC PE", "- RMMEC /", "- Co-processor", "- KITTI", "- Regression")

        def kind(x: str) -> int:
            return next((i for i, p in enumerate(prefixes) if x.startswith(p)), 9)

        ours = {kind(line) for line in out}
        old = [x for x in keep.splitlines() if x.startswith("- ") and ":" in x]
        out = [x for x in old if kind(x) not in ours and kind(x) < 9] + out
        out.sort(key=kind)
    return out or ["- No reports in this tree yet: see docs/results.md."]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true")
    ap.add_argument(
        "--keep-missing",
        action="store_true",
        help="a section whose report is missing keeps its text from the current page "
        "(re-measure one target without re-running all)",
    )
    args = ap.parse_args(argv)
    old = OUT.read_text() if args.keep_missing and OUT.exists() else None
    text = render(old)
    if args.check:
        stale = not OUT.exists() or OUT.read_text() != text
        if stale:
            print("docs/results.md is stale: run `make results`", file=sys.stderr)
        return int(stale)
    OUT.write_text(text)
    readme = README.read_text()
    if BEGIN in readme and END in readme:
        head, rest = readme.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        old_head = rest.split(END, 1)[0] if args.keep_missing else None
        lines = headlines(old_head)
        README.write_text(head + BEGIN + "\n" + "\n".join(lines) + "\n" + END + tail)
    print(f"wrote {OUT.relative_to(ROOT)} and README.md's headlines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
