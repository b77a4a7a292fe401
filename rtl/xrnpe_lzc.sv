// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// Leading-zero counter: number of zeros above the most significant set bit of `data`.
// An all-zero input gives cnt = W and all_zero = 1.  Shared by the posit decoder (regime run).
module xrnpe_lzc #(
    parameter int W     = 8,
    parameter int CNT_W = $clog2(W + 1)  // wide enough to hold the value W
) (
    input  logic      [    W-1:0] data,
    output logic      [CNT_W-1:0] cnt,
    output logic                  all_zero
);
  if (W < 1) begin : g_bad_w
    initial $fatal(1, "xrnpe_lzc: W must be >= 1 (got %0d)", W);
  end
  if (CNT_W < $clog2(W + 1)) begin : g_bad_cnt_w
    initial $fatal(1, "xrnpe_lzc: CNT_W must be >= $clog2(W+1)");
  end

  // Scanning LSB to MSB leaves the position of the highest set bit (a priority chain that
  // synthesis turns into a tree).  Written as a chain of continuous assigns, one per bit,
  // rather than a loop in an always_comb (docs/rtl-style.md, tool traps: Icarus 11).
  // The linter sees the array as one variable feeding itself; per element the chain is acyclic.
  /* verilator lint_off UNOPTFLAT */
  logic [CNT_W-1:0] c[W+1];  // c[i+1]: the count given bits [i:0]
  /* verilator lint_on UNOPTFLAT */
  assign c[0] = CNT_W'(W);
  for (genvar i = 0; i < W; i++) begin : g_bit
    assign c[i+1] = data[i] ? CNT_W'(W - 1 - i) : c[i];
  end
  assign cnt = c[W];

  assign all_zero = ~|data;
endmodule
`default_nettype wire
