# SPDX-License-Identifier: Apache-2.0
"""make onnx-models on a small input: torchvision networks through xrnpe onnx run."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("torchvision")

from scripts.bench import onnx_models


def test_mobilenet_v2_mixed_plan_on_the_engine(tmp_path):
    out = tmp_path / "onnx"
    args = ["--models", "mobilenet_v2", "--plans", "mixed", "--size", "32", "--repeat", "1"]
    assert onnx_models.main([*args, "--out", str(out)]) == 0
    r = json.loads((out / "report.json").read_text())
    m = r["models"]["mobilenet_v2"]
    assert m["onnxruntime_fp32_s"] > 0 and m["onnxruntime_vs_torch_rel_rms"] < 1e-5
    mixed = m["plans"]["mixed"]
    fmts = mixed["formats"]
    assert len(fmts) == 53 and fmts[0] == fmts[-1] == "p16" and {"p8", "fp4"} <= set(fmts)
    assert mixed["macs"] > 0 and mixed["energy_uj"] > 0 and mixed["engine_s"] > 0
    prof = mixed["profile"]
    assert prof["compute_layers"] == 53 and prof["depthwise_seconds"] > 0
    assert mixed["rel_rms_vs_torch_fake_quant"] < 0.05  # PyTorch sums in float32


def test_bad_arguments_exit_2(capsys):
    assert onnx_models.main(["--models", "vgg"]) == 2
    assert "unknown model or plan: vgg" in capsys.readouterr().err
    assert onnx_models.main(["--size", "8"]) == 2
