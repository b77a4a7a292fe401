# SPDX-License-Identifier: Apache-2.0
"""``make vio`` stage 6, reports: DIR/report.json (CONTRACT section 5, nothing else in it),
DIR/details.json (everything else: configuration, data, network, energy table, per-
configuration results, dead reckoning, sensitivity, selection, targets, RTL, stage times) and
the two figures (``plots``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .. import energy, qat
from ..common import RtlOutcome, Stopwatch, log
from . import metrics
from .dataset import Dataset
from .plots import plot_error_energy, plot_trajectories

FORMATS = qat.FORMAT_NAMES

TARGETS = {
    "dead_reckoning_ratio": 0.5,
    "p16_pct": 5.0,
    "mixed_pct": 8.0,
    "mixed_bits_vs_p8": 0.5,
    "mixed_efficiency_vs_p8": 1.23,
    "rtl_windows": 200,
}


@dataclass
class Outcome:
    """What the stages produced, as the reports need it."""

    config: dict
    key: str
    cache_hits: dict
    ds: Dataset
    fp32_net: object
    macs: list
    table: dict
    ppa_summary: Path | None
    results: dict
    trajectories: dict
    dead_reckoning: dict
    sensitivity: dict
    selection: dict
    rtl: RtlOutcome


def contract_report(o: Outcome) -> dict:
    """report.json (CONTRACT section 5)."""
    span = o.ds.span()
    res = o.results
    return {
        "dataset": o.ds.seq.name
        + (f", first {o.config['span_s']:g} s (quick slice)" if o.config["span_s"] else "")
        + f"; test part {span['test'][0]:.0f}-{span['test'][1]:.0f} s",
        "metric": metrics.METRIC_NAME,
        "dead_reckoning": o.dead_reckoning["test"]["value"],
        "fp32": {"value": res["fp32"]["test"]["value"], "weight_bits": res["fp32"]["weight_bits"]},
        "formats": {
            f: {
                "value": res[f]["test"]["value"],
                "weight_bits": res[f]["weight_bits"],
                "energy_pj_per_inference": res[f]["energy_pj_per_inference"],
            }
            for f in FORMATS
        },
        "mixed": {
            "value": res["mixed"]["test"]["value"],
            "layer_formats": o.selection["chosen"],
            "weight_bits": res["mixed"]["weight_bits"],
            "energy_pj_per_inference": res["mixed"]["energy_pj_per_inference"],
        },
        "rtl_check": o.rtl.summary,
    }


def check_targets(report: dict) -> dict:
    """The issue's targets against fp32 and all-p8, with the measured margins."""
    fp32 = report["fp32"]["value"]
    p8 = report["formats"]["p8"]
    mix = report["mixed"]
    eff = p8["energy_pj_per_inference"] / mix["energy_pj_per_inference"]
    out = {
        "fp32_at_most_half_of_dead_reckoning": {
            "met": fp32 <= TARGETS["dead_reckoning_ratio"] * report["dead_reckoning"],
            "ratio": fp32 / report["dead_reckoning"],
        },
        "p16_within_5pct_of_fp32": {
            "met": report["formats"]["p16"]["value"] <= fp32 * (1 + TARGETS["p16_pct"] / 100),
            "increase_pct": 100 * (report["formats"]["p16"]["value"] / fp32 - 1),
        },
        "mixed_within_8pct_of_fp32": {
            "met": mix["value"] <= fp32 * (1 + TARGETS["mixed_pct"] / 100),
            "increase_pct": 100 * (mix["value"] / fp32 - 1),
        },
        "mixed_at_most_half_the_bits_of_p8": {
            "met": mix["weight_bits"] <= TARGETS["mixed_bits_vs_p8"] * p8["weight_bits"],
            "ratio": mix["weight_bits"] / p8["weight_bits"],
        },
        "mixed_1.23x_energy_efficiency_of_p8": {
            "met": eff >= TARGETS["mixed_efficiency_vs_p8"],
            "ratio": eff,
        },
        "rtl_200_windows_bit_exact": {
            "met": report["rtl_check"]["bit_exact"]
            and report["rtl_check"]["windows"] >= TARGETS["rtl_windows"],
            "windows": report["rtl_check"]["windows"],
        },
    }
    return out


def network_table(net, macs: list) -> list[dict]:
    return [
        {
            "name": layer.name,
            "kind": layer.kind,
            "K": layer.K,
            "N": layer.N,
            "k": layer.k,
            "stride": layer.stride,
            "gap": layer.gap,
            "relu": layer.relu,
            "weights": layer.n_weights,
            "macs": m,
        }
        for layer, m in zip(net.layers, macs, strict=True)
    ]


def _dead_reckoning_detail(o: Outcome) -> dict:
    dr, grid, step = o.dead_reckoning, o.ds.grid, o.ds.step
    return {
        "test": dr["test"],
        "evo": dr["evo"],
        "alignment_study": dr["alignment"],
        "position_error_m_after_s": {
            f"{k * step / grid.rate:g}": float(dr["error_m"][k])
            for k in (10, 20, 60, 120, 200)
            if k < len(dr["error_m"])
        },
    }


def details(o: Outcome, targets: dict, times: dict) -> dict:
    """details.json."""
    return {
        "config": o.config,
        "cache_key": o.key,
        "cache_hits": o.cache_hits,
        "parts_s": o.ds.span(),
        "steps": {p: len(o.ds.parts[p].ends) for p in o.ds.parts},
        "gyro_bias_rad_s": o.ds.bias.tolist(),
        "normaliser": o.ds.norm.to_dict(),
        "network": network_table(o.fp32_net, o.macs),
        "pj_per_mac": o.table,
        "pj_per_mac_source": str(o.ppa_summary or energy.default_summary_path()),
        "results": o.results,
        "dead_reckoning": _dead_reckoning_detail(o),
        "sensitivity": o.sensitivity,
        "selection": o.selection,
        "targets": targets,
        "rtl": o.rtl.detail,
        "runtime_s": times,
    }


def write(out: Path, o: Outcome, clock: Stopwatch) -> None:
    """report.json, details.json (its total time taken after report.json is written), the
    figures and the closing log lines."""
    report = contract_report(o)
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    targets = check_targets(report)
    clock.total()
    (out / "details.json").write_text(json.dumps(details(o, targets, clock.times), indent=1) + "\n")
    ds = o.ds
    plot_trajectories(
        out / "trajectory.png",
        ds.truth,
        ds.grid,
        ds.splits,
        o.trajectories,
        o.dead_reckoning["trajectory"],
        report,
    )
    plot_error_energy(out / "error_vs_energy.png", report, o.table)
    log(json.dumps(report))
    log(
        "targets: "
        + ", ".join(f"{k} {'met' if v['met'] else 'MISSED'}" for k, v in targets.items())
        + f"; total {clock.times['total']} s"
    )
