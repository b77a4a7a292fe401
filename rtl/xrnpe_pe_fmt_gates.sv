// SPDX-License-Identifier: Apache-2.0
// The clock gates of one pipeline stage's per-format register groups in the baseline PE
// (xrnpe_pe_front_baseline, docs/pe.md "Clock gating"): the group of format f is written, and
// clocked, only when a word of that format advances into the stage (advance && mode[f]).
// Mode bit order: fp4, p4, p8, p16 (bit 0 first).
`default_nettype none
module xrnpe_pe_fmt_gates (
    input  logic       clk,
    input  logic       advance,  // a valid word enters the stage
    input  logic [3:0] mode,     // one-hot format of that word
    output logic [3:0] clk_fmt,  // gated clock of each format's group
    output logic [3:0] fmt_we    // write enable of each format's group (xrnpe_prim_clock_gate)
);
  for (genvar f = 0; f < 4; f++) begin : g_fmt
    logic write;
    assign write = advance && mode[f];
    xrnpe_prim_clock_gate u_cg (
        .clk_i(clk), .en_i(write), .clk_o(clk_fmt[f]), .reg_en_o(fmt_we[f]));
  end
endmodule
`default_nettype wire
