// SPDX-License-Identifier: Apache-2.0
// Command queue of a DMA, read by its two sides: the address side (bursts) runs ahead of the
// data side (beats), and each pops its own copy of every command.  A push goes to both
// copies, and only when both have room.
`default_nettype none
module xrnpe_coproc_cmd_queue #(
    parameter int W = 8,
    parameter int DEPTH = 4
) (
    input  logic         clk,
    input  logic         rst_n,
    input  logic         clr,
    input  logic         push,
    input  logic [W-1:0] din,
    output logic         full,
    // address side
    input  logic         a_pop,
    output logic [W-1:0] a_dout,
    output logic         a_empty,
    // data side
    input  logic         d_pop,
    output logic [W-1:0] d_dout,
    output logic         d_empty
);
  logic a_full, d_full;
  assign full = a_full || d_full;

  xrnpe_coproc_fifo #(.W(W), .DEPTH(DEPTH)) u_a (
    .clk, .rst_n, .clr, .push(push && !full), .din, .full(a_full),
    .pop(a_pop), .dout(a_dout), .empty(a_empty));
  xrnpe_coproc_fifo #(.W(W), .DEPTH(DEPTH)) u_d (
    .clk, .rst_n, .clr, .push(push && !full), .din, .full(d_full),
    .pop(d_pop), .dout(d_dout), .empty(d_empty));
endmodule
`default_nettype wire
