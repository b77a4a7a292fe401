# SPDX-License-Identifier: Apache-2.0
"""Export a model with Quant layers to ONNX for ``xrnpe onnx run`` (docs/onnx.md).

Every Quant layer becomes one compute node (Conv, or Gemm/MatMul for Linear) whose weight
initializer holds the already-quantized weight values ``dequantize(quantize(W / s_w))`` (so the
runner's quantization of W is the identity), preceded by ``Div(x, s_a)`` and followed by
``Mul(., fl32(s_a * s_w))`` and ``Add(., bias)`` when the layer is scaled: the runner then
computes exactly the workloads' inference path (``workload/net.py`` ``host_post``) except that
``x / s_a`` is a float32 division (the numpy workloads divide in float64).

The per-layer formats travel in two places, both read by ``xrnpe onnx run``:
- ``metadata_props`` key ``xrnpe.formats``: the formats of the compute layers in graph order,
  comma-separated (plus ``xrnpe.scales``, informational JSON);
- a QONNX-style tensor annotation (``graph.quantization_annotation``, the mechanism QONNX uses
  for ``finn_datatype``): key ``xrnpe_format`` on each compute node's weight tensor.
"""

from __future__ import annotations

import copy
import io
import json
import os
import warnings

import torch
from torch import nn
from torch.nn import functional as F  # noqa: N812 (the PyTorch convention)

from xrnpe.torch.quant import FakeQuantFn, QuantConv2d, QuantLinear, quant_layers

COMPUTE_OPS = ("Conv", "Gemm", "MatMul")
META_FORMATS = "xrnpe.formats"
META_SCALES = "xrnpe.scales"
ANNOTATION_KEY = "xrnpe_format"


class _Exported(nn.Module):
    """A Quant layer in the form the runner executes: quantized weights, explicit scaling."""

    def __init__(self, q: nn.Module, order: list):
        super().__init__()
        self.fmt, self._order = q.fmt, order
        self.is_conv = isinstance(q, QuantConv2d)
        with torch.no_grad():
            wq = FakeQuantFn.apply(q.weight / q.s_w.view(q._w_scale_shape()), q.fmt)
            self.register_buffer("weight", wq.detach().float().clone())
            self.register_buffer("s_a", q.s_a.detach().float().clone())
            self.register_buffer("scale", q.out_scale().detach().float().clone())
            self.register_buffer(
                "bias", None if q.bias is None else q.bias.detach().float().clone()
            )
        self.scaled = bool(float(self.s_a) != 1.0 or bool((self.scale != 1).any()))
        if self.is_conv:
            self.conv_args = (q.stride, q.padding, q.dilation, q.groups)

    def forward(self, x):
        self._order.append(self.fmt)
        if self.scaled:
            x = x / self.s_a
        bias = None if self.scaled else self.bias
        if self.is_conv:
            y = F.conv2d(x, self.weight, bias, *self.conv_args)
            shape = (1, -1, 1, 1)
        else:
            y = F.linear(x, self.weight, bias)
            shape = (-1,)
        if self.scaled:
            y = y * self.scale.view(shape)
            if self.bias is not None:
                y = y + self.bias.view(shape)
        return y


def export_onnx(
    model: nn.Module,
    example: torch.Tensor,
    path: str | os.PathLike | None = None,
    *,
    opset: int = 17,
    dynamic_batch: bool = True,
    matmul_format: str | None = None,
):
    """Export ``model`` (with Quant layers, see ``quantize_model``) to ONNX; returns the
    ``onnx.ModelProto`` (also written to ``path`` if given).  Input name ``input``, output
    ``output``; with ``dynamic_batch`` the first dimension is symbolic.  A MatMul/Gemm of two
    activations (e.g. attention scores) is a compute layer too: ``matmul_format`` is its
    format (required if the graph has one)."""
    import onnx

    m = copy.deepcopy(model).eval()
    order: list = []
    layers = quant_layers(m)
    scales = []
    for name, q in layers:
        parent_name, _, attr = name.rpartition(".")
        parent = m.get_submodule(parent_name) if parent_name else m
        setattr(parent, attr, _Exported(q, order))
        scales.append(
            {"name": name, "fmt": q.fmt, "s_a": float(q.s_a), "s_w": [float(v) for v in q.s_w]}
        )
    with torch.no_grad():
        m(example)
    call_order = list(order)
    buf = io.BytesIO()
    axes = {"input": {0: "batch"}, "output": {0: "batch"}} if dynamic_batch else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation notice
        torch.onnx.export(
            m,
            (example,),
            buf,
            input_names=["input"],
            output_names=["output"],
            opset_version=opset,
            dynamic_axes=axes,
            dynamo=False,
        )
    proto = onnx.load_from_string(buf.getvalue())
    consts = {t.name for t in proto.graph.initializer}
    consts |= {o for n in proto.graph.node if n.op_type == "Constant" for o in n.output}
    nodes = [n for n in proto.graph.node if n.op_type in COMPUTE_OPS]
    weighted = [n for n in nodes if n.input[1] in consts]
    if len(weighted) != len(call_order):
        raise ValueError(
            f"the exported graph has {len(weighted)} Conv/Gemm/MatMul nodes with constant "
            f"weights but the model ran {len(call_order)} Quant layers: every Conv2d/Linear "
            "must be a Quant layer (quantize_model)"
        )
    if len(nodes) > len(weighted) and matmul_format is None:
        raise ValueError(
            f"the model has {len(nodes) - len(weighted)} MatMul/Gemm of two activations: "
            "give their format with matmul_format="
        )
    layer_formats = iter(call_order)
    formats = [next(layer_formats) if n.input[1] in consts else matmul_format for n in nodes]
    annotate(proto, formats)
    entry = proto.metadata_props.add()
    entry.key, entry.value = META_SCALES, json.dumps(scales)
    if path is not None:
        onnx.save(proto, os.fspath(path))
    return proto


def annotate(proto, formats: list[str]) -> None:
    """Write ``formats`` (one per compute node, graph order) into both annotations."""
    nodes = [n for n in proto.graph.node if n.op_type in COMPUTE_OPS]
    if len(nodes) != len(formats):
        raise ValueError(f"{len(formats)} formats for {len(nodes)} compute layers")
    for p in [p for p in proto.metadata_props if p.key == META_FORMATS]:
        proto.metadata_props.remove(p)
    entry = proto.metadata_props.add()
    entry.key, entry.value = META_FORMATS, ",".join(formats)
    for node, fmt in zip(nodes, formats):
        ann = proto.graph.quantization_annotation.add()
        ann.tensor_name = node.input[1]
        kv = ann.quant_parameter_tensor_names.add()
        kv.key, kv.value = ANNOTATION_KEY, fmt


__all__ = ["ANNOTATION_KEY", "META_FORMATS", "QuantLinear", "annotate", "export_onnx"]
