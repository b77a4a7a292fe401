`default_nettype none
// RMMEC alignment: one shifter places every lane product at its accumulator position.
//
// p16 uses it as a plain 0..112 left shift (coarse 64/32 steps, then 16/8/4/2/1).  In the
// SIMD modes the coarse steps idle and the lane products are first spread over the shifter
// (fixed wiring, one mux level), then the fine steps shift each lane by its own amount: the
// select of every bit comes from the lane whose region the bit lies in.  Lanes start far
// enough apart (>= 28 bits; shifts are at most 24) that no lane's bits ever reach the next
// region, with the steps applied largest first, so no masking is needed.
//
//   shifter bit:    0      8    10      44  52 54      80 82    108 110         137
//   p8    lane 0 at 0  -> window [35:10];   lane 1 at 44  -> window [79:54]
//   4-ln  lane 0 at 8  -> window [31:10];   lane 1 at 52  -> window [75:54]
//         lane 2 at 80 -> window [103:82];  lane 3 at 108 -> window [131:110]
//   p16   product at 0 -> window [137:24] (LSB 2^-56 = accumulator LSB)
//
// Windows of lanes 0/1 share their LSBs in both SIMD modes, so one 4-input signed reducer
// (LSB 2^-12) serves p8 and fp4/p4.  Signs: conditional complement per lane plus the count of
// negative lanes as a carry-in (p16: complement here, +1 as the accumulator's carry-in).
module rmmec_align (
    input  logic [ 25:0] prod,    // lane products (rmmec_mul layout)
    input  logic [ 23:0] tsum,    // shift amounts (rmmec_scale_add layout)
    input  logic [  3:0] psign,   // product sign per lane (p16: lane 0)
    input  logic         m16,
    input  logic         m8,
    input  logic         m4,
    output logic [114:0] addend,  // two's complement, LSB 2^-56, bit 114 = sign
    output logic         cin
);
  localparam int VW = 138;  // 26-bit p16 product shifted by up to 112
  localparam int RW = 29;   // reducer: 4 x 27-bit signed windows
  localparam int RED_POS = 44;  // LSB 2^-12 in accumulator bits (56 - 12)

  // Bit i of step 2^k moves when the shift amount of the lane owning bit i has bit k set.
  function automatic logic [VW-1:0] region_mask(input int lo, input int hi);
    region_mask = '0;
    for (int i = lo; i < hi; i++) region_mask[i] = 1'b1;
  endfunction
  localparam logic [VW-1:0] R8_0 = region_mask(0, 44);
  localparam logic [VW-1:0] R8_1 = region_mask(44, VW);
  localparam logic [VW-1:0] R4_0 = region_mask(0, 52);
  localparam logic [VW-1:0] R4_1 = region_mask(52, 80);
  localparam logic [VW-1:0] R4_2 = region_mask(80, 108);
  localparam logic [VW-1:0] R4_3 = region_mask(108, VW);

  logic [6:0] t16;        // p16 shift amount (fields 0-1 with the carry through bit 5)
  logic [19:0] tl;        // SIMD lane L shift amount in tl[5L+4:5L] (field L)
  assign t16 = {tsum[7:6], tsum[4:0]};
  for (genvar l = 0; l < 4; l++) begin : g_tl
    assign tl[5*l+:5] = tsum[6*l+:5];
  end

  // observation points (the isolation test watches win/ls; v is the shifter output)
  /* verilator lint_off UNUSEDSIGNAL */
  logic [103:0] win;      // SIMD lane windows (26 bits each), LSB 2^-12 (constant 0 in p16 mode)
  logic [3:0] ls;         // SIMD lane signs (constant 0 in p16 mode)
  logic [VW-1:0] v;       // shifter output
  /* verilator lint_on UNUSEDSIGNAL */

  // One process for the whole stage.  It works on local variables and writes each output
  // once: a process that reads back its own outputs retriggers itself in Icarus.
  always_comb begin
    logic [VW-1:0] x;
    logic [103:0] w;
    logic [3:0] sg;
    logic [VW-1:0] sel;
    logic signed [RW-1:0] red;
    logic s16;

    // coarse steps (p16 only), or spread the SIMD lane fields to their start bits
    x = '0;
    if (m16) begin
      x = VW'(prod);
      if (t16[6]) x = x << 64;
      if (t16[5]) x = x << 32;
    end
    if (m8) begin
      x[11:0]  = prod[11:0];
      x[55:44] = prod[25:14];
    end
    if (m4) begin
      x[11:8]    = prod[3:0];
      x[55:52]   = prod[7:4];
      x[83:80]   = prod[11:8];
      x[111:108] = prod[15:12];
    end

    // fine steps, largest first (see header)
    for (int k = 4; k >= 0; k--) begin
      sel = '0;
      if (m16 && t16[k]) sel = '1;
      if (m8 && tl[5*0+k]) sel = sel | R8_0;
      if (m8 && tl[5*1+k]) sel = sel | R8_1;
      if (m4 && tl[5*0+k]) sel = sel | R4_0;
      if (m4 && tl[5*1+k]) sel = sel | R4_1;
      if (m4 && tl[5*2+k]) sel = sel | R4_2;
      if (m4 && tl[5*3+k]) sel = sel | R4_3;
      x = (x & ~sel) | ((x << (1 << k)) & sel);
    end

    // SIMD: conditional complement per lane, one signed 4-input reducer (+ negative count)
    w[25:0]   = m16 ? '0 : x[35:10];
    w[51:26]  = m16 ? '0 : x[79:54];
    w[77:52]  = m16 ? '0 : 26'(x[103:82]);
    w[103:78] = m16 ? '0 : 26'(x[131:110]);
    sg     = m16 ? 4'b0 : psign;
    red    = RW'(sg[0]) + RW'(sg[1]) + RW'(sg[2]) + RW'(sg[3]);
    for (int l = 0; l < 4; l++) red = red + RW'($signed({1'b0, w[26*l+:26]} ^ {27{sg[l]}}));

    v   = x;
    win = w;
    ls  = sg;

    // p16: complement here, the +1 goes in as the accumulator's carry-in
    s16 = psign[0];
    if (m16) begin
      addend = {s16, x[137:24] ^ {114{s16}}};
      cin    = s16;
    end else begin
      addend = {{(115 - RW - RED_POS) {red[RW-1]}}, red, {RED_POS{1'b0}}};
      cin    = 1'b0;
    end
  end

  /* verilator lint_off UNUSEDSIGNAL */
  logic unused;
  assign unused = ^{tsum[23], tsum[17], tsum[11], tsum[5]};
  /* verilator lint_on UNUSEDSIGNAL */
endmodule
`default_nettype wire
