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
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

from . import api, data, mixed, qat
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


def repo_root() -> Path:
    here = Path(__file__).resolve()
    root = here.parents[3]
    return root if (root / "Makefile").exists() else Path.cwd()


def cache_key(config: dict, sources=None) -> str:
    """16 hex digits of SHA-256 over the config (sorted JSON) and the package sources
    (paths relative to models/xrnpe/) that determine the trained parameters."""
    h = hashlib.sha256(json.dumps(config, sort_keys=True).encode())
    pkg = Path(__file__).resolve().parents[1]
    for rel in _SOURCES if sources is None else sources:
        p = pkg / rel
        h.update(rel.encode())
        h.update(p.read_bytes() if p.exists() else b"")
    return h.hexdigest()[:16]


def log(msg: str) -> None:
    print(msg, flush=True)


def loud(msg: str) -> None:
    bar = "!" * 78
    print(f"{bar}\n!! {msg}\n{bar}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ cached stages
class Cache:
    """Trained networks (npz + json) and JSON results under ``root/key/`` (shared by both
    workloads; docs/workload.md "Runtime", docs/vio.md "Runtime").  ``make_net()`` builds an
    empty network of the right architecture to load parameters into."""

    def __init__(self, root: Path, key: str, retrain: bool, make_net=None):
        self.dir = root / key
        self.retrain = retrain
        self.hits: dict[str, bool] = {}
        self.make_net = make_net or (lambda: digits_cnn(CONFIG["init_seed"]))

    def net(self, name: str, build):
        """build() -> (net, qcfg or None, meta dict); cached as npz + json."""
        npz, js = self.dir / f"{name}.npz", self.dir / f"{name}.json"
        if not self.retrain and npz.exists() and js.exists():
            meta = json.loads(js.read_text())
            n = self.make_net()
            with np.load(npz) as z:
                n.set_params(dict(z))
            qcfg = (
                None
                if meta["qcfg"] is None
                else [None if q is None else qat.LayerQuant.from_dict(q) for q in meta["qcfg"]]
            )
            self.hits[name] = True
            return n, qcfg, meta["meta"]
        n, qcfg, meta = build()
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.dir / f"{name}.tmp.npz"
        np.savez(tmp, **n.get_params())
        tmp.replace(npz)
        js.write_text(
            json.dumps(
                {
                    "qcfg": None
                    if qcfg is None
                    else [None if q is None else q.to_dict() for q in qcfg],
                    "meta": meta,
                },
                indent=1,
            )
        )
        self.hits[name] = False
        return n, qcfg, meta

    def json(self, name: str, build):
        js = self.dir / f"{name}.json"
        if not self.retrain and js.exists():
            self.hits[name] = True
            return json.loads(js.read_text())
        obj = build()
        self.dir.mkdir(parents=True, exist_ok=True)
        js.write_text(json.dumps(obj, indent=1))
        self.hits[name] = False
        return obj


# ------------------------------------------------------------------ main pipeline
def main(argv=None) -> int:
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
    args = ap.parse_args(argv)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        threadpool_limits = None
    # Single-threaded BLAS: deterministic, and much faster than oversubscribed threads for
    # these small matrices on a shared machine.
    if threadpool_limits is not None:
        with threadpool_limits(1):
            return _run(args)
    return _run(args)


def _run(args) -> int:
    t_start = time.time()
    out = args.out or repo_root() / "build" / "workload"
    out.mkdir(parents=True, exist_ok=True)
    key = cache_key(CONFIG)
    cache = Cache(out / "cache", key, args.retrain)
    times: dict[str, float] = {}
    C = CONFIG
    s = data.load_splits(C["split_seed"])
    xa, ya = data.shift_augment(s.x_train, s.y_train, C["aug_copies"], C["aug_seed"])
    log(
        f"workload: digits train {len(s.x_train)} (x{C['aug_copies'] + 1} with shifts), "
        f"val {len(s.x_val)}, test {len(s.x_test)}; cache {cache.dir}"
    )

    def tic(name, t0):
        times[name] = round(time.time() - t0, 2)

    # 1. float32 baseline
    t0 = time.time()

    def build_fp32():
        n = digits_cnn(C["init_seed"])
        log("training float32 baseline")
        hist = qat.train(
            n,
            None,
            xa,
            ya,
            epochs=C["fp32_epochs"],
            lr=C["fp32_lr"],
            batch=C["batch"],
            seed=C["train_seed"],
            weight_decay=C["weight_decay"],
            log=log,
        )
        return n, None, {"loss_history": hist}

    fp32_net, _, _ = cache.net("fp32", build_fp32)
    tic("fp32_train", t0)
    fp32_val = qat.accuracy(fp32_net, None, s.x_val, s.y_val)
    fp32_test = qat.accuracy(fp32_net, None, s.x_test, s.y_test)
    log(f"float32: val {fp32_val:.4f} test {fp32_test:.4f}")

    def qat_build(fmts, tag):
        def build():
            n = fp32_net.copy()
            qcfg = qat.calibrate(n, fmts, s.x_train, seed=C["train_seed"])
            log(f"QAT {tag} {fmts}")
            hist = qat.train(
                n,
                qcfg,
                xa,
                ya,
                epochs=C["qat_epochs"],
                lr=C["qat_lr"],
                batch=C["batch"],
                seed=C["train_seed"],
                weight_decay=C["weight_decay"],
                log=log,
            )
            return (
                n,
                qcfg,
                {
                    "loss_history": hist,
                    "ptq_val_acc": qat.accuracy(fp32_net, qcfg, s.x_val, s.y_val),
                },
            )

        return build

    # 2. uniform QAT per format
    nets = {}
    for f in FORMATS:
        t0 = time.time()
        nets[f] = cache.net(f"qat_{f}", qat_build([f] * len(fp32_net.layers), f))
        tic(f"qat_{f}", t0)

    # 3. sensitivity + selection (validation split only)
    t0 = time.time()
    sens = cache.json(
        "sensitivity",
        lambda: mixed.layer_sensitivity(
            fp32_net,
            xa,
            ya,
            s.x_val,
            s.y_val,
            qat_epochs=C["sens_qat_epochs"],
            lr=C["qat_lr"],
            seed=C["train_seed"],
            batch=C["batch"],
            calib_x=s.x_train,
            log=log,
        ),
    )
    tic("sensitivity", t0)

    t0 = time.time()

    def net_name(fmts):
        return f"qat_{fmts[0]}" if len(set(fmts)) == 1 else "mixed_" + "_".join(fmts)

    def build_selection():
        cands = mixed.rank_assignments(fp32_net, sens, C["select_budget_pts"])
        attempts = []
        # uniform QAT networks are already trained: they are verified configurations too
        for f in FORMATS:
            n, qcfg, _ = nets[f]
            fm = [f] * len(fp32_net.layers)
            val = qat.accuracy(n, qcfg, s.x_val, s.y_val)
            attempts.append(
                {
                    "layer_formats": fm,
                    "weight_bits": api.weight_bits(n, fm),
                    "source": "uniform QAT",
                    "val_acc": val,
                    "accepted": 100 * (fp32_val - val) <= C["verify_budget_pts"] + 1e-9,
                }
            )

        def verify(fm):
            n, qcfg, _ = cache.net(net_name(fm), qat_build(fm, "mixed"))
            val = qat.accuracy(n, qcfg, s.x_val, s.y_val)
            ok = 100 * (fp32_val - val) <= C["verify_budget_pts"] + 1e-9
            log(
                f"  candidate {fm} {api.weight_bits(n, fm)} bits: val {val:.4f} "
                f"({'accepted' if ok else 'rejected'})"
            )
            return {"val_acc": val, "accepted": ok}

        attempts += mixed.verify_candidates(
            cands, verify, max_tries=C["max_tries"], skip=lambda fm: len(set(fm)) == 1
        )
        if not any(a["accepted"] for a in attempts):
            log("  no configuration verified: falling back to all-p16")
        chosen = mixed.choose(
            attempts,
            key=lambda a: (a["weight_bits"], -a["val_acc"]),
            fallback=["p16"] * len(fp32_net.layers),
        )
        log(f"  chosen {chosen}")
        return {"chosen": chosen, "attempts": attempts, "n_feasible": len(cands)}

    selection = cache.json("selection", build_selection)
    mixed_formats = selection["chosen"]
    nets["mixed"] = cache.net(net_name(mixed_formats), qat_build(mixed_formats, "mixed"))
    tic("selection", t0)

    # 4. evaluation through the hardware path (xrnpe.matmul.matmul, exact) on the test set
    results = {}
    for name, (n, qcfg, meta) in nets.items():
        t0 = time.time()
        logits_model = api.infer(n, qcfg, s.x_test, "model")
        tic(f"model_infer_{name}", t0)
        logits_qat = qat.predict_logits(n, qcfg, s.x_test)
        pred_m = logits_model.argmax(1)
        pred_q = logits_qat.argmax(1)
        agree = float((pred_m == pred_q).mean())
        fmts = [q.fmt for q in qcfg]
        results[name] = {
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
            f"{name:>5} {fmts}: test acc {results[name]['test_acc_model']:.4f} (model path), "
            f"{results[name]['weight_bits']} weight bits, QAT-forward agreement {agree:.4f}, "
            f"max |dlogit| {results[name]['qat_vs_model_max_abs_logit_diff']:.2e}"
        )
        if agree < 0.98:
            raise SystemExit(f"QAT forward and model path disagree on {1 - agree:.1%} of images")

    # 5. RTL co-processor check on the mixed network
    rtl = {"images": 0, "bit_exact": False}
    rtl_detail: dict = {"ran": False}
    failure = None  # an RTL error or mismatch makes the exit status 1 (after writing reports)
    if args.no_rtl:
        loud(
            "RTL CHECK SKIPPED (--no-rtl): report.json has rtl_check {images: 0, bit_exact: false}"
        )
        rtl_detail["reason"] = "--no-rtl"
    else:
        ok, why = api.rtl_available()
        if not ok:
            loud(
                f"RTL CHECK NOT RUN: {why}; report.json has rtl_check {{images: 0, "
                "bit_exact: false}"
            )
            rtl_detail["reason"] = why
        else:
            nimg = min(args.rtl_images, len(s.x_test))
            n, qcfg, _ = nets["mixed"]
            xs = s.x_test[:nimg]
            log(f"RTL check: mixed network {mixed_formats}, {nimg} test images, sim={args.sim}")
            t0 = time.time()
            try:
                chk = api.rtl_check(
                    n,
                    qcfg,
                    xs,
                    sim=args.sim,
                    chained=args.rtl_chained,
                    progress=lambda m: log(f"  rtl: {m}"),
                )
            except Exception as e:
                tic("rtl_infer", t0)
                failure = f"{type(e).__name__}: {e}"
                loud(f"RTL CHECK FAILED TO RUN: {failure[:600]}")
                rtl_detail = {"ran": False, "error": failure, "seconds": times["rtl_infer"]}
            else:
                tic("rtl_infer", t0)
                rtl = {"images": chk["images"], "bit_exact": chk["bit_exact"]}
                rtl_detail = {
                    "ran": True,
                    "sim": args.sim,
                    "layer_formats": mixed_formats,
                    **{k: v for k, v in chk.items() if k != "rtl_pred"},
                    "rtl_pred_acc": float((np.array(chk["rtl_pred"]) == s.y_test[:nimg]).mean()),
                    "seconds": times["rtl_infer"],
                }
                log(
                    f"RTL check ({chk['mode']}): {nimg} images, bit_exact={chk['bit_exact']} "
                    f"(per layer {chk['layers_bit_exact']}), {times['rtl_infer']} s"
                )
                if not chk["bit_exact"]:
                    failure = "RTL results differ from the model path"
                    loud(failure)

    report = {
        "fp32_acc": fp32_test,
        "formats": {f: results[f]["test_acc_model"] for f in FORMATS},
        "mixed": {
            "acc": results["mixed"]["test_acc_model"],
            "layer_formats": mixed_formats,
            "weight_bits": results["mixed"]["weight_bits"],
        },
        "rtl_check": rtl,
    }
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n")

    n_w = fp32_net.n_weights()
    targets = {
        **{
            f"{f}_within_1pt": 100 * (fp32_test - results[f]["test_acc_model"]) <= 1.0
            for f in ("p8", "p16")
        },
        "mixed_within_1.5pt": 100 * (fp32_test - results["mixed"]["test_acc_model"]) <= 1.5,
        "mixed_fewer_bits_than_p8": results["mixed"]["weight_bits"] < results["p8"]["weight_bits"],
    }
    times["total"] = round(time.time() - t_start, 2)
    details = {
        "config": CONFIG,
        "cache_key": key,
        "cache_hits": cache.hits,
        "network": [
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
            for l in fp32_net.layers
        ],
        "fp32": {"test_acc": fp32_test, "val_acc": fp32_val, "weight_bits": 32 * sum(n_w)},
        "results": results,
        "sensitivity": sens,
        "selection": selection,
        "targets": targets,
        "rtl": rtl_detail,
        "runtime_s": times,
    }
    (out / "details.json").write_text(json.dumps(details, indent=1) + "\n")
    plot(out / "accuracy.png", fp32_test, 32 * sum(n_w), results)
    log(json.dumps(report))
    log(f"targets: {targets}; total {times['total']} s")
    return 1 if failure else 0


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
