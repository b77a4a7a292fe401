# SPDX-License-Identifier: Apache-2.0
"""pytest plugin of `make coverage`: every Verilator build of the session gets ``--coverage``
(line, branch/expression and toggle points); the simulations then write ``coverage.dat`` in
their results directories.  Loaded with ``-p scripts.coverage.plugin``; builds go to the
separate tree ``$XRNPE_BUILD_DIR`` the coverage run sets, so the normal builds stay as they are.
"""

from __future__ import annotations

import cocotb_tools.runner as _runner

COVERAGE_ARGS = ["--coverage-line", "--coverage-toggle"]

_orig = _runner.Verilator._build_command


def _build_command(self):
    cmds = _orig(self)
    first = list(cmds[0])
    at = next(i for i, a in enumerate(first) if str(a).endswith("verilator.cpp"))
    cmds[0] = first[:at] + COVERAGE_ARGS + first[at:]
    return cmds


_runner.Verilator._build_command = _build_command
