// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// Front end of the RMMEC PE kind (xrnpe_pe_core, KIND = PE_RMMEC, "merged"): the operands of
// every format go through one reconfigurable datapath, the mantissa multiplier, scale adder
// and aligner (xrnpe_rmmec_mul, xrnpe_rmmec_scale_add, xrnpe_rmmec_align), shared by fp4 and
// p4 (4 lanes), p8 (2 lanes) and p16 (1 lane).
//
// Stages: S2 decode | S3a multiply, scale add | S3b fine align, lane sum | S4 coarse byte
// shift (before the accumulator).  II = 1: R1 advances with the accumulator (op_en = en).
//
// Operand isolation: each format's decoders see R1's operands only in that format's mode
// (else constant 0; the p16 decoder, which also decodes p8 lane 1, in p16 and p8 mode), and
// the multiplier/aligner lanes a mode does not use see constant zeros, so they do not toggle.
module xrnpe_pe_front_rmmec #(
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
  // Each operand (A = 0, B = 1) becomes a 13-bit RMMEC mantissa word, a packed biased-scale
  // word (xrnpe_rmmec_scale_add layout) and per-lane sign / nonzero bits.  Gated decoders output
  // all zeros, so the formats' contributions are simply ORed together.
  // (flat vectors, operand o at [W*o +: W]: Yosys handles these in generate scopes)
  logic [25:0] mant;
  logic [47:0] bscale;
  logic [7:0]  lsign, lnz;
  logic [1:0]  opnar;

  // fp4 and p4 lane decoders, one of each per lane (codes are 0 outside their modes), giving
  // {sign, nonzero, nar, hidden, frac, biased scale s+5}.  Bias 5 makes fp4's scale the
  // exponent field plus 4 (E2M1: scales -1 (subnormal 0.5 = 2^-1 * 1.0), 0, 1, 2), so its
  // decoder is a few gates and its scales 4..7 differ in their two low bits only.  p4 (es 1):
  // scales -4,-2,-1,0,1,2,4, no fraction, from a table (entry c at [9c+8:9c]; zero and NaR
  // give scale 5).  A zero's scale is never used: its nonzero bit zeroes the product.
  function automatic logic [8:0] dec_fp4(input logic [3:0] c, input logic fp4);
    logic nz, normal;
    nz = |c[2:0];
    normal = |c[2:1];
    dec_fp4 = {c[3] & nz, nz, 1'b0, nz, normal & c[0], 1'b0, fp4, c[2:1]};
  endfunction
  localparam logic [143:0] T_P4 = 144'hd0e8f49a5d369f524554a9d4ca55228d4205;
  function automatic logic [8:0] dec_p4(input logic [3:0] c, input logic p4);
    dec_p4 = p4 ? T_P4[9*c+:9] : 9'd0;
  endfunction

  for (genvar o = 0; o < 2; o++) begin : g_op
    logic [15:0] c_fp4, c_p4, c_p8, c_p16;
    assign c_fp4 = o == 0 ? iso_a_fp4 : iso_b_fp4;
    assign c_p4  = o == 0 ? iso_a_p4 : iso_b_p4;
    assign c_p8  = o == 0 ? iso_a_p8 : iso_b_p8;
    assign c_p16 = o == 0 ? iso_a_p16 : iso_b_p16;

    // One posit decoder per format and lane: a shared Posit(16,1) decoder could also serve
    // p8 lane 1 (its regime is the lane's), but its 16-bit regime and fraction logic would
    // then toggle with every p8 word; the 8-bit decoder toggles less and is smaller.
    logic        s16d, z16d, n16d;
    logic signed [6:0] e16;
    logic [11:0] f16d;
    xrnpe_posit_decode #(.N(16), .ES(xrnpe_pkg::P16_ES)) u_p16 (
        .code(c_p16), .sign(s16d), .scale(e16), .frac(f16d), .zero(z16d), .nar(n16d));
    // p16 mode fields (constant 0 in the other modes)
    logic        s16, z16, n16;
    logic [11:0] f16;
    assign s16 = is_p16 & s16d;
    assign z16 = ~is_p16 | z16d;
    assign n16 = is_p16 & n16d;
    assign f16 = is_p16 ? f16d : 12'd0;
    logic [5:0] b16;
    assign b16 = is_p16 ? 6'(e16 + 7'sd28) : 6'd0;

    // p8: two lanes; biased scale s+6 in 0..12
    logic [1:0] s8, z8, n8;
    logic [9:0] f8;  // lane l at [5l+4:5l]
    logic [7:0] b8;  // lane l at [4l+3:4l]
    // 4-lane modes: biased scale s+5 (fp4 4..7, p4 1..9), so the lane windows share LSB 2^-12.
    // fp4 and p4 lane decoders (lane l at [9l+8:9l])
    logic [35:0] d4;
    logic [9:0] e8;  // lane l's scale (signed) at [5l+4:5l]
    for (genvar l = 0; l < 2; l++) begin : g_p8
      xrnpe_posit_decode #(.N(8), .ES(xrnpe_pkg::P8_ES)) u_p8 (
          .code(c_p8[8*l+:8]), .sign(s8[l]), .scale(e8[5*l+:5]), .frac(f8[5*l+:5]), .zero(z8[l]),
          .nar(n8[l]));
      assign b8[4*l+:4] = is_p8 ? 4'($signed(e8[5*l+:5]) + 5'sd6) : 4'd0;
    end
    for (genvar l = 0; l < 4; l++) begin : g_l4
      assign d4[9*l+:9] = dec_fp4(c_fp4[4*l+:4], is_fp4) | dec_p4(c_p4[4*l+:4], is_p4);
    end

    // every format's fields ORed into place (continuous assigns: docs/rtl-style.md, Icarus)
    //   mant: p16 [12:0]; p8 lane l [7l+5:7l]; 4-lane lane l [2l+1:2l] = d4[9l+5:9l+4]
    //   bscale field l [6l+3:6l]: p8 lanes 0-1 b8[4l+3:4l], 4-lane lanes 0-3 d4[9l+3:9l]
    logic [12:0] mant_o;
    logic [23:0] bscale_o;
    assign mant_o   = {~z16 & ~n16, f16}
                    | {~z8[1] & ~n8[1], f8[9:5], 1'b0, ~z8[0] & ~n8[0], f8[4:0]}
                    | {5'b0, d4[32:31], d4[23:22], d4[14:13], d4[5:4]};
    assign bscale_o = {17'b0, b16[5], 1'b0, b16[4:0]}
                    | {2'b0, d4[30:27], 2'b0, d4[21:18], 2'b0, d4[12:9] | b8[7:4],
                       2'b0, d4[3:0] | b8[3:0]};
    assign mant[13*o+:13]   = mant_o;
    assign bscale[24*o+:24] = bscale_o;
    // lane signs and "operand is a nonzero number" bits
    assign lsign[4*o+:4] = {d4[35], d4[26], d4[17] | s8[1], d4[8] | s8[0] | s16};
    for (genvar l = 0; l < 4; l++) begin : g_nz
      assign lnz[4*o+l] = d4[9*l+7] | (l < 2 ? ~z8[l%2] & ~n8[l%2] : 1'b0)
                       | (l == 0 ? ~z16 & ~n16 : 1'b0);
    end
    assign opnar[o] = n16 | (|n8) | d4[6] | d4[15] | d4[24] | d4[33];

  end

  // R2: decoded operands.  Clock gating (docs/pe.md): the stage's gate (u_r2) clocks what
  // every format reads; mantissa bits [12:8] are read only in p8 and p16, the signs and
  // nonzero bits of lanes 2-3 only in fp4 and p4 (xrnpe_rmmec_mul and _align select them away
  // by mode), so those two groups have gates that also need their formats.  The scale fields
  // of lanes 2-3 enter the shared scale adder in every mode: they stay in the stage's group.
  logic                        v2, first2, last2, nar2;
  logic [FW-1:0]               fmt2, ofmt2;
  logic [15:0]                 mant_lo2_q, mant_lo2_d;      // bits [7:0] of each operand
  logic [9:0]                  mant_hi2_q, mant_hi2_d;      // bits [12:8]: p8, p16
  logic [47:0]                 bscale2_q;
  logic [7:0]                  lane01_2_q, lane01_2_d;      // {lsign, lnz} of lanes 0-1
  logic [7:0]                  lane23_2_q, lane23_2_d;      // {lsign, lnz} of lanes 2-3
  logic                        m16_2_q, m8_2_q, m4_2_q;
  logic                        clk_r2, r2_we;
  xrnpe_pe_stage u_r2 (
      .clk, .rst_n, .clear, .en, .in_valid(op_valid), .in_first(op_first), .in_last(op_last),
      .in_fmt(op_fmt), .in_out_fmt(op_out_fmt), .in_nar(|opnar), .valid(v2), .first(first2),
      .last(last2), .fmt(fmt2), .out_fmt(ofmt2), .nar(nar2), .clk_dp(clk_r2), .dp_we(r2_we));
  logic is_4lane;  // fp4 or p4: four lanes per word
  assign is_4lane = is_fp4 | is_p4;
  assign mant_lo2_d   = {mant[20:13], mant[7:0]};
  assign mant_hi2_d   = {mant[25:21], mant[12:8]};
  assign lane01_2_d   = {lsign[5:4], lsign[1:0], lnz[5:4], lnz[1:0]};
  assign lane23_2_d   = {lsign[7:6], lsign[3:2], lnz[7:6], lnz[3:2]};
  always_ff @(posedge clk_r2) begin
    if (r2_we) begin
      mant_lo2_q   <= mant_lo2_d;
      bscale2_q    <= bscale;
      lane01_2_q   <= lane01_2_d;
      m16_2_q      <= is_p16;
      m8_2_q       <= is_p8;
      m4_2_q       <= is_4lane;
    end
  end
  logic clk_r2_hi, r2_hi_we, r2_hi_adv, clk_r2_4l, r2_4l_we, r2_4l_adv;
  assign r2_hi_adv = en && op_valid && (is_p8 || is_p16);
  assign r2_4l_adv = en && op_valid && is_4lane;
  xrnpe_prim_clock_gate u_cg_r2_hi (
      .clk_i(clk), .en_i(r2_hi_adv), .clk_o(clk_r2_hi), .reg_en_o(r2_hi_we));
  xrnpe_prim_clock_gate u_cg_r2_4l (
      .clk_i(clk), .en_i(r2_4l_adv), .clk_o(clk_r2_4l), .reg_en_o(r2_4l_we));
  always_ff @(posedge clk_r2_hi) begin
    if (r2_hi_we) mant_hi2_q <= mant_hi2_d;
  end
  always_ff @(posedge clk_r2_4l) begin
    if (r2_4l_we) lane23_2_q <= lane23_2_d;
  end
  // the registered operands in their xrnpe_rmmec_* layouts
  logic [25:0] mant2;
  logic [7:0]  lsign2, lnz2;
  assign mant2   = {mant_hi2_q[9:5], mant_lo2_q[15:8], mant_hi2_q[4:0], mant_lo2_q[7:0]};
  assign lsign2  = {lane23_2_q[7:6], lane01_2_q[7:6], lane23_2_q[5:4], lane01_2_q[5:4]};
  assign lnz2    = {lane23_2_q[3:2], lane01_2_q[3:2], lane23_2_q[1:0], lane01_2_q[1:0]};

  // ================================================================ S3a: multiply, add scales
  // (the scale adder and the lane signs work beside the multiplier: the aligner needs both)
  logic [25:0] prod;
  xrnpe_rmmec_mul u_mul (
      .ma(mant2[12:0]), .mb(mant2[25:13]), .m16(m16_2_q), .m8(m8_2_q), .m4(m4_2_q),
      .prod(prod));

  logic [23:0] tsum;
  xrnpe_rmmec_scale_add u_sadd (
      .sa(bscale2_q[23:0]), .sb(bscale2_q[47:24]), .m16(m16_2_q), .sum(tsum));

  logic [3:0] psign;
  assign psign = (lsign2[3:0] ^ lsign2[7:4]) & lnz2[3:0] & lnz2[7:4];

  // R3a: lane products, their shifts and signs.  As in R2: product bits [25:16] are read only
  // in p8 and p16 (a group with a gate of its own); the shifts go through shared adders and
  // shifters in every mode, and the 2 signs of lanes 2-3 are below the gate threshold.
  logic                        v3a, first3a, last3a, nar3a;
  logic [FW-1:0]               fmt3a, ofmt3a;
  logic                        m16_3a_q, m8_3a_q, m4_3a_q;
  logic [15:0]                 prod_lo3a_q;
  logic [9:0]                  prod_hi3a_q;
  logic [23:0]                 tsum3a_q;
  logic [3:0]                  psign3a_q;
  logic                        clk_r3a, r3a_we;
  xrnpe_pe_stage u_r3a (
      .clk, .rst_n, .clear, .en, .in_valid(v2), .in_first(first2), .in_last(last2),
      .in_fmt(fmt2), .in_out_fmt(ofmt2), .in_nar(nar2), .valid(v3a), .first(first3a),
      .last(last3a), .fmt(fmt3a), .out_fmt(ofmt3a), .nar(nar3a), .clk_dp(clk_r3a),
      .dp_we(r3a_we));
  always_ff @(posedge clk_r3a) begin
    if (r3a_we) begin
      m16_3a_q     <= m16_2_q;
      m8_3a_q      <= m8_2_q;
      m4_3a_q      <= m4_2_q;
      prod_lo3a_q  <= prod[15:0];
      tsum3a_q     <= tsum;
      psign3a_q    <= psign;
    end
  end
  logic clk_r3a_hi, r3a_hi_we, r3a_hi_adv;
  assign r3a_hi_adv = en && v2 && (m8_2_q || m16_2_q);
  xrnpe_prim_clock_gate u_cg_r3a_hi (
      .clk_i(clk), .en_i(r3a_hi_adv), .clk_o(clk_r3a_hi), .reg_en_o(r3a_hi_we));
  always_ff @(posedge clk_r3a_hi) begin
    if (r3a_hi_we) prod_hi3a_q <= prod[25:16];
  end

  // ================================================================ S3b: align, reduce
  logic [33:0] red;
  logic [3:0] coarse;
  xrnpe_rmmec_align u_align (
      .prod({prod_hi3a_q, prod_lo3a_q}), .tsum(tsum3a_q), .psign(psign3a_q),
      .m16(m16_3a_q), .m8(m8_3a_q), .m4(m4_3a_q), .red(red), .coarse(coarse));

  // R3: the signed lane sum (p16: the fine-shifted, negated product), its byte shift and
  // mode.  The sum's bits [33:28] carry only in p8 and p16 (4-lane sums are 28 bits, bit 27
  // their sign): a group with a gate of its own.
  logic [27:0]                 red_lo3_q;
  logic [5:0]                  red_hi3_q;
  logic [3:0]                  coarse3_q;
  logic                        m16_3_q, m4_3_q;
  logic                        clk_r3, r3_we;
  xrnpe_pe_stage u_r3 (
      .clk, .rst_n, .clear, .en, .in_valid(v3a), .in_first(first3a), .in_last(last3a),
      .in_fmt(fmt3a), .in_out_fmt(ofmt3a), .in_nar(nar3a), .valid(w_valid), .first(w_first),
      .last(w_last), .fmt(w_fmt), .out_fmt(w_out_fmt), .nar(w_nar), .clk_dp(clk_r3),
      .dp_we(r3_we));
  always_ff @(posedge clk_r3) begin
    if (r3_we) begin
      red_lo3_q <= red[27:0];
      coarse3_q <= coarse;
      m16_3_q   <= m16_3a_q;
      m4_3_q    <= m4_3a_q;
    end
  end
  logic clk_r3_hi, r3_hi_we, r3_hi_adv;
  assign r3_hi_adv = en && v3a && (m8_3a_q || m16_3a_q);
  xrnpe_prim_clock_gate u_cg_r3_hi (
      .clk_i(clk), .en_i(r3_hi_adv), .clk_o(clk_r3_hi), .reg_en_o(r3_hi_we));
  always_ff @(posedge clk_r3_hi) begin
    if (r3_hi_we) red_hi3_q <= red[33:28];
  end

  // S4 (before the accumulator adder): p16 sums take the coarse byte shift; the SIMD modes'
  // shift is the constant 8 bytes, so their sums go straight to their place (reducer bit 0 at
  // accumulator bit 40) and the byte shifter sees 0: its mux levels would otherwise toggle
  // with every SIMD sum and its sign extension.
  logic [33:0]   red16, red_simd;
  logic [AW-1:0] addend16, addend_simd;
  assign red16    = m16_3_q ? {red_hi3_q, red_lo3_q} : 34'd0;
  assign red_simd = m16_3_q ? 34'd0
                  : {m4_3_q ? {6{red_lo3_q[27]}} : red_hi3_q, red_lo3_q};
  xrnpe_pe_byte_shift u_byte_shift (.red(red16), .coarse(coarse3_q), .addend(addend16));
  // sign-extended up to bit 95, the top of the SIMD formats' accumulator segments
  // (xrnpe_acc_seg holds the segments above), not across the width no SIMD sum reaches
  assign addend_simd = {(AW - 96)'(0), {22{red_simd[33]}}, red_simd, 40'd0};
  assign w_addend = addend16 | addend_simd;
  assign w_cin = 1'b0;
endmodule
`default_nettype wire
