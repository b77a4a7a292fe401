// SPDX-License-Identifier: Apache-2.0
// Small synchronous FIFO (registers, first-word fall-through) for commands and descriptors.
// `clr` empties it (start of a job).  Pushing when full or popping when empty is a bug of the
// user: asserted, and ignored in hardware.
`default_nettype none
`include "xrnpe_assert.svh"
module xrnpe_coproc_fifo #(
    parameter int W = 8,
    parameter int DEPTH = 4
) (
    input  logic         clk,
    input  logic         rst_n,
    input  logic         clr,
    input  logic         push,
    input  logic [W-1:0] din,
    output logic         full,
    input  logic         pop,
    output logic [W-1:0] dout,
    output logic         empty
);
  if (W < 1 || DEPTH < 2 || (DEPTH & (DEPTH - 1)) != 0) begin : g_bad_params
    initial $fatal(1, "xrnpe_coproc_fifo: W >= 1 and DEPTH a power of two >= 2 required");
  end

  localparam int AW = $clog2(DEPTH);
  logic [W-1:0] mem_q[DEPTH];
  logic [AW:0]  wp_q, rp_q, wp_d, rp_d;

  assign empty = wp_q == rp_q;
  assign full  = (wp_q[AW-1:0] == rp_q[AW-1:0]) && (wp_q[AW] != rp_q[AW]);
  assign dout  = mem_q[rp_q[AW-1:0]];
  assign wp_d  = (push && !full) ? wp_q + 1'b1 : wp_q;
  assign rp_d  = (pop && !empty) ? rp_q + 1'b1 : rp_q;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      wp_q <= '0;
      rp_q <= '0;
    end else if (clr) begin
      wp_q <= '0;
      rp_q <= '0;
    end else begin
      wp_q <= wp_d;
      rp_q <= rp_d;
    end
  end

  always_ff @(posedge clk) begin
    if (push && !full) mem_q[wp_q[AW-1:0]] <= din;
  end

  `XRNPE_ASSERT(a_no_push_when_full, !(push && full && !clr), clk, rst_n)
  `XRNPE_ASSERT(a_no_pop_when_empty, !(pop && empty && !clr), clk, rst_n)
endmodule
`default_nettype wire
