# SPDX-License-Identifier: Apache-2.0
"""Layer-adaptive format search on an nn.Module (xrnpe.torch.search_formats)."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from xrnpe.torch import search_formats  # noqa: E402


def _net_and_data():
    torch.manual_seed(3)
    net = torch.nn.Sequential(
        torch.nn.Conv2d(2, 8, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.Conv2d(8, 8, 3, padding=1, groups=8),
        torch.nn.ReLU(),
        torch.nn.Flatten(),
        torch.nn.Linear(8 * 6 * 6, 10),
    ).eval()
    x = torch.randn(32, 2, 6, 6)
    with torch.no_grad():
        ref = net(x)

    def rel_error(m):
        with torch.no_grad():
            y = m(x)
        return float(((y - ref) ** 2).mean().sqrt() / ref.pow(2).mean().sqrt())

    return net, x, rel_error


def test_search_meets_the_budget_and_saves_bits():
    net, x, err = _net_and_data()
    before = [p.clone() for p in net.parameters()]
    r = search_formats(net, x, err, budget=0.05, objective="bits")
    assert all(torch.equal(a, b) for a, b in zip(before, net.parameters()))  # not modified
    assert len(r["formats"]) == 3 and set(r["formats"]) <= {"fp4", "p4", "p8", "p16"}
    assert r["within_budget"] and r["error"] - r["float_error"] <= 0.05
    assert r["cost"] < r["cost_all_p16"]
    assert set(r["sensitivity"]) == set(r["layers"]) == {"0", "2", "5"}


def test_zero_budget_keeps_the_most_precise_format_and_a_huge_one_goes_to_4_bits():
    net, x, err = _net_and_data()
    tight = search_formats(net, x, err, budget=0.0, objective="bits")
    # even p16 everywhere adds some error: nothing meets a zero budget, and the result says so
    assert tight["formats"] == ["p16"] * 3 and not tight["moves"]
    assert tight["within_budget"] == (tight["error"] <= tight["float_error"])
    loose = search_formats(net, x, err, budget=10.0, objective="bits")
    assert all(f in ("fp4", "p4") for f in loose["formats"])


def test_energy_objective_uses_the_table():
    net, x, err = _net_and_data()
    pj = {"fp4": 1.0, "p4": 1.0, "p8": 2.0, "p16": 4.0}
    r = search_formats(net, x, err, budget=10.0, objective="energy", pj_per_mac=pj)
    # MACs of one example: 8*36*18 + 8*36*9 + 10*288
    assert r["cost_all_p16"] == 4.0 * (8 * 36 * 18 + 8 * 36 * 9 + 10 * 288)
    assert r["cost"] == 1.0 * (8 * 36 * 18 + 8 * 36 * 9 + 10 * 288)


def test_bad_arguments():
    net, x, err = _net_and_data()
    with pytest.raises(ValueError, match="objective"):
        search_formats(net, x, err, budget=0.1, objective="speed")
    with pytest.raises(ValueError, match="budget"):
        search_formats(net, x, err, budget=-1)
    with pytest.raises(ValueError, match="formats"):
        search_formats(net, x, err, budget=0.1, formats=("int8",))
    with pytest.raises(ValueError, match="no Conv2d or Linear"):
        search_formats(torch.nn.ReLU(), x, err, budget=0.1)
