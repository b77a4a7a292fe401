`default_nettype none
// Test harness: LANES independent fp4_encode instances on flat buses, so one cocotb
// write/read checks LANES vectors (per-vector cocotb overhead dominates otherwise).
module fp4_encode_lanes #(
    parameter int SCALE_W = 8,
    parameter int FRAC_W  = 8,
    parameter int LANES   = 64
) (
    input  logic [        LANES-1:0] sign,
    input  logic [LANES*SCALE_W-1:0] scale,
    input  logic [ LANES*FRAC_W-1:0] frac,
    input  logic [        LANES-1:0] sticky,
    input  logic [        LANES-1:0] zero,
    input  logic [        LANES-1:0] nar,
    output logic [     LANES*4-1:0] code
);
  for (genvar i = 0; i < LANES; i++) begin : g_lane
    fp4_encode #(
        .SCALE_W(SCALE_W),
        .FRAC_W (FRAC_W)
    ) u_dut (
        .sign  (sign[i]),
        .scale (scale[i*SCALE_W+:SCALE_W]),
        .frac  (frac[i*FRAC_W+:FRAC_W]),
        .sticky(sticky[i]),
        .zero  (zero[i]),
        .nar   (nar[i]),
        .code  (code[i*4+:4])
    );
  end
endmodule
`default_nettype wire
