# SPDX-License-Identifier: Apache-2.0
"""``xrnpe onnx run`` / ``inspect``: a PyTorch -> ONNX -> engine round trip against an
independent numpy reference, onnxruntime agreement, CLI errors, one layer on the RTL."""

import os
import shutil

import numpy as np
import pytest

torch = pytest.importorskip("torch")
onnx = pytest.importorskip("onnx")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from xrnpe import vector  # noqa: E402
from xrnpe.cli import main  # noqa: E402
from xrnpe.matmul import matmul  # noqa: E402
from xrnpe.torch import calibrate, export_onnx, quantize_model  # noqa: E402
from xrnpe.workload.net import im2col  # noqa: E402


class SmallCNN(torch.nn.Module):
    """Conv, grouped Conv (bias), depthwise Conv, Relu, MaxPool, Add, Flatten, Linear."""

    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(8, 8, 3, padding=1, groups=2)
        self.dw = torch.nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False)
        self.pool = torch.nn.MaxPool2d(2)
        self.fc = torch.nn.Linear(8 * 3 * 3, 5)

    def forward(self, x):
        x = torch.relu(self.conv1(x))
        x = x + torch.relu(self.conv2(x))
        x = self.pool(self.dw(x))
        return self.fc(torch.flatten(x, 1))


FORMATS = ["p8", "fp4", "p16", "p4"]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    d = tmp_path_factory.mktemp("onnx")
    torch.manual_seed(1)
    net = SmallCNN().eval()
    calib = torch.randn(16, 3, 6, 6)
    quantize_model(net, FORMATS)
    calibrate(net, calib)
    path = d / "net.onnx"
    export_onnx(net, calib[:1], path)
    x = np.random.default_rng(3).standard_normal((2, 3, 6, 6)).astype(np.float32)
    np.save(d / "x.npy", x)
    # plain (unscaled) export of the same float network: formats given on the command line
    torch.manual_seed(1)
    plain = quantize_model(SmallCNN().eval(), "p8")
    export_onnx(plain, calib[:1], d / "plain.onnx")
    return d, net, x


# ------------------------------------------------------------------ independent reference
def _ref_compute(node, ins, fmt, out_fmt):
    """A compute layer from the CONTRACT text: NHWC im2col in (ky, kx, c) order (the workload
    lowering, not the runner's), exact matmul, one rounding, float32, bias in float32."""
    attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    x, w = ins[0], ins[1]
    bias = ins[2] if len(ins) > 2 else None

    def q(t):
        return vector.quantize(fmt, t.astype(np.float32))

    def to32(c):
        return c if out_fmt == "fp32" else vector.dequantize(out_fmt, c).astype(np.float32)

    if node.op_type == "Conv":
        g = attrs.get("group", 1)
        pad = attrs.get("pads", [0] * 4)[0]
        assert attrs.get("strides", [1, 1]) == [1, 1] and len(set(attrs["pads"])) == 1
        k = w.shape[2]
        n, c, h, wd = x.shape
        cg, og = c // g, w.shape[0] // g
        xc = q(x).transpose(0, 2, 3, 1)  # NHWC codes
        outs = []
        for i in range(g):
            a = im2col(xc[..., i * cg : (i + 1) * cg], k, pad)
            wm = q(w[i * og : (i + 1) * og]).transpose(2, 3, 1, 0).reshape(k * k * cg, og)
            outs.append(to32(matmul(a, wm, fmt, out_fmt)))
        y = np.concatenate(outs, axis=1).reshape(n, h, wd, -1).transpose(0, 3, 1, 2)
        if bias is not None:
            y = y + bias.astype(np.float32).reshape(1, -1, 1, 1)
        return y.astype(np.float32)
    a = q(x)
    b = q(w)
    if attrs.get("transB", 0):
        b = b.T
    y = to32(matmul(a, np.ascontiguousarray(b), fmt, out_fmt))
    if bias is not None:
        y = y + bias.astype(np.float32)
    return y.astype(np.float32)


