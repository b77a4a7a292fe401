# SPDX-License-Identifier: Apache-2.0
# OpenROAD-flow-scripts (ORFS) design config for the XR-NPE co-processor (not run here:
# OpenROAD cannot be installed on the project's machines; `make ppa` and `make synth` give the
# official figures).  From an ORFS checkout's flow/ directory:
#   make DESIGN_CONFIG=<xrnpe>/scripts/openroad/coprocessor/config.mk XRNPE_ROOT=<xrnpe>
# The on-chip buffers are inferred memories, which ORFS maps to flip-flops (no SRAM macros are
# configured), so the area is dominated by them.  The file list comes from the source manifest
# (xrnpe.core); XRNPE_PY must be a Python that can import xrnpe (the project's venv).
XRNPE_ROOT ?= $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../../..)
XRNPE_PY   ?= $(XRNPE_ROOT)/.venv/bin/python
XRNPE_MANIFEST = cd $(XRNPE_ROOT) && PYTHONPATH=$(XRNPE_ROOT)/src $(XRNPE_PY) -m xrnpe.sim.manifest

export PLATFORM        ?= sky130hd
export DESIGN_NAME      = $(shell $(XRNPE_MANIFEST) toplevel coprocessor)
export DESIGN_NICKNAME  = $(DESIGN_NAME)
export VERILOG_FILES    = $(shell $(XRNPE_MANIFEST) sources coprocessor)
export SYNTH_HDL_FRONTEND ?=
export SDC_FILE         = $(XRNPE_ROOT)/scripts/openroad/coprocessor/constraint.sdc
export SYNTH_HIERARCHICAL = 1
export CORE_UTILIZATION = 35
export PLACE_DENSITY    = 0.55
export TNS_END_PERCENT  = 100
