// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// Front end of the wide PE kind (xrnpe_pe_core, KIND = PE_WIDE): the way prior multi-precision
// MACs serve narrow formats.  One Posit(16,1)-wide lane (13-bit mantissas, 7-bit scales, one
// 13x13 multiplier, one 0..112 aligner) into which every format is decoded, and ONE MAC per
// cycle in every mode; it exists as the second reference of the PPA flow (docs/ppa.md).
//
// Serialisation: R1 holds the accepted word while its lanes go through the lane one per
// cycle, lane 0 (bits 3:0 / 7:0) first.  A word takes 4 cycles in fp4 and p4, 2 in p8, 1 in
// p16 (and in an unknown format, which contributes 0).  R1 takes the next word (op_en, the
// PE's in_ready) only in the cycle that consumes the word's last lane (or when R1 is empty)
// and the pipeline is not stalled:
//   op_en = en && (R1 empty || R1's lane is its word's last)
// so a new word is taken in the same cycle as the last lane of the previous one (no bubble).
// A word's in_first goes with its lane 0, its in_last with its last lane.
//
// Stages (per lane): lane counter beside R1 | S2 lane select, decode | S3a multiply (13x13),
// scale add | S3b fine align 0..7, negate | S4 coarse byte shift (before the accumulator).
// A finished sum is valid 4 + L cycles after its in_last word was accepted (L = cycles of
// that word: 1 in p16, 2 in p8, 4 in fp4 and p4).
//
// Operand isolation: each format's decoder sees R1's operands only in its mode (constant 0
// otherwise), and R1 holds its operands while idle, so unused decoders do not toggle.
module xrnpe_pe_front_wide #(
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
  // ================================================================ beside R1: lane counter
  // lane_q: the lane of R1's word that S2 works on in this cycle
  logic [1:0] lane_q, lane_d;
  logic       last_lane;
  assign last_lane = ((is_fp4 | is_p4) & lane_q == 2'd3) | (is_p8 & lane_q == 2'd1) | is_p16
                   | ~(is_fp4 | is_p4 | is_p8 | is_p16);  // unknown format: one cycle
  assign lane_d = last_lane ? 2'd0 : lane_q + 2'd1;
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) lane_q <= 2'd0;
    else if (clear) lane_q <= 2'd0;
    else if (en && op_valid) lane_q <= lane_d;
  end

  assign op_en = en & (~op_valid | last_lane);

  // ================================================================ S2: lane select, decode
  // Each operand's lane is decoded by its format's decoder (inputs constant 0 outside its
  // mode) into the wide lane: mantissa {hidden, 12 fraction bits MSB first}, scale + 28
  // (0..56), sign, nonzero, NaR.
  logic [25:0] mant;   // operand o at [13o +: 13]
  logic [11:0] bscale; // operand o at [6o +: 6]
  logic [1:0]  osign, onz, onar;

  for (genvar o = 0; o < 2; o++) begin : g_op
    logic [15:0] c_fp4, c_p4, c_p8, c_p16;
    assign c_fp4 = o == 0 ? iso_a_fp4 : iso_b_fp4;
    assign c_p4  = o == 0 ? iso_a_p4 : iso_b_p4;
    assign c_p8  = o == 0 ? iso_a_p8 : iso_b_p8;
    assign c_p16 = o == 0 ? iso_a_p16 : iso_b_p16;

    // the lane of this cycle (the isolated buses are 0 outside their mode, so are these)
    logic [3:0] l_fp4, l_p4;
    logic [7:0] l_p8;
    assign l_fp4 = 4'(c_fp4 >> {lane_q, 2'b00});
    assign l_p4  = 4'(c_p4 >> {lane_q, 2'b00});
    assign l_p8  = lane_q[0] ? c_p8[15:8] : c_p8[7:0];

    logic        s_f, z_f;
    logic signed [2:0] e_f;
    logic [0:0]  f_f;
    xrnpe_fp4_decode u_fp4 (.code(l_fp4), .sign(s_f), .scale(e_f), .frac(f_f), .zero(z_f));

    logic        s_q, z_q, n_q;
    logic signed [3:0] e_q;
    logic [0:0]  f_q;  // Posit(4,1) has no fraction bits (the port's one bit is 0)
    xrnpe_posit_decode #(.N(4), .ES(xrnpe_pkg::P4_ES)) u_p4 (
        .code(l_p4), .sign(s_q), .scale(e_q), .frac(f_q), .zero(z_q), .nar(n_q));

    logic        s_e, z_e, n_e;
    logic signed [4:0] e_e;
    logic [4:0]  f_e;
    xrnpe_posit_decode #(.N(8), .ES(xrnpe_pkg::P8_ES)) u_p8 (
        .code(l_p8), .sign(s_e), .scale(e_e), .frac(f_e), .zero(z_e), .nar(n_e));

    logic        s_h, z_h, n_h;
    logic signed [6:0] e_h;
    logic [11:0] f_h;
    xrnpe_posit_decode #(.N(16), .ES(xrnpe_pkg::P16_ES)) u_p16 (
        .code(c_p16), .sign(s_h), .scale(e_h), .frac(f_h), .zero(z_h), .nar(n_h));

    // the active format's fields (AND-OR by mode: a gated decoder's zero flag is 1)
    logic nz, sgn, nar;
    logic signed [6:0] scale;
    logic [11:0] frac;
    assign nz    = (is_fp4 & ~z_f) | (is_p4 & ~z_q & ~n_q) | (is_p8 & ~z_e & ~n_e)
                 | (is_p16 & ~z_h & ~n_h);
    assign sgn   = (is_fp4 & s_f) | (is_p4 & s_q) | (is_p8 & s_e) | (is_p16 & s_h);
    assign nar   = (is_p4 & n_q) | (is_p8 & n_e) | (is_p16 & n_h);
    assign scale = (is_fp4 ? {{4{e_f[2]}}, e_f} : 7'd0) | (is_p4 ? {{3{e_q[3]}}, e_q} : 7'd0)
                 | (is_p8 ? {{2{e_e[4]}}, e_e} : 7'd0) | (is_p16 ? e_h : 7'd0);
    assign frac  = (is_fp4 ? {f_f, 11'd0} : 12'd0) | (is_p8 ? {f_e, 7'd0} : 12'd0)
                 | (is_p16 ? f_h : 12'd0);
    assign mant[13*o+:13]  = {nz, frac};
    assign bscale[6*o+:6]  = 6'(scale + 7'sd28);
    assign osign[o] = sgn & nz;
    assign onz[o]   = nz;
    assign onar[o]  = nar;

    /* verilator lint_off UNUSEDSIGNAL */
    logic unused;
    assign unused = f_q[0];
    /* verilator lint_on UNUSEDSIGNAL */
  end

  logic psign;
  assign psign = (osign[0] ^ osign[1]) & onz[0] & onz[1];

  // R2: the decoded lane.  Clock gating (docs/pe.md): one gate per stage (in xrnpe_pe_stage);
  // the lane's registers are read by the one multiplier and adder in every mode, so no group
  // has a format gate.
  logic            v2, first2, last2, nar2;
  logic            clk_r2, r2_we;
  logic [FW-1:0]   fmt2, ofmt2;
  logic            psign2_q;
  logic [12:0]     ma2_q, mb2_q;
  logic [11:0]     bscale2_q;
  xrnpe_pe_stage u_r2 (
      .clk, .rst_n, .clear, .en, .in_valid(op_valid), .in_first(op_first & (lane_q == 2'd0)),
      .in_last(op_last & last_lane), .in_fmt(op_fmt), .in_out_fmt(op_out_fmt), .in_nar(|onar),
      .valid(v2), .first(first2), .last(last2), .fmt(fmt2), .out_fmt(ofmt2), .nar(nar2),
      .clk_dp(clk_r2), .dp_we(r2_we));
  always_ff @(posedge clk_r2) begin
    if (r2_we) begin
      psign2_q <= psign;
      ma2_q    <= mant[12:0];
      mb2_q    <= mant[25:13];
      bscale2_q <= bscale;
    end
  end

  // ================================================================ S3a: multiply, add scales
  logic [25:0] prod;  // 2.24 fixed point
  xrnpe_pe_mul_array #(.W(13)) u_mul (.a(ma2_q), .b(mb2_q), .p(prod));

  // t = (sa + 28) + (sb + 28) in 0..112: the product's shift, LSB 2^-56
  logic [6:0] tsum;
  assign tsum = 7'(bscale2_q[5:0]) + 7'(bscale2_q[11:6]);

  // R3a: the product
  logic            v3a, first3a, last3a, nar3a;
  logic [FW-1:0]   fmt3a, ofmt3a;
  logic            psign3a_q;
  logic [25:0]     prod3a_q;
  logic [6:0]      tsum3a_q;
  logic            clk_r3a, r3a_we;
  xrnpe_pe_stage u_r3a (
      .clk, .rst_n, .clear, .en, .in_valid(v2), .in_first(first2), .in_last(last2),
      .in_fmt(fmt2), .in_out_fmt(ofmt2), .in_nar(nar2), .valid(v3a), .first(first3a),
      .last(last3a), .fmt(fmt3a), .out_fmt(ofmt3a), .nar(nar3a), .clk_dp(clk_r3a),
      .dp_we(r3a_we));
  always_ff @(posedge clk_r3a) begin
    if (r3a_we) begin
      psign3a_q <= psign2_q;
      prod3a_q  <= prod;
      tsum3a_q  <= tsum;
    end
  end

  // ================================================================ S3b: fine align, negate
  // fine shift t[2:0] (0..7), then the sign: red bit 0 sits at accumulator bit 8*t[6:3] - 24
  logic [32:0] fine;
  logic [33:0] red;
  assign fine = 33'(prod3a_q) << tsum3a_q[2:0];
  assign red  = ({1'b0, fine} ^ {34{psign3a_q}}) + 34'(psign3a_q);

  // R3: the signed product and its byte shift
  logic [33:0]     red3_q;
  logic [3:0]      coarse3_q;
  logic            clk_r3, r3_we;
  xrnpe_pe_stage u_r3 (
      .clk, .rst_n, .clear, .en, .in_valid(v3a), .in_first(first3a), .in_last(last3a),
      .in_fmt(fmt3a), .in_out_fmt(ofmt3a), .in_nar(nar3a), .valid(w_valid), .first(w_first),
      .last(w_last), .fmt(w_fmt), .out_fmt(w_out_fmt), .nar(w_nar), .clk_dp(clk_r3),
      .dp_we(r3_we));
  always_ff @(posedge clk_r3) begin
    if (r3_we) begin
      red3_q    <= red;
      coarse3_q <= tsum3a_q[6:3];
    end
  end

  // S4 (before the accumulator adder): coarse byte shift 0..14 of the signed product
  xrnpe_pe_byte_shift u_byte_shift (.red(red3_q), .coarse(coarse3_q), .addend(w_addend));
  assign w_cin = 1'b0;
endmodule
`default_nettype wire
