// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// Test harness: xrnpe_lzc at several widths in one build (W=1 and widths that are not powers of two).
module tb_lzc_widths (
    input  logic [0:0] data_w1,
    output logic [0:0] cnt_w1,
    output logic all_zero_w1,
    input  logic [4:0] data_w5,
    output logic [2:0] cnt_w5,
    output logic all_zero_w5,
    input  logic [7:0] data_w8,
    output logic [3:0] cnt_w8,
    output logic all_zero_w8,
    input  logic [12:0] data_w13,
    output logic [3:0] cnt_w13,
    output logic all_zero_w13,
    input  logic [31:0] data_w32,
    output logic [5:0] cnt_w32,
    output logic all_zero_w32
);
  xrnpe_lzc #(
      .W(1)
  ) u_w1 (
      .data    (data_w1),
      .cnt     (cnt_w1),
      .all_zero(all_zero_w1)
  );
  xrnpe_lzc #(
      .W(5)
  ) u_w5 (
      .data    (data_w5),
      .cnt     (cnt_w5),
      .all_zero(all_zero_w5)
  );
  xrnpe_lzc #(
      .W(8)
  ) u_w8 (
      .data    (data_w8),
      .cnt     (cnt_w8),
      .all_zero(all_zero_w8)
  );
  xrnpe_lzc #(
      .W(13)
  ) u_w13 (
      .data    (data_w13),
      .cnt     (cnt_w13),
      .all_zero(all_zero_w13)
  );
  xrnpe_lzc #(
      .W(32)
  ) u_w32 (
      .data    (data_w32),
      .cnt     (cnt_w32),
      .all_zero(all_zero_w32)
  );
endmodule
`default_nettype wire
