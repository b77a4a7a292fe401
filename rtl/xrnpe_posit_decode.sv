// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// Posit(N, ES) decoder: code -> (-1)^sign * 2^scale * 1.frac, plus zero / NaR flags.
// frac holds the fraction bits after the hidden 1, MSB first, zero padded to FRAC_W.
// For zero and NaR, sign, scale and frac are all 0 so downstream logic sees clean values.
module xrnpe_posit_decode #(
    parameter int N       = 8,
    parameter int ES      = 0,
    // signed binade; holds +-(N-2)*2^ES
    parameter int SCALE_W = $clog2((N - 2) << ES) + 2,
    // most fraction bits any code carries: N-3-ES (at least 1 so the port exists)
    parameter int FRAC_W  = (N - 3 - ES) > 1 ? (N - 3 - ES) : 1
) (
    input  logic        [    N-1:0] code,
    output logic                    sign,
    output logic signed [SCALE_W-1:0] scale,
    output logic        [ FRAC_W-1:0] frac,
    output logic                    zero,
    output logic                    nar
);
  localparam int BW    = N - 1;  // body: regime, exponent, fraction
  localparam int CNT_W = $clog2(BW + 1);
  localparam int EW    = ES > 0 ? ES : 1;
  localparam int XW    = BW + EW + FRAC_W;  // body after the regime, padded below

  if (N < 3 || N > 32 || ES < 0 || ES > 3) begin : g_bad_format
    initial
      $fatal(1, "xrnpe_posit_decode: need 3 <= N <= 32 and 0 <= ES <= 3 (got N=%0d ES=%0d)", N, ES);
  end
  if (SCALE_W < $clog2((N - 2) << ES) + 2 || FRAC_W < 1) begin : g_bad_widths
    initial $fatal(1, "xrnpe_posit_decode: SCALE_W or FRAC_W too narrow");
  end

  logic [N-1:0] mag;
  logic [BW-1:0] body, run_bits;
  logic          first;
  logic [CNT_W-1:0] run;
  logic             run_all;  // unused: the run length alone says everything
  logic signed [SCALE_W-1:0] k;
  logic [XW-1:0] rest;
  logic [EW-1:0] e;

  assign zero  = code == '0;
  assign nar   = code == {1'b1, {(N - 1) {1'b0}}};
  // negative posits are the two's complement of their magnitude
  assign mag   = code[N-1] ? -code : code;
  assign body  = mag[BW-1:0];
  assign first = body[BW-1];

  // The regime is a run of equal bits: count leading zeros of the body with the run's bit
  // value folded to 0.
  assign run_bits = first ? ~body : body;
  xrnpe_lzc #(
      .W(BW)
  ) u_regime_lzc (
      .data    (run_bits),
      .cnt     (run),
      .all_zero(run_all)
  );

  // k = run-1 for a run of ones, -run for a run of zeros
  logic signed [SCALE_W-1:0] kr;  // the run length
  assign kr = SCALE_W'(run);
  assign k  = first ? kr - 1'b1 : -kr;

  // Drop regime and terminator; what is left is ES exponent bits then the fraction.  Missing
  // (cut off) exponent bits read as 0, as the posit standard says.
  // (one bit wider: a run over the whole body shifts by N)
  assign rest = {body, {(EW + FRAC_W) {1'b0}}} << ({1'b0, run} + 1'b1);
  assign e    = rest[XW-1-:EW];

  if (ES > 0) begin : g_es
    assign scale = (zero | nar) ? '0 : (k <<< ES) | SCALE_W'(e);
    assign frac  = (zero | nar) ? '0 : rest[XW-1-ES-:FRAC_W];
  end else begin : g_no_es
    assign scale = (zero | nar) ? '0 : k;
    assign frac  = (zero | nar) ? '0 : rest[XW-1-:FRAC_W];
  end
  assign sign = code[N-1] & ~nar;

  /* verilator lint_off UNUSEDSIGNAL */
  logic unused;
  assign unused = mag[N-1] ^ run_all ^ (ES > 0 ? 1'b0 : ^e) ^ ^rest;
  /* verilator lint_on UNUSEDSIGNAL */
endmodule
`default_nettype wire
