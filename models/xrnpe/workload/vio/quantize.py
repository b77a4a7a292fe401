# SPDX-License-Identifier: Apache-2.0
"""``make vio`` stage 3, quantisation (cached): each layer's sensitivity to each format on the
validation part, the feasible per-layer assignments ranked by cost (energy per inference and
weight bits, each relative to all-p8), the cheapest candidates QAT-verified against the error
budget, and the chosen mixed configuration."""

from __future__ import annotations

import hashlib
import json
from functools import partial

import numpy as np

from .. import energy, mixed, qat
from ..common import Cache, is_uniform, log
from .dataset import Dataset, val_error
from .fit import finetuned, sequence_args
from .train import train_sequences

FORMATS = qat.FORMAT_NAMES


class Costs:
    """What a per-layer format assignment costs: energy per inference (MACs per layer x the
    PPA table's pJ/MAC) and weight bits, each relative to all-p8 and summed for the
    selection (both objectives count equally)."""

    def __init__(self, net, table: dict):
        self.table = table
        self.net = net
        self.macs = energy.layer_macs(net)
        self.p8_energy = self.energy(["p8"] * len(self.macs))
        self.p8_bits = mixed.weight_bits_of(net, ["p8"] * len(self.macs))

    def energy(self, fmts) -> float:
        return energy.energy_per_inference(self.macs, list(fmts), self.table)

    def cost(self, fmts) -> float:
        return (
            self.energy(fmts) / self.p8_energy + mixed.weight_bits_of(self.net, fmts) / self.p8_bits
        )

    def rank_key(self, fmts) -> tuple[float, float]:
        return self.cost(fmts), self.energy(fmts)


# ------------------------------------------------------------------ sensitivity
def _sens_finetune(config: dict, ds: Dataset, net, qcfg) -> None:
    train_sequences(
        net,
        qcfg,
        ds.train_data,
        epochs=config["sens_epochs"],
        lr=config["finetune_lr"],
        **sequence_args(config),
    )


def _calibrate(config: dict, ds: Dataset, fp32_net, fmts):
    return qat.calibrate(fp32_net, fmts, ds.calib_x, seed=config["train_seed"])


def _measure(ds: Dataset, net, qcfg) -> dict:
    return {"val_error": val_error(ds, net, qcfg)}


def _increase_rows(table: list, fp32_val: float, base_ft: float) -> list[dict]:
    """Per layer and format: errors and the increase in % over the matching baseline."""
    rows = []
    for row in table:
        out_row = {}
        for f, e in row.items():
            base = base_ft if e["qat"] else fp32_val
            out_row[f] = {
                "ptq_val_error": e["ptq"]["val_error"],
                "val_error": e["final"]["val_error"],
                "qat": e["qat"],
                "increase_pct": max(0.0, 100.0 * (e["final"]["val_error"] - base) / base),
            }
        rows.append(out_row)
    return rows


def build_sensitivity(config: dict, ds: Dataset, fp32_net, fp32_val: float) -> dict:
    finetune = partial(_sens_finetune, config, ds) if config["sens_epochs"] > 0 else None
    # a QAT'd single-layer configuration is compared with the fp32 network fine-tuned for the
    # same epochs without quantisers (so the extra training does not count as a gain of the
    # format); post-training ones with the fp32 network itself
    base_ft = fp32_val
    if finetune is not None:
        ref = fp32_net.copy()
        finetune(ref, None)
        base_ft = val_error(ds, ref, None)
    table = mixed.single_layer_sensitivity(
        fp32_net,
        calibrate=partial(_calibrate, config, ds, fp32_net),
        measure=partial(_measure, ds),
        finetune=finetune,
        log=log,
    )
    return {
        "base_val_error": fp32_val,
        "base_finetuned_val_error": base_ft,
        "layers": _increase_rows(table, fp32_val, base_ft),
    }


