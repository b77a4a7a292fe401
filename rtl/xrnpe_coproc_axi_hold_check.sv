// SPDX-License-Identifier: Apache-2.0
// Assertion of an AXI channel the DMAs drive: once VALID is offered and not taken, VALID and
// the payload bits under `care` stay unchanged until READY (W: the data bytes under the
// strobes).  A `flush` (start of a job, or the side abandoned) may withdraw the offer.  No
// outputs: synthesis keeps nothing of it.
`default_nettype none
`include "xrnpe_assert.svh"
module xrnpe_coproc_axi_hold_check #(
    parameter int W = 8
) (
    input logic         clk,
    input logic         rst_n,
    input logic         flush,
    input logic         valid,
    input logic         ready,
    input logic [W-1:0] payload,
    input logic [W-1:0] care
);
  logic         hold_q, hold_d;  // last cycle offered and not taken: must still be offered
  logic [W-1:0] payload_q;

  assign hold_d = valid && !ready && !flush;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) hold_q <= 1'b0;
    else hold_q <= hold_d;
  end
  always_ff @(posedge clk) payload_q <= payload;

  `XRNPE_ASSERT(stable_until_ready, !hold_q || (valid && ((payload ^ payload_q) & care) == '0),
                clk, rst_n)
endmodule
`default_nettype wire
