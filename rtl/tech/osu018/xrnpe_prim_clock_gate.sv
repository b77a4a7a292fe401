// SPDX-License-Identifier: Apache-2.0
// osu018 view of xrnpe_prim_clock_gate (rtl/xrnpe_prim_clock_gate.sv says why and what):
// osu018 has no integrated clock-gating cell, so the cell is built from its own parts, a
// latch open while the clock is low (LATCH is open while its CLK pin is high: an inverter
// in front) and an AND of clock and latched enable.  Instances, not inferred logic, so
// synthesis cannot restructure the clock path.
`default_nettype none
module xrnpe_prim_clock_gate (
    input  logic clk_i,
    input  logic en_i,
    output logic clk_o,
    output logic reg_en_o
);
  logic clk_n, en_latched;
  INVX1 u_clk_inv (.A(clk_i), .Y(clk_n));
  LATCH u_en_latch (.CLK(clk_n), .D(en_i), .Q(en_latched));
  AND2X1 u_clk_and (.A(clk_i), .B(en_latched), .Y(clk_o));
  assign reg_en_o = 1'b1;
endmodule
`default_nettype wire
