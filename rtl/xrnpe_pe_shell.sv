// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// The stand-alone PE of every kind: the PE core (xrnpe_pe_core: operand stage, the KIND's
// front end, accumulator) and a readout of its own (xrnpe_acc_readout: resolve, normalise,
// round, encode).  xrnpe_pe_rmmec, xrnpe_pe_baseline and xrnpe_pe_wide are this shell with
// their kind fixed.  II = 1; a result appears 11 cycles after its in_last word is accepted
// (5 in the core, 6 in the readout; the wide kind adds its last word's extra lane cycles).  A
// result waiting on out_ready stalls the readout, and the core once the readout cannot take
// its next finished sum.
module xrnpe_pe_shell #(
    parameter int KIND = xrnpe_pe_pkg::PE_RMMEC  // front end (xrnpe_pe_pkg)
) (
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
  localparam int NSEG = xrnpe_pkg::ACC_NSEG;

  logic                        res_valid, res_take, res_nar, ro_ready;
  logic [xrnpe_pkg::ACC_W-1:0] res_seg;
  logic [NSEG-1:0]             res_carry, res_live;
  logic [xrnpe_pkg::FMT_W-1:0] res_out_fmt;

  xrnpe_pe_core #(
      .KIND(KIND), .RES_BUF(1'b0)
  ) u_core (
      .clk, .rst_n, .clear, .in_valid, .in_ready, .in_a, .in_b, .in_fmt, .in_out_fmt, .in_first,
      .in_last, .res_valid, .res_take, .res_seg, .res_carry, .res_live, .res_out_fmt, .res_nar);

  assign res_take = res_valid && ro_ready;

  /* verilator lint_off PINCONNECTEMPTY */
  xrnpe_acc_readout #(
      .TAG_W(1)
  ) u_readout (
      .clk, .rst_n, .clear, .in_valid(res_valid), .in_ready(ro_ready), .in_seg(res_seg),
      .in_carry(res_carry), .in_live(res_live), .in_out_fmt(res_out_fmt), .in_nar(res_nar),
      .in_tag(1'b0), .out_valid, .out_ready, .out_data, .out_nar, .out_tag());
  /* verilator lint_on PINCONNECTEMPTY */
endmodule
`default_nettype wire
