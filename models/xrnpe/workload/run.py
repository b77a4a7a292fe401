# SPDX-License-Identifier: Apache-2.0
"""``make workload``: train (cached), select, evaluate through the co-processor paths, report.

    python -m xrnpe.workload.run [--retrain] [--no-rtl] [--rtl-images N] [--rtl-chained]
                                 [--sim verilator|icarus] [--out DIR]

Writes DIR/report.json (CONTRACT section 5, nothing else in it), DIR/details.json (everything
else: weight bits, sensitivities, selection attempts, agreement statistics, runtimes) and
DIR/accuracy.png.  DIR defaults to <repo>/build/workload; trained parameters are cached in
DIR/cache/<key>/ where the key hashes the training configuration and the sources that
determine the result, so a second run only evaluates.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from . import api, data, mixed, qat
from .common import (
    Cache,
    RtlOutcome,
    Stopwatch,
    cache_key,
    is_uniform,
    log,
    net_name,
    repo_root,
    rtl_crashed,
    rtl_mismatch,
    rtl_not_run,
    rtl_skip_reason,
    single_blas_thread,
)
from .net import digits_cnn

FORMATS = qat.FORMAT_NAMES

CONFIG = {
    "version": 1,
    "net": "digits_cnn",
    "init_seed": 0,
    "train_seed": 0,
    "split_seed": data.SPLIT_SEED,
    "aug_copies": 3,
    "aug_seed": 1,
    "batch": 32,
    "fp32_epochs": 12,
    "fp32_lr": 3e-3,
    "qat_epochs": 4,
    "qat_lr": 1e-3,
    "sens_qat_epochs": 1,
    "select_budget_pts": 1.0,
    "verify_budget_pts": 1.0,
    "max_tries": 4,
    "weight_decay": 1e-4,
}

# Sources whose changes can change trained parameters (run.py's pipeline logic is covered by
# CONFIG["version"]: bump it when the training/selection procedure in run.py changes).
_SOURCES = [
    "workload/data.py",
    "workload/net.py",
    "workload/qat.py",
    "workload/mixed.py",
    "vector.py",
    "codec.py",
    "formats.py",
]


# ------------------------------------------------------------------ main pipeline
def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="python -m xrnpe.workload.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--retrain", action="store_true", help="ignore the training cache")
    ap.add_argument("--no-rtl", action="store_true", help="skip the RTL bit-exactness check")
    ap.add_argument("--rtl-images", type=int, default=20, help="test images through the RTL")
    ap.add_argument(
        "--sim",
        default="icarus",
        choices=("icarus", "verilator"),
        help="simulator for the RTL check (default icarus, a few minutes for 20 "
        "images; verilator is faster once its build is cached)",
    )
    ap.add_argument(
        "--rtl-chained",
        action="store_true",
        help="RTL check layer by layer on the RTL's own outputs (one simulator "
        "session per layer) instead of all layers in one session",
    )
    ap.add_argument("--out", type=Path, default=None, help="output dir (default build/workload)")
    return ap.parse_args(argv)


def main(argv=None) -> int:
    return single_blas_thread(_run, parse_args(argv))


@dataclass
class Digits:
    """The splits and the shift-augmented training set."""

    s: data.Splits
    xa: np.ndarray
    ya: np.ndarray


def _train(net, qcfg, d: Digits, epochs: int, lr: float) -> list:
    C = CONFIG
    return qat.train(
        net,
        qcfg,
        d.xa,
        d.ya,
        epochs=epochs,
        lr=lr,
        batch=C["batch"],
        seed=C["train_seed"],
        weight_decay=C["weight_decay"],
        log=log,
    )


def build_fp32(d: Digits):
    n = digits_cnn(CONFIG["init_seed"])
    log("training float32 baseline")
    hist = _train(n, None, d, CONFIG["fp32_epochs"], CONFIG["fp32_lr"])
    return n, None, {"loss_history": hist}


def build_qat(d: Digits, fp32_net, fmts: list, tag: str):
    """``fp32_net`` calibrated for per-layer formats ``fmts`` and QAT-trained."""
    n = fp32_net.copy()
    qcfg = qat.calibrate(n, fmts, d.s.x_train, seed=CONFIG["train_seed"])
    log(f"QAT {tag} {fmts}")
    hist = _train(n, qcfg, d, CONFIG["qat_epochs"], CONFIG["qat_lr"])
    ptq = qat.accuracy(fp32_net, qcfg, d.s.x_val, d.s.y_val)
    return n, qcfg, {"loss_history": hist, "ptq_val_acc": ptq}


def qat_net(cache: Cache, d: Digits, fp32_net, fmts: list, tag: str):
    return cache.net(net_name(fmts), partial(build_qat, d, fp32_net, fmts, tag))


def train_stage(cache: Cache, d: Digits, clock: Stopwatch):
    """1. the float32 baseline, 2. uniform QAT per format: (fp32 net, {format: net})."""
    with clock.stage("fp32_train"):
        fp32_net, _, _ = cache.net("fp32", partial(build_fp32, d))
    fp32_val = qat.accuracy(fp32_net, None, d.s.x_val, d.s.y_val)
    fp32_test = qat.accuracy(fp32_net, None, d.s.x_test, d.s.y_test)
    log(f"float32: val {fp32_val:.4f} test {fp32_test:.4f}")
    nets = {}
    for f in FORMATS:
        with clock.stage(f"qat_{f}"):
            nets[f] = qat_net(cache, d, fp32_net, [f] * len(fp32_net.layers), f)
    return fp32_net, fp32_val, fp32_test, nets


def sensitivity_stage(cache: Cache, d: Digits, fp32_net) -> dict:
    C = CONFIG
    build = partial(
        mixed.layer_sensitivity,
        fp32_net,
        d.xa,
        d.ya,
        d.s.x_val,
        d.s.y_val,
        qat_epochs=C["sens_qat_epochs"],
        lr=C["qat_lr"],
        seed=C["train_seed"],
        batch=C["batch"],
        calib_x=d.s.x_train,
        log=log,
    )
    return cache.json("sensitivity", build)


def _accepted(fp32_val: float, val: float) -> bool:
    return 100 * (fp32_val - val) <= CONFIG["verify_budget_pts"] + 1e-9


def _verify(cache: Cache, d: Digits, fp32_net, fp32_val: float, fm: list) -> dict:
    n, qcfg, _ = qat_net(cache, d, fp32_net, fm, "mixed")
    val = qat.accuracy(n, qcfg, d.s.x_val, d.s.y_val)
    ok = _accepted(fp32_val, val)
    log(
        f"  candidate {fm} {api.weight_bits(n, fm)} bits: val {val:.4f} "
        f"({'accepted' if ok else 'rejected'})"
    )
    return {"val_acc": val, "accepted": ok}


def _preference(attempt: dict) -> tuple:
    """Among accepted attempts: fewest weight bits, then highest validation accuracy."""
    return attempt["weight_bits"], -attempt["val_acc"]


def build_selection(cache: Cache, d: Digits, fp32_net, fp32_val: float, sens: dict, nets):
    cands = mixed.rank_assignments(fp32_net, sens, CONFIG["select_budget_pts"])
    attempts = []
    # uniform QAT networks are already trained: they are verified configurations too
    for f in FORMATS:
        n, qcfg, _ = nets[f]
        fm = [f] * len(fp32_net.layers)
        val = qat.accuracy(n, qcfg, d.s.x_val, d.s.y_val)
        attempts.append(
            {
                "layer_formats": fm,
                "weight_bits": api.weight_bits(n, fm),
                "source": "uniform QAT",
                "val_acc": val,
                "accepted": _accepted(fp32_val, val),
            }
        )
    verify = partial(_verify, cache, d, fp32_net, fp32_val)
    attempts += mixed.verify_candidates(
        cands, verify, max_tries=CONFIG["max_tries"], skip=is_uniform
    )
    if not any(a["accepted"] for a in attempts):
        log("  no configuration verified: falling back to all-p16")
    fallback = ["p16"] * len(fp32_net.layers)
    chosen = mixed.choose(attempts, key=_preference, fallback=fallback)
    log(f"  chosen {chosen}")
    return {"chosen": chosen, "attempts": attempts, "n_feasible": len(cands)}


def evaluate_network(n, qcfg, meta: dict, s: data.Splits, clock: Stopwatch, name: str) -> dict:
    """4. one network on the test set through the hardware path (xrnpe.matmul.matmul,
    exact) against its QAT forward."""
    with clock.stage(f"model_infer_{name}"):
        logits_model = api.infer(n, qcfg, s.x_test, "model")
    logits_qat = qat.predict_logits(n, qcfg, s.x_test)
    pred_m = logits_model.argmax(1)
    pred_q = logits_qat.argmax(1)
    agree = float((pred_m == pred_q).mean())
    fmts = [q.fmt for q in qcfg]
    r = {
        "layer_formats": fmts,
        "weight_bits": api.weight_bits(n, fmts),
        "test_acc_model": float((pred_m == s.y_test).mean()),
        "test_acc_qat_forward": float((pred_q == s.y_test).mean()),
        "val_acc_qat_forward": qat.accuracy(n, qcfg, s.x_val, s.y_val),
        "ptq_val_acc": meta.get("ptq_val_acc"),
        "qat_vs_model_class_agreement": agree,
        "qat_vs_model_max_abs_logit_diff": float(np.abs(logits_model - logits_qat).max()),
        "scales": [q.to_dict() for q in qcfg],
    }
    log(
        f"{name:>5} {fmts}: test acc {r['test_acc_model']:.4f} (model path), "
        f"{r['weight_bits']} weight bits, QAT-forward agreement {agree:.4f}, "
        f"max |dlogit| {r['qat_vs_model_max_abs_logit_diff']:.2e}"
    )
    if agree < 0.98:
        raise SystemExit(f"QAT forward and model path disagree on {1 - agree:.1%} of images")
    return r


def _progress(msg: str) -> None:
    log(f"  rtl: {msg}")


def rtl_stage(args, mixed_net, mixed_formats: list, s: data.Splits, clock: Stopwatch):
    """5. the RTL co-processor check of the mixed network on the first test images."""
    reason = rtl_skip_reason(args.no_rtl, "images")
    if reason is not None:
        return rtl_not_run("images", reason)
    nimg = min(args.rtl_images, len(s.x_test))
    n, qcfg, _ = mixed_net
    log(f"RTL check: mixed network {mixed_formats}, {nimg} test images, sim={args.sim}")
    error = None
    with clock.stage("rtl_infer"):
        try:
            chk = api.rtl_check(
                n, qcfg, s.x_test[:nimg], sim=args.sim, chained=args.rtl_chained, progress=_progress
            )
        except Exception as e:
            error = e
    seconds = clock.times["rtl_infer"]
    if error is not None:
        return rtl_crashed("images", error, seconds)
    detail = {
        "ran": True,
        "sim": args.sim,
        "layer_formats": mixed_formats,
        **{k: v for k, v in chk.items() if k != "rtl_pred"},
        "rtl_pred_acc": float((np.array(chk["rtl_pred"]) == s.y_test[:nimg]).mean()),
        "seconds": seconds,
    }
    log(
        f"RTL check ({chk['mode']}): {nimg} images, bit_exact={chk['bit_exact']} "
        f"(per layer {chk['layers_bit_exact']}), {seconds} s"
    )
    summary = {"images": chk["images"], "bit_exact": chk["bit_exact"]}
    return RtlOutcome(summary, detail, rtl_mismatch(chk["bit_exact"]))


def _run(args) -> int:
    clock = Stopwatch()
    out = args.out or repo_root() / "build" / "workload"
    out.mkdir(parents=True, exist_ok=True)
    key = cache_key(CONFIG, _SOURCES)
    cache = Cache(out / "cache", key, args.retrain, partial(digits_cnn, CONFIG["init_seed"]))
    C = CONFIG
    s = data.load_splits(C["split_seed"])
    xa, ya = data.shift_augment(s.x_train, s.y_train, C["aug_copies"], C["aug_seed"])
    d = Digits(s, xa, ya)
    log(
        f"workload: digits train {len(s.x_train)} (x{C['aug_copies'] + 1} with shifts), "
        f"val {len(s.x_val)}, test {len(s.x_test)}; cache {cache.dir}"
    )
    fp32_net, fp32_val, fp32_test, nets = train_stage(cache, d, clock)
    # 3. sensitivity + selection (validation split only)
    with clock.stage("sensitivity"):
        sens = sensitivity_stage(cache, d, fp32_net)
    with clock.stage("selection"):
        build = partial(build_selection, cache, d, fp32_net, fp32_val, sens, nets)
        selection = cache.json("selection", build)
        mixed_formats = selection["chosen"]
        nets["mixed"] = qat_net(cache, d, fp32_net, mixed_formats, "mixed")
    results = {
        name: evaluate_network(n, qcfg, meta, s, clock, name)
        for name, (n, qcfg, meta) in nets.items()
    }
    rtl = rtl_stage(args, nets["mixed"], mixed_formats, s, clock)
    fp32 = {
        "test_acc": fp32_test,
        "val_acc": fp32_val,
        "weight_bits": 32 * sum(fp32_net.n_weights()),
    }
    outcome = {"results": results, "sensitivity": sens, "selection": selection}
    write_reports(out, fp32_net, fp32, outcome, rtl, key, cache.hits, clock)
    return 1 if rtl.failure else 0


def network_table(net) -> list[dict]:
    return [
        {
            "name": l.name,
            "kind": l.kind,
            "K": l.K,
            "N": l.N,
            "k": l.k,
            "pad": l.pad,
            "relu": l.relu,
            "pool": l.pool,
            "weights": l.n_weights,
        }
        for l in net.layers
    ]


def check_targets(fp32_test: float, results: dict) -> dict:
    return {
        **{
            f"{f}_within_1pt": 100 * (fp32_test - results[f]["test_acc_model"]) <= 1.0
            for f in ("p8", "p16")
        },
        "mixed_within_1.5pt": 100 * (fp32_test - results["mixed"]["test_acc_model"]) <= 1.5,
        "mixed_fewer_bits_than_p8": results["mixed"]["weight_bits"] < results["p8"]["weight_bits"],
    }


def write_reports(out: Path, fp32_net, fp32: dict, outcome: dict, rtl, key, hits, clock) -> None:
    """report.json (CONTRACT section 5), details.json, accuracy.png and the closing log."""
    results, mixed_formats = outcome["results"], outcome["selection"]["chosen"]
    report = {
        "fp32_acc": fp32["test_acc"],
        "formats": {f: results[f]["test_acc_model"] for f in FORMATS},
        "mixed": {
            "acc": results["mixed"]["test_acc_model"],
            "layer_formats": mixed_formats,
            "weight_bits": results["mixed"]["weight_bits"],
        },
        "rtl_check": rtl.summary,
    }
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    targets = check_targets(fp32["test_acc"], results)
    clock.total()
    details = {
        "config": CONFIG,
        "cache_key": key,
        "cache_hits": hits,
        "network": network_table(fp32_net),
        "fp32": fp32,
        **outcome,
        "targets": targets,
        "rtl": rtl.detail,
        "runtime_s": clock.times,
    }
    (out / "details.json").write_text(json.dumps(details, indent=1) + "\n")
    plot(out / "accuracy.png", fp32["test_acc"], fp32["weight_bits"], results)
    log(json.dumps(report))
    log(f"targets: {targets}; total {clock.times['total']} s")


def plot(path: Path, fp32_acc: float, fp32_bits: int, results: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    pts = [("fp32", fp32_bits, fp32_acc)] + [
        (k, r["weight_bits"], r["test_acc_model"]) for k, r in results.items() if k != "mixed"
    ]
    for name, b, a in pts:
        ax.scatter(b, 100 * a, s=40, zorder=3)
        ax.annotate(name, (b, 100 * a), textcoords="offset points", xytext=(5, -12))
    m = results["mixed"]
    ax.scatter(
        m["weight_bits"], 100 * m["test_acc_model"], marker="*", s=200, c="crimson", zorder=4
    )
    ax.annotate(
        "mixed " + "/".join(m["layer_formats"]),
        (m["weight_bits"], 100 * m["test_acc_model"]),
        textcoords="offset points",
        xytext=(6, 6),
    )
    ax.axhline(100 * fp32_acc - 1.5, ls=":", c="grey", lw=1)
    ax.text(
        1.0,
        100 * fp32_acc - 1.5,
        "fp32 - 1.5 pts ",
        transform=ax.get_yaxis_transform(),
        ha="right",
        va="bottom",
        fontsize=8,
        color="grey",
    )
    ax.set_xscale("log", base=2)
    ax.set_xlabel("total weight bits (matmul weights; biases on host)")
    ax.set_ylabel("test accuracy (%)")
    ax.set_title("digits CNN: accuracy vs weight bits (model path, 360 test images)")
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
