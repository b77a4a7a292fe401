// SPDX-License-Identifier: Apache-2.0
// Ungated view of xrnpe_prim_clock_gate (rtl/xrnpe_prim_clock_gate.sv says why and what):
// the clock passes through and the enable becomes the registers' clock enable (on an FPGA
// the flip-flops' CE pin; in the ASIC flow a hold multiplexer per bit, the "ungated"
// reference every design is also measured in).
`default_nettype none
module xrnpe_prim_clock_gate (
    input  logic clk_i,
    input  logic en_i,
    output logic clk_o,
    output logic reg_en_o
);
  assign clk_o    = clk_i;
  assign reg_en_o = en_i;
endmodule
`default_nettype wire
