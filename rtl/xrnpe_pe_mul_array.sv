// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// Unsigned W x W array multiplier: partial-product rows summed by a carry-save tree
// (xrnpe_pp_sum), the same construction as xrnpe_rmmec_mul without the lane masks, so area
// comparisons between xrnpe_pe_baseline and xrnpe_pe_rmmec compare like with like (and no DSP
// block is inferred for either).
module xrnpe_pe_mul_array #(
    parameter int W = 13
) (
    input  logic [  W-1:0] a,
    input  logic [  W-1:0] b,
    output logic [2*W-1:0] p
);
  if (W < 1) begin : g_bad_w
    initial $fatal(1, "xrnpe_pe_mul_array: W must be >= 1");
  end
  // (a function in a continuous assign, not always_comb: docs/rtl-style.md)
  function automatic logic [W*2*W-1:0] pp_rows(input logic [W-1:0] x, input logic [W-1:0] y);
    logic [W-1:0] pp;
    int i;  // declared here, not in the for: a loop scope costs a thread fork per call in Icarus
    for (i = 0; i < W; i++) begin
      pp = {W{x[i]}} & y;
      pp_rows[2*W*i+:2*W] = (2*W)'(pp) << i;
    end
  endfunction
  logic [W*2*W-1:0] rows;
  assign rows = pp_rows(a, b);
  xrnpe_pp_sum #(.ROWS(W), .W(2 * W)) u_sum (.rows(rows), .sum(p));
endmodule
`default_nettype wire
