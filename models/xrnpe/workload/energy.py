# SPDX-License-Identifier: Apache-2.0
"""Energy per inference: pJ per MAC from ``make ppa`` times the MACs of every layer.

docs/vio.md "Energy".  The only source of energy figures is ``build/ppa/summary.json``
(CONTRACT section 5): ``designs.<design>.energy_pj_per_mac.{fp4, p4, p8, p16}``, by default
for the RMMEC PE (``pe_rmmec``), which the co-processor instantiates.  The energy of one
inference is sum over layers of MACs(layer) x pJ/MAC(format of the layer); host operations
(scaling, bias, ReLU, pooling) and data movement are not counted.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from .net import Net, epilogue, lower

FORMATS = ("fp4", "p4", "p8", "p16")
DEFAULT_DESIGN = "pe_rmmec"


class EnergyTableError(RuntimeError):
    """The PPA summary is missing or lacks the energy figures."""


def default_summary_path() -> Path:
    """``$XRNPE_PPA_SUMMARY`` if set, else build/ppa/summary.json of the checkout (or of the
    current directory for an installed package)."""
    env = os.environ.get("XRNPE_PPA_SUMMARY")
    if env:
        return Path(env)
    root = Path(__file__).resolve().parents[3]
    if not (root / "Makefile").exists():
        root = Path.cwd()
    return root / "build" / "ppa" / "summary.json"


def pj_per_mac(
    summary_path: str | os.PathLike | None = None, design: str = DEFAULT_DESIGN
) -> dict[str, float]:
    """{fmt: pJ per MAC} for fp4, p4, p8, p16 from the PPA summary; EnergyTableError (one
    line, naming ``make ppa``) if the file or a figure is missing."""
    path = Path(summary_path) if summary_path is not None else default_summary_path()
    if not path.is_file():
        raise EnergyTableError(
            f"{path} not found: run `make ppa` first (energy per MAC comes from the PPA flow)"
        )
    try:
        summary = json.loads(path.read_text())
        table = summary["designs"][design]["energy_pj_per_mac"]
        out = {f: float(table[f]) for f in FORMATS}
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
        raise EnergyTableError(
            f"{path}: no designs.{design}.energy_pj_per_mac.{{fp4,p4,p8,p16}} "
            f"({type(e).__name__}: {e}); re-run `make ppa`"
        ) from None
    bad = [f for f, v in out.items() if not (np.isfinite(v) and v > 0)]
    if bad:
        raise EnergyTableError(
            f"{path}: energy per MAC of {', '.join(bad)} is not a positive "
            "number; re-run `make ppa`"
        )
    return out


def layer_macs(net: Net, input_shape: tuple | None = None) -> list[int]:
    """MACs of every layer for one input of ``input_shape`` (default ``net.input_shape``):
    M x K x N of the layer's matmul, M the lowered rows of one input."""
    shape = tuple(input_shape or net.input_shape)
    a = np.zeros((1, *shape))
    out = []
    for layer in net.layers:
        mat, oshape = lower(layer, a)
        out.append(int(mat.shape[0] * layer.K * layer.N))
        a = epilogue(layer, np.zeros(oshape))
    return out


def energy_per_inference(macs: list[int], layer_formats, table: dict[str, float]) -> float:
    """pJ per inference: sum of MACs x pJ/MAC of each layer's format."""
    if isinstance(layer_formats, str):
        layer_formats = [layer_formats] * len(macs)
    if len(layer_formats) != len(macs):
        raise ValueError(f"{len(layer_formats)} formats for {len(macs)} layers")
    try:
        return float(sum(m * table[f] for m, f in zip(macs, layer_formats, strict=True)))
    except KeyError as e:
        raise ValueError(f"no energy per MAC for format {e.args[0]!r}") from None
