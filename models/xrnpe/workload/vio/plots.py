# SPDX-License-Identifier: Apache-2.0
"""``make vio``'s figures: DIR/trajectory.png (the drive, its split, and the test part's
trajectories) and DIR/error_vs_energy.png (error against energy per inference)."""

from __future__ import annotations

from pathlib import Path


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _label_line(ax, y: float, text: str, color: str) -> None:
    """``text`` at the right end of the horizontal line at ``y``."""
    ax.text(
        1.0,
        y,
        text,
        transform=ax.get_yaxis_transform(),
        ha="right",
        va="bottom",
        fontsize=8,
        color=color,
    )


def _plot_split(ax_map, truth, grid, splits) -> None:
    colours = {"train": "#bbbbbb", "val": "#8fb3d9", "test": "#333333"}
    for p, (s, e) in splits.items():
        pos = truth.position(grid.t[s:e:20])
        ax_map.plot(
            pos[:, 0], pos[:, 1], c=colours[p], lw=2 if p == "test" else 1.5, label=f"{p} part"
        )
    start = truth.position(grid.t[:1])[0]
    ax_map.plot(*start[:2], "go", ms=6, label="start")
    ax_map.set_title("the drive (GPS/INS ground truth) and its split by time")
    ax_map.set_aspect("equal")
    ax_map.set_xlabel("x (m)")
    ax_map.set_ylabel("y (m)")
    ax_map.legend(loc="best", fontsize=8)
    ax_map.grid(True, alpha=0.3)


def plot_trajectories(path: Path, truth, grid, splits, trajectories, dr_tr, report) -> None:
    plt = _pyplot()
    fig, (ax_map, ax) = plt.subplots(1, 2, figsize=(13, 6.2))
    _plot_split(ax_map, truth, grid, splits)
    gt = truth.position(trajectories["fp32"]["t"])
    ax.plot(gt[:, 0], gt[:, 1], c="k", lw=2.5, label="ground truth (GPS/INS)")
    style = {"fp32": ("tab:blue", "-"), "fp4": ("tab:orange", "--"), "mixed": ("crimson", "-.")}
    for name, (c, ls) in style.items():
        p = trajectories[name]["position"]
        val = (
            report["fp32"]["value"]
            if name == "fp32"
            else (report["mixed"]["value"] if name == "mixed" else report["formats"][name]["value"])
        )
        lab = "mixed " + "/".join(report["mixed"]["layer_formats"]) if name == "mixed" else name
        ax.plot(p[:, 0], p[:, 1], c=c, ls=ls, lw=1.6, label=f"{lab}: {val:.2f} %")
    lo, hi = gt[:, :2].min(axis=0), gt[:, :2].max(axis=0)
    pad = 0.15 * (hi - lo).max()
    d = dr_tr["position"]
    ax.plot(
        d[:, 0],
        d[:, 1],
        c="grey",
        ls=":",
        lw=1.2,
        label=f"strapdown dead reckoning: {report['dead_reckoning']:.1f} % (leaves the map)",
    )
    ax.plot(*gt[0, :2], "go", ms=6)
    ax.set_xlim(lo[0] - pad, hi[0] + pad)
    ax.set_ylim(lo[1] - pad, hi[1] + pad)
    ax.set_aspect("equal")
    ax.set_title(
        "test part: trajectories integrated from the network's speeds\n"
        "(relative translation error, KITTI-style, in the legend)"
    )
    ax.set_xlabel("x (m)")
    ax.set_ylabel("y (m)")
    ax.legend(loc="best", fontsize=8)
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_error_energy(path: Path, report: dict, table: dict) -> None:
    import matplotlib.ticker

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 4.6))
    fp32 = report["fp32"]["value"]
    for f, r in report["formats"].items():
        ax.scatter(r["energy_pj_per_inference"] / 1e3, r["value"], s=45, zorder=3)
        ax.annotate(
            f"all-{f} ({r['weight_bits']:,} bits)",
            (r["energy_pj_per_inference"] / 1e3, r["value"]),
            textcoords="offset points",
            xytext=(6, -12),
            fontsize=8,
        )
    m = report["mixed"]
    ax.scatter(
        m["energy_pj_per_inference"] / 1e3, m["value"], marker="*", s=220, c="crimson", zorder=4
    )
    ax.annotate(
        "mixed " + "/".join(m["layer_formats"]) + f" ({m['weight_bits']:,} bits)",
        (m["energy_pj_per_inference"] / 1e3, m["value"]),
        textcoords="offset points",
        xytext=(6, 6),
        fontsize=8,
        color="crimson",
    )
    ax.axhline(fp32, c="tab:blue", lw=1)
    _label_line(ax, fp32, "fp32 network ", "tab:blue")
    ax.axhline(fp32 * 1.08, c="grey", ls=":", lw=1)
    _label_line(ax, fp32 * 1.08, "fp32 + 8 % ", "grey")
    ax.set_xscale("log")
    energies = [r["energy_pj_per_inference"] / 1e3 for r in report["formats"].values()]
    ax.set_xlim(min(energies) / 1.25, max(energies) * 2.2)
    ticks = [
        v
        for v in (50, 100, 200, 400, 800, 1600, 3200)
        if min(energies) / 1.25 <= v <= max(energies) * 2.2
    ]
    ax.set_xticks(ticks, [f"{v:g}" for v in ticks])
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.text(
        0.99,
        0.03,
        "pJ/MAC " + ", ".join(f"{f} {v:g}" for f, v in table.items()),
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=7,
        color="grey",
    )
    ax.set_xlabel("energy per inference (nJ; pJ/MAC from make ppa x MACs per layer)")
    ax.set_ylabel("relative translation error on the test part (%)")
    ax.set_title(
        f"odometry network: error vs energy (dead reckoning: {report['dead_reckoning']:.0f} %)"
    )
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