def reference_run(path, x, formats, out_fmt="fp32"):
    m = onnx.load(str(path))
    env = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    env[m.graph.input[0].name] = x
    fmts = iter(formats)
    for node in m.graph.node:
        ins = [env[i] for i in node.input if i]
        op = node.op_type
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if op in ("Conv", "Gemm", "MatMul"):
            y = _ref_compute(node, ins, next(fmts), out_fmt)
        elif op == "Constant":
            y = numpy_helper.to_array(attrs["value"])
        elif op == "Relu":
            y = np.maximum(ins[0], np.float32(0))
        elif op in ("Add", "Mul", "Div"):
            f = {"Add": np.add, "Mul": np.multiply, "Div": np.divide}[op]
            y = f(ins[0].astype(np.float32), ins[1].astype(np.float32)).astype(np.float32)
        elif op == "MaxPool":
            n, c, h, w = ins[0].shape
            y = ins[0].reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))
        elif op == "Flatten":
            y = ins[0].reshape(ins[0].shape[0], -1)
        else:
            raise AssertionError(f"reference has no {op}")
        env[node.output[0]] = y
    return env[m.graph.output[0].name]


def _run(*args):
    return main(["onnx", "run", *map(str, args)])


# ------------------------------------------------------------------ round trip
def test_export_carries_formats_and_structure(exported):
    d, _, _ = exported
    m = onnx.load(str(d / "net.onnx"))
    ops = [n.op_type for n in m.graph.node]
    for op in ("Conv", "Relu", "MaxPool", "Add", "Flatten"):
        assert op in ops
    compute = [n for n in m.graph.node if n.op_type in ("Conv", "Gemm", "MatMul")]
    assert len(compute) == 4
    assert {n.op_type for n in compute} >= {"Conv"}
    groups = [a.i for n in compute for a in n.attribute if a.name == "group"]
    assert 2 in groups and 8 in groups
    meta = {p.key: p.value for p in m.metadata_props}
    assert meta["xrnpe.formats"] == ",".join(FORMATS)
    ann = {
        a.tensor_name: kv.value
        for a in m.graph.quantization_annotation
        for kv in a.quant_parameter_tensor_names
    }
    assert [ann[n.input[1]] for n in compute] == FORMATS


@pytest.mark.parametrize("out_fmt", ["fp32", "p16", "p8"])
def test_round_trip_bit_exact(exported, tmp_path, out_fmt):
    d, _, x = exported
    out = tmp_path / "y.npy"
    # formats from the model's annotation (no --formats)
    assert _run(d / "net.onnx", d / "x.npy", "--out-format", out_fmt, "-o", out) == 0
    y = np.load(out)
    want = reference_run(d / "net.onnx", x, FORMATS, out_fmt)
    assert y.dtype == np.float32 and y.shape == (2, 5)
    assert np.array_equal(y.view(np.uint32), want.view(np.uint32))


def test_formats_given_override_annotation(exported, tmp_path):
    d, _, x = exported
    out = tmp_path / "y.npy"
    assert _run(d / "plain.onnx", d / "x.npy", "--formats", "p16,p8,p8,fp4", "-o", out) == 0
    want = reference_run(d / "plain.onnx", x, ["p16", "p8", "p8", "fp4"])
    assert np.array_equal(np.load(out).view(np.uint32), want.view(np.uint32))
    assert _run(d / "plain.onnx", d / "x.npy", "--formats", "p4", "-o", out) == 0
    want = reference_run(d / "plain.onnx", x, ["p4"] * 4)
    assert np.array_equal(np.load(out).view(np.uint32), want.view(np.uint32))


def test_metadata_only_annotation_is_read(exported, tmp_path):
    d, _, x = exported
    m = onnx.load(str(d / "net.onnx"))
    del m.graph.quantization_annotation[:]
    onnx.save(m, str(tmp_path / "meta.onnx"))
    assert _run(tmp_path / "meta.onnx", d / "x.npy", "-o", tmp_path / "y.npy") == 0
    want = reference_run(d / "net.onnx", x, FORMATS)
    assert np.array_equal(np.load(tmp_path / "y.npy").view(np.uint32), want.view(np.uint32))


def test_close_to_torch_fake_quant_forward(exported, tmp_path):
    """The QAT forward (float32 sums of fake-quantized values) and the exact engine agree up
    to float32 summation error: the export keeps the scaling."""
    d, net, x = exported
    assert _run(d / "net.onnx", d / "x.npy", "-o", tmp_path / "y.npy") == 0
    with torch.no_grad():
        t = net(torch.from_numpy(x)).numpy()
    assert np.allclose(np.load(tmp_path / "y.npy"), t, rtol=1e-4, atol=1e-4 * np.abs(t).max())


