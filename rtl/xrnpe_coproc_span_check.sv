// SPDX-License-Identifier: Apache-2.0
// Address check of a START: the spans (first and last byte) of the job's memory accesses,
// from the snapshot,
//   A:  A_BASE .. A_BASE + (M-1)*A_STRIDE + roundup(2*KW, DATA_BYTES) - 1   (whole beats read)
//   Bt: B_BASE .. B_BASE + (N-1)*B_STRIDE + roundup(2*KW, DATA_BYTES) - 1
//   C:  C_BASE .. C_BASE + (M-1)*C_STRIDE + N*size - 1                      (bytes written)
// are computed one per cycle while `step` is high, with one 16x32 multiplier (M, N <= 65536
// by then), then checked against wrap-around, the DMA windows and each other.  Bit 32 of an
// end is set when the span passes the top of the 32-bit space.
`default_nettype none
`include "xrnpe_assert.svh"
module xrnpe_coproc_span_check #(
    parameter int DATA_W = 64
) (
    input  logic        clk,
    input  logic        rst_n,
    input  logic        restart,       // begin with the A span
    input  logic        step,          // compute the current span
    input  logic [16:0] m,
    input  logic [16:0] n,
    input  logic [16:0] kwe,           // beats per row of A and Bt
    input  logic [1:0]  esz,           // log2 of the C element size
    input  logic [31:0] a_base,
    input  logic [31:0] a_stride,
    input  logic [31:0] b_base,
    input  logic [31:0] b_stride,
    input  logic [31:0] c_base,
    input  logic [31:0] c_stride,
    input  logic [31:0] rd_win_base,   // DMA windows (inclusive limits)
    input  logic [31:0] rd_win_limit,
    input  logic [31:0] wr_win_base,
    input  logic [31:0] wr_win_limit,
    output logic        last,          // the C span (the last) is computed in this cycle
    output logic [7:0]  err            // valid once the three spans are computed
);
  localparam int DB_LOG2 = xrnpe_coproc_pkg::clog2i(DATA_W / 8);

  typedef enum logic [1:0] {SPAN_A, SPAN_B, SPAN_C} span_e;
  span_e span_q, span_d;
  always_comb begin
    span_d = span_q;
    if (restart) span_d = SPAN_A;
    else if (step) begin
      unique case (span_q)
        SPAN_A:  span_d = SPAN_B;
        SPAN_B:  span_d = SPAN_C;
        default: span_d = SPAN_C;
      endcase
    end
  end
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) span_q <= SPAN_A;
    else span_q <= span_d;
  end
  assign last = span_q == SPAN_C;

  logic [15:0] cnt;
  logic [31:0] stride, base;
  logic [18:0] len;  // bytes of one row: <= 2**18
  logic [47:0] prod;
  logic [48:0] span_end;
  logic [32:0] end_d;
  assign cnt      = span_q == SPAN_B ? 16'(n - 17'd1) : 16'(m - 17'd1);
  assign stride   = span_q == SPAN_A ? a_stride : span_q == SPAN_B ? b_stride : c_stride;
  assign base     = span_q == SPAN_A ? a_base : span_q == SPAN_B ? b_base : c_base;
  assign len      = span_q == SPAN_C ? 19'(n) << esz : 19'({kwe, {DB_LOG2{1'b0}}});
  assign prod     = 48'(cnt) * 48'(stride);
  assign span_end = 49'(base) + 49'(prod) + 49'(len) - 49'd1;
  assign end_d    = {|span_end[48:32], span_end[31:0]};

  logic [32:0] a_end_q, b_end_q, c_end_q;
  always_ff @(posedge clk) begin
    if (step && span_q == SPAN_A) a_end_q <= end_d;
    if (step && span_q == SPAN_B) b_end_q <= end_d;
    if (step && span_q == SPAN_C) c_end_q <= end_d;
  end

  // first failing check wins: wrap, read window, write window, overlap of C with A or Bt
  always_comb begin
    if (a_end_q[32] || b_end_q[32] || c_end_q[32]) err = xrnpe_regmap_pkg::ERR_ADDR_WRAP;
    else if (a_base < rd_win_base || a_end_q[31:0] > rd_win_limit ||
             b_base < rd_win_base || b_end_q[31:0] > rd_win_limit)
      err = xrnpe_regmap_pkg::ERR_READ_WINDOW;
    else if (c_base < wr_win_base || c_end_q[31:0] > wr_win_limit)
      err = xrnpe_regmap_pkg::ERR_WRITE_WINDOW;
    else if ((c_base <= a_end_q[31:0] && a_base <= c_end_q[31:0]) ||
             (c_base <= b_end_q[31:0] && b_base <= c_end_q[31:0]))
      err = xrnpe_regmap_pkg::ERR_C_OVERLAP;
    else err = xrnpe_regmap_pkg::ERR_NONE;
  end

  `XRNPE_ASSERT(a_span_state_legal, span_q <= SPAN_C, clk, rst_n)
endmodule
`default_nettype wire
