# SPDX-License-Identifier: Apache-2.0
"""PyTorch side of XR-NPE (extra ``torch``): fake quantization bit-identical to the exact
models, Quant layers, calibration and ONNX export for ``xrnpe onnx run`` (docs/onnx.md).

Inside this package ``torch`` is the real PyTorch: every import here is absolute.
"""

from xrnpe.torch.export import annotate, export_onnx
from xrnpe.torch.quant import (
    FakeQuant,
    FakeQuantFn,
    QuantConv2d,
    QuantLinear,
    calibrate,
    fake_quant,
    max_value,
    quant_layers,
    quantize_model,
)
from xrnpe.torch.search import layer_macs, search_formats

__all__ = [
    "FakeQuant",
    "FakeQuantFn",
    "QuantConv2d",
    "QuantLinear",
    "annotate",
    "calibrate",
    "export_onnx",
    "fake_quant",
    "layer_macs",
    "max_value",
    "quant_layers",
    "quantize_model",
    "search_formats",
]
