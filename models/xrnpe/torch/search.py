# SPDX-License-Identifier: Apache-2.0
"""Layer-adaptive format search for any ``nn.Module`` (the paper's layer-adaptive hybrid
precision): one format per Conv2d/Linear layer, the cheapest assignment found whose measured
error stays within a budget.

``search_formats(model, calib_x, evaluate, budget, objective="bits"|"energy")``:

1. **Calibration per format**: a copy of the model with every layer in format f, calibrated
   on ``calib_x`` (``xrnpe.torch.calibrate``), one per candidate format.
2. **Sensitivity**: layer l alone in format f (the other layers of that copy switched to
   float) is measured with ``evaluate``; its increase over the float model is the layer's
   predicted cost in error.
3. **Greedy descent**: from every layer in the most precise format, repeatedly take the move
   (one layer to a cheaper format) with the largest cost saving per predicted error increase
   while the summed prediction stays within ``budget``.
4. **Verification**: the chosen assignment is quantized and calibrated as a whole and
   measured; while it exceeds the budget, the last move is undone.

Cost: ``bits`` = weight parameters x format width; ``energy`` = MACs x pJ/MAC of the format
(MACs from one forward pass of ``calib_x[:1]``; pJ/MAC from ``make ppa``'s summary, or a
table given).  The search is a heuristic (the additive error model of the workloads'
``workload/mixed.py``, without its exhaustive ranking, which does not scale past a few
layers); the verification is exact for the ``evaluate`` given.  Fine-tuning (QAT) the result
is left to the caller.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import torch
from torch import nn

from xrnpe.formats import FORMATS
from xrnpe.torch.quant import calibrate, quant_layers, quantize_model

SEARCH_FORMATS = ("fp4", "p4", "p8", "p16")


def _layer_targets(model: nn.Module) -> list[tuple[str, nn.Module]]:
    return [(n, m) for n, m in model.named_modules() if type(m) in (nn.Conv2d, nn.Linear)]


@torch.no_grad()
def layer_macs(model: nn.Module, example: torch.Tensor) -> list[int]:
    """MACs of every Conv2d/Linear layer (registration order) for one ``example`` batch."""
    targets = _layer_targets(model)
    macs = {id(m): 0 for _, m in targets}

    def hook(m, inp, out):
        if isinstance(m, nn.Conv2d):
            k = m.in_channels // m.groups * m.kernel_size[0] * m.kernel_size[1]
            macs[id(m)] += int(out.numel() * k)
        else:
            macs[id(m)] += int(out.numel() * m.in_features)

    hooks = [m.register_forward_hook(hook) for _, m in targets]
    try:
        was = model.training
        model.eval()
        model(example)
        model.train(was)
    finally:
        for h in hooks:
            h.remove()
    return [macs[id(m)] for _, m in targets]


def _costs(model, objective, example, formats, pj_per_mac) -> list[dict[str, float]]:
    targets = _layer_targets(model)
    if objective == "bits":
        return [
            {f: float(m.weight.numel() * FORMATS[f].width) for f in formats} for _, m in targets
        ]
    if objective == "energy":
        if pj_per_mac is None:
            from xrnpe.onnx import pj_per_mac_table

            pj_per_mac = pj_per_mac_table()[0]
        missing = [f for f in formats if f not in pj_per_mac]
        if missing:
            raise ValueError(f"no pJ/MAC for {', '.join(missing)}")
        macs = layer_macs(model, example)
        return [{f: float(n * pj_per_mac[f]) for f in formats} for n in macs]
    raise ValueError(f"objective {objective!r}: choose 'bits' or 'energy'")


def _quantized(model, fmts, calib_x):
    q = quantize_model(copy.deepcopy(model), fmts)
    calibrate(q, calib_x)
    return q


def search_formats(
    model: nn.Module,
    calib_x: torch.Tensor,
    evaluate: Callable[[nn.Module], float],
    budget: float,
    objective: str = "bits",
    formats=SEARCH_FORMATS,
    pj_per_mac: dict[str, float] | None = None,
    log: Callable[[str], None] | None = None,
) -> dict:
    """The cheapest per-layer formats found whose measured ``evaluate`` (an error: lower is
    better) exceeds the float model's by at most ``budget``.

    ``model`` (float, with Conv2d/Linear layers) is not modified.  Returns
    {"formats": [...] (registration order), "layers": names, "float_error", "error",
    "predicted_increase", "cost", "cost_all_<most precise>", "objective", "sensitivity":
    {layer: {format: error}}, "moves": [...], "undone": n}.
    """
    formats = tuple(formats)
    bad = [f for f in formats if f not in SEARCH_FORMATS]
    if bad or not formats:
        raise ValueError(f"formats must be among {', '.join(SEARCH_FORMATS)}, got {formats}")
    if budget < 0:
        raise ValueError(f"budget must be >= 0, got {budget}")
    targets = _layer_targets(model)
    if not targets:
        raise ValueError("the model has no Conv2d or Linear layer")
    names = [n for n, _ in targets]
    say = log or (lambda s: None)
    costs = _costs(model, objective, calib_x[:1], formats, pj_per_mac)
    # most precise first: by width, then the order given
    precise = max(formats, key=lambda f: (FORMATS[f].width, -formats.index(f)))
    model = copy.deepcopy(model).eval()
    base = float(evaluate(model))
    say(f"float model: {base:.6g}")

    # 1-2. one calibrated copy per format, each layer alone in it
    sens: list[dict[str, float]] = [{} for _ in names]
    for f in formats:
        q = _quantized(model, f, calib_x)
        layers = quant_layers(q)
        for _, m in layers:
            m.quant_enabled = False
        for i, (_, m) in enumerate(layers):
            m.quant_enabled = True
            sens[i][f] = float(evaluate(q))
            m.quant_enabled = False
        say(f"sensitivity {f}: " + ", ".join(f"{e - base:.3g}" for e in (s[f] for s in sens)))
    inc = [{f: max(0.0, s[f] - base) for f in formats} for s in sens]

    # 3. greedy descent under the additive prediction
    cur = [precise] * len(names)
    predicted = sum(inc[i][precise] for i in range(len(names)))
    moves = []
    while True:
        best = None
        for i in range(len(names)):
            for f in formats:
                saving = costs[i][cur[i]] - costs[i][f]
                if saving <= 0:
                    continue
                added = inc[i][f] - inc[i][cur[i]]
                if predicted + added > budget:
                    continue
                score = (float("inf") if added <= 0 else saving / added, saving)
                if best is None or score > best[0]:
                    best = (score, i, f, added)
        if best is None:
            break
        _, i, f, added = best
        moves.append({"layer": names[i], "from": cur[i], "to": f, "predicted_added": added})
        cur[i] = f
        predicted += added

    # 4. verify; undo moves while the whole assignment is over budget
    undone = 0
    while True:
        err = float(evaluate(_quantized(model, cur, calib_x)))
        say(f"verify {','.join(cur)}: {err - base:.6g} (budget {budget})")
        if err - base <= budget or not moves:
            break
        last = moves.pop()
        cur[names.index(last["layer"])] = last["from"]
        predicted -= last["predicted_added"]
        undone += 1
    return {
        "formats": list(cur),
        "layers": names,
        "objective": objective,
        "float_error": base,
        "error": err,
        "within_budget": err - base <= budget,
        "predicted_increase": predicted,
        "cost": sum(c[f] for c, f in zip(costs, cur)),
        f"cost_all_{precise}": sum(c[precise] for c in costs),
        "sensitivity": {n: dict(s) for n, s in zip(names, sens)},
        "moves": moves,
        "undone": undone,
    }
