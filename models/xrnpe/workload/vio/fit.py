# SPDX-License-Identifier: Apache-2.0
"""``make vio`` stage 2, training (cached): the float32 network pretrained through time, then
fine-tuned from it once per configuration: without quantisers (fp32), with QAT for every
format (uniform), and with QAT for a per-layer choice (the selection's candidates and
winner).  Every configuration starts from the same pretrained parameters."""

from __future__ import annotations

from functools import partial

from .. import qat
from ..common import Cache, Stopwatch, log, net_name
from . import model
from .dataset import Dataset
from .train import train_sequences

FORMATS = qat.FORMAT_NAMES


def sequence_args(config: dict) -> dict:
    """The keyword arguments of ``train_sequences`` that every training run shares."""
    return {
        "length": config["seq_len"],
        "stride": config["seq_stride"],
        "batch": config["batch"],
        "seed": config["train_seed"],
        "weight_decay": config["weight_decay"],
        "v0_noise": config["v0_noise"],
    }


def build_pretrained(config: dict, ds: Dataset):
    net = model.odometry_net(config["init_seed"], config["window"])
    log("pretraining the float32 network (backpropagation through time)")
    hist = train_sequences(
        net,
        None,
        ds.train_data,
        epochs=config["pretrain_epochs"],
        lr=config["pretrain_lr"],
        log=log,
        **sequence_args(config),
    )
    return net, None, {"loss_history": hist}


def build_finetuned(config: dict, ds: Dataset, pretrained, fmts: list | None, tag: str):
    """``pretrained`` fine-tuned with quantisers for per-layer formats ``fmts`` (calibrated
    on the dataset's calibration inputs), or without any (``fmts`` None)."""
    net = pretrained.copy()
    qcfg = None if fmts is None else qat.calibrate(net, fmts, ds.calib_x, seed=config["train_seed"])
    log(f"fine-tuning {tag}" + ("" if fmts is None else f" {fmts}"))
    hist = train_sequences(
        net,
        qcfg,
        ds.train_data,
        epochs=config["finetune_epochs"],
        lr=config["finetune_lr"],
        log=log,
        **sequence_args(config),
    )
    return net, qcfg, {"loss_history": hist}


def finetuned(cache: Cache, config: dict, ds: Dataset, pretrained, fmts: list, tag: str):
    """The (cached) QAT fine-tune of per-layer formats ``fmts``: (net, qcfg, meta)."""
    build = partial(build_finetuned, config, ds, pretrained, fmts, tag)
    return cache.net(net_name(fmts), build)


def train_configurations(cache: Cache, config: dict, ds: Dataset, clock: Stopwatch):
    """The pretrained network and {"fp32", every format: (net, qcfg or None, meta)}."""
    with clock.stage("pretrain"):
        pretrained, _, _ = cache.net("pretrained", partial(build_pretrained, config, ds))
    nets = {}
    with clock.stage("finetune_fp32"):
        build = partial(build_finetuned, config, ds, pretrained, None, "fp32 (no quantisation)")
        nets["fp32"] = cache.net("fp32", build)
    n_layers = len(pretrained.layers)
    for f in FORMATS:
        with clock.stage(f"qat_{f}"):
            nets[f] = finetuned(cache, config, ds, pretrained, [f] * n_layers, f"QAT {f}")
    return pretrained, nets
