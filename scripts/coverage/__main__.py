# SPDX-License-Identifier: Apache-2.0
"""`make coverage` (docs/coverage.md).

    python -m scripts.coverage [--report-only] [--keep] [--jobs N] [-- pytest args]

1. Runs the RTL regression (``pytest tb/ -m "not soak"``) on Verilator with coverage builds
   (``-p scripts.coverage.plugin``) in the separate tree build/coverage/sim, with the
   co-processor's functional coverage written to build/coverage/fcov (xrnpe.sim.fcov).
2. Merges every ``coverage.dat`` (Debian's ``verilator_coverage``; the points are also read
   here), keeps the points of rtl/, drops the waived ones (WAIVERS, each with its reason) and
   computes line, branch and toggle percentages; merges the functional bins.
3. Writes build/coverage/coverage.info and the HTML report build/coverage/html/ (genhtml),
   build/coverage/summary.json (CONTRACT section 5) and build/coverage/details.json (per
   file, the points still missed, the functional bins, the run time).

Exit 1 if the regression failed or a target is missed (line >= 95 %, branch >= 90 %,
functional 100 %).  ``--report-only`` redoes steps 2-3 from the files of the last run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "build" / "coverage"
SIM_DIR = OUT / "sim"
FCOV_DIR = OUT / "fcov"
TARGETS = {"line_pct": 95.0, "branch_pct": 90.0, "functional_pct": 100.0}

# Points that no test can reach, by (kind or None for all, file glob, regex on the source
# line of the point, regex on the point's comment (e.g. "else"), reason).  Every waiver is
# reported in summary.json with its reason and the number of points per file.
WAIVERS: list[tuple[str | None, str, str, str, str]] = [
    (
        None,
        "*",
        r"\$fatal",
        "",
        "elaboration-time parameter checks and assertion failures ($fatal): reaching them ends "
        "the simulation, and every bench passes legal parameters",
    ),
    (
        None,
        "*",
        r"^\s*default:\s*\w+_d\s*=\s*\w*IDLE;",
        "",
        "default arm of a state machine's case: the state register only ever holds the enum's "
        "values",
    ),
    (
        "toggle",
        "*",
        r"^\s*(input|output)\s.*\b(s_axil_awprot|s_axil_arprot)\b|localparam",
        "",
        "constant nets and the AXI4-Lite AxPROT bits the register block ignores (reads are open, "
        "only AWPROT[0] matters)",
    ),
    (
        "branch",
        "rtl/xrnpe_coproc_burst_split.sv",
        r"32'\(beats\) < 32'\(burst_len\)",
        "else",
        "a run of more than 256 beats: a read row is at most one A slot, ABUF_WORDS / (DATA_W/16) "
        "<= 32 beats, and a C row segment at most one panel, COLS * CBUF_TILES * 4 bytes <= 256 "
        "bytes, in every parameter set the benches build",
    ),
    (
        "branch",
        "rtl/xrnpe_coproc_sched.sv",
        r"P_PUSH: if \(stq_push && last_step\)",
        "else",
        "the producer waiting on a full step queue: a step needs a free A or B slot (two of each) "
        "before it is pushed, so at most two steps wait in the feed's four-entry queue",
    ),
    (
        None,
        "rtl/xrnpe_rmmec_mul.sv",
        r"function automatic logic \[169-1:0\] lane_masks|for \(int [ij] = 0; [ij] < 13|"
        r"if \(mode == (16|8|4)\b",
        "",
        "lane_masks is a constant function: Verilator evaluates it at elaboration, never at run time",
    ),
    (
        None,
        "rtl/xrnpe_acc_readout.sv",
        r"default:\s*pick = 32'h0;",
        "",
        "default arm of the output-format case: other OUT_FMT codes are refused at START "
        "(BAD_OUT_FMT) and the PE benches drive legal formats only",
    ),
    (
        None,
        "rtl/xrnpe_acc_seg.sv",
        r"default:\s*live_segments = '0;",
        "",
        "default arm of the input-format case: IN_FMT codes 4..7 are refused at START "
        "(BAD_IN_FMT) and the PE benches drive legal input formats only",
    ),
]

# Files of rtl/ that no suite under tb/ builds, with the reason (reported as waived); any
# other module file without coverage points makes the report fail.
NOT_SIMULATED = {
    "rtl/xrnpe_fpga_shell.sv": "place-and-route shell of make ppa (serialised ports for the "
    "ECP5 flow), no function of its own: the co-processor it wraps "
    "is covered",
}


# ------------------------------------------------------------------ coverage.dat
_FIELD = re.compile("\x01([^\x02]*)\x02([^\x01]*)")


def parse_dat(path: Path):
    """Yield (fields dict, count) of every point of a Verilator coverage.dat."""
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if not line.startswith("C '"):
                continue
            body, _, count = line.rpartition("' ")
            yield dict(_FIELD.findall(body[3:])), int(count)


def kind_of(fields: dict) -> str | None:
    page = fields.get("page", "")
    for k in ("line", "branch", "toggle"):
        if page.startswith(f"v_{k}/"):
            return k
    return None


def collect(dats) -> dict:
    """Source-level points of rtl/: key (kind, file, line, column, comment) -> hits, summed
    over instances and parameterisations (a point is covered if any instance covered it)."""
    rtl = str(ROOT / "rtl") + os.sep
    points: dict[tuple, int] = defaultdict(int)
    for dat in dats:
        for f, n in parse_dat(dat):
            kind = kind_of(f)
            path = f.get("f", "")
            if kind is None or not os.path.abspath(path).startswith(rtl):
                continue
            key = (
                kind,
                os.path.relpath(os.path.abspath(path), ROOT),
                int(f.get("l", 0)),
                int(f.get("n", 0)),
                f.get("o", ""),
            )
            points[key] += n
    return points


def apply_waivers(points: dict):
    """Split the points into (kept, waived list of (key, reason))."""
    import fnmatch

    lines: dict[str, list[str]] = {}
    kept, waived = {}, []
    for key, n in points.items():
        kind, file, line = key[0], key[1], key[2]
        if file not in lines:
            lines[file] = (ROOT / file).read_text(errors="replace").splitlines()
        text = lines[file][line - 1] if 0 < line <= len(lines[file]) else ""
        reason = None
        for k, glob, rx, crx, why in WAIVERS:
            if (
                (k is None or k == kind)
                and fnmatch.fnmatch(file, glob)
                and re.search(rx, text)
                and (not crx or re.fullmatch(crx, key[4]))
            ):
                reason = why
                break
        if reason is None:
            kept[key] = n
        else:
            waived.append((key, reason))
    return kept, waived


def percentages(points: dict) -> dict:
    tot, hit = defaultdict(int), defaultdict(int)
    for (kind, *_), n in points.items():
        tot[kind] += 1
        hit[kind] += n > 0
    return {
        k: (100.0 * hit[k] / tot[k] if tot[k] else 100.0, hit[k], tot[k])
        for k in ("line", "branch", "toggle")
    }


def write_info(points: dict, path: Path) -> None:
    """lcov tracefile of the kept line and branch points (for genhtml)."""
    by_file: dict[str, dict] = defaultdict(lambda: {"DA": defaultdict(int), "BR": []})
    for (kind, file, line, col, comment), n in sorted(points.items()):
        if kind == "line":
            by_file[file]["DA"][line] = max(by_file[file]["DA"][line], n)
        elif kind == "branch":
            by_file[file]["BR"].append((line, col, comment, n))
            by_file[file]["DA"][line] = max(by_file[file]["DA"].get(line, 0), n)
    out = []
    for file, d in sorted(by_file.items()):
        out += ["TN:", f"SF:{ROOT / file}"]
        for i, (line, _col, _c, n) in enumerate(d["BR"]):
            out.append(f"BRDA:{line},0,{i},{n if n else '-'}")
        out += [f"BRF:{len(d['BR'])}", f"BRH:{sum(1 for b in d['BR'] if b[3])}"]
        for line, n in sorted(d["DA"].items()):
            out.append(f"DA:{line},{n}")
        out += [
            f"LF:{len(d['DA'])}",
            f"LH:{sum(1 for n in d['DA'].values() if n)}",
            "end_of_record",
        ]
    path.write_text("\n".join(out) + "\n")


# ------------------------------------------------------------------ steps
def run_regression(jobs: int, extra: list[str], keep: bool = False) -> tuple[int, float]:
    if not keep:  # (--keep: a partial re-run; its simulations overwrite their own files)
        for dat in SIM_DIR.rglob("coverage.dat"):
            dat.unlink()
        shutil.rmtree(FCOV_DIR, ignore_errors=True)
    FCOV_DIR.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ, XRNPE_BUILD_DIR=str(SIM_DIR), SIM="verilator", XRNPE_FCOV_DIR=str(FCOV_DIR)
    )
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-m",
        "not soak",
        "-p",
        "scripts.coverage.plugin",
        "-p",
        "no:cacheprovider",
        *(["-n", str(jobs)] if jobs > 1 else []),
        *extra,
        "tb",
    ]
    print("coverage: " + " ".join(cmd), flush=True)
    t0 = time.monotonic()
    rc = subprocess.run(cmd, cwd=ROOT, env=env).returncode
    return rc, time.monotonic() - t0


def merge_with_verilator_coverage(dats: list[Path]) -> Path | None:
    """One merged coverage.dat by Debian's verilator_coverage (None if it is missing or fails)."""
    tool = shutil.which("verilator_coverage")
    if tool is None or not dats:
        return None
    merged = OUT / "merged.dat"
    r = subprocess.run(
        [tool, "--write", str(merged), *map(str, dats)], capture_output=True, text=True
    )
    if r.returncode:
        print(
            f"coverage: verilator_coverage failed ({r.stderr.strip()[:200]}); merging here",
            file=sys.stderr,
        )
        return None
    return merged


