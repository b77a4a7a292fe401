// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// Back end shared by xrnpe_pe_rmmec and xrnpe_pe_baseline: the exact accumulator, the readout normaliser
// and the output encoders, plus the pipeline-wide stall.  Front ends deliver one addend per
// word (already aligned to the accumulator LSB 2^-ACC_FRAC) and its NaR flag.
//
//   S4  acc <= (first ? 0 : acc) + addend          (R4: acc_q, nar_q, "result ready")
//   S5  |acc|, leading-zero count, normalise      (R5: sign/scale/frac/sticky/zero/nar)
//   S6  round into out_fmt                         (R6: out_data/out_nar/out_valid)
//
// Stall: every stage register holds while a result waits on out_ready, so the whole
// pipeline (front end included, via `en`) freezes and in_ready drops in the same cycle.
module xrnpe_acc_backend #(
    parameter int ADD_W = 115  // addend bits delivered; bit ADD_W-1 is its sign (extended)
) (
    input  logic                 clk,
    input  logic                 rst_n,
    input  logic                 clear,     // drop every sum and result in flight
    output logic                 en,        // advance every pipeline register
    // word at the end of the front end (R3)
    input  logic                 w_valid,
    input  logic                 w_first,
    input  logic                 w_last,
    input  xrnpe_pkg::fmt_e      w_out_fmt,
    input  logic                 w_nar,
    input  logic [ADD_W-1:0]     w_addend,  // two's complement, LSB 2^-ACC_FRAC
    input  logic                 w_cin,     // +1 at the LSB (completes a negation)
    // result stream
    output logic                 out_valid,
    input  logic                 out_ready,
    output logic [31:0]          out_data,
    output logic                 out_nar
);
  localparam int ACC_W = xrnpe_pkg::ACC_W;
  localparam int FRAC_W = 24;
  localparam int SCALE_W = 8;
  if (ADD_W < 2 || ADD_W > ACC_W) begin : g_bad_add_w
    initial $fatal(1, "xrnpe_acc_backend: ADD_W must be in 2..ACC_W");
  end

  assign en = ~(out_valid & ~out_ready);

  // ---------------------------------------------------------------- S4: accumulate
  // valid bits: v4_q says the accumulator holds a finished dot product
  logic v4_q, v5_q, out_valid_q;
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      v4_q        <= 1'b0;
      v5_q        <= 1'b0;
      out_valid_q <= 1'b0;
    end else if (clear) begin
      v4_q        <= 1'b0;
      v5_q        <= 1'b0;
      out_valid_q <= 1'b0;
    end else if (en) begin
      v4_q        <= w_valid & w_last;
      v5_q        <= v4_q;
      out_valid_q <= v5_q;
    end
  end
  assign out_valid = out_valid_q;

  // the sum and its NaR flag start over with every first word, so they need no reset
  logic [ACC_W-1:0] acc_q;
  logic             nar_q;
  logic [xrnpe_pkg::FMT_W-1:0] fmt4_q;
  logic [ACC_W-1:0] acc_base;
  assign acc_base = w_first ? '0 : acc_q;
  always_ff @(posedge clk) begin
    if (en && w_valid) begin
      acc_q <= acc_base + {{(ACC_W - ADD_W) {w_addend[ADD_W-1]}}, w_addend} + ACC_W'(w_cin);
      nar_q <= w_nar | (nar_q & ~w_first);
      if (w_last) fmt4_q <= w_out_fmt;
    end
  end

  // ---------------------------------------------------------------- S5: normalise
  logic                      r_sign, r_sticky, r_zero;
  logic signed [SCALE_W-1:0] r_scale;
  logic [FRAC_W-1:0]         r_frac;
  xrnpe_acc_readout #(
      .FRAC_W (FRAC_W),
      .SCALE_W(SCALE_W)
  ) u_readout (
      .acc   (acc_q),
      .sign  (r_sign),
      .scale (r_scale),
      .frac  (r_frac),
      .sticky(r_sticky),
      .zero  (r_zero)
  );

  logic                      sign5_q, sticky5_q, zero5_q, nar5_q;
  logic signed [SCALE_W-1:0] scale5_q;
  logic [FRAC_W-1:0]         frac5_q;
  logic [xrnpe_pkg::FMT_W-1:0] fmt5_q;
  always_ff @(posedge clk) begin
    if (en && v4_q) begin  // only finished sums move on (keeps S5/S6 quiet in between)
      sign5_q   <= r_sign;
      scale5_q  <= r_scale;
      frac5_q   <= r_frac;
      sticky5_q <= r_sticky;
      zero5_q   <= r_zero;
      nar5_q    <= nar_q;
      fmt5_q    <= fmt4_q;
    end
  end

  // ---------------------------------------------------------------- S6: round and emit
  logic [31:0] code;
  xrnpe_acc_encode #(
      .FRAC_W (FRAC_W),
      .SCALE_W(SCALE_W)
  ) u_encode (
      .out_fmt(fmt5_q),
      .sign   (sign5_q),
      .scale  (scale5_q),
      .frac   (frac5_q),
      .sticky (sticky5_q),
      .zero   (zero5_q),
      .nar    (nar5_q),
      .code   (code)
  );

  always_ff @(posedge clk) begin
    if (en && v5_q) begin
      out_data <= code;
      out_nar  <= nar5_q;
    end
  end
endmodule
`default_nettype wire
