# SPDX-License-Identifier: Apache-2.0
"""Functional coverage of the co-processor (docs/coverage.md).

A small bin counter in the spirit of cocotb-coverage's cover points, with a JSON file per
simulation run so that runs of every test group, parameter set and simulator merge:

* ``fmt_pair``: input x output format (20 bins);
* ``k_class``: K in one 16-bit word, in several words of one A slot, chunked (streamed);
* ``m_class`` / ``n_class``: shape classes against the PE array (and the panel width);
* ``error``: every STATUS.ERR_CODE, NONE included;
* ``soft_reset_state``: the job state a SOFT_RESET arrived in;
* ``pause``: a job ended bit-exact while the random pause generator had paused that AXI
  channel (ten channels: the AXI4 master's five, the AXI4-Lite slave's five).

Points are sampled by :class:`xrnpe.sim.coproc_env.Env` and the co-processor suite; a run
writes ``$XRNPE_FCOV_DIR/<run>.json`` when that variable is set (``make coverage`` sets it).
:data:`WAIVED` lists the bins that cannot be reached, with the reason.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .. import regmap
from ..formats import FORMATS, INPUT_FORMATS, OUTPUT_FORMATS

CHANNELS = (
    "m_axi_aw",
    "m_axi_w",
    "m_axi_b",
    "m_axi_ar",
    "m_axi_r",
    "s_axil_aw",
    "s_axil_w",
    "s_axil_b",
    "s_axil_ar",
    "s_axil_r",
)
# the encoding of job_e in rtl/xrnpe_coproc_job_fsm.sv
JOB_STATES = ("IDLE", "CHECK", "SPAN", "SETUP", "SETUP2", "RUN", "DRAIN")

POINTS: dict[str, list[str]] = {
    "fmt_pair": [f"{f}->{o}" for f in INPUT_FORMATS for o in OUTPUT_FORMATS],
    "k_class": ["one_word", "several_words", "chunked"],
    "m_class": ["single_row", "one_block", "blocks_exact", "blocks_tail"],
    "n_class": ["single_col", "one_tile", "tiles_exact", "tiles_tail", "several_panels"],
    "error": [regmap.ERROR_NAMES[c] for c in sorted(regmap.ERROR_NAMES)],
    "soft_reset_state": list(JOB_STATES),
    "pause": list(CHANNELS),
}

WAIVED: dict[tuple[str, str], str] = {
    ("soft_reset_state", "CHECK"): (
        "the register block answers one write at a time: the SOFT_RESET write can complete "
        "at the earliest two cycles after the START write, when the job has left CHECK "
        "(the CHECK-state soft-reset path is kept for robustness)"
    ),
}


class Coverage:
    """Hit counts of every bin of :data:`POINTS`."""

    def __init__(self):
        self.hits = {p: dict.fromkeys(bins, 0) for p, bins in POINTS.items()}

    def hit(self, point: str, bin_: str) -> None:
        if bin_ not in self.hits[point]:
            raise KeyError(f"functional coverage: no bin {bin_!r} in {point}")
        self.hits[point][bin_] += 1

    # ---------------------------------------------------------------- samplers
    def sample_job(self, m: int, n: int, k: int, fmt: str, out: str, params: dict) -> None:
        """Shape and format classes of a job that ended bit-exact."""
        self.hit("fmt_pair", f"{fmt}->{out}")
        rows, cols = params["ROWS"], params["COLS"]
        wpb = params["DATA_W"] // 16
        lanes = FORMATS[fmt].lanes
        kw = -(-k // lanes)
        kwe = -(-kw // wpb)
        a_slot = params["ABUF_WORDS"] // wpb
        chunked = kwe > a_slot
        self.hit("k_class", "one_word" if kw == 1 else "chunked" if chunked else "several_words")
        if m == 1:
            self.hit("m_class", "single_row")
        elif m <= rows:
            self.hit("m_class", "one_block")
        else:
            self.hit("m_class", "blocks_exact" if m % rows == 0 else "blocks_tail")
        b_slot_log2 = (params["BBUF_WORDS"] // wpb).bit_length() - 1
        tpb_log2 = (
            0
            if chunked
            else min(b_slot_log2 - (kwe - 1).bit_length(), params["CBUF_TILES"].bit_length() - 1)
        )
        pw = cols << tpb_log2
        if n == 1:
            self.hit("n_class", "single_col")
        elif n > pw:
            self.hit("n_class", "several_panels")
        elif n <= cols:
            self.hit("n_class", "one_tile")
        else:
            self.hit("n_class", "tiles_exact" if n % cols == 0 else "tiles_tail")

    def sample_error(self, code: int) -> None:
        self.hit("error", regmap.ERROR_NAMES.get(int(code), "NONE"))

    def sample_soft_reset(self, state: int) -> None:
        self.hit("soft_reset_state", JOB_STATES[int(state)])

    # ---------------------------------------------------------------- files
    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.hits, indent=1, sort_keys=True))
        os.replace(tmp, path)


COV = Coverage()
"""The coverage of this simulation process (every Env of the run adds to it)."""


def save_run(name: str) -> Path | None:
    """Write :data:`COV` to ``$XRNPE_FCOV_DIR/<name>.json`` (nothing if the variable is unset)."""
    d = os.environ.get("XRNPE_FCOV_DIR")
    if not d:
        return None
    path = Path(d) / f"{name}.json"
    COV.save(path)
    return path


def merge(paths) -> dict:
    """Sum the hit counts of several run files."""
    total = {p: dict.fromkeys(bins, 0) for p, bins in POINTS.items()}
    for path in paths:
        data = json.loads(Path(path).read_text())
        for p, bins in data.items():
            for b, n in bins.items():
                if p in total and b in total[p]:
                    total[p][b] += int(n)
    return total


def summary(hits: dict) -> dict:
    """{"pct": covered bins / (bins - waived) * 100, "missing": [...], "waived": [...]}."""
    covered = total = 0
    missing = []
    for p, bins in POINTS.items():
        for b in bins:
            if (p, b) in WAIVED:
                continue
            total += 1
            if hits.get(p, {}).get(b, 0) > 0:
                covered += 1
            else:
                missing.append(f"{p}:{b}")
    waived = [{"what": f"functional bin {p}:{b}", "why": why} for (p, b), why in WAIVED.items()]
    return {
        "pct": 100.0 * covered / total if total else 100.0,
        "covered": covered,
        "bins": total,
        "missing": missing,
        "waived": waived,
    }


__all__ = ["CHANNELS", "COV", "POINTS", "WAIVED", "Coverage", "merge", "save_run", "summary"]
