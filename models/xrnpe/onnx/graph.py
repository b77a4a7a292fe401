# SPDX-License-Identifier: Apache-2.0
"""Loading an ONNX model and running it with its compute layers on the exact engine.

CONTRACT section 6: the graph's Conv (2-D; grouped: one matmul per group), Gemm and MatMul
nodes are compute layers, run in graph order (ONNX graphs are topologically sorted).  A compute
layer quantizes its float32 input X and weight W to its format F (``xrnpe.vector.quantize``),
multiplies the codes with exact sums and one rounding into the output format O
(``xrnpe.matmul.matmul``, or the RTL co-processor through ``xrnpe.rtl.matmul_rtl``), converts
the result to float32 and adds the bias in float32.  Conv is im2col on the codes (the zero
pads are code 0 = +0 in every format, so padding before or after quantization is the same).
Every other node runs in float32 (``xrnpe.onnx.ops``; an operator not there runs in
onnxruntime as a one-node model, if onnxruntime is installed).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from xrnpe import vector
from xrnpe.formats import INPUT_FORMATS, OUTPUT_FORMATS, k_max
from xrnpe.onnx.ops import FLOAT_OPS, MATMUL_LIKE, OnnxError, windows

COMPUTE_OPS = ("Conv", "Gemm", "MatMul")
META_FORMATS = "xrnpe.formats"
ANNOTATION_KEY = "xrnpe_format"
STANDARD_DOMAINS = ("", "ai.onnx")


@dataclass
class ComputeLayer:
    """One compute node and what ``inspect`` reports about it (shapes for one input)."""

    index: int
    node: object
    fmt: str | None = None
    x_shape: tuple = ()
    w_shape: tuple = ()
    y_shape: tuple = ()
    matmuls: list = field(default_factory=list)  # (M, K, N) of each co-processor job

    @property
    def name(self) -> str:
        return self.node.name or f"{self.node.op_type}_{self.index}"

    @property
    def op(self) -> str:
        return self.node.op_type

    @property
    def macs(self) -> int:
        return int(sum(m * k * n for m, k, n in self.matmuls))


class Model:
    """A loaded, checked ONNX model: constants folded in, compute layers listed."""

    def __init__(self, proto, path: str = "<model>"):
        from onnx import numpy_helper

        self.proto, self.path = proto, path
        g = proto.graph
        self.opset = next(
            (o.version for o in proto.opset_import if o.domain in STANDARD_DOMAINS), 13
        )
        self.consts = {t.name: numpy_helper.to_array(t) for t in g.initializer}
        self.nodes = []
        for n in g.node:
            if n.domain not in STANDARD_DOMAINS:
                raise OnnxError(f"operator {n.domain}.{n.op_type} is not supported")
            if n.op_type == "Constant":
                self.consts[n.output[0]] = _constant_value(n)
                continue
            if n.op_type in MATMUL_LIKE:
                raise OnnxError(
                    f"operator {n.op_type} (node {n.name or '?'}) is not supported: it is not "
                    "a Conv/Gemm/MatMul compute layer and would skip the number format"
                )
            self.nodes.append(n)
        inputs = [i for i in g.input if i.name not in self.consts]
        if len(inputs) != 1:
            raise OnnxError(f"the model has {len(inputs)} graph inputs; exactly one is supported")
        if len(g.output) != 1:
            raise OnnxError(f"the model has {len(g.output)} outputs; exactly one is supported")
        self.input_name = inputs[0].name
        self.output_name = g.output[0].name
        self.input_shape = _static_shape(inputs[0])
        self.layers = [
            ComputeLayer(i, n)
            for i, n in enumerate(x for x in self.nodes if x.op_type in COMPUTE_OPS)
        ]
        for layer in self.layers:
            _check_compute_attrs(layer.node)
        self._weight_codes: dict = {}  # _compute's codes_cache

    # -------------------------------------------------------------- formats
    def annotated_formats(self) -> tuple[list[str] | None, str]:
        """Formats carried by the model: the QONNX-style tensor annotation (key
        ``xrnpe_format`` on each compute node's weight tensor) if every compute layer has one,
        else ``metadata_props`` ``xrnpe.formats``; (None, reason) if neither."""
        ann = {}
        for a in self.proto.graph.quantization_annotation:
            for kv in a.quant_parameter_tensor_names:
                if kv.key == ANNOTATION_KEY:
                    ann[a.tensor_name] = kv.value
        per_layer = [ann.get(layer.node.input[1]) for layer in self.layers]
        if per_layer and all(per_layer):
            return per_layer, "tensor annotation"
        meta = {p.key: p.value for p in self.proto.metadata_props}
        if META_FORMATS in meta:
            return [f.strip() for f in meta[META_FORMATS].split(",")], f"metadata {META_FORMATS}"
        return None, "no annotation"

    def resolve_formats(self, formats: list[str] | None) -> list[str]:
        """One format per compute layer from ``formats`` (one, or one per layer), or from the
        model's annotation if None; OnnxError if wrong."""
        where = "--formats"
        if formats is None:
            formats, where = self.annotated_formats()
            if formats is None:
                raise OnnxError(
                    f"{self.path}: no --formats given and the model carries no xrnpe formats"
                )
        bad = [f for f in formats if f not in INPUT_FORMATS]
        if bad:
            raise OnnxError(
                f"{where}: unknown format {bad[0]!r} (choose {', '.join(INPUT_FORMATS)})"
            )
        n = len(self.layers)
        if len(formats) == 1:
            formats = formats * n
        if len(formats) != n:
            raise OnnxError(
                f"{where}: {len(formats)} formats for {n} compute layers (give one, or one per "
                "Conv/Gemm/MatMul in graph order)"
            )
        return list(formats)

    # -------------------------------------------------------------- execution
    def check_input(self, x: np.ndarray) -> np.ndarray:
        if x.dtype != np.float32:
            raise OnnxError(f"the input must be float32, got {x.dtype}")
        want = self.input_shape
        if x.ndim != len(want) or any(w is not None and w != s for w, s in zip(want, x.shape)):
            shown = tuple("N" if w is None else w for w in want)
            raise OnnxError(f"the input has shape {x.shape}, the model expects {shown}")
        return x

    def run(
        self,
        x: np.ndarray,
        formats: list[str],
        out_format: str = "fp32",
        engine: str = "model",
        sim: str = "icarus",
        progress=None,
        on_layer=None,
    ) -> np.ndarray:
        """float32 output for the float32 input ``x``.

        ``engine``: "model" (exact reference), "rtl" (the co-processor in simulation) or
        "float" (compute layers in float32 numpy, no quantization: shapes and MACs only).
        ``on_layer(layer)`` is called after each compute layer (progress bars).
        """
        if out_format not in OUTPUT_FORMATS:
            raise OnnxError(f"unknown output format {out_format!r}")
        x = self.check_input(np.asarray(x))
        mm = _engine(engine, out_format, sim, progress)
        env = dict(self.consts)
        env[self.input_name] = x
        fmts = iter(formats)
        layers = iter(self.layers)
        for node in self.nodes:
            ins = [env[i] if i else None for i in node.input]
            missing = [i for i, v in zip(node.input, ins) if i and v is None]
            if missing:
                raise OnnxError(f"node {node.name or node.op_type}: input {missing[0]} undefined")
            if node.op_type in COMPUTE_OPS:
                layer = next(layers)
                layer.fmt = next(fmts)
                outs = [_compute(layer, ins, mm, self._weight_codes)]
                if on_layer is not None:
                    on_layer(layer)
            else:
                outs = self._float_op(node, ins)
            for name, val in zip(node.output, outs):
                if name:
                    env[name] = val
        y = env[self.output_name]
        return np.asarray(y, dtype=np.float32)

    def _float_op(self, node, ins):
        attrs = _attributes(node)
        fn = FLOAT_OPS.get(node.op_type)
        if fn is not None:
            return fn(attrs, ins, self.opset)
        return _run_onnxruntime(node, ins, self.opset)


# ------------------------------------------------------------------ helpers
def load(path: str | os.PathLike) -> Model:
    """Load and check an ONNX file; OnnxError (one line) if it is not a usable model."""
    import onnx

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise OnnxError(f"{path}: no such file")
    try:
        proto = onnx.load(path)
    except Exception as e:
        msg = " ".join(str(e).split()) or type(e).__name__
        raise OnnxError(f"{path}: not a readable ONNX model ({msg})") from None
    if not proto.graph.node:
        raise OnnxError(f"{path}: not a readable ONNX model (the graph has no nodes)")
    return Model(proto, path)


def _constant_value(node) -> np.ndarray:
    from onnx import helper, numpy_helper

    for a in node.attribute:
        if a.name == "value":
            return numpy_helper.to_array(a.t)
        if a.name in ("value_float", "value_int", "value_floats", "value_ints"):
            v = helper.get_attribute_value(a)
            return np.asarray(v, dtype=np.float32 if "float" in a.name else np.int64)
    raise OnnxError(f"Constant node {node.name or '?'}: unsupported value attribute")


def _attributes(node) -> dict:
    from onnx import helper

    out = {}
    for a in node.attribute:
        v = helper.get_attribute_value(a)
        out[a.name] = v.decode() if isinstance(v, bytes) else v
    return out


def _static_shape(value_info) -> tuple:
    """The input's shape with None for a symbolic batch; OnnxError for other dynamic dims."""
    t = value_info.type.tensor_type
    if t.elem_type != 1:  # TensorProto.FLOAT
        raise OnnxError(f"input {value_info.name}: only float32 inputs are supported")
    dims = []
    for i, d in enumerate(t.shape.dim):
        if d.HasField("dim_value") and d.dim_value > 0:
            dims.append(int(d.dim_value))
        elif i == 0:
            dims.append(None)
        else:
            raise OnnxError(
                f"input {value_info.name}: dimension {i} is dynamic "
                f"({d.dim_param or '?'}); only the batch dimension may be"
            )
    return tuple(dims)


_COMPUTE_ATTRS = {
    "Conv": {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"},
    "Gemm": {"alpha", "beta", "transA", "transB"},
    "MatMul": set(),
}


def _check_compute_attrs(node) -> None:
    extra = {a.name for a in node.attribute} - _COMPUTE_ATTRS[node.op_type]
    if extra:
        raise OnnxError(f"{node.op_type} attribute {sorted(extra)[0]!r} is not supported")


def _engine(engine: str, out_format: str, sim: str, progress):
    """A function (A codes, W codes, fmt) -> float32 C, or None for the float engine."""
    if engine == "model":
        from xrnpe.matmul import depthwise_conv, matmul, matmul_batched

        def mm(a, w, fmt):
            return _to_f32(matmul(a, w, fmt, out_format), out_format)

        # a grouped convolution's jobs all at once, a depthwise one without im2col (the same
        # results as one call per group)
        mm.batched = lambda a, w, fmt: _to_f32(matmul_batched(a, w, fmt, out_format), out_format)
        mm.depthwise = lambda x, w, fmt, strides, dilations, pads: _to_f32(
            depthwise_conv(x, w, fmt, out_format, strides, dilations, pads), out_format
        )
        return mm
    if engine == "rtl":
        from xrnpe.rtl import matmul_rtl

        def mm_rtl(a, w, fmt):
            c = matmul_rtl(a, w, fmt, out_format, sim=sim, progress=progress)
            return _to_f32(np.asarray(c), out_format)

        return mm_rtl
    if engine == "float":
        return None
    raise OnnxError(f"unknown engine {engine!r} (choose model or rtl)")


def _to_f32(c: np.ndarray, out_format: str) -> np.ndarray:
    if out_format == "fp32":
        return np.asarray(c, dtype=np.float32)
    return vector.dequantize(out_format, c).astype(np.float32)


def _quantize(fmt: str, x: np.ndarray, what: str) -> np.ndarray:
    try:
        return vector.quantize(fmt, np.asarray(x, dtype=np.float32))
    except ValueError as e:
        raise OnnxError(f"{what}: {e}") from None


def _matmul(layer: ComputeLayer, a: np.ndarray, w: np.ndarray, mm) -> np.ndarray:
    """One co-processor job on codes (or float32 for the float engine); records M, K, N."""
    m, k = a.shape
    n = w.shape[1]
    layer.matmuls.append((m, k, n))
    if mm is None:
        return a.astype(np.float32) @ w.astype(np.float32)
    if k > k_max(layer.fmt):
        raise OnnxError(
            f"{layer.name}: K={k} is too large for exact {layer.fmt} accumulation "
            f"(at most K={k_max(layer.fmt)})"
        )
    return mm(np.ascontiguousarray(a), np.ascontiguousarray(w), layer.fmt)


def _compute(layer: ComputeLayer, ins: list, mm, codes_cache: dict | None = None) -> np.ndarray:
    """One compute layer.  ``codes_cache`` keeps the quantized weights of constant weight
    tensors between runs (keyed by layer and format; reused only for the same array)."""
    node = layer.node
    layer.matmuls = []
    attrs = _attributes(node)
    x, w = ins[0], ins[1]
    bias = ins[2] if len(ins) > 2 else None
    layer.x_shape, layer.w_shape = tuple(x.shape), tuple(w.shape)

    def q(t, what):
        if mm is None:
            return t.astype(np.float32)
        key = (id(node), layer.fmt, what)
        if codes_cache is not None and what == "weight":
            hit = codes_cache.get(key)
            if hit is not None and hit[0] is t:
                return hit[1]
        codes = _quantize(layer.fmt, t, f"{layer.name} {what}")
        if codes_cache is not None and what == "weight":
            codes_cache[key] = (t, codes)
        return codes

    if node.op_type == "Conv":
        y = _conv(layer, attrs, q(x, "input"), q(w, "weight"), x.shape, w.shape, mm)
        if bias is not None:
            y = y + np.asarray(bias, np.float32).reshape(1, -1, 1, 1)
    elif node.op_type == "Gemm":
        if x.ndim != 2 or w.ndim != 2:
            raise OnnxError(f"{layer.name}: Gemm needs 2-D inputs, got {x.shape} and {w.shape}")
        a = q(x, "input")
        b = q(w, "weight")
        a = a.T if int(attrs.get("transA", 0)) else a
        b = b.T if int(attrs.get("transB", 0)) else b
        if a.shape[1] != b.shape[0]:
            raise OnnxError(f"{layer.name}: Gemm shapes {a.shape} x {b.shape} do not match")
        y = _matmul(layer, a, b, mm)
        alpha = np.float32(attrs.get("alpha", 1.0))
        if alpha != 1:
            y = y * alpha
        if bias is not None:
            y = y + np.float32(attrs.get("beta", 1.0)) * np.asarray(bias, np.float32)
    else:
        y = _matmul_nd(layer, q(x, "input"), q(w, "weight"), mm)
    y = np.asarray(y, dtype=np.float32)
    layer.y_shape = tuple(y.shape)
    return y


def _matmul_nd(layer, a, b, mm) -> np.ndarray:
    """numpy.matmul semantics, one co-processor job per broadcast batch of B."""
    if a.ndim < 1 or b.ndim < 1:
        raise OnnxError(f"{layer.name}: MatMul of scalars")
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    if a2.shape[-1] != b2.shape[-2]:
        raise OnnxError(f"{layer.name}: MatMul shapes {a.shape} x {b.shape} do not match")
    if b2.ndim == 2:
        lead = a2.shape[:-1]
        y = _matmul(layer, a2.reshape(-1, a2.shape[-1]), b2, mm).reshape(*lead, b2.shape[1])
    else:
        batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
        ab = np.broadcast_to(a2, batch + a2.shape[-2:])
        bb = np.broadcast_to(b2, batch + b2.shape[-2:])
        y = np.stack([_matmul(layer, ab[i], bb[i], mm) for i in np.ndindex(*batch)]).reshape(
            *batch, a2.shape[-2], b2.shape[-1]
        )
    if a.ndim == 1:
        y = y[..., 0, :]
    if b.ndim == 1:
        y = y[..., 0]
    return y


def _conv(layer, attrs, xc, wc, x_shape, w_shape, mm) -> np.ndarray:
    """im2col + one matmul per group; xc, wc are codes (or float32 for the float engine)."""
    name = layer.name
    if len(x_shape) != 4 or len(w_shape) != 4:
        raise OnnxError(
            f"{name}: only 2-D Conv is supported (input {tuple(x_shape)}, weight {tuple(w_shape)})"
        )
    from xrnpe.onnx.ops import _pads_2d

    n, c, _, _ = x_shape
    cout, cin_g, kh, kw = w_shape
    kernel = list(attrs.get("kernel_shape", [kh, kw]))
    if kernel != [kh, kw]:
        raise OnnxError(f"{name}: kernel_shape {kernel} does not match the weight {w_shape}")
    group = int(attrs.get("group", 1))
    if c != cin_g * group or cout % group:
        raise OnnxError(f"{name}: group={group} does not fit {c} input / {cout} output channels")
    strides = list(attrs.get("strides", [1, 1]))
    dilations = list(attrs.get("dilations", [1, 1]))
    pads = _pads_2d(attrs, x_shape[2:], kernel, strides, dilations, name)
    depthwise = getattr(mm, "depthwise", None)
    if depthwise is not None and group == c == cout:  # one input and one output per group
        try:
            y = depthwise(xc, wc.reshape(cout, kh, kw), layer.fmt, strides, dilations, pads)
        except ValueError as e:
            raise OnnxError(f"{name}: {e}") from None
        layer.matmuls.extend([(n * y.shape[2] * y.shape[3], kh * kw, 1)] * group)
        return y
    # zero padding on codes: code 0 is +0 in every format (and 0.0 for the float engine)
    v = windows(xc, kernel, strides, dilations, pads, 0)  # (N, C, Ho, Wo, kh, kw)
    ho, wo = v.shape[2], v.shape[3]
    cout_g = cout // group
    batched = getattr(mm, "batched", None)
    if group > 1 and batched is not None:
        k = cin_g * kh * kw
        if k > k_max(layer.fmt):
            raise OnnxError(
                f"{name}: K={k} is too large for exact {layer.fmt} accumulation "
                f"(at most K={k_max(layer.fmt)})"
            )
        a = v.reshape(n, group, cin_g, ho, wo, kh, kw).transpose(1, 0, 3, 4, 2, 5, 6)
        a = np.ascontiguousarray(a.reshape(group, n * ho * wo, k))
        wg = np.ascontiguousarray(wc.reshape(group, cout_g, k).transpose(0, 2, 1))
        layer.matmuls.extend([(n * ho * wo, k, cout_g)] * group)
        y = batched(a, wg, layer.fmt)  # (G, N*Ho*Wo, Cout_g)
        y = y.reshape(group, n, ho, wo, cout_g).transpose(1, 2, 3, 0, 4)
        return y.reshape(n, ho, wo, cout).transpose(0, 3, 1, 2)
    outs = []
    for g in range(group):
        vg = v[:, g * cin_g : (g + 1) * cin_g]  # (N, Cg, Ho, Wo, kh, kw)
        a = vg.transpose(0, 2, 3, 1, 4, 5).reshape(n * ho * wo, cin_g * kh * kw)
        wg = wc[g * cout_g : (g + 1) * cout_g].reshape(cout_g, -1).T
        outs.append(_matmul(layer, a, wg, mm).reshape(n, ho, wo, cout_g))
    y = np.concatenate(outs, axis=3) if group > 1 else outs[0]
    return y.transpose(0, 3, 1, 2)


_ORT_SESSIONS: dict = {}


def _run_onnxruntime(node, ins, opset: int):
    """An operator the numpy table lacks, run as a one-node model in onnxruntime."""
    try:
        import onnxruntime as ort
        from onnx import ValueInfoProto, helper
    except ImportError:
        raise OnnxError(f"operator {node.op_type} is not supported") from None
    names = [f"i{k}" for k in range(len(node.input))]
    feeds = {nm: v for nm, v in zip(names, ins) if v is not None}
    key = (
        node.SerializeToString(),
        opset,
        tuple((k, v.dtype.str, v.ndim) for k, v in feeds.items()),
    )
    sess = _ORT_SESSIONS.get(key)
    if sess is None:
        one = helper.make_node(
            node.op_type,
            [nm if v is not None else "" for nm, v in zip(names, ins)],
            [f"o{k}" for k in range(len(node.output))],
            **_attributes(node),
        )
        inputs = [
            helper.make_tensor_value_info(k, helper.np_dtype_to_tensor_dtype(v.dtype), None)
            for k, v in feeds.items()
        ]
        outputs = [ValueInfoProto(name=f"o{k}") for k in range(len(node.output))]  # any type
        graph = helper.make_graph([one], "one", inputs, outputs)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
        try:
            sess = ort.InferenceSession(
                model.SerializeToString(), providers=["CPUExecutionProvider"]
            )
        except Exception:
            raise OnnxError(f"operator {node.op_type} is not supported") from None
        _ORT_SESSIONS[key] = sess
    return sess.run(None, feeds)