def test_p16_close_to_onnxruntime_float32(exported, tmp_path):
    """At p16 the only differences from onnxruntime float32 are the p16 rounding of the
    inputs (the exported weights are p16 values already) and float32 summation."""
    ort = pytest.importorskip("onnxruntime")
    d, _, x = exported
    torch.manual_seed(1)
    net = quantize_model(SmallCNN().eval(), "p16")
    export_onnx(net, torch.from_numpy(x[:1]), tmp_path / "p16.onnx")
    assert _run(tmp_path / "p16.onnx", d / "x.npy", "-o", tmp_path / "y.npy") == 0
    sess = ort.InferenceSession(str(tmp_path / "p16.onnx"), providers=["CPUExecutionProvider"])
    want = sess.run(None, {"input": x})[0]
    y = np.load(tmp_path / "y.npy")
    assert np.allclose(y, want, rtol=2e-3, atol=2e-3 * np.abs(want).max())


def test_inspect(exported, capsys, tmp_path):
    d, _, _ = exported
    assert main(["onnx", "inspect", str(d / "net.onnx")]) == 0
    out = capsys.readouterr().out
    assert "total:" in out and "MACs" in out and "pJ/MAC from" in out
    from xrnpe.onnx import inspect

    rep = inspect(d / "net.onnx")
    macs = [r["macs"] for r in rep["layers"]]
    # conv1 36 px x 27 x 8; conv2 2 groups x 36 x 36 x 4; dw 8 x 36 x 9 x 1; fc 72 x 5
    assert macs == [36 * 27 * 8, 2 * 36 * 36 * 4, 8 * 36 * 9, 72 * 5]
    assert [r["format"] for r in rep["layers"]] == FORMATS
    assert rep["layers"][1]["matmuls"] == [[36, 36, 4], [36, 36, 4]]
    table = {"fp4": 1.0, "p4": 2.0, "p8": 3.0, "p16": 4.0}
    want_e = sum(m * table[f] for m, f in zip(macs, FORMATS))
    summary = tmp_path / "summary.json"
    summary.write_text(
        '{"designs": {"pe_rmmec": {"energy_pj_per_mac": '
        '{"fp4": 1.0, "p4": 2.0, "p8": 3.0, "p16": 4.0}}}}'
    )
    rep = inspect(d / "net.onnx", summary_path=summary)
    assert rep["energy_pj"] == want_e and str(summary) in rep["pj_source"]
    import xrnpe.onnx as xo

    real = xo.pj_per_mac_table
    try:
        xo.pj_per_mac_table = lambda _p=None: (table, "test")
        assert inspect(d / "net.onnx")["energy_pj"] == want_e
    finally:
        xo.pj_per_mac_table = real


# ------------------------------------------------------------------ errors
def _tiny_model(path, node, inputs=None, extra_init=(), dims=("N", 4)):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, list(dims))
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    init = [numpy_helper.from_array(np.ones((4, 3), np.float32), "w"), *extra_init]
    g = helper.make_graph([node], "t", inputs or [x], [y], init)
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), str(path))


def _assert_error(rc, capsys, out, *needles):
    err = capsys.readouterr().err
    assert rc == 2, err
    assert err.count("\n") == 1 and err.startswith("xrnpe: error: "), err
    for n in needles:
        assert n in err, err
    assert not out.exists()


