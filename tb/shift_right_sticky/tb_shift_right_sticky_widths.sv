// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// Test harness: xrnpe_shift_right_sticky at several widths in one build; SH_W lets shifts exceed W.
module tb_shift_right_sticky_widths (
    input  logic [7:0] din_w8,
    input  logic [3:0] shamt_w8,
    output logic [7:0] dout_w8,
    output logic sticky_w8,
    input  logic [25:0] din_w26,
    input  logic [4:0] shamt_w26,
    output logic [25:0] dout_w26,
    output logic sticky_w26,
    input  logic [60:0] din_w61,
    input  logic [5:0] shamt_w61,
    output logic [60:0] dout_w61,
    output logic sticky_w61
);
  xrnpe_shift_right_sticky #(
      .W   (8),
      .SH_W(4)
  ) u_w8 (
      .din   (din_w8),
      .shamt (shamt_w8),
      .dout  (dout_w8),
      .sticky(sticky_w8)
  );
  xrnpe_shift_right_sticky #(
      .W   (26),
      .SH_W(5)
  ) u_w26 (
      .din   (din_w26),
      .shamt (shamt_w26),
      .dout  (dout_w26),
      .sticky(sticky_w26)
  );
  xrnpe_shift_right_sticky #(
      .W   (61),
      .SH_W(6)
  ) u_w61 (
      .din   (din_w61),
      .shamt (shamt_w61),
      .dout  (dout_w61),
      .sticky(sticky_w61)
  );
endmodule
`default_nettype wire