def report(run_seconds: float | None, rc: int) -> int:
    from xrnpe.sim import fcov

    dats = sorted(SIM_DIR.rglob("coverage.dat"))
    if not dats:
        print(
            "coverage: no coverage.dat under build/coverage/sim: run without --report-only",
            file=sys.stderr,
        )
        return 1
    merged = merge_with_verilator_coverage(dats)
    points = collect([merged] if merged else dats)
    kept, waived = apply_waivers(points)
    pct = percentages(kept)
    info = OUT / "coverage.info"
    write_info(kept, info)
    html = OUT / "html"
    if shutil.which("genhtml"):
        shutil.rmtree(html, ignore_errors=True)
        r = subprocess.run(
            [
                "genhtml",
                "-q",
                "--branch-coverage",
                "-o",
                str(html),
                str(info),
                "--title",
                "XR-NPE rtl/ (Verilator, make coverage)",
            ],
            capture_output=True,
            text=True,
        )
        if r.returncode:
            print(f"coverage: genhtml failed: {r.stderr.strip()[:300]}", file=sys.stderr)
    else:
        print("coverage: genhtml not found (apt install lcov): no HTML report", file=sys.stderr)
    fruns = sorted(FCOV_DIR.glob("*.json"))
    fsum = fcov.summary(fcov.merge(fruns))
    # waivers: one entry per rule and file, with the number of points
    groups: dict[tuple, int] = defaultdict(int)
    for (kind, file, *_), why in waived:
        groups[(file, kind, why)] += 1
    waived_list = [
        {"what": f"{file}: {n} {kind} point(s)", "why": why}
        for (file, kind, why), n in sorted(groups.items())
    ]
    waived_list += fsum["waived"]
    seen = {key[1] for key in points}
    modules = sorted(
        str(p.relative_to(ROOT))
        for p in (ROOT / "rtl").glob("*.sv")
        if re.search(r"^\s*module\s", p.read_text(), re.M)
    )
    unsimulated = [f for f in modules if f not in seen]
    unexplained = [f for f in unsimulated if f not in NOT_SIMULATED]
    waived_list += [
        {"what": f"{f}: not simulated", "why": NOT_SIMULATED[f]}
        for f in unsimulated
        if f in NOT_SIMULATED
    ]
    summary = {
        "line_pct": round(pct["line"][0], 2),
        "branch_pct": round(pct["branch"][0], 2),
        "toggle_pct": round(pct["toggle"][0], 2),
        "functional_pct": round(fsum["pct"], 2),
        "waived": waived_list,
    }
    (OUT / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    per_file: dict[str, dict] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    missed = defaultdict(list)
    for (kind, file, line, _col, comment), n in sorted(kept.items()):
        per_file[file][kind][1] += 1
        per_file[file][kind][0] += n > 0
        if not n and kind != "toggle":
            missed[file].append(f"{kind} {line} {comment}")
    details = {
        "points": {k: {"hit": v[1], "total": v[2]} for k, v in pct.items()},
        "files": {f: {k: f"{h}/{t}" for k, (h, t) in d.items()} for f, d in per_file.items()},
        "missed": missed,
        "functional": fsum,
        "runs": len(dats),
        "fcov_runs": len(fruns),
        "regression_seconds": None if run_seconds is None else round(run_seconds, 1),
        "regression_rc": rc,
    }
    (OUT / "details.json").write_text(json.dumps(details, indent=1) + "\n")
    print(
        f"coverage of rtl/ ({len(dats)} simulation runs): line {summary['line_pct']} % "
        f"({pct['line'][1]}/{pct['line'][2]}), branch {summary['branch_pct']} % "
        f"({pct['branch'][1]}/{pct['branch'][2]}), toggle {summary['toggle_pct']} % "
        f"({pct['toggle'][1]}/{pct['toggle'][2]}); functional {summary['functional_pct']} % "
        f"({fsum['covered']}/{fsum['bins']} bins, {len(fruns)} runs); "
        f"{len(waived)} points waived"
    )
    if fsum["missing"]:
        print(f"coverage: functional bins missed: {', '.join(fsum['missing'])}")
    print(
        "coverage: build/coverage/summary.json, HTML in build/coverage/html/index.html"
        + (f"; regression {run_seconds:.0f} s" if run_seconds is not None else "")
    )
    bad = [k for k, t in TARGETS.items() if summary[k] < t]
    for f in unexplained:
        print(f"coverage: {f} is not simulated by any suite under tb/", file=sys.stderr)
    bad += unexplained
    for k in bad:
        print(f"coverage: {k} {summary[k]} below the target {TARGETS[k]}", file=sys.stderr)
    if rc:
        print(f"coverage: the regression failed (pytest exit {rc})", file=sys.stderr)
    return 1 if bad or rc else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--report-only", action="store_true", help="only merge and report the last run's files"
    )
    ap.add_argument("--jobs", "-n", type=int, default=os.cpu_count() or 1)
    ap.add_argument(
        "--keep",
        action="store_true",
        help="keep the other runs' files (re-run a part, e.g. -- -k coprocessor)",
    )
    ap.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    rc, secs = 0, None
    if not args.report_only:
        rc, secs = run_regression(args.jobs, args.pytest_args, args.keep)
    return report(secs, rc)


if __name__ == "__main__":
    sys.exit(main())
