# SPDX-License-Identifier: Apache-2.0
# OpenROAD-flow-scripts configuration for a PE (not run here: OpenROAD cannot be installed on
# the project's machines; `make ppa` gives the official timing, area and energy).  Usage from
# an ORFS checkout's flow/ directory:
#   make DESIGN_CONFIG=<xrnpe>/scripts/openroad/pe/config.mk XRNPE_ROOT=<xrnpe> [XRNPE_BLOCK=pe_baseline]
# The file list comes from the source manifest (xrnpe.core) through xrnpe.sim.manifest, so it
# never goes stale; XRNPE_PY must be a Python that can import xrnpe (the project's venv).
XRNPE_ROOT ?= $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../../..)
XRNPE_PY   ?= $(XRNPE_ROOT)/.venv/bin/python
XRNPE_BLOCK ?= pe_rmmec
XRNPE_MANIFEST = cd $(XRNPE_ROOT) && PYTHONPATH=$(XRNPE_ROOT)/src $(XRNPE_PY) -m xrnpe.sim.manifest

export PLATFORM        ?= sky130hd
export DESIGN_NAME      = $(shell $(XRNPE_MANIFEST) toplevel $(XRNPE_BLOCK))
export DESIGN_NICKNAME  = $(DESIGN_NAME)
export VERILOG_FILES    = $(shell $(XRNPE_MANIFEST) sources $(XRNPE_BLOCK))
export SYNTH_HDL_FRONTEND = slang
export SDC_FILE         = $(XRNPE_ROOT)/scripts/openroad/pe/constraint.sdc
export CORE_UTILIZATION = 40
export PLACE_DENSITY    = 0.60
export TNS_END_PERCENT  = 100
