// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// Posit(N, ES) encoder: rounds (-1)^sign * 2^scale * 1.frac (+ sticky) to the nearest code,
// ties to the even encoding (SoftPosit rule).  Scales beyond maxpos / below minpos saturate,
// so a nonzero value never becomes 0 and a finite one never becomes NaR.
module xrnpe_posit_encode #(
    parameter int N       = 8,
    parameter int ES      = 0,
    parameter int SCALE_W = 8,   // signed scale input, any width >= 2
    parameter int FRAC_W  = 8    // fraction bits after the hidden 1, any width >= 1
) (
    input  logic                      sign,
    input  logic signed [SCALE_W-1:0] scale,
    input  logic        [ FRAC_W-1:0] frac,
    input  logic                      sticky,  // a nonzero bit lies below frac
    input  logic                      zero,
    input  logic                      nar,
    output logic        [      N-1:0] code
);
  localparam int BW     = N - 1;             // body bits (regime, exponent, fraction)
  localparam int MAXS   = (N - 2) << ES;     // scale of maxpos; minpos is 2^-MAXS
  localparam int XW     = (SCALE_W > 12 ? SCALE_W : 12) + 1;  // holds MAXS and any scale
  localparam int SH_W   = $clog2(N);         // regime shift is at most N-2
  localparam int PAD    = N;                 // zeros below frac: shifted-out bits stay visible
  localparam int L      = 2 + ES + FRAC_W + PAD;

  if (N < 3 || N > 32 || ES < 0 || ES > 3) begin : g_bad_format
    initial
      $fatal(1, "xrnpe_posit_encode: need 3 <= N <= 32 and 0 <= ES <= 3 (got N=%0d ES=%0d)", N, ES);
  end
  if (SCALE_W < 2 || FRAC_W < 1) begin : g_bad_widths
    initial $fatal(1, "xrnpe_posit_encode: need SCALE_W >= 2 and FRAC_W >= 1");
  end

  logic signed [XW-1:0] sx, k;
  logic                 sat_hi, sat_lo, r;
  logic        [SH_W-1:0] shamt;
  logic signed [L-1:0] pat0, pat;
  logic [BW-1:0] body, body_r;
  logic          guard, st, round_up;

  assign sx     = {{(XW - SCALE_W) {scale[SCALE_W-1]}}, scale};
  localparam logic signed [XW-1:0] MAXS_X = XW'(MAXS);
  assign sat_hi = sx > MAXS_X;
  // below minpos <=> sx + MAXS < 0 (no overflow: XW is wider than SCALE_W).  Not a compare with
  // a negative localparam: Yosys 0.70 drops a minus in front of a size cast (-XW'(MAXS) reads
  // as +MAXS), so synthesised encoders returned minpos for most in-range values.
  logic signed [XW-1:0] lo_sum;
  assign lo_sum = sx + MAXS_X;
  assign sat_lo = lo_sum[XW-1];
  assign k      = sx >>> ES;  // regime value; the low ES bits of scale are the exponent
  assign r      = ~k[XW-1];   // regime bit: runs of ones for k >= 0, zeros for k < 0

  // Regime for k >= 0 is k+1 ones then a 0; for k < 0 it is -k zeros then a 1.  Start from
  // {r, ~r, exponent, fraction} and shift right arithmetically by k (k >= 0) or -k-1 = ~k.
  // In range, that shift is at most N-2, so the low SH_W bits are the whole amount.
  if (ES > 0) begin : g_es
    assign pat0 = {r, ~r, sx[ES-1:0], frac, {PAD{1'b0}}};
  end else begin : g_no_es
    assign pat0 = {r, ~r, frac, {PAD{1'b0}}};
  end
  assign shamt = r ? k[SH_W-1:0] : ~k[SH_W-1:0];
  assign pat   = pat0 >>> shamt;

  // Keep N-1 bits; round to nearest, ties to even, on the encoding.
  assign body     = pat[L-1-:BW];
  assign guard    = pat[L-1-BW];
  assign st       = |pat[L-2-BW:0] | sticky;
  assign round_up = guard & (st | body[0]);
  // In range the body never overflows (k = N-2 leaves guard = 0) and never is 0 (k >= -(N-2)
  // leaves the regime's terminating 1 inside the body), so no clamp is needed after rounding.
  assign body_r   = body + BW'(round_up);

  // (continuous assigns, not always_comb: docs/rtl-style.md)
  logic [BW-1:0] mag;
  assign mag  = sat_hi ? {BW{1'b1}}           // maxpos
              : sat_lo ? BW'(1)               // minpos
              : body_r;
  assign code = nar ? {1'b1, {BW{1'b0}}}
              : zero ? '0
              : sign ? -{1'b0, mag}           // negatives are two's complements
              : {1'b0, mag};
endmodule
`default_nettype wire
