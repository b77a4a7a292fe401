// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// XR-NPE processing element, RMMEC kind: the PE shell (xrnpe_pe_shell) with the merged front
// end (xrnpe_pe_front_rmmec), whose mantissa multiplier, scale adder and aligner are one
// reconfigurable datapath shared by fp4 and p4 (4 lanes), p8 (2 lanes) and p16 (1 lane).
// II = 1; a result appears 11 cycles after its in_last word is accepted (docs/pe.md).  Same
// ports and behaviour as xrnpe_pe_baseline and xrnpe_pe_wide.
module xrnpe_pe_rmmec (
    input  logic                         clk,
    input  logic                         rst_n,
    input  logic                         clear,      // drop every word and result in flight
    input  logic                         in_valid,
    output logic                         in_ready,
    input  logic [xrnpe_pkg::WORD_W-1:0] in_a,
    input  logic [xrnpe_pkg::WORD_W-1:0] in_b,
    input  xrnpe_pkg::fmt_e              in_fmt,
    input  xrnpe_pkg::fmt_e              in_out_fmt,
    input  logic                         in_first,
    input  logic                         in_last,
    output logic                         out_valid,
    input  logic                         out_ready,
    output logic [31:0]                  out_data,
    output logic                         out_nar
);
  xrnpe_pe_shell #(
      .KIND(xrnpe_pe_pkg::PE_RMMEC)
  ) u_shell (
      .clk, .rst_n, .clear, .in_valid, .in_ready, .in_a, .in_b, .in_fmt, .in_out_fmt, .in_first,
      .in_last, .out_valid, .out_ready, .out_data, .out_nar);
endmodule
`default_nettype wire
