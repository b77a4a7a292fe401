# SPDX-License-Identifier: Apache-2.0
"""``make vio`` stage: the network's own operands, for the PE energy bench on real data.

``make ppa-real`` (xrnpe.ppa.real) simulates every PE's gate-level netlist on these codes
instead of uniform random ones.  Per input format, the network fine-tuned for that format is
rolled out on the first test steps (the exact model path), and each layer's matmul operands
are kept: A (activation codes, the rows of every step stacked) and W (weight codes).  Written
to ``<out>/operands.npz`` under the keys ``<format>/<layer>/a`` and ``<format>/<layer>/w``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..common import log
from . import model
from .dataset import Dataset

FORMATS = ("fp4", "p4", "p8", "p16")
STEPS = 8  # test steps rolled out per format: every layer's rows of 8 consecutive steps


def export(nets: dict, ds: Dataset, path: Path, steps: int = STEPS) -> Path:
    """Write the operands of every layer of the fp4/p4/p8/p16 networks (``nets[fmt]`` =
    (net, qcfg, meta)) to ``path``."""
    test = ds.parts["test"]
    arrays = {}
    for fmt in FORMATS:
        net, qcfg, _ = nets[fmt]
        trace: list = []
        model.rollout(net, qcfg, test.windows[:steps], test.v0, ds.norm, "model", trace=trace)
        for idx, layer in enumerate(net.layers):
            name = layer.name or f"layer{idx}"
            arrays[f"{fmt}/{name}/a"] = np.concatenate([step[idx][0] for step in trace])
            arrays[f"{fmt}/{name}/w"] = trace[0][idx][1]
    np.savez_compressed(path, **arrays)
    log(f"operands of {len(arrays) // 2} layers x formats for the energy bench: {path}")
    return path
