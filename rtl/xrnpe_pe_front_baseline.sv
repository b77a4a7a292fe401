// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// Front end of the baseline PE kind (xrnpe_pe_core, KIND = PE_BASELINE, "parallel"): built
// the straightforward way, every format has its own lanes of decode -> multiply -> scale add
// -> align -> signed lane sum (4 fp4, 4 p4, 2 p8, 1 p16), and a mux picks the active format's
// addend for the shared accumulator.  It exists to measure what the RMMEC sharing saves
// (docs/pe.md).
//
// Stages: S2 decode | S3a multiply, scale add | S3b align, lane sum, format mux (the addend
// leaves at its accumulator position, no byte shift).  II = 1: op_en = en.
// Operand isolation as in the RMMEC front end: each format's datapath sees its operands only
// in its mode, and its stage registers only change in its mode.
module xrnpe_pe_front_baseline #(
    localparam int W = xrnpe_pkg::WORD_W,
    localparam int FW = xrnpe_pkg::FMT_W,
    localparam int AW = xrnpe_pe_pkg::ADDEND_W
) (
    input  logic          clk,
    input  logic          rst_n,
    input  logic          clear,       // drop every word in flight
    input  logic          en,          // the accumulator takes the next word: every stage advances
    output logic          op_en,       // R1 takes the next word
    // R1: the registered word, its one-hot mode and isolated operands (xrnpe_pe_operands)
    input  logic          op_valid,
    input  logic          op_first,
    input  logic          op_last,
    input  logic [FW-1:0] op_fmt,
    input  logic [FW-1:0] op_out_fmt,
    input  logic          is_fp4,
    input  logic          is_p4,
    input  logic          is_p8,
    input  logic          is_p16,
    input  logic [W-1:0]  iso_a_fp4,
    input  logic [W-1:0]  iso_b_fp4,
    input  logic [W-1:0]  iso_a_p4,
    input  logic [W-1:0]  iso_b_p4,
    input  logic [W-1:0]  iso_a_p8,
    input  logic [W-1:0]  iso_b_p8,
    input  logic [W-1:0]  iso_a_p16,
    input  logic [W-1:0]  iso_b_p16,
    // the word at the end of the front end, for the accumulator (xrnpe_acc_seg)
    output logic          w_valid,
    output logic          w_first,
    output logic          w_last,
    output logic [FW-1:0] w_fmt,
    output logic [FW-1:0] w_out_fmt,
    output logic          w_nar,
    output logic [AW-1:0] w_addend,    // two's complement, LSB 2^-ACC_FRAC
    output logic          w_cin        // +1 at the LSB (completes a negation)
);
  assign op_en = en;  // II = 1

  // ================================================================ S2: decode
  // fp4 lane: 2-bit mantissa {1, m}; biased scales s+1, t = (sa+1)+(sb+1) in 0..6 (window
  // LSB 2^-2).  Every format's scale sum t is formed in S3a, beside the multiplier.
  // Per-lane fields are flat vectors, lane l of a w-bit field at [w*l +: w] (Yosys 0.23 reads
  // no packed 2-D declarations: docs/rtl-style.md).
  logic [7:0]  fa_m, fb_m;
  logic [11:0] f_ba, f_bb;
  logic [3:0]  f_s;
  for (genvar l = 0; l < 4; l++) begin : g_fp4
    logic sa, sb, za, zb;
    logic signed [2:0] ea, eb;
    logic [0:0] ma, mb;
    xrnpe_fp4_decode u_da (
        .code(iso_a_fp4[4*l+3:4*l]), .sign(sa), .scale(ea), .frac(ma), .zero(za));
    xrnpe_fp4_decode u_db (
        .code(iso_b_fp4[4*l+3:4*l]), .sign(sb), .scale(eb), .frac(mb), .zero(zb));
    assign fa_m[2*l+:2] = {~za, ma};
    assign fb_m[2*l+:2] = {~zb, mb};
    assign f_ba[3*l+:3] = 3'(ea + 3'sd1);
    assign f_bb[3*l+:3] = 3'(eb + 3'sd1);
    assign f_s[l]       = (sa ^ sb) & ~za & ~zb;
  end

  // p4 lane: the product is +-2^(sa+sb); t = (sa+4)+(sb+4) in 0..16 (window LSB 2^-8)
  logic [15:0] q_ba, q_bb;
  logic [3:0]  q_nz, q_s, q_nar;
  for (genvar l = 0; l < 4; l++) begin : g_p4
    logic sa, sb, za, zb, na, nb;
    logic signed [3:0] ea, eb;
    logic [0:0] fa, fb;
    xrnpe_posit_decode #(.N(4), .ES(xrnpe_pkg::P4_ES)) u_da (
        .code(iso_a_p4[4*l+3:4*l]), .sign(sa), .scale(ea), .frac(fa), .zero(za), .nar(na));
    xrnpe_posit_decode #(.N(4), .ES(xrnpe_pkg::P4_ES)) u_db (
        .code(iso_b_p4[4*l+3:4*l]), .sign(sb), .scale(eb), .frac(fb), .zero(zb), .nar(nb));
    assign q_ba[4*l+:4]  = 4'(ea + 4'sd4);
    assign q_bb[4*l+:4]  = 4'(eb + 4'sd4);
    assign q_nz[l]  = ~za & ~zb & ~na & ~nb;
    assign q_s[l]   = (sa ^ sb) & q_nz[l];
    assign q_nar[l] = na | nb;
    /* verilator lint_off UNUSEDSIGNAL */
    logic unused;
    assign unused = fa ^ fb;
    /* verilator lint_on UNUSEDSIGNAL */
  end

  // p8 lane: 6-bit mantissas; t = (sa+6)+(sb+6) in 0..24 (window LSB 2^-12)
  logic [11:0] e_ma, e_mb;
  logic [7:0]  e_ba, e_bb;
  logic [1:0]  e_s, e_nar;
  for (genvar l = 0; l < 2; l++) begin : g_p8
    logic sa, sb, za, zb, na, nb;
    logic signed [4:0] ea, eb;
    logic [4:0] fa, fb;
    xrnpe_posit_decode #(.N(8), .ES(xrnpe_pkg::P8_ES)) u_da (
        .code(iso_a_p8[8*l+7:8*l]), .sign(sa), .scale(ea), .frac(fa), .zero(za), .nar(na));
    xrnpe_posit_decode #(.N(8), .ES(xrnpe_pkg::P8_ES)) u_db (
        .code(iso_b_p8[8*l+7:8*l]), .sign(sb), .scale(eb), .frac(fb), .zero(zb), .nar(nb));
    assign e_ma[6*l+:6]  = {~za & ~na, fa};
    assign e_mb[6*l+:6]  = {~zb & ~nb, fb};
    assign e_ba[4*l+:4]  = 4'(ea + 5'sd6);
    assign e_bb[4*l+:4]  = 4'(eb + 5'sd6);
    assign e_s[l]   = (sa ^ sb) & ~za & ~zb & ~na & ~nb;
    assign e_nar[l] = na | nb;
  end

  // p16 lane: 13-bit mantissas; t = (sa+28)+(sb+28) in 0..112 (window LSB 2^-56)
  logic [12:0] h_ma, h_mb;
  logic [5:0]  h_ba, h_bb;
  logic        h_s, h_nar;
  if (1) begin : g_p16
    logic sa, sb, za, zb, na, nb;
    logic signed [6:0] ea, eb;
    logic [11:0] fa, fb;
    xrnpe_posit_decode #(.N(16), .ES(xrnpe_pkg::P16_ES)) u_da (
        .code(iso_a_p16), .sign(sa), .scale(ea), .frac(fa), .zero(za), .nar(na));
    xrnpe_posit_decode #(.N(16), .ES(xrnpe_pkg::P16_ES)) u_db (
        .code(iso_b_p16), .sign(sb), .scale(eb), .frac(fb), .zero(zb), .nar(nb));
    assign h_ma  = {~za & ~na, fa};
    assign h_mb  = {~zb & ~nb, fb};
    assign h_ba  = 6'(ea + 7'sd28);
    assign h_bb  = 6'(eb + 7'sd28);
    assign h_s   = (sa ^ sb) & ~za & ~zb & ~na & ~nb;
    assign h_nar = na | nb;
  end

  // R2: every format's decoded lanes.  Clock gating (docs/pe.md): a format's lane registers
  // have a gate that pulses only for a word of that format (they are read only then); the
  // stage's gate (u_r2) clocks the mode bits.
  logic v2, first2, last2, nar2;
  logic [FW-1:0] fmt2, ofmt2;
  logic fp4_2_q, p4_2_q, p8_2_q, p16_2_q;
  logic [7:0] fa_m2_q, fb_m2_q;
  logic [11:0] f_ba2_q, f_bb2_q;
  logic [3:0] f_s2_q, q_nz2_q, q_s2_q;
  logic [15:0] q_ba2_q, q_bb2_q;
  logic [11:0] e_ma2_q, e_mb2_q;
  logic [7:0] e_ba2_q, e_bb2_q;
  logic [1:0] e_s2_q;
  logic [12:0] h_ma2_q, h_mb2_q;
  logic [5:0] h_ba2_q, h_bb2_q;
  logic h_s2_q;
  logic clk_r2, r2_we;
  xrnpe_pe_stage u_r2 (
      .clk, .rst_n, .clear, .en, .in_valid(op_valid), .in_first(op_first), .in_last(op_last),
      .in_fmt(op_fmt), .in_out_fmt(op_out_fmt), .in_nar((|q_nar) | (|e_nar) | h_nar), .valid(v2),
      .first(first2), .last(last2), .fmt(fmt2), .out_fmt(ofmt2), .nar(nar2), .clk_dp(clk_r2),
      .dp_we(r2_we));
  always_ff @(posedge clk_r2) begin
    if (r2_we) begin
      fp4_2_q <= is_fp4;
      p4_2_q  <= is_p4;
      p8_2_q  <= is_p8;
      p16_2_q <= is_p16;
    end
  end
  logic [3:0] clk_r2_fmt, r2_fmt_we;  // per format: fp4, p4, p8, p16
  xrnpe_pe_fmt_gates u_cg_r2 (
      .clk, .advance(en && op_valid), .mode({is_p16, is_p8, is_p4, is_fp4}), .clk_fmt(clk_r2_fmt),
      .fmt_we(r2_fmt_we));
  always_ff @(posedge clk_r2_fmt[0]) begin
    if (r2_fmt_we[0]) begin
      fa_m2_q <= fa_m;
      fb_m2_q <= fb_m;
      f_ba2_q <= f_ba;
      f_bb2_q <= f_bb;
      f_s2_q  <= f_s;
    end
  end
  always_ff @(posedge clk_r2_fmt[1]) begin
    if (r2_fmt_we[1]) begin
      q_nz2_q <= q_nz;
      q_s2_q  <= q_s;
      q_ba2_q <= q_ba;
      q_bb2_q <= q_bb;
    end
  end
  always_ff @(posedge clk_r2_fmt[2]) begin
    if (r2_fmt_we[2]) begin
      e_ma2_q <= e_ma;
      e_mb2_q <= e_mb;
      e_ba2_q <= e_ba;
      e_bb2_q <= e_bb;
      e_s2_q  <= e_s;
    end
  end
  always_ff @(posedge clk_r2_fmt[3]) begin
    if (r2_fmt_we[3]) begin
      h_ma2_q <= h_ma;
      h_mb2_q <= h_mb;
      h_ba2_q <= h_ba;
      h_bb2_q <= h_bb;
      h_s2_q  <= h_s;
    end
  end

  // ================================================================ S3a: multiply, add scales
  logic [11:0] f_t;
  logic [19:0] q_t;
  logic [9:0] e_t;
  logic [6:0]      h_t;
  for (genvar l = 0; l < 4; l++) begin : g_t4
    assign f_t[3*l+:3] = f_ba2_q[3*l+:3] + f_bb2_q[3*l+:3];
    assign q_t[5*l+:5] = 5'(q_ba2_q[4*l+:4]) + 5'(q_bb2_q[4*l+:4]);
  end
  for (genvar l = 0; l < 2; l++) begin : g_t8
    assign e_t[5*l+:5] = 5'(e_ba2_q[4*l+:4]) + 5'(e_bb2_q[4*l+:4]);
  end
  assign h_t = 7'(h_ba2_q) + 7'(h_bb2_q);

  logic [15:0] f_p;
  for (genvar l = 0; l < 4; l++) begin : g_fp4_mul
    xrnpe_pe_mul_array #(.W(2)) u_mul (
        .a(fa_m2_q[2*l+:2]), .b(fb_m2_q[2*l+:2]), .p(f_p[4*l+:4]));
  end
  logic [23:0] e_p;
  for (genvar l = 0; l < 2; l++) begin : g_p8_mul
    xrnpe_pe_mul_array #(.W(6)) u_mul (
        .a(e_ma2_q[6*l+:6]), .b(e_mb2_q[6*l+:6]), .p(e_p[12*l+:12]));
  end
  logic [25:0] h_p;
  xrnpe_pe_mul_array #(.W(13)) u_mul16 (.a(h_ma2_q), .b(h_mb2_q), .p(h_p));

  // R3a: every format's lane products (gated per format as R2)
  logic v3a, first3a, last3a, nar3a;
  logic [FW-1:0] fmt3a, ofmt3a;
  logic fp4_3a_q, p4_3a_q, p8_3a_q, p16_3a_q;
  logic [15:0] f_p3a_q;
  logic [11:0] f_t3a_q;
  logic [3:0] f_s3a_q, q_nz3a_q, q_s3a_q;
  logic [19:0] q_t3a_q;
  logic [23:0] e_p3a_q;
  logic [9:0] e_t3a_q;
  logic [1:0] e_s3a_q;
  logic [25:0] h_p3a_q;
  logic [6:0] h_t3a_q;
  logic h_s3a_q;
  logic clk_r3a, r3a_we;
  xrnpe_pe_stage u_r3a (
      .clk, .rst_n, .clear, .en, .in_valid(v2), .in_first(first2), .in_last(last2),
      .in_fmt(fmt2), .in_out_fmt(ofmt2), .in_nar(nar2), .valid(v3a), .first(first3a),
      .last(last3a), .fmt(fmt3a), .out_fmt(ofmt3a), .nar(nar3a), .clk_dp(clk_r3a),
      .dp_we(r3a_we));
  always_ff @(posedge clk_r3a) begin
    if (r3a_we) begin
      fp4_3a_q <= fp4_2_q;
      p4_3a_q  <= p4_2_q;
      p8_3a_q  <= p8_2_q;
      p16_3a_q <= p16_2_q;
    end
  end
  logic [3:0] clk_r3a_fmt, r3a_fmt_we;
  xrnpe_pe_fmt_gates u_cg_r3a (
      .clk, .advance(en && v2), .mode({p16_2_q, p8_2_q, p4_2_q, fp4_2_q}),
      .clk_fmt(clk_r3a_fmt), .fmt_we(r3a_fmt_we));
  always_ff @(posedge clk_r3a_fmt[0]) begin
    if (r3a_fmt_we[0]) begin
      f_p3a_q <= f_p;
      f_t3a_q <= f_t;
      f_s3a_q <= f_s2_q;
    end
  end
  always_ff @(posedge clk_r3a_fmt[1]) begin
    if (r3a_fmt_we[1]) begin
      q_nz3a_q <= q_nz2_q;
      q_s3a_q  <= q_s2_q;
      q_t3a_q  <= q_t;
    end
  end
  always_ff @(posedge clk_r3a_fmt[2]) begin
    if (r3a_fmt_we[2]) begin
      e_p3a_q <= e_p;
      e_t3a_q <= e_t;
      e_s3a_q <= e_s2_q;
    end
  end
  always_ff @(posedge clk_r3a_fmt[3]) begin
    if (r3a_fmt_we[3]) begin
      h_p3a_q <= h_p;
      h_t3a_q <= h_t;
      h_s3a_q <= h_s2_q;
    end
  end

  // ================================================================ S3b: align, lane sum
  logic [AW-1:0] addend;
  logic cin;
  xrnpe_pe_lane_sum u_lane_sum (
      .f_p(f_p3a_q), .f_t(f_t3a_q), .f_s(f_s3a_q), .q_nz(q_nz3a_q), .q_t(q_t3a_q), .q_s(q_s3a_q),
      .e_p(e_p3a_q), .e_t(e_t3a_q), .e_s(e_s3a_q), .h_p(h_p3a_q), .h_t(h_t3a_q), .h_s(h_s3a_q),
      .fp4(fp4_3a_q), .p4(p4_3a_q), .p8(p8_3a_q), .p16(p16_3a_q), .addend, .cin);

  // R3: the active format's addend at its accumulator position
  logic          cin3_q;
  logic [AW-1:0] addend3_q;
  logic          clk_r3, r3_we;
  xrnpe_pe_stage u_r3 (
      .clk, .rst_n, .clear, .en, .in_valid(v3a), .in_first(first3a), .in_last(last3a),
      .in_fmt(fmt3a), .in_out_fmt(ofmt3a), .in_nar(nar3a), .valid(w_valid), .first(w_first),
      .last(w_last), .fmt(w_fmt), .out_fmt(w_out_fmt), .nar(w_nar), .clk_dp(clk_r3),
      .dp_we(r3_we));
  always_ff @(posedge clk_r3) begin
    if (r3_we) begin
      addend3_q <= addend;
      cin3_q    <= cin;
    end
  end

  assign w_addend = addend3_q;
  assign w_cin    = cin3_q;

  /* verilator lint_off UNUSEDSIGNAL */
  logic unused;
  assign unused = ^{iso_a_fp4, iso_b_fp4};  // fp4 has no NaR
  /* verilator lint_on UNUSEDSIGNAL */
endmodule
`default_nettype wire
