// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// Test harness: LANES independent xrnpe_posit_decode instances on flat buses, so one cocotb
// write/read checks LANES codes (per-vector cocotb overhead dominates otherwise).
// SCALE_W / FRAC_W repeat the DUT's default formulas; the DUT itself gets only N and ES so
// its defaults are what is tested.
module tb_posit_decode_lanes #(
    parameter int N       = 8,
    parameter int ES      = 0,
    parameter int LANES   = 64,
    parameter int SCALE_W = $clog2((N - 2) << ES) + 2,
    parameter int FRAC_W  = (N - 3 - ES) > 1 ? (N - 3 - ES) : 1
) (
    input  logic [      LANES*N-1:0] code,
    output logic [        LANES-1:0] sign,
    output logic [LANES*SCALE_W-1:0] scale,
    output logic [ LANES*FRAC_W-1:0] frac,
    output logic [        LANES-1:0] zero,
    output logic [        LANES-1:0] nar
);
  for (genvar i = 0; i < LANES; i++) begin : g_lane
    xrnpe_posit_decode #(
        .N (N),
        .ES(ES)
    ) u_dut (
        .code (code[i*N+:N]),
        .sign (sign[i]),
        .scale(scale[i*SCALE_W+:SCALE_W]),
        .frac (frac[i*FRAC_W+:FRAC_W]),
        .zero (zero[i]),
        .nar  (nar[i])
    );
  end
endmodule
`default_nettype wire
