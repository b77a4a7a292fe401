// SPDX-License-Identifier: Apache-2.0
// The job attributes of a word as it moves from one PE pipeline stage to the next: its valid
// bit (reset, cleared by `clear`) and the flags the back end needs at the end of the front end
// (first / last word of a dot product, input and output format, NaR operand).  The stage's
// datapath registers are written next to it with the same condition (en && in_valid).
`default_nettype none
module xrnpe_pe_stage (
    input  logic                        clk,
    input  logic                        rst_n,
    input  logic                        clear,
    input  logic                        en,
    input  logic                        in_valid,
    input  logic                        in_first,
    input  logic                        in_last,
    input  logic [xrnpe_pkg::FMT_W-1:0] in_fmt,
    input  logic [xrnpe_pkg::FMT_W-1:0] in_out_fmt,
    input  logic                        in_nar,
    output logic                        valid,
    output logic                        first,
    output logic                        last,
    output logic [xrnpe_pkg::FMT_W-1:0] fmt,
    output logic [xrnpe_pkg::FMT_W-1:0] out_fmt,
    output logic                        nar
);
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) valid <= 1'b0;
    else if (clear) valid <= 1'b0;
    else if (en) valid <= in_valid;
  end
  always_ff @(posedge clk) begin
    if (en && in_valid) begin
      first   <= in_first;
      last    <= in_last;
      fmt     <= in_fmt;
      out_fmt <= in_out_fmt;
      nar     <= in_nar;
    end
  end
endmodule
`default_nettype wire
