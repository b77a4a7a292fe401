// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "xrnpe_assert.svh"
// One readout for a row of COLS PE cores: it takes the finished sums of the row's cores in
// strict column order (turn_q), normalises, rounds and encodes them (xrnpe_acc_readout) and
// hands each result to the collector as the result of its column.  All cores of a row finish
// the same dot products in the same cycle, so the strict turn delivers results tile by tile.
module xrnpe_coproc_row_readout #(
    parameter int COLS = 4,
    localparam int NSEG = xrnpe_pkg::ACC_NSEG,
    localparam int TAG_W = COLS > 1 ? $clog2(COLS) : 1
) (
  input  logic                             clk,
  input  logic                             rst_n,
  input  logic                             clear,
  // finished sums of the row's cores
  input  logic [COLS-1:0]                  res_valid,
  output logic [COLS-1:0]                  res_take,
  input  logic [COLS*xrnpe_pkg::ACC_W-1:0] res_seg,
  input  logic [COLS*NSEG-1:0]             res_carry,
  input  logic [COLS*NSEG-1:0]             res_live,
  input  logic [COLS*xrnpe_pkg::FMT_W-1:0] res_out_fmt,
  input  logic [COLS-1:0]                  res_nar,
  // encoded results, one port per column
  output logic [COLS-1:0]                  out_valid,
  input  logic [COLS-1:0]                  out_ready,
  output logic [COLS*32-1:0]               out_data,
  output logic [COLS-1:0]                  out_nar
);
  if (COLS < 1) begin : g_bad_params
    initial $fatal(1, "xrnpe_coproc_row_readout: COLS >= 1 required");
  end

  logic [TAG_W-1:0] turn_q, turn_d;  // the column whose result the readout takes next
  logic             ro_ready, ro_valid, ro_nar, take;
  logic [31:0]      ro_data;
  logic [TAG_W-1:0] ro_tag;
  assign take   = res_valid[turn_q] && ro_ready;
  assign turn_d = !take ? turn_q : turn_q == TAG_W'(COLS - 1) ? '0 : turn_q + TAG_W'(1);
  for (genvar c = 0; c < COLS; c++) begin : g_take
    assign res_take[c] = take && turn_q == TAG_W'(c);
  end
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) turn_q <= '0;
    else if (clear) turn_q <= '0;
    else turn_q <= turn_d;
  end

  xrnpe_acc_readout #(
    .TAG_W(TAG_W)
  ) u_readout (
    .clk,
    .rst_n,
    .clear,
    .in_valid(res_valid[turn_q]),
    .in_ready(ro_ready),
    .in_seg(res_seg[turn_q*xrnpe_pkg::ACC_W +: xrnpe_pkg::ACC_W]),
    .in_carry(res_carry[turn_q*NSEG +: NSEG]),
    .in_live(res_live[turn_q*NSEG +: NSEG]),
    .in_out_fmt(res_out_fmt[turn_q*xrnpe_pkg::FMT_W +: xrnpe_pkg::FMT_W]),
    .in_nar(res_nar[turn_q]),
    .in_tag(turn_q),
    .out_valid(ro_valid),
    .out_ready(out_ready[ro_tag]),
    .out_data(ro_data),
    .out_nar(ro_nar),
    .out_tag(ro_tag)
  );
  for (genvar c = 0; c < COLS; c++) begin : g_out
    assign out_valid[c]       = ro_valid && ro_tag == TAG_W'(c);
    assign out_data[c*32+:32] = ro_data;
    assign out_nar[c]         = ro_nar;
  end

  if ((COLS & (COLS - 1)) != 0) begin : g_turn_check  // else every turn_q value is a column
    `XRNPE_ASSERT(a_readout_turn_in_range, turn_q <= TAG_W'(COLS - 1), clk, rst_n)
  end
endmodule
`default_nettype wire
