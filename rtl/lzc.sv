`default_nettype none
// Leading-zero counter: number of zeros above the most significant set bit of `data`.
// An all-zero input gives cnt = W and all_zero = 1.  Shared by the posit decoder (regime run).
module lzc #(
    parameter int W     = 8,
    parameter int CNT_W = $clog2(W + 1)  // wide enough to hold the value W
) (
    input  logic      [    W-1:0] data,
    output logic      [CNT_W-1:0] cnt,
    output logic                  all_zero
);
  if (W < 1) begin : g_bad_w
    initial $fatal(1, "lzc: W must be >= 1 (got %0d)", W);
  end
  if (CNT_W < $clog2(W + 1)) begin : g_bad_cnt_w
    initial $fatal(1, "lzc: CNT_W must be >= $clog2(W+1)");
  end

  // Scanning LSB to MSB leaves the position of the highest set bit (a priority chain that
  // synthesis turns into a tree); no early exit keeps it in the portable subset.
  always_comb begin
    cnt = CNT_W'(W);
    for (int i = 0; i < W; i++) begin
      if (data[i]) cnt = CNT_W'(W - 1 - i);
    end
  end

  assign all_zero = ~|data;
endmodule
`default_nettype wire
