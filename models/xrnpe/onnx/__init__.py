# SPDX-License-Identifier: Apache-2.0
"""ONNX models on the XR-NPE engine (extra ``onnx``): ``xrnpe onnx run`` / ``inspect``.

CONTRACT section 6 and docs/onnx.md.  Inside this package ``onnx`` is the real ONNX package:
every import here is absolute.
"""

from __future__ import annotations

import numpy as np

from xrnpe.onnx.graph import ComputeLayer, Model, load
from xrnpe.onnx.ops import OnnxError

DOCUMENTED_PJ_PER_MAC = {"fp4": 46.20, "p4": 51.05, "p8": 132.83, "p16": 346.79}
"""pJ per MAC of the RMMEC PE (osu018, 100 MHz) as docs/ppa.md and the README state them;
used only when build/ppa/summary.json (``make ppa``) is absent."""


def pj_per_mac_table(summary_path=None) -> tuple[dict[str, float], str]:
    """({format: pJ/MAC}, where from): ``make ppa``'s summary if present (the one source
    ``workload/energy.py`` uses), else ``DOCUMENTED_PJ_PER_MAC``."""
    from xrnpe.workload.energy import EnergyTableError, default_summary_path, pj_per_mac

    path = summary_path or default_summary_path()
    try:
        return pj_per_mac(path), f"{path} (make ppa)"
    except EnergyTableError as e:
        if path is not None and "not found" not in str(e):
            raise
        return dict(DOCUMENTED_PJ_PER_MAC), "docs/ppa.md figures (build/ppa/summary.json absent)"


def run(
    model: Model | str,
    x: np.ndarray,
    formats: list[str] | str | None = None,
    out_format: str = "fp32",
    engine: str = "model",
    sim: str = "icarus",
    progress=None,
    on_layer=None,
) -> np.ndarray:
    """float32 output of ``model`` (a path or a loaded ``Model``) for the float32 input ``x``;
    ``formats`` one, one per compute layer, or None for the model's annotation."""
    m = load(model) if not isinstance(model, Model) else model
    if isinstance(formats, str):
        formats = formats.split(",")
    fmts = m.resolve_formats(formats)
    return m.run(x, fmts, out_format, engine, sim, progress, on_layer)


def inspect(model: Model | str, formats=None, summary_path=None) -> dict:
    """Compute layers with shapes (batch 1), MACs, formats and energy per layer.

    Formats from ``formats`` or the model's annotation (None per layer if it has none; energy
    is then left out).  Returns {"layers": [...], "total_macs", "energy_pj", "pj_source"}.
    """
    m = load(model) if not isinstance(model, Model) else model
    if isinstance(formats, str):
        formats = formats.split(",")
    try:
        fmts = m.resolve_formats(formats)
    except OnnxError:
        if formats is not None:
            raise
        fmts = [None] * len(m.layers)
    shape = tuple(1 if d is None else d for d in m.input_shape)
    m.run(np.zeros(shape, np.float32), ["p8"] * len(m.layers), engine="float")
    table, source = pj_per_mac_table(summary_path)
    rows, total_e = [], 0.0
    for layer, f in zip(m.layers, fmts):
        e = None if f is None else layer.macs * table[f]
        total_e = None if e is None or total_e is None else total_e + e
        rows.append(
            {
                "index": layer.index,
                "name": layer.name,
                "op": layer.op,
                "input": list(layer.x_shape),
                "weight": list(layer.w_shape),
                "output": list(layer.y_shape),
                "matmuls": [list(t) for t in layer.matmuls],
                "macs": layer.macs,
                "format": f,
                "pj_per_mac": None if f is None else table[f],
                "energy_pj": e,
            }
        )
    return {
        "layers": rows,
        "total_macs": int(sum(r["macs"] for r in rows)),
        "energy_pj": total_e,
        "pj_source": source,
    }


__all__ = [
    "DOCUMENTED_PJ_PER_MAC",
    "ComputeLayer",
    "Model",
    "OnnxError",
    "inspect",
    "load",
    "pj_per_mac_table",
    "run",
]
