// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// fp4 (OCP MX E2M1) encoder: rounds (-1)^sign * 2^scale * 1.frac (+ sticky) to the nearest
// value, ties to the even code.  Magnitudes above 6 saturate to +-6; results that round to
// zero are +0 (0x0) whatever the sign, so 0x8 ("-0") only ever means NaR
// (xrnpe_pkg::FP4_NAR_CODE).
module xrnpe_fp4_encode #(
    parameter int SCALE_W = 8,  // signed scale input, any width >= 2
    parameter int FRAC_W  = 8   // fraction bits after the hidden 1, any width >= 1
) (
    input  logic                      sign,
    input  logic signed [SCALE_W-1:0] scale,
    input  logic        [ FRAC_W-1:0] frac,
    input  logic                      sticky,  // a nonzero bit lies below frac
    input  logic                      zero,
    input  logic                      nar,
    output logic        [        3:0] code
);
  localparam int XW = (SCALE_W > 4 ? SCALE_W : 4) + 1;

  if (SCALE_W < 2 || FRAC_W < 1) begin : g_bad_widths
    initial $fatal(1, "xrnpe_fp4_encode: need SCALE_W >= 2 and FRAC_W >= 1");
  end

  logic signed [XW-1:0] sx;
  logic [FRAC_W+1:0] fx;  // frac padded so mantissa and guard bits always exist
  logic m, g, st;
  logic ru;
  logic [3:0] norm_sum;
  logic [2:0] norm_mag;
  logic [2:0] mag;

  assign sx = {{(XW - SCALE_W) {scale[SCALE_W-1]}}, scale};
  assign fx = {frac, 2'b00};
  assign m  = fx[FRAC_W+1];  // the one mantissa bit of a normal result
  assign g  = fx[FRAC_W];    // guard
  assign st = |fx[FRAC_W-1:0] | sticky;

  // Normal binades (scale 0..2): code = {scale+bias, m}, and adding the round bit to the
  // 3-bit code carries into the exponent for free; a carry out of 6 saturates.
  assign ru       = g & (st | m);
  assign norm_sum = {1'b0, sx[1:0] + 2'(xrnpe_pkg::FP4_BIAS), m} + {3'b000, ru};
  assign norm_mag = norm_sum[3] ? 3'b111 : norm_sum[2:0];

  // (continuous assigns, not always_comb: docs/rtl-style.md)
  assign mag = (sx > XW'(xrnpe_pkg::FP4_MAX_SCALE)) ? 3'b111         // >= 8: saturate to 6
             : (sx >= 0) ? norm_mag
             // [0.5, 1): grid step 0.5; 0.5 is code 1 (odd), so the tie 0.75 goes up to 1.0
             : (sx == -1) ? (m ? 3'b010 : 3'b001)
             // [0.25, 0.5): exactly 0.25 ties to 0 (even), anything above rounds to 0.5
             : (sx == -2) ? ((m | g | st) ? 3'b001 : 3'b000)
             : 3'b000;                                                // < 0.25: +0

  assign code = nar ? xrnpe_pkg::FP4_NAR_CODE
              : (zero || mag == 3'b000) ? 4'h0
              : {sign, mag};
endmodule
`default_nettype wire
