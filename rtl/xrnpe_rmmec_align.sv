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
//   lane 0/1, p8: one 12-bit product, shift 0..24, window (x << t)[35:10] (LSB 2^-12).
//   lane 0..3, fp4/p4: the 4-bit product, negated to 5 bits signed, shift 2..18 (scales
//          biased by 5), window (x << t)[23:0] (LSB 2^-12).  Lanes 0/1 have this narrow
//          shifter beside their p8 one, so a 4-lane word never toggles the 36-bit shifters.
//
// One signed reducer (RW = 34 bits, modulo 2^RW: the total fits) serves every mode.  Lane 0's
// input is the p16 f (p16 mode) or SIMD window 0 << 4 (the other inputs are 0 in p16 mode),
// lanes 1..3 take their windows << 4.  Signs: every SIMD lane negates its product before the
// shift, where it is at most 13 bits wide (lanes 0/1: 12-bit p8 or 4-bit fp4/p4 products,
// lanes 2/3: 4-bit), so a sign change toggles only the product's own bits and the window's
// sign extension, not a complement of the whole reducer word with its zero LSBs.  Only p16's
// f is complemented at full width, its +1 entering as a carry-in of the lane 0/1 adder (an
// extra LSB equal to the carry on both operands); in the SIMD modes that complement is off.
// Coarse amount: p16 t[6:3]; SIMD 8, which puts window LSB 2^-12 (reducer bit 4) at
// accumulator bit 64 + 4 - 24 = 44 (the front end places SIMD sums without the byte shifter).
module xrnpe_rmmec_align (
    input  logic [25:0] prod,   // lane products (xrnpe_rmmec_mul layout)
    input  logic [23:0] tsum,   // shift amounts (xrnpe_rmmec_scale_add layout)
    input  logic [ 3:0] psign,  // product sign per lane (p16: lane 0; lanes 1..3 are 0 there)
    input  logic        m16,
    input  logic        m8,
    input  logic        m4,
    output logic [33:0] red,    // two's complement (4-lane modes: bits [27:0]); bit 0 at
                                // accumulator bit 8*coarse - 24
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
    logic [12:0] i0, i1;
    logic [19:0] n4;  // lane l at [5l+4:5l]
    logic [95:0] y4;  // lane l at [24l+23:24l]
    int l;  // declared here, not in the for: a loop scope costs a thread fork per call in Icarus
    /* verilator lint_off UNUSEDSIGNAL */
    logic [35:0] x0, x1;  // bits below the window are 0 (exact products)
    /* verilator lint_on UNUSEDSIGNAL */
    logic [103:0] w;
    logic [RW-1:0] a0, a1, r01, r23;
    logic c16;
    /* verilator lint_off UNUSEDSIGNAL */
    logic [RW:0] t01, t;  // bit 0: the carry-in LSB
    /* verilator lint_on UNUSEDSIGNAL */

    // p16: fine steps on the 26-bit product
    f = s16m ? 33'(p) : 33'd0;
    if (t16_i[0]) f = f << 1;
    if (t16_i[1]) f = f << 2;
    if (t16_i[2]) f = f << 4;

    // p8 lanes 0/1 (inputs are 0 outside p8 mode): signed 13-bit products; |window| < 2^25
    // (|a*b| <= 2^12), so the 26-bit windows hold them signed
    i0 = s8m ? {1'b0, p[11:0]} : 13'd0;
    i1 = s8m ? {1'b0, p[25:14]} : 13'd0;
    if (ps[0]) i0 = -i0;
    if (ps[1]) i1 = -i1;
    x0 = 36'($signed(i0)) << (s8m ? tl_i[4:0] : 5'd0);
    x1 = 36'($signed(i1)) << (s8m ? tl_i[9:5] : 5'd0);
    // fp4/p4 lanes 0..3 (inputs are 0 outside those modes): 5-bit signed products;
    // |window| <= 2^20 (|a*b| <= 2^8 in p4)
    for (l = 0; l < 4; l++) begin
      n4[5*l+:5] = s4m ? {1'b0, p[4*l+:4]} : 5'd0;
      if (ps[l]) n4[5*l+:5] = -n4[5*l+:5];
      y4[24*l+:24] = 24'($signed(n4[5*l+:5])) << (s4m ? tl_i[5*l+:5] : 5'd0);
    end
    w[25:0]   = x0[35:10] | 26'($signed(y4[23:0]));
    w[51:26]  = x1[35:10] | 26'($signed(y4[47:24]));
    w[77:52]  = 26'($signed(y4[71:48]));
    w[103:78] = 26'($signed(y4[95:72]));

    // Reducer, modulo 2^RW (the total fits).  Lane 0 shares its adder input with p16's f
    // (one of them is 0); f is complemented in p16 mode, its +1 entering as a carry-in (an
    // extra LSB equal to the carry on both operands of the lane 0/1 adder).  The 4-lane
    // windows enter zero-extended from 24 bits: their sum fits 24 bits signed (reducer bits
    // [27:4], |sum| <= 2^22), so in those modes bits [33:28] are only carries, which the
    // front end ignores (it extends bit 27), and the adders' top six bits stay quiet.
    c16 = s16m & ps[0];
    a0  = ({1'b0, f} ^ {RW{c16}}) | RW'($signed({x0[35:10], 4'b0}))
        | RW'({y4[23:0], 4'b0});
    a1  = RW'($signed({x1[35:10], 4'b0})) | RW'({y4[47:24], 4'b0});
    r23 = RW'(28'({y4[71:48], 4'b0}) + 28'({y4[95:72], 4'b0}));
    t01 = {a0, c16} + {a1, c16};
    r01 = t01[RW:1];
    t   = {r01 + r23, 1'b0};

    align_f = {t[RW:1], w, s16m ? 4'b0 : ps};  // {red, win, ls}
  endfunction
  // Each shifter gets its amount only in its own modes: the amounts' select nets fan out to
  // every mux level of their shifters (buffer trees), which toggle even with a zero input.
  // (the SIMD shifters' amounts are selected by mode inside align_f)
  logic [2:0] t16_fine;
  assign t16_fine = m16 ? t16[2:0] : 3'd0;
  assign {red, win, ls} = align_f(prod, t16_fine, tl, psign, m16, m8, m4);  // t16[6:3]: coarse

  /* verilator lint_off UNUSEDSIGNAL */
  logic unused;
  assign unused = ^{tsum[23], tsum[17], tsum[11], tsum[5], prod[13:12]};
  /* verilator lint_on UNUSEDSIGNAL */
endmodule
`default_nettype wire
