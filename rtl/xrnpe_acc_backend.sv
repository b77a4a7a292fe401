// SPDX-License-Identifier: Apache-2.0
// Back end of a stand-alone PE: its segmented accumulator (xrnpe_acc_seg) and a readout of its
// own (xrnpe_acc_readout).  Front ends deliver one addend per word, already aligned to the
// accumulator LSB 2^-ACC_FRAC, with the word's format and NaR flag.  In the co-processor the
// PEs keep only their accumulators and one readout serves a row of them (xrnpe_coproc_feed).
`default_nettype none
module xrnpe_acc_backend #(
    parameter int ADD_W = 115  // addend bits delivered; bit ADD_W-1 is its sign (extended)
) (
    input  logic             clk,
    input  logic             rst_n,
    input  logic             clear,     // drop every sum and result in flight
    output logic             en,        // the front end may advance
    // word at the end of the front end
    input  logic             w_valid,
    input  logic             w_first,
    input  logic             w_last,
    input  xrnpe_pkg::fmt_e  w_fmt,
    input  xrnpe_pkg::fmt_e  w_out_fmt,
    input  logic             w_nar,
    input  logic [ADD_W-1:0] w_addend,  // two's complement, LSB 2^-ACC_FRAC
    input  logic             w_cin,     // +1 at the LSB (completes a negation)
    // result stream
    output logic             out_valid,
    input  logic             out_ready,
    output logic [31:0]      out_data,
    output logic             out_nar
);
  localparam int NSEG = xrnpe_pkg::ACC_NSEG;

  logic                        res_valid, res_take, res_nar;
  logic [xrnpe_pkg::ACC_W-1:0] res_seg;
  logic [NSEG-1:0]             res_carry, res_live;
  logic [xrnpe_pkg::FMT_W-1:0] res_out_fmt;
  logic                        ro_ready;

  xrnpe_acc_seg #(
      .ADD_W(ADD_W)
  ) u_acc (
      .clk, .rst_n, .clear, .en, .w_valid, .w_first, .w_last, .w_fmt, .w_out_fmt, .w_nar,
      .w_addend, .w_cin, .res_valid, .res_take, .res_seg, .res_carry, .res_live, .res_out_fmt,
      .res_nar);

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
