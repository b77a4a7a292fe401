# SPDX-License-Identifier: Apache-2.0
"""Layer-adaptive format selection: per-layer sensitivity, then a bit-minimising search.

Sensitivity of layer l to format f: only layer l is quantised (calibrated scales, all other
layers stay float32), measured on the validation split as the accuracy drop (points) and the
cross-entropy increase against the float32 network.  For the 4-bit formats the number is taken
after a short QAT fine-tune of that single-layer configuration (post-training numbers are
recorded too), because the final configuration is QAT-fine-tuned as well: post-training
4-bit numbers would overstate what QAT cannot recover.

Selection: every assignment of formats to layers (4**L, 64 for three layers) gets a predicted
drop = sum of its layers' drops (additive model).  Assignments with predicted drop <= budget are
sorted by (total weight bits, predicted drop, summed loss increase); the cheapest is QAT-fine-
tuned and *verified* on the validation split; if it misses the verification budget the next one
is tried (``run.py`` drives this loop).
"""

from __future__ import annotations

import itertools

import numpy as np

from . import qat
from .net import Net

FORMATS = qat.FORMAT_NAMES


def layer_sensitivity(net: Net, x_train, y_train, x_val, y_val, *, formats=FORMATS,
                      qat_epochs: int = 1, lr: float = 1e-3, seed: int = 0, batch: int = 32,
                      calib_x=None, log=None) -> dict:
    """{"base": {acc, loss}, "layers": [{fmt: {ptq_acc, ptq_loss, acc, loss, drop_pts,
    dloss, qat}}]} for every layer and format (validation split)."""
    calib_x = x_train if calib_x is None else calib_x
    base_acc = qat.accuracy(net, None, x_val, y_val)
    base_loss = qat.mean_loss(net, None, x_val, y_val)
    layers = []
    for l in range(len(net.layers)):
        row = {}
        for f in formats:
            fmts = [None] * len(net.layers)
            fmts[l] = f
            qcfg = qat.calibrate(net, fmts, calib_x, seed=seed)
            ptq_acc = qat.accuracy(net, qcfg, x_val, y_val)
            ptq_loss = qat.mean_loss(net, qcfg, x_val, y_val)
            entry = {"ptq_acc": ptq_acc, "ptq_loss": ptq_loss, "acc": ptq_acc, "loss": ptq_loss,
                     "qat": False}
            if qat.width(f) < 8 and qat_epochs > 0:
                n = net.copy()
                qat.train(n, qcfg, x_train, y_train, epochs=qat_epochs, lr=lr, seed=seed,
                          batch=batch)
                entry["acc"] = qat.accuracy(n, qcfg, x_val, y_val)
                entry["loss"] = qat.mean_loss(n, qcfg, x_val, y_val)
                entry["qat"] = True
            entry["drop_pts"] = max(0.0, 100.0 * (base_acc - entry["acc"]))
            entry["dloss"] = max(0.0, entry["loss"] - base_loss)
            row[f] = entry
            if log:
                log(f"  sensitivity {net.layers[l].name or l} {f:>4}: ptq acc {ptq_acc:.4f}  "
                    f"{'qat' if entry['qat'] else 'ptq'} acc {entry['acc']:.4f}  "
                    f"drop {entry['drop_pts']:.2f} pts  dloss {entry['dloss']:.4f}")
        layers.append(row)
    return {"base": {"acc": base_acc, "loss": base_loss}, "layers": layers}


def rank_assignments(net: Net, sens: dict, budget_pts: float, formats=FORMATS) -> list[dict]:
    """Feasible assignments (predicted drop <= budget_pts), cheapest weight bits first."""
    n_w = net.n_weights()
    out = []
    for combo in itertools.product(formats, repeat=len(net.layers)):
        drop = sum(sens["layers"][l][f]["drop_pts"] for l, f in enumerate(combo))
        dloss = sum(sens["layers"][l][f]["dloss"] for l, f in enumerate(combo))
        bits = sum(n * qat.width(f) for n, f in zip(n_w, combo))
        if drop <= budget_pts + 1e-9:
            out.append({"layer_formats": list(combo), "weight_bits": int(bits),
                        "predicted_drop_pts": drop, "predicted_dloss": dloss})
    out.sort(key=lambda c: (c["weight_bits"], c["predicted_drop_pts"], c["predicted_dloss"]))
    return out


def sensitivity_matrix(sens: dict, key: str = "drop_pts", formats=FORMATS) -> np.ndarray:
    return np.array([[row[f][key] for f in formats] for row in sens["layers"]])
