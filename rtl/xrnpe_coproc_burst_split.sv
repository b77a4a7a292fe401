// SPDX-License-Identifier: Apache-2.0
// Burst splitter and AXI4 address channel (AR or AW) of both DMAs.  It walks one run of
// consecutive bus words (a row of A or Bt, a C row segment) as INCR bursts of at most 256
// beats that never cross a 4 KiB boundary.  `load` starts a run at a bus-word-aligned
// address; `blen` / `last` describe the burst on offer (`last`: it ends the run); `issue`,
// allowed while `free`, puts that burst into the address register and steps past it (load
// wins over the step).  A `flush` (start of a job, or the side abandoned) withdraws the
// request.  The run registers are datapath (no reset): they are loaded before a burst issues.
`default_nettype none
module xrnpe_coproc_burst_split #(
    parameter int DATA_W = 64,
    parameter int ADDR_W = 32,
    parameter int BEATS_W = 18   // width of a run's beat count, 1..32
) (
    input  logic               clk,
    input  logic               rst_n,
    input  logic               flush,
    input  logic               load,
    input  logic [31:0]        load_addr,
    input  logic [BEATS_W-1:0] load_beats,
    input  logic               issue,
    output logic               free,       // the address register can take a burst
    output logic [8:0]         blen,       // beats of the burst on offer, 1..256
    output logic               last,
    output logic [ADDR_W-1:0]  m_ax_addr,
    output logic [7:0]         m_ax_len,
    output logic               m_ax_valid,
    input  logic               m_ax_ready
);
  if (BEATS_W < 1 || BEATS_W > 32) begin : g_bad_params
    initial $fatal(1, "xrnpe_coproc_burst_split: BEATS_W must be in 1..32");
  end

  localparam int DB_LOG2 = xrnpe_coproc_pkg::clog2i(DATA_W / 8);

  logic [31:0]        addr_q, addr_d;
  logic [BEATS_W-1:0] beats_q, beats_d;  // beats of the run not yet issued
  logic               valid_q, valid_d;
  logic [ADDR_W-1:0]  ax_addr_q;
  logic [7:0]         ax_len_q;

  // min(256, beats left, beats to the next 4 KiB boundary)
  function automatic logic [8:0] burst_len(input logic [BEATS_W-1:0] beats,
                                           input logic [11:0] offset);
    logic [12:0] beats_4k;
    beats_4k  = (13'd4096 - {1'b0, offset}) >> DB_LOG2;
    burst_len = 9'd256;
    if (32'(beats) < 32'(burst_len)) burst_len = 9'(beats);
    if (32'(beats_4k) < 32'(burst_len)) burst_len = 9'(beats_4k);
  endfunction

  assign blen    = burst_len(beats_q, addr_q[11:0]);
  assign last    = 32'(blen) == 32'(beats_q);
  assign free    = !valid_q || m_ax_ready;
  assign addr_d  = load ? load_addr : issue ? addr_q + ({23'd0, blen} << DB_LOG2) : addr_q;
  assign beats_d = load ? load_beats : issue ? beats_q - BEATS_W'(blen) : beats_q;
  assign valid_d = !flush && (issue || (valid_q && !m_ax_ready));

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) valid_q <= 1'b0;
    else valid_q <= valid_d;
  end

  logic [7:0] ax_len_d;  // AXI's LEN is beats - 1
  assign ax_len_d = 8'(blen - 9'd1);
  always_ff @(posedge clk) begin
    addr_q  <= addr_d;
    beats_q <= beats_d;
    if (issue) begin
      ax_addr_q <= ADDR_W'(addr_q);
      ax_len_q  <= ax_len_d;
    end
  end

  assign m_ax_addr  = ax_addr_q;
  assign m_ax_len   = ax_len_q;
  assign m_ax_valid = valid_q;

  // the request is held with a stable payload until accepted (unless flushed)
  xrnpe_coproc_axi_hold_check #(.W(ADDR_W + 8)) u_hold_check (
    .clk, .rst_n, .flush, .valid(valid_q), .ready(m_ax_ready), .payload({ax_addr_q, ax_len_q}),
    .care({(ADDR_W + 8) {1'b1}}));
endmodule
`default_nettype wire
