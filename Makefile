# SPDX-License-Identifier: Apache-2.0
# XR-NPE top-level targets.  Everything runs inside .venv, created on first use.
#   make sim       main demo (simulations with a pass/fail table)
#   make test      whole regression (Python models + cocotb on Icarus and Verilator)
#   make lint      Verilator -Wall on every RTL module (and the house-style checks)
#   make synth     Yosys area reports -> build/synth/summary.json
#   make ppa       osu018 timing/energy, ECP5 place-and-route -> build/ppa/summary.json, docs/ppa.md
#   make ppa-fpga  make ppa plus the co-processor's ECP5 place-and-route (~30 CPU minutes more;
#                  make ppa reuses that result while the co-processor's inputs are unchanged)
#   make bench     benchmarks -> build/bench/*.json
#   make workload  mixed-precision QAT workload -> build/workload/report.json
#   make vio       odometry on KITTI through the co-processor -> build/vio/report.json (needs make ppa)
#   make ppa-real  the PE energy bench on the odometry network's own operands (after make vio)
#   make onnx-models  torchvision MobileNetV2 and ResNet-18 through xrnpe onnx run, timed against
#                  onnxruntime, one layer on the RTL -> build/onnx/report.json (opt-in)
#   make results   docs/results.md from the reports under build/
#   make coverage  Verilator line/branch/toggle + functional coverage of rtl/ -> build/coverage/ (opt-in)
#   make gen       regenerate rtl/xrnpe_pkg.sv (formats) and every view of the register map
# Variables: SIM=icarus|verilator restricts the tests to one simulator; WAVES=1 dumps waveforms;
# JOBS=N pytest workers (default: number of cores).

SHELL := /bin/bash
ROOT := $(abspath .)
VENV := $(ROOT)/.venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.setup-stamp
JOBS ?= $(shell nproc)
export PATH := $(VENV)/bin:$(PATH)
export PYTHONDONTWRITEBYTECODE := 1
# simulator builds of the make targets stay in the checkout (the installed engine uses the
# user cache directory instead)
export XRNPE_BUILD_DIR ?= $(ROOT)/build/sim

.PHONY: all setup sim test lint synth ppa ppa-fpga ppa-real bench workload vio soak gen results clean \
	onnx-models \
	distclean

all: test

$(STAMP): requirements.txt requirements-torch.txt pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch $@

setup: $(STAMP)

sim: $(STAMP)
	$(PY) -m scripts.sim_demo --jobs $(JOBS) $(if $(SIM),--sim $(SIM)) $(SIM_ARGS)

test: $(STAMP)
	$(PY) -m pytest -n $(JOBS) -q -m "not soak" $(PYTEST_ARGS)

soak: $(STAMP)
	$(PY) -m pytest -n $(JOBS) -q -m soak $(PYTEST_ARGS)

# coverage builds go to build/coverage/sim: the normal builds (and make test's time) are untouched
coverage: $(STAMP)
	$(PY) -m scripts.coverage --jobs $(JOBS) $(COVERAGE_ARGS)

lint: $(STAMP)
	$(PY) -m scripts.lint

gen: $(STAMP)
	$(PY) -m scripts.gen_rtl_pkg
	$(PY) -m scripts.gen_regmap --html

synth: $(STAMP)
	$(PY) -m scripts.synth.gate_equiv
	$(PY) -m scripts.synth.run_synth

ppa: $(STAMP)
	$(PY) -m scripts.ppa.run $(PPA_ARGS)

ppa-fpga: $(STAMP)
	$(PY) -m scripts.ppa.run --coproc-fpga $(PPA_ARGS)

bench: $(STAMP)
	$(PY) -m scripts.bench.run_bench

workload: $(STAMP)
	$(PY) -m xrnpe.workload.run

# energy per MAC comes from the PPA flow: its summary must exist (made by make ppa if missing)
vio: $(STAMP) | build/ppa/summary.json
	$(PY) -m xrnpe.workload.vio.run $(VIO_ARGS)

build/ppa/summary.json: | $(STAMP)
	$(MAKE) ppa

# the PEs' netlists from make ppa, the operands from make vio
ppa-real: $(STAMP) | build/ppa/summary.json
	$(PY) -m xrnpe.ppa.real $(PPA_REAL_ARGS)

onnx-models: $(STAMP)
	$(PY) -m scripts.bench.onnx_models --rtl $(ONNX_MODELS_ARGS)

results: $(STAMP)
	$(PY) -m scripts.gen_results

clean:
	rm -rf build sim_build .pytest_cache

distclean: clean
	rm -rf .venv
