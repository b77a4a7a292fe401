`default_nettype none
// Unsigned W x W array multiplier written as a partial-product row sum, the same
// construction as rmmec_mul without the lane masks, so area comparisons between pe_baseline
// and pe_rmmec compare like with like (and no DSP block is inferred for either).
module pe_mul_array #(
    parameter int W = 13
) (
    input  logic [  W-1:0] a,
    input  logic [  W-1:0] b,
    output logic [2*W-1:0] p
);
  if (W < 1) begin : g_bad_w
    initial $fatal(1, "pe_mul_array: W must be >= 1");
  end
  always_comb begin
    logic [2*W-1:0] acc;
    acc = '0;
    for (int i = 0; i < W; i++) acc = acc + ((2*W)'({W{a[i]}} & b) << i);
    p = acc;
  end
endmodule
`default_nettype wire
