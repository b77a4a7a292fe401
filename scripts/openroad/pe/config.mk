# SPDX-License-Identifier: Apache-2.0
# OpenROAD-flow-scripts configuration for the RMMEC PE (not run in CI; see docs/pe.md).
# Usage from an ORFS checkout:  make DESIGN_CONFIG=<xrnpe>/scripts/openroad/pe/config.mk
# (for the baseline: make DESIGN_CONFIG=... DESIGN_NAME=pe_baseline)
export PLATFORM      = sky130hd
export DESIGN_NAME  ?= pe_rmmec
export DESIGN_NICKNAME = xrnpe_$(DESIGN_NAME)
XRNPE_RTL := $(realpath $(dir $(lastword $(MAKEFILE_LIST)))/../../../rtl)
export VERILOG_FILES = $(XRNPE_RTL)/xrnpe_pkg.sv $(XRNPE_RTL)/lzc.sv \
    $(XRNPE_RTL)/shift_right_sticky.sv $(XRNPE_RTL)/posit_decode.sv $(XRNPE_RTL)/fp4_decode.sv \
    $(XRNPE_RTL)/posit_encode.sv $(XRNPE_RTL)/fp4_encode.sv $(XRNPE_RTL)/fp32_encode.sv \
    $(XRNPE_RTL)/acc_readout.sv $(XRNPE_RTL)/acc_encode.sv $(XRNPE_RTL)/acc_backend.sv \
    $(XRNPE_RTL)/rmmec_mul.sv $(XRNPE_RTL)/rmmec_scale_add.sv $(XRNPE_RTL)/rmmec_align.sv \
    $(XRNPE_RTL)/pe_mul_array.sv $(XRNPE_RTL)/$(DESIGN_NAME).sv
export SYNTH_HDL_FRONTEND = slang
export SDC_FILE      = $(dir $(lastword $(MAKEFILE_LIST)))constraint.sdc
export CORE_UTILIZATION = 40
export PLACE_DENSITY    = 0.60
export TNS_END_PERCENT  = 100
