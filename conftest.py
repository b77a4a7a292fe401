# SPDX-License-Identifier: Apache-2.0
"""Repository-wide pytest hooks: the regression records its own outcome and duration in
build/test/summary.json (read by `make results` for docs/results.md)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

_START = time.time()


def pytest_sessionfinish(session, exitstatus):
    # only the controlling process of an xdist run (workers have PYTEST_XDIST_WORKER set)
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    counts = (
        {k: len(reporter.stats.get(k, [])) for k in ("passed", "failed", "error", "skipped")}
        if reporter
        else {}
    )
    args = session.config.invocation_params.args
    full = not any(str(a).startswith(("tests/", "tb/", "-k")) or "::" in str(a) for a in args)
    out = (
        Path(session.config.rootpath) / "build" / "test" / ("summary.json" if full else "last.json")
    )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(
            json.dumps(
                {
                    "exitstatus": int(exitstatus),
                    "seconds": round(time.time() - _START, 1),
                    "counts": counts,
                    "args": [str(a) for a in args],
                    "workers": os.environ.get("PYTEST_XDIST_WORKER_COUNT"),
                },
                indent=1,
            )
            + "\n"
        )
    except OSError:
        pass
