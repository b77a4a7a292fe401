// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// XR-NPE processing element, conventional ("wide") kind: the PE shell (xrnpe_pe_shell) with
// one Posit(16,1)-wide lane through which every format is serialised (xrnpe_pe_front_wide):
// one MAC per cycle in every mode, so a word takes 4 cycles in fp4 and p4, 2 in p8, 1 in p16
// (in_ready low inside a word's lanes).  A result appears 10 + L cycles after its in_last
// word is accepted (L = that word's cycles).  Same ports as xrnpe_pe_rmmec and
// xrnpe_pe_baseline; the second reference of the PPA flow (docs/ppa.md).
module xrnpe_pe_wide (
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
      .KIND(xrnpe_pe_pkg::PE_WIDE)
  ) u_shell (
      .clk, .rst_n, .clear, .in_valid, .in_ready, .in_a, .in_b, .in_fmt, .in_out_fmt, .in_first,
      .in_last, .out_valid, .out_ready, .out_data, .out_nar);
endmodule
`default_nettype wire
