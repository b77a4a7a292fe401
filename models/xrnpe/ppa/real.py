# SPDX-License-Identifier: Apache-2.0
"""`make ppa-real`: the PE energy bench on the odometry network's own operands.

`make ppa`'s energy figures drive every PE with uniform random codes.  A trained network's
operands are not uniform: weights cluster near zero, ReLU activations are zero about half of
the time, and successive rows of a convolution overlap.  This bench takes the operands `make
vio` kept (build/vio/operands.npz, xrnpe.workload.vio.operands: per format, per layer, the A
and W codes of the network fine-tuned for that format) and simulates each PE's gate-level
netlist from `make ppa` (build/ppa/<design>/asic, and asic_ungated when present) on them, one
window per layer and format, with the same calculator as `make ppa` (xrnpe.ppa.energy).

Writes build/ppa/real_operands.json: per design and clock-gate view, per format, per layer
the clock / data / leakage / total pJ/MAC at the reference clock, the layer's MACs in one
inference, and the MAC-weighted mean over the layers; beside it, `make ppa`'s random-operand
figure of the same design, view and format.

Usage: python -m xrnpe.ppa.real [--ppa build/ppa] [--operands build/vio/operands.npz]
       [--design NAME ...] [--words N]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from xrnpe.ppa import energy
from xrnpe.ppa.designs import DESIGNS
from xrnpe.ppa.flow import ASIC_DIR, REF_MHZ, energy_split
from xrnpe.ppa.liberty import OSU018, Library

FORMATS = ("fp4", "p4", "p8", "p16")
WORDS = 96  # words per layer window (whole dot products)


def load_operands(path: Path) -> dict[str, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """format -> layer -> (A codes, W codes), in the network's layer order."""
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no operands (make vio writes them)")
    data = np.load(path)
    out: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]] = {}
    for key in data.files:
        fmt, layer, part = key.split("/")
        if part == "a":
            out.setdefault(fmt, {})[layer] = (data[key], data[f"{fmt}/{layer}/w"])
    missing = [f for f in FORMATS if f not in out]
    if missing:
        raise ValueError(f"{path}: no operands for {missing}")
    return out


def windows(operands: dict, words: int = WORDS) -> list[energy.Window]:
    """One window per format and layer, labelled ``<format>/<layer>``."""
    return [
        energy.workload_from_operands(fmt, a, w, words, f"{fmt}/{layer}")
        for fmt in FORMATS
        for layer, (a, w) in operands[fmt].items()
    ]


def summarise(results: dict, operands: dict) -> dict:
    """Per format: each layer's split (pJ/MAC) and the mean weighted by the layer's MACs in
    one inference (rows of A x columns of W x K, over the steps the operands hold)."""
    out = {}
    for fmt in FORMATS:
        layers = {}
        for layer, (a, w) in operands[fmt].items():
            split = energy_split({"x": results[f"{fmt}/{layer}"]}, REF_MHZ)["x"]
            layers[layer] = {**split, "macs": int(a.shape[0] * a.shape[1] * w.shape[1])}
        total_macs = sum(v["macs"] for v in layers.values())
        mean = {
            k: round(sum(v[k] * v["macs"] for v in layers.values()) / total_macs, 3)
            for k in ("clock", "data", "leakage", "total")
        }
        out[fmt] = {"layers": layers, "weighted": mean}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m xrnpe.ppa.real", description=__doc__.split("\n")[0]
    )
    ap.add_argument("--ppa", type=Path, default=Path("build") / "ppa")
    ap.add_argument("--operands", type=Path, default=Path("build") / "vio" / "operands.npz")
    ap.add_argument("--design", action="append", default=[])
    ap.add_argument("--words", type=int, default=WORDS)
    args = ap.parse_args(argv)
    names = args.design or [d.name for d in DESIGNS if d.energy]
    known = {d.name: d for d in DESIGNS if d.energy}
    bad = [n for n in names if n not in known]
    if bad:
        print(f"ppa-real: unknown PE design(s) {bad}; expected {sorted(known)}", file=sys.stderr)
        return 2
    try:
        operands = load_operands(args.operands)
    except (FileNotFoundError, ValueError) as e:
        print(f"ppa-real: {e}", file=sys.stderr)
        return 2
    summary_path = args.ppa / "summary.json"
    random_figures = (
        json.loads(summary_path.read_text())["designs"] if summary_path.is_file() else {}
    )
    lib = Library(OSU018)
    wins = windows(operands, args.words)
    report: dict = {"operands": str(args.operands), "words_per_window": args.words, "designs": {}}
    for name in names:
        d = known[name]
        views = {}
        for view, sub in ASIC_DIR.items():
            netlist_dir = args.ppa / name / sub
            if not (netlist_dir / "netlist.json").is_file():
                continue
            print(f"ppa-real: {name} ({view}): {len(wins)} windows", flush=True)
            res = energy.run(
                netlist_dir,
                d.top_module(),
                lib,
                work=args.ppa / name / f"real_{view}",
                windows=wins,
            )
            views[view] = summarise(res, operands)
            rnd = random_figures.get(name, {}).get("energy", {}).get(view)
            if rnd:
                for fmt in FORMATS:
                    views[view][fmt]["random_operands"] = rnd.get(fmt)
        if not views:
            print(f"ppa-real: {args.ppa / name}: no netlist (run make ppa first)", file=sys.stderr)
            return 2
        report["designs"][name] = views
    out = args.ppa / "real_operands.json"
    out.write_text(json.dumps(report, indent=1) + "\n")
    for name, views in report["designs"].items():
        for view, per in views.items():
            cells = ", ".join(f"{f} {per[f]['weighted']['total']:.1f}" for f in FORMATS)
            print(f"ppa-real: {name:<12} {view:<8} pJ/MAC (MAC-weighted over layers): {cells}")
    print(f"ppa-real: -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
