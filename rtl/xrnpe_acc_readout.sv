// SPDX-License-Identifier: Apache-2.0
// Readout of finished sums: resolve, normalise, round and encode, one sum per cycle.
//
// It takes a finished sum from xrnpe_acc_seg (segments, pending carries, live segments) and
// returns the result code in the output format, in balanced stages (docs/pe.md, "Readout"):
//   P1  resolve: add the pending carries (straight from the accumulator that holds the sum:
//       taking a sum is registering it here); the sign is the top live segment's MSB
//   P2  ones' complement y = sum ^ sign (segments above the live ones are the sign
//       extension: 0 in y), leading nonzero 16-bit group, a 48-bit window from it, and
//       OR / AND of the groups below the window
//   P3  leading one within the window's top group, the 25 bits from it, OR / AND below them
//   P4  |sum| = y + sign at the LSB: only the 25 bits, a carry into them and the sticky bit
//       are needed (no 128-bit negation); scale
//   P5  the five encoders (fp4, p4, p8, p16, fp32) in parallel
//   P6  pick the output format's code
// A PE owns one readout; in the co-processor one readout serves a whole row of PEs, since a
// PE finishes a dot product at most once every ceil(K/lanes) words.  A result waiting on
// out_ready stalls the pipeline and in_ready drops in the same cycle.  Clock gating (docs/pe.md):
// one gate per stage, pulsing when a valid sum advances into it, clocks the stage's datapath
// and attribute registers; the valid bits stay on the free-running clock.
`default_nettype none
module xrnpe_acc_readout #(
    parameter int TAG_W = 1,  // bits of the source tag passed along with each sum
    localparam int ACC_W = xrnpe_pkg::ACC_W,
    localparam int NSEG = xrnpe_pkg::ACC_NSEG,
    localparam int FW = xrnpe_pkg::FMT_W
) (
    input  logic             clk,
    input  logic             rst_n,
    input  logic             clear,      // drop every sum in flight
    // finished sums
    input  logic             in_valid,
    output logic             in_ready,
    input  logic [ACC_W-1:0] in_seg,
    input  logic [NSEG-1:0]  in_carry,
    input  logic [NSEG-1:0]  in_live,
    input  xrnpe_pkg::fmt_e  in_out_fmt,
    input  logic             in_nar,
    input  logic [TAG_W-1:0] in_tag,
    // results
    output logic             out_valid,
    input  logic             out_ready,
    output logic [31:0]      out_data,
    output logic             out_nar,
    output logic [TAG_W-1:0] out_tag
);
  localparam int SW = xrnpe_pkg::ACC_SEG_W;
  localparam int FRAC_W = 24;  // fp32 needs 23 mantissa bits + guard; posits need fewer
  localparam int SCALE_W = 8;  // holds -ACC_FRAC .. ACC_W-1-ACC_FRAC
  localparam int LZ_W = $clog2(ACC_W);
  localparam int NG = ACC_W / 16;  // 16-bit groups of the leading-zero count
  localparam int NSTAGE = 6;       // P1..P6
  if (SW < 2 || NSEG * SW != ACC_W || (1 << LZ_W) != ACC_W || ACC_W % 16 != 0) begin : g_bad
    initial $fatal(1, "xrnpe_acc_readout: ACC_W must be a power of two, ACC_NSEG*ACC_SEG_W");
  end

  // One stall for the whole pipeline: every stage holds while a result waits.
  logic en;
  logic [NSTAGE-1:0] v_q;  // stage valid bits, P1 at bit 0
  assign en       = !(v_q[NSTAGE-1] && !out_ready);
  assign in_ready = en;
  assign out_valid = v_q[NSTAGE-1];

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) v_q <= '0;
    else if (clear) v_q <= '0;
    else if (en) v_q <= {v_q[NSTAGE-2:0], in_valid};
  end

  // one clock gate per stage: stage s+1 (P(s+1)) is written when a valid sum advances into it
  logic [NSTAGE-1:0] stage_adv, clk_p, p_we;
  assign stage_adv = {NSTAGE{en}} & {v_q[NSTAGE-2:0], in_valid};
  for (genvar s = 0; s < NSTAGE; s++) begin : g_cg
    xrnpe_prim_clock_gate u_cg (
        .clk_i(clk), .en_i(stage_adv[s]), .clk_o(clk_p[s]), .reg_en_o(p_we[s]));
  end

  // the result's attributes travel along the pipeline (written only with a valid sum)
  // (flat vectors, stage s at [W*s +: W]: Yosys 0.23 reads no packed 2-D declarations here)
  logic [(NSTAGE-1)*FW-1:0] fmt_q;  // the pick reads it one stage before the last
  logic [NSTAGE-1:0]        nar_q;
  logic [NSTAGE*TAG_W-1:0]  tag_q;
  for (genvar s = 0; s < NSTAGE; s++) begin : g_attr
    // stage s's registers of its own (one register per gated clock)
    logic             nar_d, nar_s_q;
    logic [TAG_W-1:0] tag_d, tag_s_q;
    logic [FW-1:0]    fmt_d;
    if (s == 0) begin : g_in
      assign {fmt_d, nar_d, tag_d} = {in_out_fmt, in_nar, in_tag};
    end else begin : g_prev
      assign {fmt_d, nar_d, tag_d} = {fmt_q[FW*(s-1)+:FW], nar_q[s-1], tag_q[TAG_W*(s-1)+:TAG_W]};
    end
    always_ff @(posedge clk_p[s]) begin
      if (p_we[s]) begin
        nar_s_q <= nar_d;
        tag_s_q <= tag_d;
      end
    end
    assign nar_q[s]              = nar_s_q;
    assign tag_q[TAG_W*s+:TAG_W] = tag_s_q;
    if (s < NSTAGE - 1) begin : g_fmt
      logic [FW-1:0] fmt_s_q;
      always_ff @(posedge clk_p[s]) begin
        if (p_we[s]) fmt_s_q <= fmt_d;
      end
      assign fmt_q[FW*s+:FW] = fmt_s_q;
    end else begin : g_no_fmt  // the last stage has no format: the pick read it
      /* verilator lint_off UNUSEDSIGNAL */
      logic [FW-1:0] unused;
      assign unused = fmt_d;
      /* verilator lint_on UNUSEDSIGNAL */
    end
  end

  // ---------------------------------------------------------------- P1: resolve
  // Live segments plus the carries pending between live segments, as a carry-select adder of
  // segments: each segment first takes its pending carry (a 16-bit increment), then the
  // ripple of the segments below it (generate / propagate over ACC_NSEG segments, a second
  // increment), so no carry runs through 128 bits.  The top live segment's carry is beyond
  // the format's range (the sum is exact modulo it).  Segments that are not live come out 0.
  function automatic logic [ACC_W-1:0] resolve(input logic [ACC_W-1:0] seg,
                                               input logic [NSEG-1:0] carry,
                                               input logic [NSEG-1:0] live);
    logic [SW:0]      t;  // a segment plus its pending carry, with its carry out
    logic [ACC_W-1:0] v;
    logic             rip;
    int s;  // declared here, not in the for: a loop scope costs a thread fork per call in Icarus
    rip = 1'b0;
    for (s = 0; s < NSEG; s++) begin
      t = {1'b0, live[s] ? seg[SW*s+:SW] : SW'(0)};
      if (s > 0) t = t + (SW + 1)'(live[s] && live[s-1] && carry[s-1]);
      v[SW*s+:SW] = live[s] ? t[SW-1:0] + SW'(rip) : SW'(0);
      rip = t[SW] | (&t[SW-1:0] & rip);
    end
    resolve = v;
  endfunction

  // above[s]: no live segment at s or higher (the sign extension); top: the top live segment
  function automatic logic [2*NSEG-1:0] live_bounds(input logic [NSEG-1:0] live);
    logic [NSEG-1:0] abv, top;
    int s;
    abv[NSEG-1] = !live[NSEG-1];
    for (s = NSEG - 2; s >= 0; s--) abv[s] = abv[s+1] && !live[s];
    top[NSEG-1] = live[NSEG-1];
    for (s = 0; s < NSEG - 1; s++) top[s] = live[s] && abv[s+1];
    live_bounds = {abv, top};
  endfunction

  logic [ACC_W-1:0] val1_q;
  logic [NSEG-1:0]  above1_q, top1_q;
  always_ff @(posedge clk_p[0]) begin
    if (p_we[0]) begin
      val1_q             <= resolve(in_seg, in_carry, in_live);
      {above1_q, top1_q} <= live_bounds(in_live);
    end
  end

  // ---------------------------------------------------------------- P2: window
  // y = sum ^ sign is |sum| for a positive sum and |sum| - 1 for a negative one (below the
  // accumulator's LSB, y continues with copies of the sign: GE bits 0.. of a 2-group fill).
  // The leading nonzero group of y and the two below it form the window; everything below
  // the window only matters as "any bit set" (positive) or "all bits set" (negative: the +1
  // of the negation carries into the window only through all ones).
  localparam int NGX = NG + 2;  // groups of y with the fill below
  function automatic logic [48+LZ_W-4+4-1:0] window(input logic [ACC_W-1:0] v,
                                                    input logic [NSEG-1:0] abv,
                                                    input logic [NSEG-1:0] top);
    logic             sgn, any;
    logic [ACC_W-1:0] y;
    logic [16*NGX-1:0] yx;
    logic [NG-1:0]    nz;
    logic [NGX-1:0]   gor, gand, below;
    logic [47:0]      win;
    logic [LZ_W-5:0]  g;  // leading nonzero group of y (0 when y is 0)
    int i;  // declared here, not in the for: a loop scope costs a thread fork per call in Icarus
    sgn = 1'b0;
    for (i = 0; i < NSEG; i++) if (top[i]) sgn = v[SW*i+SW-1];
    for (i = 0; i < NSEG; i++) y[SW*i+:SW] = abv[i] ? SW'(0) : v[SW*i+:SW] ^ {SW{sgn}};
    yx = {y, {(32) {sgn}}};
    for (i = 0; i < NG; i++) nz[i] = |y[16*i+:16];
    any = |nz;
    g = '0;
    for (i = 0; i < NG; i++) if (nz[i]) g = (LZ_W - 4)'(i);
    win = yx[16*g+:48];
    // groups of yx below the window: yx group j < g (y group g is yx group g + 2)
    for (i = 0; i < NGX; i++) begin
      gor[i]   = |yx[16*i+:16];
      gand[i]  = &yx[16*i+:16];
      below[i] = i < 32'(g);
    end
    window = {win, g, sgn, any, |(gor & below), &(gand | ~below)};
  endfunction

  logic [47:0]     win2_q;
  logic [LZ_W-5:0] g2_q;
  logic            sign2_q, any2_q, rest_or2_q, rest_and2_q;
  always_ff @(posedge clk_p[1]) begin
    if (p_we[1])
      {win2_q, g2_q, sign2_q, any2_q, rest_or2_q, rest_and2_q} <= window(val1_q, above1_q, top1_q);
  end

  // ---------------------------------------------------------------- P3: leading one
  // lzf: leading zeros of the window's top group (nonzero when any2_q); the 25 bits from the
  // leading one on are the significand before the negation's +1, the window bits below them
  // are reduced like the groups below the window.
  function automatic logic [3:0] lead_zeros16(input logic [15:0] x);
    int b;
    lead_zeros16 = 4'd15;
    for (b = 0; b < 16; b++) if (x[b]) lead_zeros16 = 4'(15 - b);
  endfunction
  logic [3:0]  lzf;
  logic [47:0] win_sh;
  logic [22:0] low, low_mask;
  assign lzf      = lead_zeros16(win2_q[47:32]);
  assign win_sh   = win2_q << lzf;
  assign low      = win_sh[22:0];
  assign low_mask = ~(23'h7fffff >> (5'd23 - 5'(lzf)));  // shifted-in zeros are not window bits

  logic [24:0]     kept3_q;
  logic [3:0]      f3_q;
  logic [LZ_W-5:0] g3_q;
  logic            sign3_q, any3_q, or3_q, and3_q;
  logic            or3_d, and3_d;
  assign or3_d  = |(low & low_mask) | rest_or2_q;
  assign and3_d = &(low | ~low_mask) & rest_and2_q;
  always_ff @(posedge clk_p[2]) begin
    if (p_we[2]) begin
      kept3_q <= win_sh[47:23];
      f3_q    <= lzf;
      g3_q    <= g2_q;
      sign3_q <= sign2_q;
      any3_q  <= any2_q;
      or3_q   <= or3_d;
      and3_q  <= and3_d;
    end
  end

  // ---------------------------------------------------------------- P4: significand, scale
  // Positive: the 25 bits and the sticky OR.  Negative: |sum| = y + 1, so the 25 bits take a
  // carry exactly when everything below them is ones, and then nothing below is left; 25
  // ones plus the carry are 2^25 (the leading one moves up).  y = 0 with a negative sign is
  // -2^-ACC_FRAC (the sum's LSB).  The window's top bit weighs 2^(16 g + 15 - ACC_FRAC).
  /* verilator lint_off UNUSEDSIGNAL */
  logic [25:0] sig;  // bit 24: the leading one
  /* verilator lint_on UNUSEDSIGNAL */
  logic        carry, m_lsb;
  assign carry = sign3_q & and3_q;
  assign sig   = {1'b0, kept3_q} + 26'(carry);
  assign m_lsb = sign3_q && !any3_q;

  logic                      sign4_q, sticky4_q, zero4_q;
  logic signed [SCALE_W-1:0] scale4_q;
  logic [FRAC_W-1:0]         frac4_q;
  logic                      sticky4_d, zero4_d;
  logic signed [SCALE_W-1:0] scale4_d;
  logic [FRAC_W-1:0]         frac4_d;
  assign zero4_d   = !any3_q && !sign3_q;
  assign frac4_d   = m_lsb || sig[25] ? '0 : sig[23:0];
  assign sticky4_d = sign3_q ? !carry && !m_lsb : or3_q;
  assign scale4_d  = m_lsb ? SCALE_W'(-xrnpe_pkg::ACC_FRAC)
                   : SCALE_W'({g3_q, 4'hf}) - SCALE_W'(xrnpe_pkg::ACC_FRAC) - SCALE_W'(f3_q)
                     + SCALE_W'(sig[25]);
  always_ff @(posedge clk_p[3]) begin
    if (p_we[3]) begin
      sign4_q   <= sign3_q;
      zero4_q   <= zero4_d;
      frac4_q   <= frac4_d;
      sticky4_q <= sticky4_d;
      scale4_q  <= scale4_d;
    end
  end

  // ---------------------------------------------------------------- P5: encode
  logic [3:0]  c_fp4, c_p4;
  logic [7:0]  c_p8;
  logic [15:0] c_p16;
  logic [31:0] c_fp32;
  xrnpe_fp4_encode #(.SCALE_W(SCALE_W), .FRAC_W(FRAC_W)) u_fp4 (
      .sign(sign4_q), .scale(scale4_q), .frac(frac4_q), .sticky(sticky4_q), .zero(zero4_q),
      .nar(nar_q[3]), .code(c_fp4));
  xrnpe_posit_encode #(.N(4), .ES(xrnpe_pkg::P4_ES), .SCALE_W(SCALE_W), .FRAC_W(FRAC_W)) u_p4 (
      .sign(sign4_q), .scale(scale4_q), .frac(frac4_q), .sticky(sticky4_q), .zero(zero4_q),
      .nar(nar_q[3]), .code(c_p4));
  xrnpe_posit_encode #(.N(8), .ES(xrnpe_pkg::P8_ES), .SCALE_W(SCALE_W), .FRAC_W(FRAC_W)) u_p8 (
      .sign(sign4_q), .scale(scale4_q), .frac(frac4_q), .sticky(sticky4_q), .zero(zero4_q),
      .nar(nar_q[3]), .code(c_p8));
  xrnpe_posit_encode #(.N(16), .ES(xrnpe_pkg::P16_ES), .SCALE_W(SCALE_W), .FRAC_W(FRAC_W)) u_p16 (
      .sign(sign4_q), .scale(scale4_q), .frac(frac4_q), .sticky(sticky4_q), .zero(zero4_q),
      .nar(nar_q[3]), .code(c_p16));
  // the readout's scales are -ACC_FRAC and up: fp32 results are never subnormal
  xrnpe_fp32_encode #(
      .SCALE_W(SCALE_W), .FRAC_W(FRAC_W), .MIN_SCALE(-xrnpe_pkg::ACC_FRAC)
  ) u_fp32 (
      .sign(sign4_q), .scale(scale4_q), .frac(frac4_q), .sticky(sticky4_q), .zero(zero4_q),
      .nar(nar_q[3]), .code(c_fp32));

  logic [3:0]  fp4_5_q, p4_5_q;
  logic [7:0]  p8_5_q;
  logic [15:0] p16_5_q;
  logic [31:0] fp32_5_q;
  always_ff @(posedge clk_p[4]) begin
    if (p_we[4]) begin
      fp4_5_q  <= c_fp4;
      p4_5_q   <= c_p4;
      p8_5_q   <= c_p8;
      p16_5_q  <= c_p16;
      fp32_5_q <= c_fp32;
    end
  end

  // ---------------------------------------------------------------- P6: output
  // (a function in a continuous assign, every input an argument: docs/rtl-style.md)
  function automatic logic [31:0] pick(input logic [FW-1:0] f, input logic [3:0] fp4,
                                       input logic [3:0] p4, input logic [7:0] p8,
                                       input logic [15:0] p16, input logic [31:0] fp32);
    case (f)
      xrnpe_pkg::FMT_FP4:  pick = 32'(fp4);
      xrnpe_pkg::FMT_P4:   pick = 32'(p4);
      xrnpe_pkg::FMT_P8:   pick = 32'(p8);
      xrnpe_pkg::FMT_P16:  pick = 32'(p16);
      xrnpe_pkg::FMT_FP32: pick = fp32;
      default:             pick = 32'h0;
    endcase
  endfunction
  logic [31:0] code;
  assign code = pick(fmt_q[FW*4+:FW], fp4_5_q, p4_5_q, p8_5_q, p16_5_q, fp32_5_q);
  always_ff @(posedge clk_p[5]) begin
    if (p_we[5]) out_data <= code;
  end
  assign out_nar = nar_q[NSTAGE-1];
  assign out_tag = tag_q[TAG_W*(NSTAGE-1)+:TAG_W];
endmodule
`default_nettype wire
