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

The stages are modules of this package, run in this order by ``run``: ``dataset`` (split,
windows, normaliser, measures), ``fit`` (cached training), ``quantize`` (sensitivity and
selection), ``evaluate`` (test part, dead reckoning), ``rtlcheck`` and ``report`` (with
``plots``); the cache, logging and stage times are ``workload.common``.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

from .. import energy
from ..common import Cache, Stopwatch, cache_key, log, repo_root, single_blas_thread
from . import data, dataset, evaluate, fit, model, operands, prep, quantize, report, rtlcheck

CONFIG = {
    "version": 2,  # bump when the pipeline's stages change what is trained or selected
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

# Sources whose changes can change trained parameters or the selection, the pipeline's own
# stages included; the orchestration below is covered by CONFIG["version"]: bump it when it
# changes what is trained or selected.
_SOURCES = [
    "workload/net.py",
    "workload/qat.py",
    "workload/mixed.py",
    "workload/vio/data.py",
    "workload/vio/prep.py",
    "workload/vio/inertial.py",
    "workload/vio/model.py",
    "workload/vio/train.py",
    "workload/vio/dataset.py",
    "workload/vio/fit.py",
    "workload/vio/quantize.py",
    "vector.py",
    "codec.py",
    "formats.py",
]


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
    return single_blas_thread(run, args, table)


def run(args, table: dict, sequence: data.Sequence | None = None) -> int:
    """The pipeline (see the module docstring) on ``sequence`` (default: the KITTI drive of
    the gtsam wheel, or the files given by --imu / --gps)."""
    clock = Stopwatch()
    config = QUICK if args.quick else CONFIG
    out = args.out or repo_root() / "build" / ("vio-quick" if args.quick else "vio")
    out.mkdir(parents=True, exist_ok=True)
    with clock.stage("data"):
        seq = sequence or data.kitti_sequence(args.imu, args.gps)
        key = cache_key({**config, "data": data.digest(seq)}, _SOURCES)
        make_net = partial(model.odometry_net, config["init_seed"], config["window"])
        cache = Cache(out / "cache", key, args.retrain, make_net)
        ds = dataset.prepare(seq, config)
    dataset.log_summary(ds, cache.dir)

    pretrained, nets = fit.train_configurations(cache, config, ds, clock)
    fp32_net = nets["fp32"][0]
    fp32_val = dataset.val_error(ds, fp32_net, None)
    log(f"fp32 validation error {fp32_val:.3f} %")
    costs = quantize.Costs(fp32_net, table)
    with clock.stage("sensitivity"):
        sens = quantize.sensitivity(cache, config, ds, fp32_net, fp32_val)
    with clock.stage("selection"):
        selector = quantize.Selection(cache, config, ds, pretrained, nets, costs, fp32_val)
        selection = selector.run(sens)
        nets["mixed"] = selector.trained(selection["chosen"])

    results, trajectories = evaluate.evaluate_networks(ds, nets, costs, clock)
    operands.export(nets, ds, out / "operands.npz")
    dead_reckoning = evaluate.dead_reckoning(ds, clock)
    rtl = rtlcheck.rtl_stage(args, nets["mixed"], selection["chosen"], ds, clock)
    outcome = report.Outcome(
        config=config,
        key=key,
        cache_hits=cache.hits,
        ds=ds,
        fp32_net=fp32_net,
        macs=costs.macs,
        table=table,
        ppa_summary=args.ppa_summary,
        results=results,
        trajectories=trajectories,
        dead_reckoning=dead_reckoning,
        sensitivity=sens,
        selection=selection,
        rtl=rtl,
    )
    report.write(out, outcome, clock)
    return 1 if rtl.failure else 0


if __name__ == "__main__":
    sys.exit(main())
