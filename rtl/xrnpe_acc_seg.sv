// SPDX-License-Identifier: Apache-2.0
// The exact accumulator of a PE, segmented and gated by format (docs/pe.md, "Accumulator").
//
// The ACC_W-bit two's complement sum is kept as ACC_NSEG segments of ACC_SEG_W bits plus the
// carry out of each segment, which enters the next segment one cycle later: a word's add
// never propagates a carry further than one segment, so the accumulate stage is as fast as a
// ACC_SEG_W-bit adder.  The carries still pending when a dot product ends are added by the
// readout (xrnpe_acc_readout).  Each input format updates only the segments its exact sums can
// reach (xrnpe_pkg::<FMT>_ACC_SEGS, e.g. 4 of 8 for p8); the other segments and their carries
// hold, and the readout treats them as the sign extension of the top live segment.
//
// Clock gating (docs/pe.md): each segment (with its carry) has a gate that pulses only when the
// segment adds, the finished sum's attributes one for its last word, and each result-buffer
// segment one for its copy.
//
// A finished sum is held (res_valid) until the readout takes it (res_take).  RES_BUF = 0: the
// segments themselves hold it, and any word arriving while it is held stalls the PE (en
// low): enough for a PE with a readout of its own, which takes a sum the cycle after it
// ends.  RES_BUF = 1: the finished sum is copied into a result buffer as its last word is
// added, so the next sum goes on at once; the PE stalls only if a sum ends while the buffer
// is still full.  That is what a PE needs when one readout serves several PEs in turn.
`default_nettype none
`include "xrnpe_assert.svh"
module xrnpe_acc_seg #(
    parameter int ADD_W = 115,  // addend bits delivered; bit ADD_W-1 is its sign (extended)
    parameter bit RES_BUF = 1'b0,  // a result buffer (see above)
    localparam int ACC_W = xrnpe_pkg::ACC_W,
    localparam int NSEG = xrnpe_pkg::ACC_NSEG,
    localparam int FW = xrnpe_pkg::FMT_W
) (
    input  logic             clk,
    input  logic             rst_n,
    input  logic             clear,      // drop the sum (and a finished one)
    output logic             en,         // the PE pipeline may advance
    // word at the end of the front end
    input  logic             w_valid,
    input  logic             w_first,
    input  logic             w_last,
    input  xrnpe_pkg::fmt_e  w_fmt,      // input format of the dot product
    input  xrnpe_pkg::fmt_e  w_out_fmt,
    input  logic             w_nar,
    input  logic [ADD_W-1:0] w_addend,   // two's complement, LSB 2^-ACC_FRAC
    input  logic             w_cin,      // +1 at the LSB (completes a negation)
    // the finished sum, held until taken
    output logic             res_valid,
    input  logic             res_take,
    output logic [ACC_W-1:0] res_seg,    // segment s at [ACC_SEG_W*s +: ACC_SEG_W]
    output logic [NSEG-1:0]  res_carry,  // carry pending into segment s+1 at bit s
    output logic [NSEG-1:0]  res_live,   // the segments this format updates
    output logic [FW-1:0]    res_out_fmt,
    output logic             res_nar
);
  localparam int SW = xrnpe_pkg::ACC_SEG_W;
  if (ADD_W < 2 || ADD_W > ACC_W || NSEG * SW != ACC_W) begin : g_bad_params
    initial $fatal(1, "xrnpe_acc_seg: ADD_W must be 2..ACC_W and ACC_NSEG*ACC_SEG_W = ACC_W");
  end

  // segments a format's sums can reach (none for a code that is no input format)
  function automatic logic [NSEG-1:0] live_segments(input logic [FW-1:0] f);
    case (f)
      xrnpe_pkg::FMT_FP4: live_segments = xrnpe_pkg::FP4_ACC_SEGS;
      xrnpe_pkg::FMT_P4:  live_segments = xrnpe_pkg::P4_ACC_SEGS;
      xrnpe_pkg::FMT_P8:  live_segments = xrnpe_pkg::P8_ACC_SEGS;
      xrnpe_pkg::FMT_P16: live_segments = xrnpe_pkg::P16_ACC_SEGS;
      default:            live_segments = '0;
    endcase
  endfunction
  logic [NSEG-1:0] live;
  assign live = live_segments(w_fmt);

  logic held_q, held_d;  // a finished sum waits for the readout
  logic add;     // this cycle's word is added
  assign en  = RES_BUF ? !(held_q && !res_take && w_valid && w_last)
                       : !(held_q && !res_take && w_valid);
  assign add = w_valid && en;

  logic [ACC_W-1:0] addend;
  assign addend = {{(ACC_W - ADD_W) {w_addend[ADD_W-1]}}, w_addend};

  logic [ACC_W-1:0] seg_q, seg_d;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [NSEG-1:0]  carry_q, carry_d;
  logic [NSEG-1:0]  carry_kept;  // the top segment's carry leaves the range: kept as 0
  assign carry_kept = {1'b0, carry_d[NSEG-2:0]};
  /* verilator lint_on UNUSEDSIGNAL */
  logic             nar_q, nar_d;

  // Each live segment adds its slice of the addend and the carry its lower neighbour produced
  // in the previous cycle (none at the start of a sum, none from a segment that is not live).
  // The segment registers have no reset: a sum starts with w_first.
  for (genvar s = 0; s < NSEG; s++) begin : g_seg
    logic [SW-1:0] base;
    logic          cin;
    logic [SW:0]   sum;
    assign base = w_first ? '0 : seg_q[SW*s+:SW];
    if (s == 0) begin : g_lsb
      assign cin = w_cin;
    end else begin : g_upper
      assign cin = !w_first && live[s-1] && carry_q[s-1];
    end
    assign sum = {1'b0, base} + {1'b0, addend[SW*s+:SW]} + (SW + 1)'(cin);
    assign {carry_d[s], seg_d[SW*s+:SW]} = sum;
    logic seg_add, clk_seg, seg_we;
    assign seg_add = add && live[s];
    xrnpe_prim_clock_gate u_cg_seg (
        .clk_i(clk), .en_i(seg_add), .clk_o(clk_seg), .reg_en_o(seg_we));
    logic [SW-1:0] slice_q;  // this segment (one register per gated clock)
    logic          slice_carry_q;
    always_ff @(posedge clk_seg) begin
      if (seg_we) begin
        slice_q       <= seg_d[SW*s+:SW];
        slice_carry_q <= carry_kept[s];
      end
    end
    assign seg_q[SW*s+:SW] = slice_q;
    assign carry_q[s]      = slice_carry_q;
  end
  assign nar_d = w_nar | (nar_q & ~w_first);
  logic [NSEG-1:0] live_q;  // the running sum's segments (read by an assertion only)
  // one flip-flop after synthesis: below the clock-gate threshold (docs/pe.md), no gate
  always_ff @(posedge clk) begin
    if (add) begin
      nar_q  <= nar_d;
      live_q <= live;
    end
  end

  // the finished sum: the segments themselves, or the result buffer
  logic [NSEG-1:0]  res_live_q;
  logic             res_nar_q;
  logic [FW-1:0]    res_out_fmt_q;
  logic             res_add, clk_res, res_we;  // a sum's last word is added
  assign res_add = add && w_last;
  xrnpe_prim_clock_gate u_cg_res (
      .clk_i(clk), .en_i(res_add), .clk_o(clk_res), .reg_en_o(res_we));
  always_ff @(posedge clk_res) begin
    if (res_we) begin
      res_live_q    <= live;
      res_nar_q     <= nar_d;
      res_out_fmt_q <= w_out_fmt;
    end
  end
  if (RES_BUF) begin : g_res_buf
    // only the live segments are copied (the readout ignores the others)
    logic [ACC_W-1:0] res_seg_q;
    logic [NSEG-1:0]  res_carry_q;
    for (genvar s = 0; s < NSEG; s++) begin : g_copy
      logic copy, clk_copy, copy_we;
      assign copy = res_add && live[s];
      xrnpe_prim_clock_gate u_cg_copy (
          .clk_i(clk), .en_i(copy), .clk_o(clk_copy), .reg_en_o(copy_we));
      logic [SW-1:0] res_slice_q;
      logic          res_slice_carry_q;
      always_ff @(posedge clk_copy) begin
        if (copy_we) begin
          res_slice_q       <= seg_d[SW*s+:SW];
          res_slice_carry_q <= carry_kept[s];
        end
      end
      assign res_seg_q[SW*s+:SW] = res_slice_q;
      assign res_carry_q[s]      = res_slice_carry_q;
    end
    assign res_seg   = res_seg_q;
    assign res_carry = res_carry_q;
  end else begin : g_in_place
    assign res_seg   = seg_q;
    assign res_carry = carry_q;
  end

  // a finished sum is held from its last word until the readout takes it
  assign held_d = res_add ? 1'b1 : res_take ? 1'b0 : held_q;
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) held_q <= 1'b0;
    else if (clear) held_q <= 1'b0;
    else held_q <= held_d;
  end

  assign res_valid   = held_q;
  assign res_live    = res_live_q;
  assign res_out_fmt = res_out_fmt_q;
  assign res_nar     = res_nar_q;

  // a sum is taken only while held, and a word never joins a sum in the same mode change
  `XRNPE_ASSERT(a_take_only_held, !res_take || held_q, clk, rst_n)
  `XRNPE_ASSERT(a_format_constant_in_a_sum, !(add && !w_first) || live == live_q, clk, rst_n)
endmodule
`default_nettype wire
