// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// RMMEC alignment, stage S3 part: fine shifts and the lane reduction.  The coarse byte shift
// that places the result in the accumulator is done after R3 (xrnpe_pe_rmmec, S4), on the
// 34-bit signed value this stage produces, so R3 holds 38 bits instead of a 115-bit addend.
//
// Each shifter is only as wide as the products it can see (synthesis prunes every bit that is
// constant 0), instead of one full-width shifter whose SIMD regions are all shifted at once:
//
//   p16    26-bit product: fine shift 0..7 (t[2:0]) here -> f (33 bits); coarse byte shift
//          c = t[6:3] (0..14) after R3.  Acc bit of f bit 0 = 8c + t[2:0] - 24.
//   lane 0/1 (p8 lane 0/1, or fp4/p4 lane 0/1): one 12-bit input, shift 0..24, window
//          (x << t)[35:10] (LSB 2^-12).  p8 products enter at bit 0, fp4/p4 products at bit 8.
//   lane 2/3 (fp4/p4 only): 4-bit product, shift 4..20, window (x << t)[23:2] (LSB 2^-12).
//
// One signed reducer (RW = 34 bits, modulo 2^RW: the total fits) serves every mode.  Lane 0's
// input is the p16 f (p16 mode) or SIMD window 0 << 4 (the other inputs are 0 in p16 mode),
// lanes 1..3 take their windows << 4.  Signs: lanes 0/1 are complemented and their +1s enter
// as carry-ins of the two adders they pass (an extra LSB equal to the carry on both operands),
// so the p16 product is negated here too (no accumulator carry-in); lanes 2/3 negate their
// 4-bit products before the shift.  Coarse amount: p16 t[6:3]; SIMD 8, which puts window
// LSB 2^-12 (reducer bit 4) at accumulator bit 64 + 4 - 24 = 44.
module xrnpe_rmmec_align (
    input  logic [25:0] prod,   // lane products (xrnpe_rmmec_mul layout)
    input  logic [23:0] tsum,   // shift amounts (xrnpe_rmmec_scale_add layout)
    input  logic [ 3:0] psign,  // product sign per lane (p16: lane 0; lanes 1..3 are 0 there)
    input  logic        m16,
    input  logic        m8,
    input  logic        m4,
    output logic [33:0] red,    // two's complement; bit 0 at accumulator bit 8*coarse - 24
    output logic [ 3:0] coarse  // byte shift applied after R3
);
  localparam int RW = 34;

  logic [6:0] t16;        // p16 shift amount (fields 0-1 with the carry through bit 5)
  logic [19:0] tl;        // SIMD lane L shift amount in tl[5L+4:5L] (field L)
  assign t16 = {tsum[7:6], tsum[4:0]};
  assign tl  = {tsum[22:18], tsum[16:12], tsum[10:6], tsum[4:0]};  // tl[5L+:5] = tsum[6L+:5]
  assign coarse = m16 ? t16[6:3] : 4'd8;

  // observation points (the isolation test watches win/ls)
  /* verilator lint_off UNUSEDSIGNAL */
  logic [103:0] win;      // SIMD lane windows (26 bits each), LSB 2^-12 (constant 0 in p16 mode)
  logic [3:0] ls;         // SIMD lane signs (constant 0 in p16 mode)
  /* verilator lint_on UNUSEDSIGNAL */

  // The whole stage is one function of the inputs, evaluated by a continuous assign (local
  // variables, each output written once), not an always_comb (docs/rtl-style.md, Icarus 11).
  function automatic logic [RW+104+4-1:0] align_f(input logic [25:0] p, input logic [2:0] t16_i,
                                                  input logic [19:0] tl_i, input logic [3:0] ps,
                                                  input logic s16m, input logic s8m,
                                                  input logic s4m);
    logic [32:0] f;
    logic [11:0] i0, i1;
    logic [4:0] n2, n3;
    /* verilator lint_off UNUSEDSIGNAL */
    logic [35:0] x0, x1;  // bits below the window are 0 (exact products)
    logic [23:0] x2, x3;
    /* verilator lint_on UNUSEDSIGNAL */
    logic [103:0] w;
    logic [RW-1:0] a0, a1, b2, b3, r01, r23;
    /* verilator lint_off UNUSEDSIGNAL */
    logic [RW:0] t01, t;  // bit 0: the carry-in LSB
    /* verilator lint_on UNUSEDSIGNAL */

    // p16: fine steps on the 26-bit product
    f = s16m ? 33'(p) : 33'd0;
    if (t16_i[0]) f = f << 1;
    if (t16_i[1]) f = f << 2;
    if (t16_i[2]) f = f << 4;

    // SIMD lanes 0/1 (inputs are 0 outside their modes)
    i0 = (s8m ? p[11:0] : 12'd0) | (s4m ? {p[3:0], 8'd0} : 12'd0);
    i1 = (s8m ? p[25:14] : 12'd0) | (s4m ? {p[7:4], 8'd0} : 12'd0);
    x0 = 36'(i0) << tl_i[4:0];
    x1 = 36'(i1) << tl_i[9:5];
    // lanes 2/3 (fp4/p4 only): the 4-bit product is negated before the shift (5-bit signed;
    // a left shift of a two's complement value is exact), so these windows arrive signed
    n2 = s4m ? {1'b0, p[11:8]} : 5'd0;
    n3 = s4m ? {1'b0, p[15:12]} : 5'd0;
    if (ps[2]) n2 = -n2;
    if (ps[3]) n3 = -n3;
    x2 = 24'($signed(n2)) << tl_i[14:10];
    x3 = 24'($signed(n3)) << tl_i[19:15];
    w[25:0]   = x0[35:10];
    w[51:26]  = x1[35:10];
    w[77:52]  = 26'($signed(x2[23:2]));
    w[103:78] = 26'($signed(x3[23:2]));

    // Reducer, modulo 2^RW (the total fits).  Lanes 0/1 (lane 0 also carries p16's f):
    // conditional complement, each +1 enters as a carry-in (an extra LSB equal to the carry
    // on both operands of an adder).
    a0  = {1'b0, f | {3'b0, w[25:0], 4'b0}} ^ {RW{ps[0]}};
    a1  = {4'b0, w[51:26], 4'b0} ^ {RW{ps[1]}};
    b2  = RW'($signed({w[77:52], 4'b0}));
    b3  = RW'($signed({w[103:78], 4'b0}));
    t01 = {a0, ps[0]} + {a1, ps[0]};
    r01 = t01[RW:1];
    r23 = b2 + b3;
    t   = {r01, ps[1]} + {r23, ps[1]};

    align_f = {t[RW:1], w, s16m ? 4'b0 : ps};  // {red, win, ls}
  endfunction
  assign {red, win, ls} = align_f(prod, t16[2:0], tl, psign, m16, m8, m4);  // t16[6:3]: coarse

  /* verilator lint_off UNUSEDSIGNAL */
  logic unused;
  assign unused = ^{tsum[23], tsum[17], tsum[11], tsum[5], prod[13:12]};
  /* verilator lint_on UNUSEDSIGNAL */
endmodule
`default_nettype wire
