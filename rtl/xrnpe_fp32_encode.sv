// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// IEEE binary32 encoder: rounds (-1)^sign * 2^scale * 1.frac (+ sticky) to nearest, ties to
// even, keeping subnormals; overflow gives +-Inf, NaR gives the canonical quiet NaN
// (xrnpe_pkg::FP32_NAN_CODE).  An underflow to zero keeps its sign (-0), as IEEE does.
module xrnpe_fp32_encode #(
    parameter int SCALE_W = 10,  // signed scale input, any width >= 2
    parameter int FRAC_W  = 24,  // fraction bits after the hidden 1, any width >= 1
    // the lowest scale the caller delivers (default: any SCALE_W value); from -126 up no
    // value is subnormal and the denormalising shifter is not built
    parameter int MIN_SCALE = -(1 << (SCALE_W - 1))
) (
    input  logic                      sign,
    input  logic signed [SCALE_W-1:0] scale,
    input  logic        [ FRAC_W-1:0] frac,
    input  logic                      sticky,  // a nonzero bit lies below frac
    input  logic                      zero,
    input  logic                      nar,
    output logic        [       31:0] code
);
  localparam int XW   = (SCALE_W > 10 ? SCALE_W : 10) + 1;
  localparam int MW   = xrnpe_pkg::FP32_MAN_BITS;  // 23
  localparam int BIAS = xrnpe_pkg::FP32_BIAS;      // 127
  localparam int PW   = MW + 3;                    // hidden, mantissa, guard, sticky
  localparam int MAXD = PW;                        // denormalising shifts >= PW lose everything
  localparam int DW   = $clog2(PW + 1);
  localparam logic [DW-1:0] MAXD_D = MAXD[DW-1:0];

  if (SCALE_W < 2 || FRAC_W < 1) begin : g_bad_widths
    initial $fatal(1, "xrnpe_fp32_encode: need SCALE_W >= 2 and FRAC_W >= 1");
  end

  logic signed [XW-1:0] sx, dfull;
  logic [FRAC_W+MW:0] fx;  // frac padded so MW mantissa bits and a guard bit always exist
  logic [PW-1:0] pre, post;
  logic [DW-1:0] d;
  logic sh_st, normal, sat_hi, guard, st, round_up;
  logic [7:0] expf;
  logic [30:0] mag;

  localparam logic signed [XW-1:0] EMIN = XW'(1 - BIAS);  // -126
  localparam logic signed [XW-1:0] EMAX = XW'(BIAS);      // 127

  assign sx     = {{(XW - SCALE_W) {scale[SCALE_W-1]}}, scale};
  assign normal = MIN_SCALE >= 1 - BIAS || sx >= EMIN;
  assign sat_hi = sx > EMAX;
  // Below 2^-126 the significand is shifted right by -126 - scale (clamped) into subnormal
  // position; the shifter's sticky keeps the rounding exact.
  assign dfull  = EMIN - sx;
  assign d      = normal ? '0 : (dfull > XW'(MAXD)) ? MAXD_D : dfull[DW-1:0];

  assign fx  = {frac, {(MW + 1) {1'b0}}};
  assign pre = {1'b1, fx[FRAC_W+MW-:MW+1], |fx[FRAC_W-1:0] | sticky};

  xrnpe_shift_right_sticky #(
      .W(PW)
  ) u_denorm (
      .din   (pre),
      .shamt (d),
      .dout  (post),
      .sticky(sh_st)
  );

  assign guard    = post[1];
  assign st       = post[0] | sh_st;
  assign round_up = guard & (st | post[2]);
  assign expf     = normal ? sx[7:0] + 8'(BIAS) : 8'd0;
  // Adding the round bit to {exponent, mantissa} carries subnormal -> normal and
  // 0x7F7FFFFF -> Inf by itself.
  assign mag      = {expf, post[PW-2:2]} + 31'(round_up);

  // (a continuous assign, not always_comb: docs/rtl-style.md)
  assign code = nar ? xrnpe_pkg::FP32_NAN_CODE
              : zero ? 32'h0
              : sat_hi ? {sign, 8'hFF, 23'h0}
              : {sign, mag};

  /* verilator lint_off UNUSEDSIGNAL */
  logic unused;
  assign unused = post[PW-1] ^ ^dfull;  // hidden bit position; only low bits of dfull matter
  /* verilator lint_on UNUSEDSIGNAL */
endmodule
`default_nettype wire
