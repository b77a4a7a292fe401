# SPDX-License-Identifier: Apache-2.0
"""Finished shards of a run, kept under ``--state`` so that a rerun skips them: one JSON
record per shard, written by the client as results arrive (atomic writes), and one line per
session (its wall time counts in a resumed report)."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from pathlib import Path

from .plan import Plan


class State:
    """Finished shards of one run under ``root/<run key>/`` (JSON files, atomic writes)."""

    def __init__(self, root: Path | None, plan: Plan):
        self.dir = (Path(root) / plan.run_key) if root else None
        self.plan = plan

    def _open(self) -> None:
        """Create the directory on the first write (a run that never starts writes nothing)."""
        if not (self.dir / "run.json").is_file():
            (self.dir / "shards").mkdir(parents=True, exist_ok=True)
            meta = {
                "design": self.plan.design,
                "format": self.plan.fmt,
                "out_format": self.plan.out_fmt,
                "shard_size": self.plan.shard_size,
                "build": self.plan.library.parent.name,
            }
            _write_json(self.dir / "run.json", meta)

    def _shard_file(self, start: int, stop: int) -> Path:
        return self.dir / "shards" / f"{start}-{stop}.json"

    def finished(self) -> dict[tuple[int, int], dict]:
        if not self.dir:
            return {}
        out = {}
        for s, e in self.plan.shards:
            p = self._shard_file(s, e)
            if p.is_file():
                try:
                    rec = json.loads(p.read_text())
                except (OSError, ValueError):
                    continue  # a damaged record is simply rerun
                if rec.get("start") == s and rec.get("stop") == e and "mismatches" in rec:
                    out[(s, e)] = rec
        return out

    def record(self, rec: dict) -> None:
        if self.dir:
            self._open()
            _write_json(self._shard_file(rec["start"], rec["stop"]), rec)

    def previous_seconds(self) -> float:
        """Wall time of earlier sessions of this run (for a resumed report)."""
        if not self.dir or not (self.dir / "sessions.jsonl").is_file():
            return 0.0
        total = 0.0
        for line in (self.dir / "sessions.jsonl").read_text().splitlines():
            try:
                total += float(json.loads(line)["seconds"])
            except (ValueError, KeyError):
                continue
        return total

    def add_session(self, seconds: float, pairs: int, start: int, stop: int) -> None:
        if self.dir:
            self._open()
            with open(self.dir / "sessions.jsonl", "a") as fh:
                fh.write(
                    json.dumps(
                        {
                            "seconds": seconds,
                            "pairs_checked": pairs,
                            "range": [start, stop],
                            "finished": time.time(),
                        }
                    )
                    + "\n"
                )


def _write_json(path: Path, obj) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(obj, fh, indent=1)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


__all__ = ["State"]
