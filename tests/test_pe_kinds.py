# SPDX-License-Identifier: Apache-2.0
"""The co-processor with every PE kind (PE_KIND: rmmec, baseline, wide) as the RTL engine:
random shapes in every input format with a random output format, bit-exact against the model,
and the wide kind's lower peak rate in the statistics.  The co-processor suite runs the other
kinds too (tb/coprocessor: the random and stream groups, light size; full size in make soak)."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from xrnpe.formats import FORMATS, INPUT_FORMATS, OUTPUT_FORMATS
from xrnpe.matmul import matmul

pytestmark = pytest.mark.skipif(not shutil.which("iverilog"), reason="iverilog not installed")


def _codes(rng, fmt, shape):
    f = FORMATS[fmt]
    c = rng.integers(0, 1 << f.width, size=shape)
    if f.nar is not None:
        c = np.where(c == f.nar, 0, c)
    return c.astype(f.dtype)


@pytest.mark.parametrize("kind", [pytest.param("baseline", marks=pytest.mark.soak), "wide"])
def test_engine_with_each_pe_kind(kind):
    from xrnpe.rtl import matmul_rtl_many

    rng = np.random.default_rng(sum(map(ord, kind)))
    jobs = []
    for fmt in INPUT_FORMATS:
        m, k, n = (int(x) for x in rng.integers(1, 9, size=3))
        k += 4  # more than one word in every format
        out = OUTPUT_FORMATS[int(rng.integers(0, len(OUTPUT_FORMATS)))]
        jobs.append(
            dict(a=_codes(rng, fmt, (m, k)), b=_codes(rng, fmt, (k, n)), fmt=fmt, out_fmt=out)
        )
    results = matmul_rtl_many(jobs, sim="icarus", pe_kind=kind)
    for job, (c, stats) in zip(jobs, results, strict=True):
        want = matmul(job["a"], job["b"], job["fmt"], job["out_fmt"])
        if FORMATS[job["out_fmt"]].kind == "ieee":
            assert np.array_equal(c.view(np.uint32), want.view(np.uint32)), job["fmt"]
        else:
            assert np.array_equal(c, want), job["fmt"]
        lanes = 1 if kind == "wide" else FORMATS[job["fmt"]].lanes
        assert stats["peak_macs_per_cycle"] == stats["rows"] * stats["cols"] * lanes


def test_unknown_pe_kind_is_refused():
    from xrnpe.rtl import matmul_rtl

    a = np.zeros((1, 1), np.uint8)
    with pytest.raises(ValueError, match="unknown PE kind 'fast'"):
        matmul_rtl(a, a, "p8", "p8", pe_kind="fast")
