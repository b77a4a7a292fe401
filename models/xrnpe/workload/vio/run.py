# SPDX-License-Identifier: Apache-2.0
"""``make vio``: learned inertial odometry on KITTI through the co-processor.

    python -m xrnpe.workload.vio.run [--retrain] [--no-rtl] [--rtl-windows N]
        [--sim verilator|icarus] [--ppa-summary FILE] [--quick] [--out DIR]

Trains (cached) the recurrent odometry network in float and with QAT for every format, selects
one format per layer by sensitivity on the validation part (minimising energy per inference,
then weight bits, within the error budget), evaluates every configuration on the test part
through the exact co-processor model, runs the mixed network's test windows through the RTL
co-processor, and writes DIR/report.json (CONTRACT section 5), DIR/details.json,
DIR/trajectory.png and DIR/error_vs_energy.png.  DIR defaults to build/vio (build/vio-quick
with --quick, the short slice the regression runs).  docs/vio.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

from .. import api, energy, mixed, qat
from ..net import host_post
from ..run import Cache, cache_key, log, loud, repo_root
from . import data, inertial, metrics, model, prep
from .train import StepData, train_sequences

FORMATS = qat.FORMAT_NAMES

CONFIG = {
    "version": 2,  # bump when the pipeline below changes what is trained or selected
    "sequence": "kitti",
    "span_s": None,  # None: the whole drive; else only its first span_s seconds
    "splits": dict(prep.SPLIT_FRACTIONS),
    "rate": prep.RATE,
    "window": 100,  # samples (1 s) seen per step
    "step": 50,  # samples (0.5 s) per step = per trajectory pose
    "init_seed": 0,
    "train_seed": 0,
    "seq_len": 40,  # steps per training sequence (20 s)
    "seq_stride": 25,  # samples between sequence starts
    "batch": 16,
    "v0_noise": 1.0,  # m/s added to a training sequence's initial speed
    "pretrain_epochs": 8,
    "pretrain_lr": 3e-3,
    "finetune_epochs": 2,  # every configuration, fp32 included, from the pretrained net
    "finetune_lr": 1e-3,
    "sens_epochs": 1,  # QAT epochs of a single-layer 4-bit configuration
    "select_budget_pct": 8.0,  # predicted val error increase allowed, % of fp32's
    "verify_budget_pct": 8.0,  # verified val error increase allowed, % of fp32's
    "max_tries": 6,
    "weight_decay": 1e-4,
    "calib_samples": 2000,
}

# the short slice ``make test`` runs (tests/test_vio.py): the first 150 s of the drive
QUICK = {
    **CONFIG,
    "span_s": 150.0,
    "seq_stride": 100,
    "pretrain_epochs": 2,
    "finetune_epochs": 1,
    "sens_epochs": 0,
    "max_tries": 2,
    "calib_samples": 500,
}

_SOURCES = [
    "workload/net.py",
    "workload/qat.py",
    "workload/mixed.py",
    "workload/vio/data.py",
    "workload/vio/prep.py",
    "workload/vio/inertial.py",
    "workload/vio/model.py",
    "workload/vio/train.py",
    "vector.py",
    "codec.py",
    "formats.py",
]

TARGETS = {
    "dead_reckoning_ratio": 0.5,
    "p16_pct": 5.0,
    "mixed_pct": 8.0,
    "mixed_bits_vs_p8": 0.5,
    "mixed_efficiency_vs_p8": 1.23,
    "rtl_windows": 200,
}


def parse_args(argv=None) -> argparse.Namespace:
    """The command line (see the module docstring) as a namespace for ``run``."""
    ap = argparse.ArgumentParser(
        prog="python -m xrnpe.workload.vio.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--retrain", action="store_true", help="ignore the training cache")
    ap.add_argument("--no-rtl", action="store_true", help="skip the RTL bit-exactness check")
    ap.add_argument(
        "--rtl-windows",
        type=int,
        default=None,
        help="test windows through the RTL (default: all of the test part)",
    )
    ap.add_argument(
        "--sim",
        default="verilator",
        choices=("icarus", "verilator", "verilator-native"),
        help="simulator of the RTL check: verilator (default; cocotb drives the "
        "co-processor's AXI ports), verilator-native (C++ harness) or icarus",
    )
    ap.add_argument(
        "--ppa-summary",
        type=Path,
        default=None,
        help="PPA summary with energy_pj_per_mac (default build/ppa/summary.json)",
    )
    ap.add_argument(
        "--quick",
        action="store_true",
        help="short slice (first 150 s, short training): what make test runs",
    )
    ap.add_argument(
        "--imu",
        type=Path,
        default=None,
        help="IMU file in the KittiEquivBiasedImu.txt format (default: the wheel's)",
    )
    ap.add_argument(
        "--gps",
        type=Path,
        default=None,
        help="ground-truth positions in the KittiGps_converted.txt format",
    )
    ap.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output dir (default build/vio, build/vio-quick with --quick)",
    )
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        table = energy.pj_per_mac(args.ppa_summary)
    except energy.EnergyTableError as e:
        print(f"vio: {e}", file=sys.stderr)
        return 2
    for path in (args.imu, args.gps):
        if path is not None and not path.is_file():
            print(f"vio: {path}: no such file", file=sys.stderr)
            return 2
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        return run(args, table)
    # single-threaded BLAS: bit-reproducible, and faster for these small matrices on a
    # shared machine
    with threadpool_limits(1):
        return run(args, table)


class Part:
    """One part of the split: its step ends, raw windows and per-step targets."""

    def __init__(self, name, grid, truth, start, stop, window, step):
        self.name = name
        self.ends = prep.window_ends(start, stop, window, step)
        if len(self.ends) < 2:
            raise ValueError(f"the {name} part is too short for windows of {window} samples")
        self.windows = prep.windows(grid, self.ends, window)
        self.targets = prep.step_targets(grid, truth, self.ends, step)
        self.v0 = float(prep.step_targets(grid, truth, self.ends[:1] - step, step)[0, 0])


def run(args, table: dict, sequence: data.Sequence | None = None) -> int:
    """The pipeline (see the module docstring) on ``sequence`` (default: the KITTI drive of
    the gtsam wheel, or the files given by --imu / --gps)."""
    t_start = time.time()
    config = QUICK if args.quick else CONFIG
    out = args.out or repo_root() / "build" / ("vio-quick" if args.quick else "vio")
    out.mkdir(parents=True, exist_ok=True)
    times: dict[str, float] = {}

    def tic(name, t0):
        times[name] = round(time.time() - t0, 2)

    # ---------------------------------------------------------------- data
    t0 = time.time()
    seq = sequence or data.kitti_sequence(args.imu, args.gps)
    key = cache_key({**config, "data": data.digest(seq)}, _SOURCES)
    window, step = config["window"], config["step"]
    cache = Cache(
        out / "cache",
        key,
        args.retrain,
        make_net=lambda: model.odometry_net(config["init_seed"], window),
    )
    grid_raw = prep.resample(seq.imu, config["rate"])
    if config["span_s"]:
        n = int(config["span_s"] * config["rate"])
        grid_raw = prep.Grid(grid_raw.t[:n], grid_raw.samples[:n], grid_raw.rate)
    truth = prep.Truth(seq.truth)
    splits = prep.split_ranges(len(grid_raw.t), config["splits"])
    bias = inertial.gyro_bias(grid_raw, truth, *splits["train"])
    grid = prep.Grid(grid_raw.t, inertial.corrected(grid_raw, bias), grid_raw.rate)
    a, b = splits["train"]
    train_targets = prep.step_targets(grid, truth, np.arange(a + step, b, step), step)
    norm = model.Normaliser.fit(grid.samples[a:b], train_targets[:, 0], train_targets[:, 1])
    train_data = StepData(grid, truth, norm, a, b, window, step)
    parts = {p: Part(p, grid, truth, *splits[p], window, step) for p in ("val", "test")}
    calib_x = train_data.teacher_inputs(config["calib_samples"], seed=config["train_seed"])
    tic("data", t0)
    span = {
        p: [float(grid.t[s] - grid.t[0]), float(grid.t[e - 1] - grid.t[0])]
        for p, (s, e) in splits.items()
    }
    log(
        f"vio: {seq.name}; {len(grid.t) / grid.rate:.0f} s on a {grid.rate:g} Hz grid, parts "
        + ", ".join(f"{p} {s:.0f}-{e:.0f} s" for p, (s, e) in span.items())
        + f"; gyro bias {bias[2]:+.2e} rad/s (z); cache {cache.dir}"
    )

    def ref_of(part: Part, est: dict) -> tuple[np.ndarray, np.ndarray]:
        return truth.position(est["t"]), truth.heading(est["t"])

    def trajectory(part: Part, velocities: np.ndarray) -> dict:
        return inertial.integrate_steps(grid_raw, truth, bias, part.ends, step, velocities)

    def rte(part: Part, velocities: np.ndarray) -> dict:
        tr = trajectory(part, velocities)
        p_gt, yaw_gt = ref_of(part, tr)
        return metrics.relative_translation_error(tr["position"], tr["yaw"], p_gt, yaw_gt)

    def val_error(net, qcfg) -> float:
        vel = model.rollout(
            net, qcfg, parts["val"].windows, parts["val"].v0, norm, "qat" if qcfg else "float"
        )
        return rte(parts["val"], vel)["value"]

    seq_args = {
        "length": config["seq_len"],
        "stride": config["seq_stride"],
        "batch": config["batch"],
        "seed": config["train_seed"],
        "weight_decay": config["weight_decay"],
        "v0_noise": config["v0_noise"],
    }

    # ---------------------------------------------------------------- training
    t0 = time.time()

    def build_pretrained():
        net = model.odometry_net(config["init_seed"], window)
        log("pretraining the float32 network (backpropagation through time)")
        hist = train_sequences(
            net,
            None,
            train_data,
            epochs=config["pretrain_epochs"],
            lr=config["pretrain_lr"],
            log=log,
            **seq_args,
        )
        return net, None, {"loss_history": hist}

    pretrained, _, _ = cache.net("pretrained", build_pretrained)
    tic("pretrain", t0)

    def finetune_build(fmts: list | None, tag: str):
        def build():
            net = pretrained.copy()
            qcfg = (
                None
                if fmts is None
                else qat.calibrate(net, fmts, calib_x, seed=config["train_seed"])
            )
            log(f"fine-tuning {tag}" + ("" if fmts is None else f" {fmts}"))
            hist = train_sequences(
                net,
                qcfg,
                train_data,
                epochs=config["finetune_epochs"],
                lr=config["finetune_lr"],
                log=log,
                **seq_args,
            )
            return net, qcfg, {"loss_history": hist}

        return build

    nets = {}
    t0 = time.time()
    nets["fp32"] = cache.net("fp32", finetune_build(None, "fp32 (no quantisation)"))
    tic("finetune_fp32", t0)
    n_layers = len(pretrained.layers)
    for f in FORMATS:
        t0 = time.time()
        nets[f] = cache.net(f"qat_{f}", finetune_build([f] * n_layers, f"QAT {f}"))
        tic(f"qat_{f}", t0)
    fp32_net = nets["fp32"][0]
    fp32_val = val_error(fp32_net, None)
    log(f"fp32 validation error {fp32_val:.3f} %")

    macs = energy.layer_macs(fp32_net)

    def energy_of(fmts) -> float:
        return energy.energy_per_inference(macs, list(fmts), table)

    p8_energy = energy_of(["p8"] * len(macs))
    p8_bits = mixed.weight_bits_of(pretrained, ["p8"] * len(macs))

    def cost_of(fmts) -> float:
        """The selection's cost: energy per inference and weight bits, each relative to
        all-p8, summed (both objectives count equally)."""
        return energy_of(fmts) / p8_energy + mixed.weight_bits_of(pretrained, fmts) / p8_bits

    # ---------------------------------------------------------------- sensitivity, selection
    t0 = time.time()

    def build_sensitivity():
        def finetune(net, qcfg):
            train_sequences(
                net,
                qcfg,
                train_data,
                epochs=config["sens_epochs"],
                lr=config["finetune_lr"],
                **seq_args,
            )

        # a QAT'd single-layer configuration is compared with the fp32 network fine-tuned
        # for the same epochs without quantisers (so the extra training does not count as a
        # gain of the format); post-training ones with the fp32 network itself
        base_ft = fp32_val
        if config["sens_epochs"] > 0:
            ref = fp32_net.copy()
            finetune(ref, None)
            base_ft = val_error(ref, None)

        table_ = mixed.single_layer_sensitivity(
            fp32_net,
            calibrate=lambda fm: qat.calibrate(fp32_net, fm, calib_x, seed=config["train_seed"]),
            measure=lambda net, qcfg: {"val_error": val_error(net, qcfg)},
            finetune=finetune if config["sens_epochs"] > 0 else None,
            log=log,
        )
        rows = []
        for row in table_:
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
        return {"base_val_error": fp32_val, "base_finetuned_val_error": base_ft, "layers": rows}

    sens = cache.json("sensitivity", build_sensitivity)
    tic("sensitivity", t0)

    t0 = time.time()

    def net_name(fmts):
        return f"qat_{fmts[0]}" if len(set(fmts)) == 1 else "mixed_" + "_".join(fmts)

    def build_selection():
        increase = np.array([[row[f]["increase_pct"] for f in FORMATS] for row in sens["layers"]])
        ranked = mixed.rank(
            n_layers,
            increase,
            budget=config["select_budget_pct"],
            cost=lambda c: (cost_of(c), energy_of(c)),
        )
        cands = [
            {
                "layer_formats": list(c),
                "cost": cost_of(c),
                "energy_pj_per_inference": energy_of(c),
                "weight_bits": mixed.weight_bits_of(fp32_net, c),
                "predicted_increase_pct": inc,
            }
            for c, inc, _ in ranked
        ]
        limit = fp32_val * (1 + config["verify_budget_pct"] / 100.0)
        attempts = []
        for f in FORMATS:
            net, qcfg, _ = nets[f]
            fm = [f] * n_layers
            val = val_error(net, qcfg)
            attempts.append(
                {
                    "layer_formats": fm,
                    "cost": cost_of(fm),
                    "energy_pj_per_inference": energy_of(fm),
                    "weight_bits": mixed.weight_bits_of(net, fm),
                    "source": "uniform QAT",
                    "val_error": val,
                    "accepted": val <= limit + 1e-9,
                }
            )

        def verify(fm):
            net, qcfg, _ = cache.net(net_name(fm), finetune_build(fm, "mixed"))
            val = val_error(net, qcfg)
            ok = val <= limit + 1e-9
            log(
                f"  candidate {fm}: {energy_of(fm):.0f} pJ, val error {val:.3f} % "
                f"({'accepted' if ok else 'rejected'}, limit {limit:.3f} %)"
            )
            return {"val_error": val, "accepted": ok}

        attempts += mixed.verify_candidates(
            cands, verify, max_tries=config["max_tries"], skip=lambda fm: len(set(fm)) == 1
        )
        chosen = mixed.choose(
            attempts,
            key=lambda a_: (a_["cost"], a_["energy_pj_per_inference"], a_["val_error"]),
            fallback=["p16"] * n_layers,
        )
        log(f"  chosen {chosen}")
        return {
            "chosen": chosen,
            "limit_val_error": limit,
            "attempts": attempts,
            "n_feasible": len(cands),
            "ranked_head": cands[:8],
        }

    # the ranking depends on the energy table: one cached selection per table
    table_tag = hashlib.sha256(json.dumps(table, sort_keys=True).encode()).hexdigest()[:8]
    selection = cache.json(f"selection_{table_tag}", build_selection)
    mixed_formats = selection["chosen"]
    nets["mixed"] = cache.net(net_name(mixed_formats), finetune_build(mixed_formats, "mixed"))
    tic("selection", t0)

    # ---------------------------------------------------------------- test evaluation
    test = parts["test"]
    results: dict = {}
    trajectories: dict = {}
    for name, (net, qcfg, _) in nets.items():
        t0 = time.time()
        fmts = None if qcfg is None else [q.fmt for q in qcfg]
        if qcfg is None:
            vel = model.rollout(net, None, test.windows, test.v0, norm, "float")
            vel_qat = vel
        else:
            vel = model.rollout(net, qcfg, test.windows, test.v0, norm, "model")
            vel_qat = model.rollout(net, qcfg, test.windows, test.v0, norm, "qat")
        tic(f"test_{name}", t0)
        tr = trajectory(test, vel.astype(np.float64))
        p_gt, yaw_gt = ref_of(test, tr)
        kitti = metrics.relative_translation_error(tr["position"], tr["yaw"], p_gt, yaw_gt)
        evo = metrics.evo_errors(tr["t"], tr["position"], tr["yaw"], p_gt, yaw_gt)
        speed_err = vel[:, 0] - test.targets[:, 0]
        results[name] = {
            "layer_formats": fmts,
            "weight_bits": api.weight_bits(net, fmts or "fp32"),
            "energy_pj_per_inference": None if fmts is None else energy_of(fmts),
            "test": kitti,
            "evo": evo,
            "val_error": val_error(net, qcfg),
            "speed_error_mean": float(speed_err.mean()),
            "speed_error_std": float(speed_err.std()),
            "qat_forward_test_error": rte(test, vel_qat.astype(np.float64))["value"],
            "qat_vs_model_max_abs_speed_diff": float(np.abs(vel - vel_qat).max()),
            "scales": None if qcfg is None else [q.to_dict() for q in qcfg],
        }
        trajectories[name] = tr
        log(
            f"{name:>5} {fmts or 'float32'}: test error {kitti['value']:.3f} %, val "
            f"{results[name]['val_error']:.3f} %, APE {evo['ape_rmse_m']:.1f} m, "
            f"{results[name]['weight_bits']} weight bits"
            + ("" if fmts is None else f", {results[name]['energy_pj_per_inference']:.0f} pJ")
        )

    # plain strapdown of the same IMU data, same bias, same start
    t0 = time.time()
    first = int(test.ends[0] - step)
    dr = inertial.strapdown(grid_raw, truth, bias, first, int(test.ends[-1]))
    idx = np.concatenate([[0], test.ends - first])
    dr_tr = {
        "t": dr["t"][idx],
        "position": dr["position"][idx],
        "yaw": inertial.heading(dr["rotation"])[idx],
    }
    p_gt, yaw_gt = ref_of(test, dr_tr)
    dr_kitti = metrics.relative_translation_error(dr_tr["position"], dr_tr["yaw"], p_gt, yaw_gt)
    dr_evo = metrics.evo_errors(dr_tr["t"], dr_tr["position"], dr_tr["yaw"], p_gt, yaw_gt)
    dr_err = np.linalg.norm(dr_tr["position"] - p_gt, axis=1)

    # how much of that is the initial alignment: longer levelling, and the best tilt
    # (fitted on the answer: an oracle, for the record only)
    def dr_error(**kw) -> float:
        d = inertial.strapdown(grid_raw, truth, bias, first, int(test.ends[-1]), **kw)
        tr_ = {
            "t": d["t"][idx],
            "position": d["position"][idx],
            "yaw": inertial.heading(d["rotation"])[idx],
        }
        return metrics.relative_translation_error(tr_["position"], tr_["yaw"], *ref_of(test, tr_))[
            "value"
        ]

    alignment = {
        f"level_{span / grid.rate:g}s": dr_error(level_span=span)
        for span in (100, 200, 400, 800, 2000)
        if first + span <= test.ends[-1]
    }
    oracle = inertial.best_tilt(grid_raw, truth, bias, first, int(test.ends[-1]), first + idx)
    alignment["oracle_tilt_deg"] = [float(np.degrees(v)) for v in oracle]
    alignment["oracle_tilt"] = dr_error(tilt_fix=oracle)
    tic("dead_reckoning", t0)
    log(
        f"dead reckoning (strapdown): test error {dr_kitti['value']:.3f} %, APE "
        f"{dr_evo['ape_rmse_m']:.1f} m; alignment study: "
        + ", ".join(f"{k} {v:.1f} %" for k, v in alignment.items() if not k.endswith("deg"))
    )

    # ---------------------------------------------------------------- RTL
    rtl = {"windows": 0, "bit_exact": False}
    rtl_detail: dict = {"ran": False}
    failure = None
    if args.no_rtl:
        loud(
            "RTL CHECK SKIPPED (--no-rtl): report.json has rtl_check {windows: 0, bit_exact: false}"
        )
        rtl_detail["reason"] = "--no-rtl"
    else:
        ok, why = api.rtl_available()
        if not ok:
            loud(
                f"RTL CHECK NOT RUN: {why}; report.json has rtl_check {{windows: 0, "
                "bit_exact: false}"
            )
            rtl_detail["reason"] = why
        else:
            count = (
                len(test.ends)
                if args.rtl_windows is None
                else min(args.rtl_windows, len(test.ends))
            )
            net, qcfg, _ = nets["mixed"]
            log(f"RTL check: mixed network {mixed_formats}, {count} test windows, sim={args.sim}")
            t0 = time.time()
            try:
                chk = rtl_check(
                    net,
                    qcfg,
                    test.windows[:count],
                    test.v0,
                    norm,
                    sim=args.sim,
                    progress=lambda m: log(f"  rtl: {m}"),
                )
            except Exception as e:  # reported, never papered over
                tic("rtl", t0)
                failure = f"{type(e).__name__}: {e}"
                loud(f"RTL CHECK FAILED TO RUN: {failure[:600]}")
                rtl_detail = {"ran": False, "error": failure, "seconds": times["rtl"]}
            else:
                tic("rtl", t0)
                rtl = {"windows": chk["windows"], "bit_exact": chk["bit_exact"]}
                rtl_detail = {
                    "ran": True,
                    "sim": args.sim,
                    "layer_formats": mixed_formats,
                    **chk,
                    "seconds": times["rtl"],
                }
                log(
                    f"RTL check: {chk['windows']} windows, bit_exact={chk['bit_exact']} "
                    f"(per layer {chk['layers_bit_exact']}), {times['rtl']} s"
                )
                if not chk["bit_exact"]:
                    failure = "RTL results differ from the model path"
                    loud(failure)

    # ---------------------------------------------------------------- reports
    report = {
        "dataset": seq.name
        + (f", first {config['span_s']:g} s (quick slice)" if config["span_s"] else "")
        + f"; test part {span['test'][0]:.0f}-{span['test'][1]:.0f} s",
        "metric": metrics.METRIC_NAME,
        "dead_reckoning": dr_kitti["value"],
        "fp32": {
            "value": results["fp32"]["test"]["value"],
            "weight_bits": results["fp32"]["weight_bits"],
        },
        "formats": {
            f: {
                "value": results[f]["test"]["value"],
                "weight_bits": results[f]["weight_bits"],
                "energy_pj_per_inference": results[f]["energy_pj_per_inference"],
            }
            for f in FORMATS
        },
        "mixed": {
            "value": results["mixed"]["test"]["value"],
            "layer_formats": mixed_formats,
            "weight_bits": results["mixed"]["weight_bits"],
            "energy_pj_per_inference": results["mixed"]["energy_pj_per_inference"],
        },
        "rtl_check": rtl,
    }
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    targets = check_targets(report)
    times["total"] = round(time.time() - t_start, 2)
    details = {
        "config": config,
        "cache_key": key,
        "cache_hits": cache.hits,
        "parts_s": span,
        "steps": {p: len(parts[p].ends) for p in parts},
        "gyro_bias_rad_s": bias.tolist(),
        "normaliser": norm.to_dict(),
        "network": [
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
            for layer, m in zip(fp32_net.layers, macs, strict=True)
        ],
        "pj_per_mac": table,
        "pj_per_mac_source": str(args.ppa_summary or energy.default_summary_path()),
        "results": results,
        "dead_reckoning": {
            "test": dr_kitti,
            "evo": dr_evo,
            "alignment_study": alignment,
            "position_error_m_after_s": {
                f"{k * step / grid.rate:g}": float(dr_err[k])
                for k in (10, 20, 60, 120, 200)
                if k < len(dr_err)
            },
        },
        "sensitivity": sens,
        "selection": selection,
        "targets": targets,
        "rtl": rtl_detail,
        "runtime_s": times,
    }
    (out / "details.json").write_text(json.dumps(details, indent=1) + "\n")
    plot_trajectories(out / "trajectory.png", truth, grid, splits, trajectories, dr_tr, report)
    plot_error_energy(out / "error_vs_energy.png", report, table)
    log(json.dumps(report))
    log(
        "targets: "
        + ", ".join(f"{k} {'met' if v['met'] else 'MISSED'}" for k, v in targets.items())
        + f"; total {times['total']} s"
    )
    return 1 if failure else 0


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


def rtl_check(
    net, qcfg, windows, v0, norm, *, sim: str = "verilator", engine=None, progress=None
) -> dict:
    """Every test window through the RTL co-processor, bit for bit against the model path.

    The model path is rolled out first (``model.rollout``, engine "model"), recording every
    step's per-layer (A codes, W codes, C).  Then each layer runs once on the RTL with the A
    rows of *all* steps stacked (one co-processor job per layer, all layers in one simulator
    session: ``api.rtl_check``'s argument), and each step's C rows are compared as uint32
    patterns.  If every layer of every step is bit-identical, feeding the RTL its own outputs
    step by step would give the same inputs everywhere (the host operations and the
    recurrence are deterministic), so the speeds would be identical too; they are recomputed
    from the RTL's last-layer C and compared as well.  ``engine``: a callable with the
    signature of ``xrnpe.rtl.matmul_rtl_many`` (default: that function; a native Verilator
    engine plugs in here).
    """
    import importlib

    trace: list = []
    vel = model.rollout(net, qcfg, windows, v0, norm, "model", trace=trace)
    many = engine or importlib.import_module("xrnpe.rtl").matmul_rtl_many
    jobs = []
    for layer_idx, q in enumerate(qcfg):
        a = np.concatenate([step[layer_idx][0] for step in trace])
        jobs.append({"a": a, "b": trace[0][layer_idx][1], "fmt": q.fmt, "out_fmt": "fp32"})
    res = many(jobs, sim=sim, progress=progress)
    layers_exact = []
    c_rtl = []
    for layer_idx, (c, _) in enumerate(res):
        c = np.asarray(c, dtype=np.float32)
        c_model = np.concatenate([step[layer_idx][2] for step in trace])
        layers_exact.append(
            bool(
                c.shape == c_model.shape
                and np.array_equal(
                    c.view(np.uint32), np.asarray(c_model, np.float32).view(np.uint32)
                )
            )
        )
        c_rtl.append(c)
    # speeds from the RTL's last layer: host ops + recurrence in float32, as in the model path
    last, q = net.layers[-1], qcfg[-1]
    rows = len(c_rtl[-1]) // len(trace) if trace else 0
    speed = np.array([v0], dtype=np.float32)
    out_rows = []
    for k in range(len(trace)):
        out = host_post(last, c_rtl[-1][k * rows : (k + 1) * rows], q.s_a, q.s_w, (1, last.N))
        speed, vz = model.update(speed, out.astype(np.float32), norm)
        out_rows.append((speed[0], vz[0]))
    vel_rtl = np.array(out_rows, dtype=np.float32)
    speeds_exact = bool(np.array_equal(vel_rtl.view(np.uint32), vel.view(np.uint32)))
    stats = [{k: v for k, v in st.items() if k != "blocks"} for _, st in res]
    return {
        "windows": len(trace),
        "bit_exact": bool(all(layers_exact) and speeds_exact),
        "layers_bit_exact": layers_exact,
        "speeds_bit_exact": speeds_exact,
        "matmul_shapes": [
            [int(j["a"].shape[0]), int(j["a"].shape[1]), int(j["b"].shape[1])] for j in jobs
        ],
        "rtl_stats": stats,
    }


# ---------------------------------------------------------------- plots
def plot_trajectories(path: Path, truth, grid, splits, trajectories, dr_tr, report) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_map, ax) = plt.subplots(1, 2, figsize=(13, 6.2))
    colours = {"train": "#bbbbbb", "val": "#8fb3d9", "test": "#333333"}
    for p, (s, e) in splits.items():
        pos = truth.position(grid.t[s:e:20])
        ax_map.plot(
            pos[:, 0], pos[:, 1], c=colours[p], lw=2 if p == "test" else 1.5, label=f"{p} part"
        )
    start = truth.position(grid.t[:1])[0]
    ax_map.plot(*start[:2], "go", ms=6, label="start")
    ax_map.set_title("the drive (GPS/INS ground truth) and its split by time")
    ax_map.set_aspect("equal")
    ax_map.set_xlabel("x (m)")
    ax_map.set_ylabel("y (m)")
    ax_map.legend(loc="best", fontsize=8)
    ax_map.grid(True, alpha=0.3)

    gt = truth.position(trajectories["fp32"]["t"])
    ax.plot(gt[:, 0], gt[:, 1], c="k", lw=2.5, label="ground truth (GPS/INS)")
    style = {"fp32": ("tab:blue", "-"), "fp4": ("tab:orange", "--"), "mixed": ("crimson", "-.")}
    for name, (c, ls) in style.items():
        p = trajectories[name]["position"]
        val = (
            report["fp32"]["value"]
            if name == "fp32"
            else (report["mixed"]["value"] if name == "mixed" else report["formats"][name]["value"])
        )
        lab = "mixed " + "/".join(report["mixed"]["layer_formats"]) if name == "mixed" else name
        ax.plot(p[:, 0], p[:, 1], c=c, ls=ls, lw=1.6, label=f"{lab}: {val:.2f} %")
    lo, hi = gt[:, :2].min(axis=0), gt[:, :2].max(axis=0)
    pad = 0.15 * (hi - lo).max()
    d = dr_tr["position"]
    ax.plot(
        d[:, 0],
        d[:, 1],
        c="grey",
        ls=":",
        lw=1.2,
        label=f"strapdown dead reckoning: {report['dead_reckoning']:.1f} % (leaves the map)",
    )
    ax.plot(*gt[0, :2], "go", ms=6)
    ax.set_xlim(lo[0] - pad, hi[0] + pad)
    ax.set_ylim(lo[1] - pad, hi[1] + pad)
    ax.set_aspect("equal")
    ax.set_title(
        "test part: trajectories integrated from the network's speeds\n"
        "(relative translation error, KITTI-style, in the legend)"
    )
    ax.set_xlabel("x (m)")
    ax.set_ylabel("y (m)")
    ax.legend(loc="best", fontsize=8)
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_error_energy(path: Path, report: dict, table: dict) -> None:
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.2, 4.6))
    fp32 = report["fp32"]["value"]
    for f, r in report["formats"].items():
        ax.scatter(r["energy_pj_per_inference"] / 1e3, r["value"], s=45, zorder=3)
        ax.annotate(
            f"all-{f} ({r['weight_bits']:,} bits)",
            (r["energy_pj_per_inference"] / 1e3, r["value"]),
            textcoords="offset points",
            xytext=(6, -12),
            fontsize=8,
        )
    m = report["mixed"]
    ax.scatter(
        m["energy_pj_per_inference"] / 1e3, m["value"], marker="*", s=220, c="crimson", zorder=4
    )
    ax.annotate(
        "mixed " + "/".join(m["layer_formats"]) + f" ({m['weight_bits']:,} bits)",
        (m["energy_pj_per_inference"] / 1e3, m["value"]),
        textcoords="offset points",
        xytext=(6, 6),
        fontsize=8,
        color="crimson",
    )
    ax.axhline(fp32, c="tab:blue", lw=1)
    ax.text(
        1.0,
        fp32,
        "fp32 network ",
        transform=ax.get_yaxis_transform(),
        ha="right",
        va="bottom",
        fontsize=8,
        color="tab:blue",
    )
    ax.axhline(fp32 * 1.08, c="grey", ls=":", lw=1)
    ax.text(
        1.0,
        fp32 * 1.08,
        "fp32 + 8 % ",
        transform=ax.get_yaxis_transform(),
        ha="right",
        va="bottom",
        fontsize=8,
        color="grey",
    )
    ax.set_xscale("log")
    energies = [r["energy_pj_per_inference"] / 1e3 for r in report["formats"].values()]
    ax.set_xlim(min(energies) / 1.25, max(energies) * 2.2)
    ticks = [
        v
        for v in (50, 100, 200, 400, 800, 1600, 3200)
        if min(energies) / 1.25 <= v <= max(energies) * 2.2
    ]
    ax.set_xticks(ticks, [f"{v:g}" for v in ticks])
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.text(
        0.99,
        0.03,
        "pJ/MAC " + ", ".join(f"{f} {v:g}" for f, v in table.items()),
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=7,
        color="grey",
    )
    ax.set_xlabel("energy per inference (nJ; pJ/MAC from make ppa x MACs per layer)")
    ax.set_ylabel("relative translation error on the test part (%)")
    ax.set_title(
        f"odometry network: error vs energy (dead reckoning: {report['dead_reckoning']:.0f} %)"
    )
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
