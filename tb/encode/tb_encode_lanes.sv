// SPDX-License-Identifier: Apache-2.0
// Test harness of the output encoders: LANES independent copies of the encoder of format FMT
// (an xrnpe_pkg format code: fp4, p4, p8, p16 or fp32) on flat buses, so one cocotb
// write/read checks LANES vectors (per-vector cocotb overhead dominates otherwise).
`default_nettype none
module tb_encode_lanes #(
    parameter int FMT     = 2,
    parameter int SCALE_W = 8,
    parameter int FRAC_W  = 8,
    parameter int LANES   = 64,
    // width of one code (derived; a parameter so that the test can read it)
    parameter int CODE_W  = FMT == 4 ? 32 : FMT == 3 ? 16 : FMT == 2 ? 8 : 4
) (
    input  logic [        LANES-1:0] sign,
    input  logic [LANES*SCALE_W-1:0] scale,
    input  logic [ LANES*FRAC_W-1:0] frac,
    input  logic [        LANES-1:0] sticky,
    input  logic [        LANES-1:0] zero,
    input  logic [        LANES-1:0] nar,
    output logic [ LANES*CODE_W-1:0] code
);
  for (genvar i = 0; i < LANES; i++) begin : g_lane
    if (FMT == 0) begin : g_fp4
      xrnpe_fp4_encode #(
          .SCALE_W(SCALE_W),
          .FRAC_W (FRAC_W)
      ) u_dut (
          .sign  (sign[i]),
          .scale (scale[i*SCALE_W+:SCALE_W]),
          .frac  (frac[i*FRAC_W+:FRAC_W]),
          .sticky(sticky[i]),
          .zero  (zero[i]),
          .nar   (nar[i]),
          .code  (code[i*CODE_W+:CODE_W])
      );
    end else if (FMT == 4) begin : g_fp32
      xrnpe_fp32_encode #(
          .SCALE_W(SCALE_W),
          .FRAC_W (FRAC_W)
      ) u_dut (
          .sign  (sign[i]),
          .scale (scale[i*SCALE_W+:SCALE_W]),
          .frac  (frac[i*FRAC_W+:FRAC_W]),
          .sticky(sticky[i]),
          .zero  (zero[i]),
          .nar   (nar[i]),
          .code  (code[i*CODE_W+:CODE_W])
      );
    end else begin : g_posit
      xrnpe_posit_encode #(
          .N      (CODE_W),
          .ES     (FMT == 2 ? xrnpe_pkg::P8_ES : FMT == 3 ? xrnpe_pkg::P16_ES : xrnpe_pkg::P4_ES),
          .SCALE_W(SCALE_W),
          .FRAC_W (FRAC_W)
      ) u_dut (
          .sign  (sign[i]),
          .scale (scale[i*SCALE_W+:SCALE_W]),
          .frac  (frac[i*FRAC_W+:FRAC_W]),
          .sticky(sticky[i]),
          .zero  (zero[i]),
          .nar   (nar[i]),
          .code  (code[i*CODE_W+:CODE_W])
      );
    end
  end
endmodule
`default_nettype wire
