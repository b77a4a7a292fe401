// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// RMMEC exponent processing: one segmented adder for the product scales of every lane.
// Operands are biased scales packed in four 5-bit fields with a spare bit between fields
// (field f = bits [6f+4:6f], gap = bit 6f+5).  A 0 in both operands' gap bits kills the
// carry at the lane boundary; p16 (one wide lane spanning fields 0-1) sets operand A's bit 5
// to 1 so the carry ripples through.  The sums are the aligner's shift amounts.
module xrnpe_rmmec_scale_add (
    input  logic [23:0] sa,
    input  logic [23:0] sb,
    input  logic        m16,
    output logic [23:0] sum
);
  // gap bits of the inputs are 0 by construction; only bit 5 ever propagates
  assign sum = (sa | {18'b0, m16, 5'b0}) + sb;
endmodule
`default_nettype wire
