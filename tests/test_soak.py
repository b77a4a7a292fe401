# SPDX-License-Identifier: Apache-2.0
"""Long randomised runs (opt-in: `make soak` or `pytest -m soak`)."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
import softposit as sp
from reference_tables import ref_float_table, sp_p16_objs

from xrnpe import vector

mm = importlib.import_module("xrnpe.matmul")
pytestmark = pytest.mark.soak


def test_p16_products_20M_vs_softposit():
    rng = np.random.default_rng(7)
    objs, table, mul = sp_p16_objs(), ref_float_table("p16"), sp.p16_mul
    for _ in range(20):
        a = rng.integers(0, 1 << 16, 1_000_000)
        b = rng.integers(0, 1 << 16, 1_000_000)
        want = np.fromiter(
            (mul(objs[x], objs[y]).v for x, y in zip(a.tolist(), b.tolist())),
            dtype=np.uint16,
            count=a.size,
        )
        np.testing.assert_array_equal(vector.quantize("p16", table[a] * table[b]), want)


def test_p16_quantize_every_float32_exponent_vs_softposit():
    rng = np.random.default_rng(8)
    bits = rng.integers(0, 1 << 32, 10_000_000, dtype=np.uint64).astype(np.uint32)
    x = bits.view(np.float32)
    conv = sp.convertDoubleToP16
    with np.errstate(invalid="ignore"):  # signalling NaN patterns
        x64 = x.astype(np.float64)
    want = np.fromiter((conv(v).v for v in x64.tolist()), dtype=np.uint16, count=x.size)
    np.testing.assert_array_equal(vector.quantize("p16", x), want)


@pytest.mark.parametrize("fmt", ["fp4", "p4", "p8", "p16"])
def test_random_matmuls_vs_slow(fmt):
    from xrnpe.formats import FORMATS, OUTPUT_FORMATS

    rng = np.random.default_rng(9)
    f = FORMATS[fmt]
    for _ in range(30):
        m, n = rng.integers(1, 8, 2)
        k = int(rng.integers(1, 2000))
        a = rng.integers(0, 1 << f.width, (m, k)).astype(f.dtype)
        b = rng.integers(0, 1 << f.width, (k, n)).astype(f.dtype)
        for o in OUTPUT_FORMATS:
            x, y = mm.matmul(a, b, fmt, o), mm.matmul_slow(a, b, fmt, o)
            if o == "fp32":
                x, y = x.view(np.uint32), y.view(np.uint32)
            np.testing.assert_array_equal(x, y)
