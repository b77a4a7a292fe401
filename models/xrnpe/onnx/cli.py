# SPDX-License-Identifier: Apache-2.0
"""``xrnpe onnx run`` and ``xrnpe onnx inspect`` (CONTRACT section 6, docs/onnx.md).

Same conventions as the rest of ``xrnpe``: bad input is one ``xrnpe: error: ...`` line on
stderr, exit status 2 and no output file; an output that cannot be written is status 3; a
failed RTL simulation is status 1.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from xrnpe.formats import INPUT_FORMATS, OUTPUT_FORMATS

ONNX_HELP = """\
Run ONNX models with every Conv/Gemm/MatMul as a co-processor job (CONTRACT section 6).

  xrnpe onnx run MODEL.onnx INPUT.npy --formats F[,F2,...] [--out-format O]
                 [--engine model|rtl] [--sim icarus|verilator] -o OUT.npy
  xrnpe onnx inspect MODEL.onnx [--formats ...] [--json]

--formats: one format for every compute layer or one per layer in graph order (fp4, p4, p8,
p16); without it, the formats the model carries (exported by xrnpe.torch.export_onnx).
Everything else runs in float32.  docs/onnx.md has the details.
"""


def add_parser(sub, parser_class) -> None:
    """Add the ``onnx`` command with its ``run`` and ``inspect`` subcommands."""
    o = sub.add_parser(
        "onnx",
        help="run or inspect an ONNX model on the engine",
        description=ONNX_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    osub = o.add_subparsers(dest="onnx_command", metavar="ACTION", parser_class=parser_class)
    osub.required = True
    r = osub.add_parser(
        "run",
        help="run a model on one input",
        description=ONNX_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    r.add_argument("model", metavar="MODEL.onnx")
    r.add_argument("input", metavar="INPUT.npy", help="float32 input of the model's shape")
    _formats_arg(r)
    r.add_argument(
        "--out-format",
        "-O",
        default="fp32",
        choices=OUTPUT_FORMATS,
        metavar="OUT_FORMAT",
        help="rounding of every compute layer (default fp32)",
    )
    r.add_argument(
        "--engine",
        default="model",
        choices=("model", "rtl"),
        help="model: exact reference (default); rtl: the co-processor in simulation",
    )
    r.add_argument(
        "--sim",
        default="icarus",
        choices=("icarus", "verilator", "verilator-native"),
        help="simulator for --engine rtl (default icarus)",
    )
    r.add_argument(
        "-o", "--output", required=True, metavar="OUT.npy", help="float32 output ('-' for stdout)"
    )
    i = osub.add_parser(
        "inspect",
        help="compute layers, shapes, MACs, formats, energy",
        description=ONNX_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    i.add_argument("model", metavar="MODEL.onnx")
    _formats_arg(i)
    i.add_argument("--json", action="store_true", help="print the table as JSON")


def _formats_arg(p) -> None:
    p.add_argument(
        "--formats",
        "-f",
        default=None,
        metavar="F[,F2,...]",
        help=f"one of {', '.join(INPUT_FORMATS)} for all compute layers, or one per layer",
    )


def command(args) -> int:
    """Run ``xrnpe onnx ...``; returns the exit status."""
    from xrnpe import cli

    try:
        if args.onnx_command == "inspect":
            return _inspect(args)
        cli._check_output_dir(args.output)
        out = _run(args)
        cli._save(args.output, out)
    except cli.UsageError as e:
        return _fail(e, 2)
    except cli.OutputError as e:
        return _fail(e, 3)
    except ImportError as e:
        return _fail(f"the onnx extra is not installed ({' '.join(str(e).split())})", 2)
    except Exception as e:  # a failed simulation: one line, distinct status
        from xrnpe.onnx import OnnxError

        if isinstance(e, OnnxError | ValueError):
            return _fail(" ".join(str(e).split()), 2)
        return _fail(f"{type(e).__name__}: {' '.join(str(e).split())}", 1)
    return 0


def _fail(msg, status: int) -> int:
    print(f"xrnpe: error: {msg}", file=sys.stderr)
    return status


def _formats(args):
    return None if args.formats is None else [f.strip() for f in args.formats.split(",")]


def _run(args) -> np.ndarray:
    from xrnpe import cli
    from xrnpe.onnx import load

    model = load(args.model)
    fmts = model.resolve_formats(_formats(args))
    x = cli._load(args.input)
    if x.dtype.kind == "f" and x.dtype.itemsize == 4:
        x = x.astype(np.float32)  # native byte order
    model.check_input(x)
    progress = _progress(len(model.layers), args.engine)

    def on_layer(layer):
        if progress is not None:
            progress.update(1, f"{layer.name} {layer.fmt}")

    try:
        return model.run(x, fmts, args.out_format, args.engine, args.sim, progress, on_layer)
    finally:
        if progress is not None:
            progress.close()


def _progress(n_layers: int, engine: str):
    """The command line's one progress UI (xrnpe.progress) counting layers: a live line on a
    terminal; off one, only the RTL engine's steps (the model engine stays quiet)."""
    from xrnpe.progress import Progress

    if engine != "rtl" and not sys.stderr.isatty():
        return None
    return Progress(f"onnx run ({engine})", n_layers, unit="layers")


def _inspect(args) -> int:
    from xrnpe.onnx import inspect

    rep = inspect(args.model, _formats(args))
    if args.json:
        print(json.dumps(rep, indent=1))
        return 0
    head = (
        f"{'#':>3} {'op':6} {'name':24} {'input':>18} {'weight':>16} {'output':>18} "
        f"{'MACs':>12} {'fmt':>4} {'pJ':>14}"
    )
    print(head)
    for r in rep["layers"]:
        e = "-" if r["energy_pj"] is None else f"{r['energy_pj']:,.0f}"
        print(
            f"{r['index']:>3} {r['op']:6} {r['name'][:24]:24} {_shape(r['input']):>18} "
            f"{_shape(r['weight']):>16} {_shape(r['output']):>18} {r['macs']:>12,} "
            f"{r['format'] or '-':>4} {e:>14}"
        )
    total = rep["energy_pj"]
    energy = "-" if total is None else f"{total / 1e6:.3f} uJ"
    print(
        f"total: {rep['total_macs']:,} MACs per inference, energy {energy} "
        f"(pJ/MAC from {rep['pj_source']})"
    )
    return 0


def _shape(s) -> str:
    return "x".join(str(v) for v in s)
