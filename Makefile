# XR-NPE top-level targets.  Everything runs inside .venv, created on first use.
#   make sim       main demo (simulations with a pass/fail table)
#   make test      whole regression (Python models + cocotb on Icarus and Verilator)
#   make lint      verilator --lint-only -Wall on every RTL module
#   make synth     Yosys area reports -> build/synth/summary.json
#   make bench     benchmarks -> build/bench/*.json
#   make workload  mixed-precision QAT workload -> build/workload/report.json
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

.PHONY: all setup sim test lint synth bench workload soak gen clean distclean

all: test

$(STAMP): requirements.txt pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch $@

setup: $(STAMP)

sim: $(STAMP)
	$(PY) scripts/sim_demo.py $(if $(SIM),--sim $(SIM)) $(SIM_ARGS)

test: $(STAMP)
	$(PY) -m pytest -n $(JOBS) -q -m "not soak" $(PYTEST_ARGS)

soak: $(STAMP)
	$(PY) -m pytest -n $(JOBS) -q -m soak $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) scripts/lint.py

gen: $(STAMP)
	$(PY) scripts/gen_rtl_pkg.py

synth: $(STAMP)
	$(PY) scripts/synth/gate_equiv.py
	$(PY) scripts/synth/run_synth.py

bench: $(STAMP)
	$(PY) scripts/bench/run_bench.py

workload: $(STAMP)
	$(PY) -m xrnpe.workload.run

clean:
	rm -rf build sim_build .pytest_cache

distclean: clean
	rm -rf .venv
