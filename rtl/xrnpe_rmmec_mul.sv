// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// RMMEC mantissa multiplier: one 13x13 partial-product array (p16: hidden bit + 12 fraction
// bits) that splits into 2 independent 6x6 multipliers (p8) or 4 independent 2x2 ones (fp4;
// p4 mantissas are just the hidden bit).  Operand bits of lane L sit at the same positions in
// A and B, so lane L's product lands at twice that offset; masking every partial product
// a[i]*b[j] whose i and j belong to different lanes leaves the lane products in disjoint
// bit fields of the 26-bit result:
//
//   mode  lane operand bits (A and B)         lane product bits
//   p16   [12:0]                              [25:0]
//   p8    L0 [5:0], L1 [12:7]  (bit 6 = 0)    L0 [11:0], L1 [25:14]
//   4-ln  L [2L+1:2L], L = 0..3 (bits 12:8=0) L [4L+3:4L]
//
// Unused operand bits are zero (the decoders of other formats are gated off), so the masks
// only have to remove cross-lane terms.  In the 4-lane modes each lane is a 2x2 diagonal
// block of the array whose product needs no carry-save tree: the blocks' own 2-bit adders
// give the lane products, and the tree's rows are gated to zero (it does not toggle).
module xrnpe_rmmec_mul (
    input  logic [12:0] ma,
    input  logic [12:0] mb,
    input  logic        m16,  // one-hot mode; all zero gives 0
    input  logic        m8,
    input  logic        m4,   // fp4 and p4 (4 lanes)
    output logic [25:0] prod
);
  // MASKn bits [13i+12:13i]: the b bits that share a lane with a[i] in mode n (elaboration constants)
  function automatic logic [169-1:0] lane_masks(input int mode);
    lane_masks = '0;
    for (int i = 0; i < 13; i++) begin
      for (int j = 0; j < 13; j++) begin
        if (mode == 16) lane_masks[13*i+j] = 1'b1;
        if (mode == 8 && ((i <= 5 && j <= 5) || (i >= 7 && j >= 7))) lane_masks[13*i+j] = 1'b1;
      end
    end
  endfunction
  localparam logic [169-1:0] MASK8 = lane_masks(8);

  // the masked partial-product rows (a function in a continuous assign, not always_comb:
  // docs/rtl-style.md), summed by a carry-save tree
  function automatic logic [13*26-1:0] pp_rows(input logic [12:0] a, input logic [12:0] b,
                                               input logic s16, input logic s8);
    logic [169-1:0] msk;  // row i at [13*i +: 13]: the b bits a[i] meets in this mode
    logic [12:0] pp;
    int i;  // declared here, not in the for: a loop scope costs a thread fork per call in Icarus
    msk = (s16 ? '1 : '0) | (s8 ? MASK8 : '0);
    for (i = 0; i < 13; i++) begin
      pp = {13{a[i]}} & b & msk[13*i+:13];
      pp_rows[26*i+:26] = 26'(pp) << i;
    end
  endfunction
  logic [13*26-1:0] rows;
  logic [25:0]      tree;
  assign rows = pp_rows(ma, mb, m16, m8);
  xrnpe_pp_sum #(.ROWS(13), .W(26)) u_sum (.rows(rows), .sum(tree));

  // 4-lane modes: the diagonal 2x2 blocks, lane L's product at [4L+3:4L]
  logic [15:0] blocks;
  for (genvar l = 0; l < 4; l++) begin : g_block
    logic [1:0] a2, b2;
    assign a2 = m4 ? ma[2*l+:2] : 2'b00;
    assign b2 = m4 ? mb[2*l+:2] : 2'b00;
    xrnpe_pe_mul_array #(.W(2)) u_block (.a(a2), .b(b2), .p(blocks[4*l+:4]));
  end
  assign prod = tree | {10'b0, blocks};
endmodule
`default_nettype wire
