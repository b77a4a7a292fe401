# SPDX-License-Identifier: Apache-2.0
"""`make onnx-models`: torchvision networks nobody here wrote, through `xrnpe onnx run`.

For MobileNetV2 and ResNet-18 (torchvision definitions, seeded random weights: no download
exists here), at each precision plan (uniform fp4, p4, p8, p16, and a mixed plan):

1. quantize the network with ``xrnpe.torch`` (one format per Conv2d/Linear), calibrate its
   scales on a batch of inputs, export it to ONNX (the formats travel in the model);
2. time ``xrnpe.onnx.run`` (the exact engine, ``--engine model``) against onnxruntime float32
   on the float network's own ONNX export, same input, same process, median of --repeat runs
   after a warm-up; the engine's time is split per compute layer and host operator kind, so
   the report says where it goes;
3. compare the outputs (relative RMS difference of the logits against the float network and
   against PyTorch's fake-quantized forward of the same quantized network);
4. with --rtl, run one layer of each network (a small pointwise convolution, as a
   co-processor job) through the RTL co-processor and check it bit-exactly against the model.

Writes build/onnx/report.json and prints a table.  Options: --size (input side, default 160),
--repeat, --models, --plans, --rtl/--sim, --threads (onnxruntime intra-op threads, default 1,
the engine's numpy is single-threaded here too), --only ENGINE (time one engine only, for
whole-process timing from outside).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLANS = ("fp4", "p4", "p8", "p16", "mixed")
MODELS = ("mobilenet_v2", "resnet18")


def build(name: str, seed: int):
    import torch
    from torchvision import models

    torch.manual_seed(seed)
    net = getattr(models, name)(weights=None)
    net.eval()
    # Random BatchNorm statistics, so that every layer's output has a spread of its own (the
    # defaults, mean 0 and variance 1, leave a randomly initialised network's activations
    # shrinking layer by layer); fixed by the seed.
    for m in net.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.1, 0.1)
    return net


def plan_formats(plan: str, n_layers: int) -> list[str]:
    """One format per compute layer.  "mixed": p16 for the first layer and the classifier,
    p8 for the first and last quarter of the rest, fp4 for the middle half (the layer-adaptive
    recipe of the workloads: the ends are the sensitive layers)."""
    if plan != "mixed":
        return [plan] * n_layers
    inner = n_layers - 2
    q = max(1, inner // 4)
    mid = ["p8" if i < q or i >= inner - q else "fp4" for i in range(inner)]
    return ["p16", *mid, "p16"]


def rel_rms(y, ref) -> float:
    import numpy as np

    y, ref = np.asarray(y, np.float64), np.asarray(ref, np.float64)
    return float(np.sqrt(np.mean((y - ref) ** 2)) / (np.sqrt(np.mean(ref**2)) + 1e-30))


def median_time(fn, repeat: int) -> tuple[float, object]:
    out = fn()  # warm-up (and the result)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def engine_profile(model, x, formats) -> dict:
    """One engine run with the time split: compute layers by op (the co-processor jobs:
    quantize, im2col, exact matmul, back to float) and the host operators by op type."""
    from xrnpe.onnx import graph

    by_op: dict[str, float] = defaultdict(float)
    layers = []
    orig_compute, orig_float = graph._compute, graph.Model._float_op

    def timed_compute(layer, ins, mm, *cache):
        t0 = time.perf_counter()
        y = orig_compute(layer, ins, mm, *cache)
        dt = time.perf_counter() - t0
        by_op[f"compute {layer.op}"] += dt
        group = next((a.i for a in layer.node.attribute if a.name == "group"), 1)
        layers.append(
            {
                "name": layer.name,
                "op": layer.op,
                "macs": layer.macs,
                "seconds": round(dt, 5),
                "grouped": group > 1,
            }
        )
        return y

    def timed_float(self, node, ins):
        t0 = time.perf_counter()
        y = orig_float(self, node, ins)
        by_op[f"host {node.op_type}"] += time.perf_counter() - t0
        return y

    graph._compute, graph.Model._float_op = timed_compute, timed_float
    try:
        t0 = time.perf_counter()
        model.run(x, formats, "fp32", "model", "icarus", None, None)
        total = time.perf_counter() - t0
    finally:
        graph._compute, graph.Model._float_op = orig_compute, orig_float
    return {
        "seconds": round(total, 4),
        "by_op": {k: round(v, 4) for k, v in sorted(by_op.items(), key=lambda kv: -kv[1])},
        "depthwise_seconds": round(sum(ly["seconds"] for ly in layers if ly["grouped"]), 4),
        "slowest_layers": sorted(layers, key=lambda ly: -ly["seconds"])[:5],
        "compute_layers": len(layers),
    }


def rtl_layer_check(net, x, qmodel_formats, sim: str) -> dict:
    """One 1x1 convolution of the network as a co-processor job on the RTL: 16 pixels of its
    real input (quantized) times 16 output channels of its weight codes, bit-exact against
    the model."""
    import numpy as np
    import torch

    from xrnpe import vector
    from xrnpe.matmul import matmul
    from xrnpe.rtl import matmul_rtl
    from xrnpe.torch import quant_layers

    layers = quant_layers(net)
    pick = None
    for i, (lname, mod) in enumerate(layers):
        # a 1x1 convolution with K = C_in <= 64: 16 of its pixels x 16 of its output channels
        small = hasattr(mod, "groups") and mod.in_channels <= 64
        if small and mod.kernel_size == (1, 1) and mod.groups == 1:
            pick = (i, lname, mod)
            break
    if pick is None:
        return {"skipped": "no small 1x1 convolution"}
    i, lname, mod = pick
    captured = {}

    def grab(_mod, inp, _out):  # returns None: the layer's output is left alone
        captured.setdefault("x", inp[0])

    hook = mod.register_forward_hook(grab)
    with torch.no_grad():
        net(torch.from_numpy(x))
    hook.remove()
    fmt = qmodel_formats[i]
    xin = captured["x"][0].detach().numpy()  # C, H, W of the first image
    s_a = float(mod.s_a)
    a = xin.reshape(xin.shape[0], -1).T[:16]  # 16 pixels x C_in
    a_codes = vector.quantize(fmt, (a / s_a).astype(np.float32))
    w = mod.weight.detach().numpy().reshape(mod.out_channels, -1).T  # C_in x C_out
    w = w[:, :16]
    s_w = mod.s_w.detach().numpy()[:16]
    w_codes = vector.quantize(fmt, (w / s_w).astype(np.float32))
    stats: dict = {}
    t0 = time.perf_counter()
    c_rtl = matmul_rtl(a_codes, w_codes, fmt, fmt, sim=sim, stats=stats)
    secs = time.perf_counter() - t0
    c_model = matmul(a_codes, w_codes, fmt, fmt)
    return {
        "layer": lname,
        "format": fmt,
        "m_k_n": [int(a_codes.shape[0]), int(a_codes.shape[1]), int(w_codes.shape[1])],
        "sim": sim,
        "bit_exact": bool(np.array_equal(c_rtl, c_model)),
        "cycles": stats.get("cycles"),
        "seconds": round(secs, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--plans", default=",".join(PLANS))
    ap.add_argument("--size", type=int, default=160, help="input side in pixels (default 160)")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=5, help="timed runs after a warm-up")
    ap.add_argument("--threads", type=int, default=1, help="onnxruntime intra-op threads")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rtl", action="store_true", help="one layer per network on the RTL")
    ap.add_argument("--sim", default="verilator", choices=("icarus", "verilator"))
    ap.add_argument("--only", choices=("xrnpe", "onnxruntime"), help="time one engine only")
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "onnx")
    args = ap.parse_args(argv)
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    plans = [p.strip() for p in args.plans.split(",") if p.strip()]
    bad = [m for m in models if m not in MODELS] + [p for p in plans if p not in PLANS]
    if bad:
        print(f"onnx-models: unknown model or plan: {', '.join(bad)}", file=sys.stderr)
        return 2
    if args.size < 32 or args.repeat < 1 or args.batch < 1 or args.threads < 1:
        print("onnx-models: --size >= 32, --repeat, --batch, --threads >= 1", file=sys.stderr)
        return 2
    # the engine's BLAS gets as many threads as onnxruntime (effective when numpy is not yet
    # imported, as when this runs as a script)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    try:
        import numpy as np
        import onnxruntime as ort
        import torch
        import torchvision  # noqa: F401
    except ImportError as e:
        print(f"onnx-models: {e.name} is not installed (make setup)", file=sys.stderr)
        return 1
    import copy

    from xrnpe import onnx as xo
    from xrnpe import torch as xt

    torch.set_num_threads(args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    x = rng.standard_normal((args.batch, 3, args.size, args.size)).astype(np.float32)
    calib = rng.standard_normal((8, 3, args.size, args.size)).astype(np.float32)
    so = ort.SessionOptions()
    so.intra_op_num_threads = args.threads
    so.inter_op_num_threads = 1
    report = {
        "input": [args.batch, 3, args.size, args.size],
        "threads": args.threads,
        "repeat": args.repeat,
        "weights": f"torchvision definitions, random (torch.manual_seed({args.seed}))",
        "models": {},
    }
    for name in models:
        net = build(name, args.seed)
        float_path = args.out / f"{name}_float.onnx"
        torch.onnx.export(
            net,
            torch.from_numpy(x),
            str(float_path),
            opset_version=17,
            dynamo=False,
            input_names=["x"],
            output_names=["y"],
        )
        sess = ort.InferenceSession(str(float_path), so, providers=["CPUExecutionProvider"])
        with torch.no_grad():
            y_float = net(torch.from_numpy(x)).numpy()
        entry = {"params": int(sum(p.numel() for p in net.parameters())), "plans": {}}
        if args.only != "xrnpe":
            t_ort, y_ort = median_time(lambda: sess.run(None, {"x": x})[0], args.repeat)
            entry["onnxruntime_fp32_s"] = round(t_ort, 5)
            entry["onnxruntime_vs_torch_rel_rms"] = rel_rms(y_ort, y_float)
        else:
            t_ort = None
        for plan in plans if args.only != "onnxruntime" else []:
            qnet = copy.deepcopy(net)
            n_layers = len(xt.quant_layers(xt.quantize_model(qnet, "p16")))
            fmts = plan_formats(plan, n_layers)
            qnet = xt.quantize_model(copy.deepcopy(net), fmts)
            xt.calibrate(qnet, torch.from_numpy(calib))
            qpath = args.out / f"{name}_{plan}.onnx"
            xt.export_onnx(qnet, torch.from_numpy(x[:1]), str(qpath))
            with torch.no_grad():
                y_fake = qnet(torch.from_numpy(x)).numpy()
            model = xo.load(str(qpath))
            t_eng, y_eng = median_time(lambda: xo.run(model, x), args.repeat)
            prof = engine_profile(model, x, fmts)
            info = xo.inspect(model)
            row = {
                "formats": fmts if plan == "mixed" else plan,
                "engine_s": round(t_eng, 4),
                "slowdown_vs_onnxruntime": round(t_eng / t_ort, 2) if t_ort else None,
                "rel_rms_vs_float": round(rel_rms(y_eng, y_float), 5),
                "rel_rms_vs_torch_fake_quant": round(rel_rms(y_eng, y_fake), 7),
                "macs": info["total_macs"],
                "energy_uj": round(info["energy_pj"] / 1e6, 3) if info.get("energy_pj") else None,
                "profile": prof,
            }
            entry["plans"][plan] = row
            print(
                f"{name:<13} {plan:<6} engine {t_eng * 1e3:9.1f} ms"
                + (f"  onnxruntime {t_ort * 1e3:7.1f} ms  x{t_eng / t_ort:6.1f}" if t_ort else "")
                + f"  rel RMS vs float {row['rel_rms_vs_float']:.4f}",
                flush=True,
            )
            if args.rtl and plan == "p8":
                entry["rtl_layer"] = rtl_layer_check(qnet, x[:1], fmts, args.sim)
                print(f"{name:<13} RTL layer: {entry['rtl_layer']}", flush=True)
        report["models"][name] = entry
    (args.out / "report.json").write_text(json.dumps(report, indent=1) + "\n")
    print(f"onnx-models: {args.out / 'report.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
