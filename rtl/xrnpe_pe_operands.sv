// SPDX-License-Identifier: Apache-2.0
// Operand stage R1 shared by every PE flavour: registers the accepted word and its job
// flags, decodes the input format into one-hot mode bits, and hands each format's datapath
// its own copy of the operands that is constant zero outside that format's mode (operand
// isolation: a datapath a mode does not use sees no toggles).  Operands are held between
// words, so idle cycles do not toggle either, and their clock is gated to the same cycles.  `clear` drops the valid bit (a job abort).
`default_nettype none
module xrnpe_pe_operands (
    input  logic                         clk,
    input  logic                         rst_n,
    input  logic                         clear,
    input  logic                         en,         // pipeline advance (low while stalled)
    input  logic                         in_valid,
    input  logic [xrnpe_pkg::WORD_W-1:0] in_a,
    input  logic [xrnpe_pkg::WORD_W-1:0] in_b,
    input  xrnpe_pkg::fmt_e              in_fmt,
    input  xrnpe_pkg::fmt_e              in_out_fmt,
    input  logic                         in_first,
    input  logic                         in_last,
    output logic                         valid,
    output logic                         first,
    output logic                         last,
    output logic [xrnpe_pkg::FMT_W-1:0]  fmt,
    output logic [xrnpe_pkg::FMT_W-1:0]  out_fmt,
    // one-hot mode of the registered word (all zero for a code that is no input format)
    output logic                         is_fp4,
    output logic                         is_p4,
    output logic                         is_p8,
    output logic                         is_p16,
    // isolated operand buses: the registered operands in their format's mode, else zero
    output logic [xrnpe_pkg::WORD_W-1:0] iso_a_fp4,
    output logic [xrnpe_pkg::WORD_W-1:0] iso_b_fp4,
    output logic [xrnpe_pkg::WORD_W-1:0] iso_a_p4,
    output logic [xrnpe_pkg::WORD_W-1:0] iso_b_p4,
    output logic [xrnpe_pkg::WORD_W-1:0] iso_a_p8,
    output logic [xrnpe_pkg::WORD_W-1:0] iso_b_p8,
    output logic [xrnpe_pkg::WORD_W-1:0] iso_a_p16,
    output logic [xrnpe_pkg::WORD_W-1:0] iso_b_p16
);
  localparam int W = xrnpe_pkg::WORD_W;

  logic                  valid_q, first_q, last_q;
  logic [W-1:0]          a_q, b_q;
  logic [xrnpe_pkg::FMT_W-1:0] fmt_q, out_fmt_q;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      valid_q <= 1'b0;
      fmt_q   <= xrnpe_pkg::FMT_FP32;  // no input format: every datapath isolated
    end else if (clear) begin
      valid_q <= 1'b0;
    end else if (en) begin
      valid_q <= in_valid;
      if (in_valid) fmt_q <= in_fmt;
    end
  end

  // datapath: written only with a valid word, read only behind valid_q; its clock pulses only
  // then (docs/pe.md, "Clock gating")
  logic clk_r1, r1_we, advance;
  assign advance = en && in_valid;
  xrnpe_prim_clock_gate u_cg_r1 (.clk_i(clk), .en_i(advance), .clk_o(clk_r1), .reg_en_o(r1_we));
  always_ff @(posedge clk_r1) begin
    if (r1_we) begin
      a_q       <= in_a;
      b_q       <= in_b;
      out_fmt_q <= in_out_fmt;
      first_q   <= in_first;
      last_q    <= in_last;
    end
  end

  assign valid   = valid_q;
  assign first   = first_q;
  assign last    = last_q;
  assign fmt     = fmt_q;
  assign out_fmt = out_fmt_q;

  assign is_fp4 = fmt_q == xrnpe_pkg::FMT_FP4;
  assign is_p4  = fmt_q == xrnpe_pkg::FMT_P4;
  assign is_p8  = fmt_q == xrnpe_pkg::FMT_P8;
  assign is_p16 = fmt_q == xrnpe_pkg::FMT_P16;

  assign iso_a_fp4 = is_fp4 ? a_q : '0;
  assign iso_b_fp4 = is_fp4 ? b_q : '0;
  assign iso_a_p4  = is_p4 ? a_q : '0;
  assign iso_b_p4  = is_p4 ? b_q : '0;
  assign iso_a_p8  = is_p8 ? a_q : '0;
  assign iso_b_p8  = is_p8 ? b_q : '0;
  assign iso_a_p16 = is_p16 ? a_q : '0;
  assign iso_b_p16 = is_p16 ? b_q : '0;
endmodule
`default_nettype wire