def test_errors_exit_2_no_output(exported, tmp_path, capsys):
    d, _, x = exported
    out = tmp_path / "y.npy"
    net = d / "net.onnx"
    xs = d / "x.npy"
    _assert_error(_run(net, xs, "--formats", "p8,p8", "-o", out), capsys, out, "2 formats", "4")
    _assert_error(_run(net, xs, "--formats", "p32", "-o", out), capsys, out, "p32")
    _assert_error(_run(tmp_path / "no.onnx", xs, "-o", out), capsys, out, "no such file")
    (tmp_path / "bad.onnx").write_bytes(b"not a model at all")
    _assert_error(_run(tmp_path / "bad.onnx", xs, "-o", out), capsys, out, "not a readable")
    _assert_error(_run(net, tmp_path / "none.npy", "-o", out), capsys, out, "no such file")
    np.save(tmp_path / "x64.npy", x.astype(np.float64))
    _assert_error(_run(net, tmp_path / "x64.npy", "-o", out), capsys, out, "float32")
    np.save(tmp_path / "xs.npy", x[:, :, :4])
    _assert_error(_run(net, tmp_path / "xs.npy", "-o", out), capsys, out, "shape")
    xn = x.copy()
    xn[0, 0, 0, 0] = np.nan
    np.save(tmp_path / "xn.npy", xn)
    _assert_error(_run(net, tmp_path / "xn.npy", "--formats", "fp4", "-o", out), capsys, out, "NaN")
    # no formats anywhere
    _tiny_model(tmp_path / "mm.onnx", helper.make_node("MatMul", ["x", "w"], ["y"]))
    np.save(tmp_path / "x4.npy", np.ones((2, 4), np.float32))
    _assert_error(
        _run(tmp_path / "mm.onnx", tmp_path / "x4.npy", "-o", out), capsys, out, "no --formats"
    )
    # unsupported operators and attributes
    _tiny_model(tmp_path / "u.onnx", helper.make_node("MyOp", ["x"], ["y"], domain="my.dom"))
    _assert_error(
        _run(tmp_path / "u.onnx", tmp_path / "x4.npy", "-f", "p8", "-o", out),
        capsys,
        out,
        "my.dom.MyOp",
    )
    _tiny_model(
        tmp_path / "e.onnx", helper.make_node("Einsum", ["x", "w"], ["y"], equation="ij,jk->ik")
    )
    _assert_error(
        _run(tmp_path / "e.onnx", tmp_path / "x4.npy", "-f", "p8", "-o", out),
        capsys,
        out,
        "Einsum",
    )
    xin = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1, 4, 4])
    conv3 = helper.make_node("Conv", ["x", "w"], ["y"], kernel_shape=[3, 3])
    _tiny_model(tmp_path / "c.onnx", conv3, [xin])
    np.save(tmp_path / "x44.npy", np.ones((1, 1, 4, 4), np.float32))
    _assert_error(
        _run(tmp_path / "c.onnx", tmp_path / "x44.npy", "-f", "p8", "-o", out),
        capsys,
        out,
        "2-D Conv",
    )
    gemm = helper.make_node("Gemm", ["x", "w"], ["y"], weird=1)
    _tiny_model(tmp_path / "g.onnx", gemm)
    _assert_error(
        _run(tmp_path / "g.onnx", tmp_path / "x4.npy", "-f", "p8", "-o", out),
        capsys,
        out,
        "weird",
    )
    # dynamic shapes beyond the batch dimension
    _tiny_model(
        tmp_path / "dyn.onnx", helper.make_node("MatMul", ["x", "w"], ["y"]), dims=("N", "K")
    )
    _assert_error(
        _run(tmp_path / "dyn.onnx", tmp_path / "x4.npy", "-f", "p8", "-o", out),
        capsys,
        out,
        "dynamic",
    )
    # the tiny MatMul itself runs
    assert _run(tmp_path / "mm.onnx", tmp_path / "x4.npy", "-f", "p8", "-o", out) == 0
    assert np.array_equal(np.load(out), np.full((2, 3), 4, np.float32))


def test_error_keeps_existing_output(exported, tmp_path, capsys):
    d, _, _ = exported
    out = tmp_path / "y.npy"
    np.save(out, np.zeros(1))
    assert _run(d / "net.onnx", d / "x.npy", "-f", "p8,p8", "-o", out) == 2
    assert np.array_equal(np.load(out), np.zeros(1))
    capsys.readouterr()


# ------------------------------------------------------------------ RTL engine
def _have_sim(sim):
    if sim == "icarus":
        return shutil.which("iverilog") is not None
    return True


