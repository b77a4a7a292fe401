# SPDX-License-Identifier: Apache-2.0
# OpenROAD-flow-scripts (ORFS) design config for the XR-NPE co-processor.
# Not run in CI: `make synth` (Yosys) gives the project's official area numbers.  To try a
# place-and-route run, from an ORFS checkout's flow/ directory:
#   make DESIGN_CONFIG=/path/to/xrnpe/scripts/openroad/coprocessor/config.mk XRNPE_ROOT=/path/to/xrnpe
# The on-chip buffers are inferred memories, which ORFS maps to flip-flops (no SRAM macros
# are configured), so the area is dominated by them; shrink ABUF_WORDS/BBUF_WORDS/CBUF_TILES
# for a quicker run.
XRNPE_ROOT ?= $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../../..)

export DESIGN_NICKNAME = xrnpe_coprocessor
export DESIGN_NAME = coprocessor
export PLATFORM ?= sky130hd

# packages first, then every module (Yosys resolves the hierarchy from coprocessor)
export VERILOG_FILES = $(XRNPE_ROOT)/rtl/xrnpe_pkg.sv \
                       $(XRNPE_ROOT)/rtl/xrnpe_regmap_pkg.sv \
                       $(filter-out %_pkg.sv,$(sort $(wildcard $(XRNPE_ROOT)/rtl/*.sv)))
export SYNTH_HDL_FRONTEND ?=
export SDC_FILE = $(XRNPE_ROOT)/scripts/openroad/coprocessor/constraint.sdc

export SYNTH_HIERARCHICAL = 1
export CORE_UTILIZATION = 35
export PLACE_DENSITY = 0.55
export TNS_END_PERCENT = 100
