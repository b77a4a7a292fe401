# SPDX-License-Identifier: Apache-2.0
"""What both workload entry points share (``make workload``: ``workload.run``; ``make vio``:
``workload.vio.run``): the training cache and its key, logging, stage times, the BLAS thread
limit, cached network names and the RTL check's skip / failure bookkeeping.  Nothing here
decides a trained parameter, so it is not part of any cache key."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import api, qat

# package root that cache-key source paths are relative to (models/xrnpe/)
PACKAGE_DIR = Path(__file__).resolve().parents[1]


def repo_root() -> Path:
    root = PACKAGE_DIR.parents[1]
    return root if (root / "Makefile").exists() else Path.cwd()


def cache_key(config: dict, sources: list[str]) -> str:
    """16 hex digits of SHA-256 over the config (sorted JSON) and the package sources
    (paths relative to models/xrnpe/) that determine the trained parameters.  A listed
    source that does not exist is an error: hashing nothing in its place would let the key
    miss the changes it is there to catch."""
    h = hashlib.sha256(json.dumps(config, sort_keys=True).encode())
    for rel in sources:
        p = PACKAGE_DIR / rel
        if not p.is_file():
            raise FileNotFoundError(f"cache key source {rel}: no such file under {PACKAGE_DIR}")
        h.update(rel.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def log(msg: str) -> None:
    print(msg, flush=True)


def loud(msg: str) -> None:
    bar = "!" * 78
    print(f"{bar}\n!! {msg}\n{bar}", file=sys.stderr, flush=True)


def single_blas_thread(fn, *args):
    """``fn(*args)`` with single-threaded BLAS: bit-reproducible, and faster than
    oversubscribed threads for these small matrices on a shared machine."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        return fn(*args)
    with threadpool_limits(1):
        return fn(*args)


class Stopwatch:
    """Wall time per stage, in seconds rounded to 10 ms, in the order the stages ran
    (details.json ``runtime_s``)."""

    def __init__(self):
        self.start = time.time()
        self.times: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str):
        t0 = time.time()
        try:
            yield
        finally:
            self.times[name] = round(time.time() - t0, 2)

    def total(self) -> float:
        self.times["total"] = round(time.time() - self.start, 2)
        return self.times["total"]


# ------------------------------------------------------------------ cached stages
def is_uniform(fmts) -> bool:
    """One format for every layer (a configuration the uniform QAT run already trained)."""
    return len(set(fmts)) == 1


def net_name(fmts) -> str:
    """Cache name of the network QAT-trained with per-layer formats ``fmts``."""
    return f"qat_{fmts[0]}" if is_uniform(fmts) else "mixed_" + "_".join(fmts)


def _qcfg_from_json(items):
    if items is None:
        return None
    return [None if q is None else qat.LayerQuant.from_dict(q) for q in items]


def _qcfg_to_json(qcfg):
    if qcfg is None:
        return None
    return [None if q is None else q.to_dict() for q in qcfg]


class Cache:
    """Trained networks (npz + json) and JSON results under ``root/key/`` (shared by both
    workloads; docs/workload.md "Runtime", docs/vio.md "Runtime").  ``make_net()`` builds an
    empty network of the right architecture to load parameters into."""

    def __init__(self, root: Path, key: str, retrain: bool, make_net):
        self.dir = root / key
        self.retrain = retrain
        self.hits: dict[str, bool] = {}
        self.make_net = make_net

    def net(self, name: str, build):
        """build() -> (net, qcfg or None, meta dict); cached as npz + json."""
        npz, js = self.dir / f"{name}.npz", self.dir / f"{name}.json"
        if not self.retrain and npz.exists() and js.exists():
            meta = json.loads(js.read_text())
            n = self.make_net()
            with np.load(npz) as z:
                n.set_params(dict(z))
            self.hits[name] = True
            return n, _qcfg_from_json(meta["qcfg"]), meta["meta"]
        n, qcfg, meta = build()
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.dir / f"{name}.tmp.npz"
        np.savez(tmp, **n.get_params())
        tmp.replace(npz)
        js.write_text(json.dumps({"qcfg": _qcfg_to_json(qcfg), "meta": meta}, indent=1))
        self.hits[name] = False
        return n, qcfg, meta

    def json(self, name: str, build):
        js = self.dir / f"{name}.json"
        if not self.retrain and js.exists():
            self.hits[name] = True
            return json.loads(js.read_text())
        obj = build()
        self.dir.mkdir(parents=True, exist_ok=True)
        js.write_text(json.dumps(obj, indent=1))
        self.hits[name] = False
        return obj


# ------------------------------------------------------------------ the RTL check stage
@dataclass
class RtlOutcome:
    """The RTL check as the reports hold it: ``summary`` is report.json's ``rtl_check``,
    ``detail`` details.json's ``rtl``; ``failure`` (an error or a mismatch) makes the exit
    status 1, after the reports are written."""

    summary: dict
    detail: dict
    failure: str | None = None


def rtl_skip_reason(no_rtl: bool, unit: str) -> str | None:
    """Why the RTL check does not run (said loudly), or None when it can; ``unit`` names
    report.json's count ("images", "windows")."""
    empty = f"report.json has rtl_check {{{unit}: 0, bit_exact: false}}"
    if no_rtl:
        loud(f"RTL CHECK SKIPPED (--no-rtl): {empty}")
        return "--no-rtl"
    ok, why = api.rtl_available()
    if not ok:
        loud(f"RTL CHECK NOT RUN: {why}; {empty}")
        return why
    return None


def rtl_not_run(unit: str, reason: str) -> RtlOutcome:
    return RtlOutcome({unit: 0, "bit_exact": False}, {"ran": False, "reason": reason})


def rtl_crashed(unit: str, error: Exception, seconds: float) -> RtlOutcome:
    """An RTL check that raised: reported, never papered over."""
    failure = f"{type(error).__name__}: {error}"
    loud(f"RTL CHECK FAILED TO RUN: {failure[:600]}")
    detail = {"ran": False, "error": failure, "seconds": seconds}
    return RtlOutcome({unit: 0, "bit_exact": False}, detail, failure)


def rtl_mismatch(bit_exact: bool) -> str | None:
    """The failure of a check that ran: None when bit-exact, else said loudly."""
    if bit_exact:
        return None
    failure = "RTL results differ from the model path"
    loud(failure)
    return failure
