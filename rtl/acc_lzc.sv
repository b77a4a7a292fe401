`default_nettype none
// Leading-zero counter for the wide accumulator readout: a binary tree (log2(W) levels of
// 2:1 merges) instead of a priority chain, so a 128-bit count stays shallow and small.
// Written as one procedural loop nest (fast in event-driven simulators; synthesis unrolls it).
module acc_lzc #(
    parameter int W     = 128,            // power of two
    parameter int CNT_W = $clog2(W) + 1
) (
    input  logic [    W-1:0] data,
    output logic [CNT_W-1:0] cnt,       // leading zeros; W-1 (not W) when data == 0
    output logic             all_zero
);
  localparam int LW = $clog2(W);
  if (W < 2 || (1 << LW) != W) begin : g_bad_w
    initial $fatal(1, "acc_lzc: W must be a power of two >= 2 (got %0d)", W);
  end
  if (CNT_W < LW + 1) begin : g_bad_cnt
    initial $fatal(1, "acc_lzc: CNT_W too narrow");
  end

  // Node j of a level covers 2^l bits, node 0 the most significant ones.  vv: some bit set;
  // cc: leading zeros inside the node (meaningful when vv).  Level l+1 is built in place:
  // node j reads nodes 2j and 2j+1, which no lower j has overwritten yet.
  logic [W-1:0] vv;
  logic [W-1:0][LW-1:0] cc;
  always_comb begin
    for (int k = 0; k < W; k++) begin
      vv[k] = data[W-1-k];
      cc[k] = '0;
    end
    for (int l = 0; l < LW; l++) begin
      for (int j = 0; j < (W >> (l + 1)); j++) begin
        if (vv[2*j]) begin
          cc[j] = cc[2*j];
        end else begin
          cc[j] = cc[2*j+1] | LW'(1 << l);  // upper child (2^l bits) is all zeros
        end
        vv[j] = vv[2*j] | vv[2*j+1];
      end
    end
  end

  assign cnt      = CNT_W'(cc[0]);
  assign all_zero = ~vv[0];
endmodule
`default_nettype wire
