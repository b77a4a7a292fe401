# SPDX-License-Identifier: Apache-2.0
"""Layer-adaptive format selection: per-layer sensitivity, then a cost-minimising search.

One selection library for both workloads (docs/workload.md "Layer sensitivity and selection",
docs/vio.md "Layer-adaptive selection"); what differs is the error measure and the cost:

- ``single_layer_sensitivity``: only layer l is quantised to format f (calibrated scales, all
  other layers stay float32) and measured on the validation split; for the narrow formats the
  measurement is taken again after a short QAT fine-tune of that single-layer configuration
  (post-training numbers are kept too), because the final configuration is QAT-fine-tuned as
  well: post-training 4-bit numbers would overstate what QAT cannot recover.
- ``rank``: every assignment of formats to layers (4**L) gets a predicted error increase = the
  sum of its layers' increases (additive model); assignments within the budget are sorted by
  a cost (weight bits for the digits, energy per inference then weight bits for the odometry
  network), then by the predicted increase.
- ``verify_candidates``: the cheapest candidates are QAT-fine-tuned and *verified* on the
  validation split one at a time until one is accepted; ``choose`` picks the cheapest
  accepted configuration.

The digits workload's entry points ``layer_sensitivity`` and ``rank_assignments`` keep their
accuracy-based tables (drop in points, cross-entropy increase as the tie-breaker).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from . import qat
from .net import Net

FORMATS = qat.FORMAT_NAMES


def single_layer_configs(n_layers: int, layer: int, fmt: str) -> list:
    """Formats with only ``layer`` quantised to ``fmt`` (None = float32 elsewhere)."""
    fmts: list = [None] * n_layers
    fmts[layer] = fmt
    return fmts


def single_layer_sensitivity(
    net: Net,
    *,
    calibrate: Callable,
    measure: Callable,
    finetune: Callable | None = None,
    formats=FORMATS,
    finetune_if: Callable = lambda f: qat.width(f) < 8,
    log: Callable | None = None,
) -> list[list[dict]]:
    """Per layer, per format: ``{"ptq": measure(net, qcfg), "final": ..., "qat": bool}``.

    calibrate(fmts) -> qcfg for the single-layer configuration; measure(net, qcfg) -> dict of
    numbers (validation split); finetune(net_copy, qcfg) trains the copy in place (run only
    where ``finetune_if(fmt)``).  ``final`` is the fine-tuned measurement, or the
    post-training one where no fine-tune ran.
    """
    table = []
    for li in range(len(net.layers)):
        row = {}
        for f in formats:
            qcfg = calibrate(single_layer_configs(len(net.layers), li, f))
            ptq = measure(net, qcfg)
            entry = {"ptq": ptq, "final": ptq, "qat": False}
            if finetune is not None and finetune_if(f):
                n = net.copy()
                finetune(n, qcfg)
                entry["final"] = measure(n, qcfg)
                entry["qat"] = True
            row[f] = entry
            if log:
                log(
                    f"  sensitivity {net.layers[li].name or li} {f:>4}: ptq {_fmt(ptq)}"
                    + (f"  qat {_fmt(entry['final'])}" if entry["qat"] else "")
                )
        table.append(row)
    return table


def _fmt(m: dict) -> str:
    return " ".join(f"{k} {v:.4f}" for k, v in m.items() if isinstance(v, (int, float)))


def rank(
    n_layers: int,
    increase: np.ndarray,
    *,
    budget: float,
    cost: Callable,
    tie: np.ndarray | None = None,
    formats=FORMATS,
) -> list[tuple]:
    """Feasible assignments, cheapest first: [(combo, predicted increase, predicted tie)].

    increase[l, i]: error increase of layer l in ``formats[i]`` (additive model); an assignment
    is feasible if its summed increase <= budget.  Sorted by (cost(combo), increase, tie).
    """
    tie = np.zeros_like(increase) if tie is None else tie
    out = []
    for idx in itertools.product(range(len(formats)), repeat=n_layers):
        combo = tuple(formats[i] for i in idx)
        inc = sum(increase[li, i] for li, i in enumerate(idx))
        tb = sum(tie[li, i] for li, i in enumerate(idx))
        if inc <= budget + 1e-9:
            out.append((combo, inc, tb))
    out.sort(key=lambda c: (cost(c[0]), c[1], c[2]))
    return out


def weight_bits_of(net: Net, combo) -> int:
    """Total matmul weight bits of ``net`` with one format per layer."""
    return int(sum(n * qat.width(f) for n, f in zip(net.n_weights(), combo, strict=True)))


def verify_candidates(
    candidates: list[dict], verify: Callable, *, max_tries: int, skip: Callable = lambda fmts: False
) -> list[dict]:
    """QAT-verify ranked candidates one at a time until one is accepted.

    candidates: dicts with "layer_formats" (cheapest first); the first ``max_tries`` are
    considered, those where ``skip(layer_formats)`` (e.g. uniform configurations verified
    elsewhere) are passed over.  verify(layer_formats) -> dict with at least "accepted".
    Returns the attempts ({**candidate, "source": "sensitivity ranking", **verify(...)}).
    """
    attempts = []
    for cand in candidates[:max_tries]:
        fm = cand["layer_formats"]
        if skip(fm):
            continue
        rec = verify(fm)
        attempts.append({**cand, "source": "sensitivity ranking", **rec})
        if rec["accepted"]:
            break
    return attempts


def choose(attempts: list[dict], key: Callable, fallback: list) -> list:
    """The layer formats of the accepted attempt minimising ``key``, else ``fallback``."""
    ok = [a for a in attempts if a["accepted"]]
    return list(min(ok, key=key)["layer_formats"]) if ok else list(fallback)


# ------------------------------------------------------------------ digits workload
def layer_sensitivity(
    net: Net,
    x_train,
    y_train,
    x_val,
    y_val,
    *,
    formats=FORMATS,
    qat_epochs: int = 1,
    lr: float = 1e-3,
    seed: int = 0,
    batch: int = 32,
    calib_x=None,
    log=None,
) -> dict:
    """{"base": {acc, loss}, "layers": [{fmt: {ptq_acc, ptq_loss, acc, loss, drop_pts,
    dloss, qat}}]} for every layer and format (validation split)."""
    calib_x = x_train if calib_x is None else calib_x
    base_acc = qat.accuracy(net, None, x_val, y_val)
    base_loss = qat.mean_loss(net, None, x_val, y_val)

    def measure(n, qcfg):
        return {
            "acc": qat.accuracy(n, qcfg, x_val, y_val),
            "loss": qat.mean_loss(n, qcfg, x_val, y_val),
        }

    def finetune(n, qcfg):
        qat.train(n, qcfg, x_train, y_train, epochs=qat_epochs, lr=lr, seed=seed, batch=batch)

    table = single_layer_sensitivity(
        net,
        calibrate=lambda fmts: qat.calibrate(net, fmts, calib_x, seed=seed),
        measure=measure,
        finetune=finetune if qat_epochs > 0 else None,
        formats=formats,
        log=log,
    )
    layers = []
    for row in table:
        out = {}
        for f, e in row.items():
            entry = {
                "ptq_acc": e["ptq"]["acc"],
                "ptq_loss": e["ptq"]["loss"],
                "acc": e["final"]["acc"],
                "loss": e["final"]["loss"],
                "qat": e["qat"],
            }
            entry["drop_pts"] = max(0.0, 100.0 * (base_acc - entry["acc"]))
            entry["dloss"] = max(0.0, entry["loss"] - base_loss)
            out[f] = entry
        layers.append(out)
    return {"base": {"acc": base_acc, "loss": base_loss}, "layers": layers}


def rank_assignments(net: Net, sens: dict, budget_pts: float, formats=FORMATS) -> list[dict]:
    """Feasible assignments (predicted drop <= budget_pts), cheapest weight bits first."""
    ranked = rank(
        len(net.layers),
        sensitivity_matrix(sens, "drop_pts", formats),
        budget=budget_pts,
        cost=lambda c: weight_bits_of(net, c),
        tie=sensitivity_matrix(sens, "dloss", formats),
        formats=formats,
    )
    return [
        {
            "layer_formats": list(combo),
            "weight_bits": weight_bits_of(net, combo),
            "predicted_drop_pts": drop,
            "predicted_dloss": dloss,
        }
        for combo, drop, dloss in ranked
    ]


def sensitivity_matrix(sens: dict, key: str = "drop_pts", formats=FORMATS) -> np.ndarray:
    return np.array([[row[f][key] for f in formats] for row in sens["layers"]])
