# SPDX-License-Identifier: Apache-2.0
# PE timing constraints for OpenROAD-flow-scripts (sky130hd).  Not run in CI.
# 5 ns (200 MHz): the osu018 figure of `make ppa` (docs/ppa.md); every stage is balanced to
# about 45-50 FO4 (docs/pe.md).
set clk_name  core_clock
set clk_port_name clk
set clk_period 5.0
set clk_io_pct 0.2
set clk_port [get_ports $clk_port_name]
create_clock -name $clk_name -period $clk_period $clk_port
set non_clock_inputs [lsearch -inline -all -not -exact [all_inputs] $clk_port]
set_input_delay  [expr $clk_period * $clk_io_pct] -clock $clk_name $non_clock_inputs
set_output_delay [expr $clk_period * $clk_io_pct] -clock $clk_name [all_outputs]