def test_rtl_engine_one_layer_bit_exact(tmp_path, capsys):
    """One small Gemm layer through the co-processor in simulation, bit for bit."""
    sim = os.environ.get("SIM") or "icarus"
    if not _have_sim(sim):
        pytest.skip(f"{sim} not available")
    pytest.importorskip("cocotb")
    rng = np.random.default_rng(7)
    w = rng.standard_normal((3, 6)).astype(np.float32)
    b = rng.standard_normal(3).astype(np.float32)
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 6])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    node = helper.make_node("Gemm", ["x", "w", "b"], ["y"], transB=1)
    g = helper.make_graph(
        [node], "one", [x], [y], [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")]
    )
    onnx.save(
        helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), str(tmp_path / "g.onnx")
    )
    np.save(tmp_path / "x.npy", rng.standard_normal((2, 6)).astype(np.float32))
    args = [tmp_path / "g.onnx", tmp_path / "x.npy", "-f", "p8"]
    assert _run(*args, "-o", tmp_path / "model.npy") == 0
    rc = _run(*args, "--engine", "rtl", "--sim", sim, "-o", tmp_path / "rtl.npy")
    assert rc == 0, capsys.readouterr().err
    got, want = np.load(tmp_path / "rtl.npy"), np.load(tmp_path / "model.npy")
    assert np.array_equal(got.view(np.uint32), want.view(np.uint32))
    ref = reference_run(tmp_path / "g.onnx", np.load(tmp_path / "x.npy"), ["p8"])
    assert np.array_equal(want.view(np.uint32), ref.view(np.uint32))


class OpsNet(torch.nn.Module):
    """Float operators beyond the round trip's: BatchNorm (folded), Clip (ReLU6), AveragePool
    with padding, Concat, Transpose, Reshape, Sigmoid, Softmax, a ReduceMean (onnxruntime
    fallback), a strided Conv and a batched MatMul of two activations."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 6, 3, stride=2, padding=1)
        self.bn = torch.nn.BatchNorm2d(6)
        self.pool = torch.nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
        self.fc = torch.nn.Linear(12, 4)

    def forward(self, x):
        y = torch.nn.functional.relu6(self.bn(self.conv(x)))  # (N, 6, 4, 4)
        y = torch.cat([y, torch.sigmoid(self.pool(y))], dim=1)  # (N, 12, 4, 4)
        t = y.reshape(y.shape[0], 12, 16)
        g = torch.matmul(t, t.transpose(1, 2))  # (N, 12, 12): MatMul of two activations
        m = g.mean(dim=2)  # ReduceMean
        return torch.softmax(self.fc(m), dim=1)


def test_more_operators_close_to_onnxruntime(tmp_path):
    ort = pytest.importorskip("onnxruntime")
    torch.manual_seed(4)
    net = OpsNet().eval()
    with torch.no_grad():
        net.bn.running_mean.uniform_(-0.5, 0.5)
        net.bn.running_var.uniform_(0.5, 2.0)
    quantize_model(net, "p16")
    x = np.random.default_rng(5).standard_normal((2, 3, 8, 8)).astype(np.float32)
    with pytest.raises(ValueError, match="matmul_format"):
        export_onnx(net, torch.from_numpy(x[:1]), tmp_path / "ops.onnx")
    proto = export_onnx(net, torch.from_numpy(x[:1]), tmp_path / "ops.onnx", matmul_format="p16")
    assert {p.key: p.value for p in proto.metadata_props}["xrnpe.formats"] == "p16,p16,p16"
    ops = {n.op_type for n in proto.graph.node}
    assert {"Clip", "AveragePool", "Concat", "Sigmoid", "Softmax", "MatMul", "ReduceMean"} <= ops
    np.save(tmp_path / "x.npy", x)
    # one format for all three compute layers (Conv, the activation MatMul, the Linear)
    assert (
        _run(tmp_path / "ops.onnx", tmp_path / "x.npy", "-f", "p16", "-o", tmp_path / "y.npy") == 0
    )
    sess = ort.InferenceSession(str(tmp_path / "ops.onnx"), providers=["CPUExecutionProvider"])
    want = sess.run(None, {"input": x})[0]
    y = np.load(tmp_path / "y.npy")
    assert y.shape == want.shape == (2, 4)
    assert np.allclose(y, want, rtol=5e-3, atol=5e-4)


def test_onnx_help(capsys):
    for argv in (["onnx", "--help"], ["onnx", "run", "--help"], ["onnx", "inspect", "--help"]):
        assert main(argv) == 0
        out = capsys.readouterr().out
        assert "usage: xrnpe onnx" in out and "p16" in out
