// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// Output rounding shared by both PEs: one codec encoder per output format, selected by
// out_fmt.  NaR gives the format's NaR code (fp4 0x8, fp32 quiet NaN); an unknown out_fmt
// gives code 0.
module xrnpe_acc_encode #(
    parameter int FRAC_W  = 24,
    parameter int SCALE_W = 8
) (
    input  xrnpe_pkg::fmt_e             out_fmt,
    input  logic                        sign,
    input  logic signed [SCALE_W-1:0]   scale,
    input  logic [FRAC_W-1:0]           frac,
    input  logic                        sticky,
    input  logic                        zero,
    input  logic                        nar,
    output logic [31:0]                 code
);
  logic [3:0] c_fp4, c_p4;
  logic [7:0] c_p8;
  logic [15:0] c_p16;
  logic [31:0] c_fp32;

  xrnpe_fp4_encode #(
      .SCALE_W(SCALE_W),
      .FRAC_W (FRAC_W)
  ) u_fp4 (
      .sign(sign), .scale(scale), .frac(frac), .sticky(sticky), .zero(zero), .nar(nar),
      .code(c_fp4)
  );
  xrnpe_posit_encode #(
      .N(4), .ES(xrnpe_pkg::P4_ES), .SCALE_W(SCALE_W), .FRAC_W(FRAC_W)
  ) u_p4 (
      .sign(sign), .scale(scale), .frac(frac), .sticky(sticky), .zero(zero), .nar(nar),
      .code(c_p4)
  );
  xrnpe_posit_encode #(
      .N(8), .ES(xrnpe_pkg::P8_ES), .SCALE_W(SCALE_W), .FRAC_W(FRAC_W)
  ) u_p8 (
      .sign(sign), .scale(scale), .frac(frac), .sticky(sticky), .zero(zero), .nar(nar),
      .code(c_p8)
  );
  xrnpe_posit_encode #(
      .N(16), .ES(xrnpe_pkg::P16_ES), .SCALE_W(SCALE_W), .FRAC_W(FRAC_W)
  ) u_p16 (
      .sign(sign), .scale(scale), .frac(frac), .sticky(sticky), .zero(zero), .nar(nar),
      .code(c_p16)
  );
  xrnpe_fp32_encode #(
      .SCALE_W(SCALE_W),
      .FRAC_W (FRAC_W)
  ) u_fp32 (
      .sign(sign), .scale(scale), .frac(frac), .sticky(sticky), .zero(zero), .nar(nar),
      .code(c_fp32)
  );

  // (a function in a continuous assign, not always_comb: docs/rtl-style.md)
  function automatic logic [31:0] pick(input logic [xrnpe_pkg::FMT_W-1:0] f, input logic [3:0] fp4,
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
  assign code = pick(out_fmt, c_fp4, c_p4, c_p8, c_p16, c_fp32);
endmodule
`default_nettype wire
