# SPDX-License-Identifier: Apache-2.0
"""Yosys commands every flow of the package shares: reading a design, the selection of the
modules flattened inside a hierarchical design, and capturing pyosys' log."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path


def quote(path) -> str:
    """A path in a Yosys command (quoted only if needed: yosys 0.23's tee keeps the quotes)."""
    path = str(path)
    return f'"{path}"' if any(c.isspace() for c in path) else path


def read_commands(
    top: str, sources: list, params: dict, include_dirs: list | tuple = ()
) -> list[str]:
    """Read the sources (synthesis view, assertions left out), set the top-level parameters
    and elaborate the hierarchy under ``top``."""
    incs = "".join(f"-I {quote(d)} " for d in dict.fromkeys(str(d) for d in include_dirs))
    cmds = [
        f"read_verilog -sv -DSYNTHESIS -noassert -noassume {incs}"
        + " ".join(quote(s) for s in sources)
    ]
    cmds += [f"chparam -set {k} {v} {top}" for k, v in params.items()]
    cmds.append(f"hierarchy -check -top {top}")
    return cmds


def module_selection(modules) -> str:
    """Yosys selection of the named modules, plain or derived with parameters: a derived
    module is named `$paramod...\\name...` and keeps its source name in `hdlname` (Yosys
    warns about whichever of the two patterns matches nothing)."""
    return " ".join(f"{m} A:hdlname={m}" for m in modules)


def flatten_inside_commands(modules) -> list[str]:
    """After `hierarchy`: flatten each of ``modules`` inside (its submodules become its own
    cells, so it is mapped as one block), and stop if one of them is not in the design (a
    renamed module would otherwise leave the rule silently doing nothing)."""
    cmds = []
    for m in modules:
        cmds.append(f"select -assert-min 1 {module_selection([m])}")
    if modules:
        cmds += ["proc", f"flatten {module_selection(modules)}"]
    return cmds


@contextlib.contextmanager
def stdout_to(path: Path):
    """Yosys (pyosys) logs to file descriptor 1: send it to a file while it runs."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(path, "a") as fh:
        os.dup2(fh.fileno(), 1)
        try:
            yield
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)
