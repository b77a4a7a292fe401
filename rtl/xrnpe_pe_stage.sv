// SPDX-License-Identifier: Apache-2.0
// The job attributes of a word as it moves from one PE pipeline stage to the next: its valid
// bit (reset, cleared by `clear`) and the flags the back end needs at the end of the front end
// (first / last word of a dot product, input and output format, NaR operand).  The stage's
// clock gate lives here too (docs/pe.md, "Clock gating"): one gate per pipeline stage, driven
// by the stage-advance condition en && in_valid, clocks the attributes and, through clk_dp /
// dp_we, the stage's datapath registers in the front end.  The valid bit has a reset and stays
// on the free-running clock.
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
    output logic                        nar,
    // the stage's gated clock and write enable, for its datapath registers
    output logic                        clk_dp,
    output logic                        dp_we
);
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) valid <= 1'b0;
    else if (clear) valid <= 1'b0;
    else if (en) valid <= in_valid;
  end

  logic advance;  // a valid word enters this stage
  assign advance = en && in_valid;
  xrnpe_prim_clock_gate u_cg (.clk_i(clk), .en_i(advance), .clk_o(clk_dp), .reg_en_o(dp_we));
  always_ff @(posedge clk_dp) begin
    if (dp_we) begin
      first   <= in_first;
      last    <= in_last;
      fmt     <= in_fmt;
      out_fmt <= in_out_fmt;
      nar     <= in_nar;
    end
  end
endmodule
`default_nettype wire
