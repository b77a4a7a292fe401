// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// RMMEC mantissa multiplier: one 13x13 multiplier (p16: hidden bit + 12 fraction bits) that
// splits into 2 independent 6x6 multipliers (p8) or 4 independent 2x2 ones (fp4; p4
// mantissas are just the hidden bit).  Operand bits of lane L sit at the same positions in
// A and B, so lane L's product lands at twice that offset:
//
//   mode  lane operand bits (A and B)         lane product bits
//   p16   [12:0]                              [25:0]
//   p8    L0 [5:0], L1 [12:7]  (bit 6 = 0)    L0 [11:0], L1 [25:14]
//   4-ln  L [2L+1:2L], L = 0..3 (bits 12:8=0) L [4L+3:4L]
//
// The 13x13 product is built from the operands' halves H = [12:6] and L = [5:0]:
// A*B = HH*2^12 + (HL + LH)*2^6 + LL.  In p8 the diagonal products HH and LL are the two lane
// products (H's bit 0 is operand bit 6, which is 0), side by side without a carry between
// them, so p8 uses only the two diagonal multipliers and no adder; the cross products and
// the adder that joins the four see their operands only in p16.  In the 4-lane modes each
// lane is a 2x2 diagonal block with a small multiplier of its own, and the halves' multipliers
// see zeros.  Every part has its operands only in the modes that use it (operand isolation):
// an operand bit fans out to a whole row of partial products, which would toggle otherwise.
module xrnpe_rmmec_mul (
    input  logic [12:0] ma,
    input  logic [12:0] mb,
    input  logic        m16,  // one-hot mode; all zero gives 0
    input  logic        m8,
    input  logic        m4,   // fp4 and p4 (4 lanes)
    output logic [25:0] prod
);
  // the diagonal products: p8 and p16
  logic       diag_on;
  logic [6:0] ah, bh;
  logic [5:0] al, bl;
  assign diag_on = m16 | m8;
  assign ah = diag_on ? ma[12:6] : 7'd0;
  assign bh = diag_on ? mb[12:6] : 7'd0;
  assign al = diag_on ? ma[5:0] : 6'd0;
  assign bl = diag_on ? mb[5:0] : 6'd0;
  logic [13:0] p_hh;
  logic [11:0] p_ll;
  xrnpe_pe_mul_array #(.W(7)) u_hh (.a(ah), .b(bh), .p(p_hh));
  xrnpe_pe_mul_array #(.W(6)) u_ll (.a(al), .b(bl), .p(p_ll));
  logic [25:0] diag;
  assign diag = {p_hh, p_ll};

  // the cross products and their sum with the diagonal: p16 only
  logic [6:0] ah16, bh16;
  logic [5:0] al16, bl16;
  assign ah16 = m16 ? ma[12:6] : 7'd0;
  assign bh16 = m16 ? mb[12:6] : 7'd0;
  assign al16 = m16 ? ma[5:0] : 6'd0;
  assign bl16 = m16 ? mb[5:0] : 6'd0;
  logic [13:0] p_hl, p_lh;
  xrnpe_pe_mul_array #(.W(7)) u_hl (.a(ah16), .b({1'b0, bl16}), .p(p_hl));
  xrnpe_pe_mul_array #(.W(7)) u_lh (.a({1'b0, al16}), .b(bh16), .p(p_lh));
  logic [25:0] full;
  assign full = (m16 ? diag : 26'd0) + {6'd0, p_hl, 6'd0} + {6'd0, p_lh, 6'd0};

  // 4-lane modes: the diagonal 2x2 blocks, lane L's product at [4L+3:4L]
  logic [15:0] blocks;
  for (genvar l = 0; l < 4; l++) begin : g_block
    logic [1:0] a2, b2;
    assign a2 = m4 ? ma[2*l+:2] : 2'b00;
    assign b2 = m4 ? mb[2*l+:2] : 2'b00;
    xrnpe_pe_mul_array #(.W(2)) u_block (.a(a2), .b(b2), .p(blocks[4*l+:4]));
  end
  assign prod = (m16 ? full : diag) | {10'b0, blocks};
endmodule
`default_nettype wire
