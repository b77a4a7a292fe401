// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// The one PE core of XR-NPE, without its readout: a 16-bit SIMD dot-product MAC for fp4 and p4
// (4 lanes), p8 (2 lanes) and p16 (1 lane).  Every PE kind shares this port list, the
// parameter checks, the operand stage R1 (xrnpe_pe_operands, operand isolation included) and
// the segmented, format-gated accumulator (xrnpe_acc_seg); KIND picks the front end between
// them (xrnpe_pe_pkg), one generate block as cvfpu picks its merged or parallel slices:
//   g_merged    xrnpe_pe_front_rmmec     one reconfigurable datapath for every format
//   g_parallel  xrnpe_pe_front_baseline  one lane set per format, muxed into the accumulator
//   g_wide      xrnpe_pe_front_wide      one Posit(16,1)-wide lane, one MAC per cycle
// Finished sums leave on the res_* port for a readout: its own in xrnpe_pe_shell (the
// stand-alone PEs), one per PE row in the co-processor (xrnpe_coproc_feed, RES_BUF = 1).
//
// Pipeline (docs/pe.md): R1 operands | S2 decode | S3a multiply, scale add | S3b align, lane
// sum | S4 byte shift, accumulate.  II = 1 (the wide kind: one word per 1, 2 or 4 cycles); a
// finished sum is valid 5 cycles after its in_last word is accepted (the wide kind: after its
// last lane).  The PE stalls (in_ready low) when the accumulator cannot hand over a finished
// sum (xrnpe_acc_seg, RES_BUF), and the wide kind inside a word's lanes.
module xrnpe_pe_core #(
    parameter int KIND = xrnpe_pe_pkg::PE_RMMEC,  // front end (xrnpe_pe_pkg)
    parameter bit RES_BUF = 1'b0,  // xrnpe_acc_seg: a result buffer (a shared readout)
    localparam int NSEG = xrnpe_pkg::ACC_NSEG
) (
    input  logic                         clk,
    input  logic                         rst_n,
    input  logic                         clear,      // drop every word and sum in flight
    input  logic                         in_valid,
    output logic                         in_ready,
    input  logic [xrnpe_pkg::WORD_W-1:0] in_a,
    input  logic [xrnpe_pkg::WORD_W-1:0] in_b,
    input  xrnpe_pkg::fmt_e              in_fmt,
    input  xrnpe_pkg::fmt_e              in_out_fmt,
    input  logic                         in_first,
    input  logic                         in_last,
    // finished sums (xrnpe_acc_seg)
    output logic                         res_valid,
    input  logic                         res_take,
    output logic [xrnpe_pkg::ACC_W-1:0]  res_seg,
    output logic [NSEG-1:0]              res_carry,
    output logic [NSEG-1:0]              res_live,
    output logic [xrnpe_pkg::FMT_W-1:0]  res_out_fmt,
    output logic                         res_nar
);
  // every front end's lane windows and shifts are laid out for these formats
  if (xrnpe_pkg::WORD_W != 16 || xrnpe_pkg::ACC_FRAC != 56 || xrnpe_pkg::P16_MAX_SCALE != 28 ||
      xrnpe_pkg::P8_MAX_SCALE != 6 || xrnpe_pkg::P4_MAX_SCALE != 4 ||
      xrnpe_pkg::FP4_MIN_SCALE != -1)
  begin : g_bad_pkg
    initial $fatal(1, "xrnpe_pe_core: the front ends are laid out for the xrnpe_pkg formats");
  end

  localparam int W = xrnpe_pkg::WORD_W;
  localparam int FW = xrnpe_pkg::FMT_W;
  localparam int AW = xrnpe_pe_pkg::ADDEND_W;

  logic en;     // the accumulator takes the next word: every stage advances
  logic op_en;  // R1 takes the next word (the front end decides)

  // ================================================================ R1: operands
  logic          op_valid, op_first, op_last;
  logic [FW-1:0] op_fmt, op_out_fmt;
  logic          is_fp4, is_p4, is_p8, is_p16;
  logic [W-1:0]  iso_a_fp4, iso_b_fp4, iso_a_p4, iso_b_p4, iso_a_p8, iso_b_p8, iso_a_p16, iso_b_p16;
  xrnpe_pe_operands u_operands (
      .clk, .rst_n, .clear, .en(op_en), .in_valid, .in_a, .in_b, .in_fmt, .in_out_fmt, .in_first,
      .in_last, .valid(op_valid), .first(op_first), .last(op_last), .fmt(op_fmt),
      .out_fmt(op_out_fmt), .is_fp4, .is_p4, .is_p8, .is_p16, .iso_a_fp4, .iso_b_fp4, .iso_a_p4,
      .iso_b_p4, .iso_a_p8, .iso_b_p8, .iso_a_p16, .iso_b_p16);
  assign in_ready = op_en;

  // ================================================================ S2..S4: the front end
  logic          w_valid, w_first, w_last, w_nar, w_cin;
  logic [FW-1:0] w_fmt, w_out_fmt;
  logic [AW-1:0] w_addend;
  if (KIND == xrnpe_pe_pkg::PE_RMMEC) begin : g_merged
    xrnpe_pe_front_rmmec u_front (
        .clk, .rst_n, .clear, .en, .op_en, .op_valid, .op_first, .op_last, .op_fmt, .op_out_fmt,
        .is_fp4, .is_p4, .is_p8, .is_p16, .iso_a_fp4, .iso_b_fp4, .iso_a_p4, .iso_b_p4,
        .iso_a_p8, .iso_b_p8, .iso_a_p16, .iso_b_p16, .w_valid, .w_first, .w_last, .w_fmt,
        .w_out_fmt, .w_nar, .w_addend, .w_cin);
  end else if (KIND == xrnpe_pe_pkg::PE_BASELINE) begin : g_parallel
    xrnpe_pe_front_baseline u_front (
        .clk, .rst_n, .clear, .en, .op_en, .op_valid, .op_first, .op_last, .op_fmt, .op_out_fmt,
        .is_fp4, .is_p4, .is_p8, .is_p16, .iso_a_fp4, .iso_b_fp4, .iso_a_p4, .iso_b_p4,
        .iso_a_p8, .iso_b_p8, .iso_a_p16, .iso_b_p16, .w_valid, .w_first, .w_last, .w_fmt,
        .w_out_fmt, .w_nar, .w_addend, .w_cin);
  end else if (KIND == xrnpe_pe_pkg::PE_WIDE) begin : g_wide
    xrnpe_pe_front_wide u_front (
        .clk, .rst_n, .clear, .en, .op_en, .op_valid, .op_first, .op_last, .op_fmt, .op_out_fmt,
        .is_fp4, .is_p4, .is_p8, .is_p16, .iso_a_fp4, .iso_b_fp4, .iso_a_p4, .iso_b_p4,
        .iso_a_p8, .iso_b_p8, .iso_a_p16, .iso_b_p16, .w_valid, .w_first, .w_last, .w_fmt,
        .w_out_fmt, .w_nar, .w_addend, .w_cin);
  end else begin : g_bad_kind
    initial $fatal(1, "xrnpe_pe_core: KIND must be PE_RMMEC, PE_BASELINE or PE_WIDE (0..2)");
  end

  // ================================================================ S4: accumulate
  xrnpe_acc_seg #(
      .ADD_W(AW), .RES_BUF(RES_BUF)
  ) u_acc (
      .clk, .rst_n, .clear, .en, .w_valid, .w_first, .w_last, .w_fmt, .w_out_fmt, .w_nar,
      .w_addend, .w_cin, .res_valid, .res_take, .res_seg, .res_carry, .res_live, .res_out_fmt,
      .res_nar);
endmodule
`default_nettype wire