def sensitivity(cache: Cache, config: dict, ds: Dataset, fp32_net, fp32_val: float) -> dict:
    return cache.json("sensitivity", partial(build_sensitivity, config, ds, fp32_net, fp32_val))


# ------------------------------------------------------------------ selection
class Selection:
    """The inputs of the selection: the run's cache, configuration, data, trained networks,
    costs and the fp32 network's validation error."""

    def __init__(self, cache: Cache, config: dict, ds: Dataset, pretrained, nets, costs, fp32_val):
        self.cache, self.config, self.ds = cache, config, ds
        self.pretrained, self.nets, self.costs = pretrained, nets, costs
        self.fp32_val = fp32_val
        self.n_layers = len(pretrained.layers)
        self.limit = fp32_val * (1 + config["verify_budget_pct"] / 100.0)

    def candidates(self, sens: dict) -> list[dict]:
        """The feasible assignments under the predicted budget, cheapest first."""
        increase = np.array([[row[f]["increase_pct"] for f in FORMATS] for row in sens["layers"]])
        ranked = mixed.rank(
            self.n_layers,
            increase,
            budget=self.config["select_budget_pct"],
            cost=self.costs.rank_key,
        )
        fp32_net = self.nets["fp32"][0]
        return [
            {
                "layer_formats": list(c),
                "cost": self.costs.cost(c),
                "energy_pj_per_inference": self.costs.energy(c),
                "weight_bits": mixed.weight_bits_of(fp32_net, c),
                "predicted_increase_pct": inc,
            }
            for c, inc, _ in ranked
        ]

    def uniform_attempts(self) -> list[dict]:
        """The uniform QAT networks, already trained: verified configurations too."""
        attempts = []
        for f in FORMATS:
            net, qcfg, _ = self.nets[f]
            fm = [f] * self.n_layers
            val = val_error(self.ds, net, qcfg)
            attempts.append(
                {
                    "layer_formats": fm,
                    "cost": self.costs.cost(fm),
                    "energy_pj_per_inference": self.costs.energy(fm),
                    "weight_bits": mixed.weight_bits_of(net, fm),
                    "source": "uniform QAT",
                    "val_error": val,
                    "accepted": val <= self.limit + 1e-9,
                }
            )
        return attempts

    def trained(self, fmts: list):
        """The (cached) QAT network of a mixed assignment: (net, qcfg, meta)."""
        return finetuned(self.cache, self.config, self.ds, self.pretrained, fmts, "mixed")

    def verify(self, fmts: list) -> dict:
        net, qcfg, _ = self.trained(fmts)
        val = val_error(self.ds, net, qcfg)
        ok = val <= self.limit + 1e-9
        log(
            f"  candidate {fmts}: {self.costs.energy(fmts):.0f} pJ, val error {val:.3f} % "
            f"({'accepted' if ok else 'rejected'}, limit {self.limit:.3f} %)"
        )
        return {"val_error": val, "accepted": ok}

    def build(self, sens: dict) -> dict:
        cands = self.candidates(sens)
        attempts = self.uniform_attempts()
        attempts += mixed.verify_candidates(
            cands, self.verify, max_tries=self.config["max_tries"], skip=is_uniform
        )
        chosen = mixed.choose(attempts, key=_preference, fallback=["p16"] * self.n_layers)
        log(f"  chosen {chosen}")
        return {
            "chosen": chosen,
            "limit_val_error": self.limit,
            "attempts": attempts,
            "n_feasible": len(cands),
            "ranked_head": cands[:8],
        }

    def run(self, sens: dict) -> dict:
        """The cached selection (one per energy table: the ranking depends on it)."""
        table = self.costs.table
        table_tag = hashlib.sha256(json.dumps(table, sort_keys=True).encode()).hexdigest()[:8]
        return self.cache.json(f"selection_{table_tag}", partial(self.build, sens))


def _preference(attempt: dict) -> tuple:
    """Among accepted attempts: cheapest, then least energy, then smallest error."""
    return attempt["cost"], attempt["energy_pj_per_inference"], attempt["val_error"]
