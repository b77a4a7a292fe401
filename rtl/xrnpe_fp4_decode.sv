// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// fp4 (OCP MX E2M1) decoder: code -> (-1)^sign * 2^scale * 1.frac, plus a zero flag.
// The one subnormal, 0.5, is normalised to scale -1, frac 0.  Both +0 and -0 (0x8) decode
// as zero with sign 0 (fp4 has no NaR; 0x8 only ever appears as an input zero here).
module xrnpe_fp4_decode #(
    parameter int SCALE_W = 3  // signed; fp4 scales are -1..2
) (
    input  logic        [        3:0] code,
    output logic                      sign,
    output logic signed [SCALE_W-1:0] scale,
    output logic        [        0:0] frac,
    output logic                      zero
);
  if (SCALE_W < 3) begin : g_bad_scale_w
    initial $fatal(1, "xrnpe_fp4_decode: SCALE_W must be >= 3");
  end

  logic [1:0] efield;
  assign efield = code[2:1];
  assign zero   = code[2:0] == 3'b000;
  assign sign   = code[3] & ~zero;

  // efield 0 is the subnormal 0.1b (0.5) = 2^-1 * 1.0; otherwise 2^(efield-bias) * 1.m
  assign scale = zero ? '0
               : efield == 2'b00 ? {SCALE_W{1'b1}}  // -1 (Yosys 0.70 reads -SCALE_W'(1) as +1)
               : SCALE_W'(efield) - SCALE_W'(xrnpe_pkg::FP4_BIAS);
  assign frac  = (efield == 2'b00) ? 1'b0 : code[0];
endmodule
`default_nettype wire
