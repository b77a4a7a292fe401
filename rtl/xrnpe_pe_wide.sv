// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// XR-NPE processing element, conventional ("wide") flavour: the way prior multi-precision MACs
// serve narrow formats.  One Posit(16,1)-wide lane (13-bit mantissas, 7-bit scales, one 13x13
// multiplier, one 0..112 aligner) into which every format is decoded, and ONE MAC per cycle
// in every mode.  Same ports, R1 (xrnpe_pe_operands) and back end (xrnpe_acc_backend) as
// xrnpe_pe_rmmec and xrnpe_pe_baseline; it exists as the second reference of the PPA flow
// (docs/ppa.md).
//
// Serialisation: R1 holds the accepted word while its lanes go through the lane one per
// cycle, lane 0 (bits 3:0 / 7:0) first.  A word takes 4 cycles in fp4 and p4, 2 in p8, 1 in
// p16 (and in an unknown format, which contributes 0).  in_ready is high only in the cycle
// that consumes the word's last lane (or when R1 is empty) and the pipeline is not stalled:
//   in_ready = en && (R1 empty || R1's lane is its word's last)
// where en is the back end's stall (low only while results back up, as in the other PEs)
// so a new word is taken in the same cycle as the last lane of the previous one (no bubble).
// A word's in_first goes with its lane 0, its in_last with its last lane.
//
// Pipeline (per lane): R1 operands, lane counter | S2 lane select, decode | S3a multiply
// (13x13), scale add | S3b fine align 0..7, negate | S4 coarse byte shift, accumulate |
// P1..P6 readout (xrnpe_acc_backend).  Latency: a result appears 10 + L cycles after its
// in_last word was accepted (L = cycles of that word: 1 in p16, 2 in p8, 4 in fp4 and p4).
//
// Operand isolation: each format's decoder sees R1's operands only in its mode (constant 0
// otherwise), and R1 holds its operands while idle, so unused decoders do not toggle.
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
  if (xrnpe_pkg::WORD_W != 16 || xrnpe_pkg::ACC_FRAC != 56 || xrnpe_pkg::P16_MAX_SCALE != 28 ||
      xrnpe_pkg::P8_MAX_SCALE != 6 || xrnpe_pkg::P4_MAX_SCALE != 4 ||
      xrnpe_pkg::FP4_MIN_SCALE != -1)
  begin : g_bad_pkg
    initial $fatal(1, "xrnpe_pe_wide: the wide lane is laid out for the xrnpe_pkg formats");
  end

  logic en;      // pipeline advance (xrnpe_acc_backend: low while a result waits)
  logic r1_en;   // R1 takes the next word

  // ================================================================ R1: operands, lane counter
  logic            v1, first1, last1;
  logic [xrnpe_pkg::FMT_W-1:0] fmt1, ofmt1;
  logic            is_fp4, is_p4, is_p8, is_p16;
  logic [15:0] iso_a_fp4, iso_b_fp4, iso_a_p4, iso_b_p4, iso_a_p8, iso_b_p8, iso_a_p16, iso_b_p16;
  xrnpe_pe_operands u_operands (
      .clk, .rst_n, .clear, .en(r1_en), .in_valid, .in_a, .in_b, .in_fmt, .in_out_fmt, .in_first,
      .in_last, .valid(v1), .first(first1), .last(last1), .fmt(fmt1), .out_fmt(ofmt1), .is_fp4,
      .is_p4,
      .is_p8, .is_p16, .iso_a_fp4, .iso_b_fp4, .iso_a_p4, .iso_b_p4, .iso_a_p8, .iso_b_p8,
      .iso_a_p16, .iso_b_p16);

  // lane_q: the lane of R1's word that S2 works on in this cycle
  logic [1:0] lane_q, lane_d;
  logic       last_lane;
  assign last_lane = ((is_fp4 | is_p4) & lane_q == 2'd3) | (is_p8 & lane_q == 2'd1) | is_p16
                   | ~(is_fp4 | is_p4 | is_p8 | is_p16);  // unknown format: one cycle
  assign lane_d = last_lane ? 2'd0 : lane_q + 2'd1;
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) lane_q <= 2'd0;
    else if (clear) lane_q <= 2'd0;
    else if (en && v1) lane_q <= lane_d;
  end

  assign r1_en    = en & (~v1 | last_lane);
  assign in_ready = r1_en;

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

  // R2: the decoded lane
  logic            v2, first2, last2, nar2;
  logic [xrnpe_pkg::FMT_W-1:0] fmt2, ofmt2;
  logic            psign2_q;
  logic [12:0]     ma2_q, mb2_q;
  logic [11:0]     bscale2_q;
  xrnpe_pe_stage u_r2 (
      .clk, .rst_n, .clear, .en, .in_valid(v1), .in_first(first1 & (lane_q == 2'd0)),
      .in_last(last1 & last_lane), .in_fmt(fmt1), .in_out_fmt(ofmt1), .in_nar(|onar),
      .valid(v2), .first(first2), .last(last2), .fmt(fmt2), .out_fmt(ofmt2), .nar(nar2));
  always_ff @(posedge clk) begin
    if (en && v1) begin
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
  logic [xrnpe_pkg::FMT_W-1:0] fmt3a, ofmt3a;
  logic            psign3a_q;
  logic [25:0]     prod3a_q;
  logic [6:0]      tsum3a_q;
  xrnpe_pe_stage u_r3a (
      .clk, .rst_n, .clear, .en, .in_valid(v2), .in_first(first2), .in_last(last2),
      .in_fmt(fmt2), .in_out_fmt(ofmt2), .in_nar(nar2), .valid(v3a), .first(first3a),
      .last(last3a), .fmt(fmt3a), .out_fmt(ofmt3a), .nar(nar3a));
  always_ff @(posedge clk) begin
    if (en && v2) begin
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
  logic            v3, first3, last3, nar3;
  logic [xrnpe_pkg::FMT_W-1:0] fmt3, ofmt3;
  logic [33:0]     red3_q;
  logic [3:0]      coarse3_q;
  xrnpe_pe_stage u_r3 (
      .clk, .rst_n, .clear, .en, .in_valid(v3a), .in_first(first3a), .in_last(last3a),
      .in_fmt(fmt3a), .in_out_fmt(ofmt3a), .in_nar(nar3a), .valid(v3), .first(first3),
      .last(last3), .fmt(fmt3), .out_fmt(ofmt3), .nar(nar3));
  always_ff @(posedge clk) begin
    if (en && v3a) begin
      red3_q    <= red;
      coarse3_q <= tsum3a_q[6:3];
    end
  end

  // S4 (before the accumulator adder): coarse byte shift 0..14 of the signed product; bits
  // that fall below the accumulator LSB are 0 for exact products
  // (a function in a continuous assign, not an always_comb: docs/rtl-style.md, Icarus)
  function automatic logic [114:0] byte_shift(input logic [33:0] r, input logic [3:0] c);
    /* verilator lint_off UNUSEDSIGNAL */
    logic [138:0] y;
    /* verilator lint_on UNUSEDSIGNAL */
    y = 139'($signed(r));
    if (c[0]) y = y << 8;
    if (c[1]) y = y << 16;
    if (c[2]) y = y << 32;
    if (c[3]) y = y << 64;
    byte_shift = y[138:24];
  endfunction
  logic [114:0] addend3;
  assign addend3 = byte_shift(red3_q, coarse3_q);

  // ================================================================ S4, P1..P6 (shared back end)
  xrnpe_acc_backend #(
      .ADD_W(115)
  ) u_backend (
      .clk(clk), .rst_n(rst_n), .clear(clear), .en(en),
      .w_valid(v3), .w_first(first3), .w_last(last3), .w_fmt(fmt3), .w_out_fmt(ofmt3),
      .w_nar(nar3), .w_addend(addend3), .w_cin(1'b0),
      .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data), .out_nar(out_nar));
endmodule
`default_nettype wire
