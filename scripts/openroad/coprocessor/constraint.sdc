# SPDX-License-Identifier: Apache-2.0
# XR-NPE co-processor timing constraints (OpenROAD / ORFS; not run in CI).
# Single clock `clk`; 100 MHz is a conservative first target on sky130hd.
current_design coprocessor

set clk_name core_clock
set clk_port_name clk
set clk_period 10.0
set clk_io_pct 0.2

set clk_port [get_ports $clk_port_name]
create_clock -name $clk_name -period $clk_period $clk_port

# AXI and reset inputs/outputs are registered on the other side of the interface: give them
# a fifth of the period.
set non_clock_inputs [lsearch -inline -all -not -exact [all_inputs] $clk_port]
set_input_delay [expr {$clk_period * $clk_io_pct}] -clock $clk_name $non_clock_inputs
set_output_delay [expr {$clk_period * $clk_io_pct}] -clock $clk_name [all_outputs]
