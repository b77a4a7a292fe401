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

  logic [3:0][25:0] win;  // SIMD lane windows, LSB 2^-12 (constant 0 in p16 mode)
  logic [3:0] ls;         // SIMD lane signs (constant 0 in p16 mode)
  logic [VW-1:0] v;       // shifter output

  // One process for the whole stage (a single evaluation per word in event-driven simulators).
  always_comb begin
    logic [6:0] t16;
    logic [3:0][4:0] tl;
    logic [VW-1:0] sel;
    logic signed [RW-1:0] red;
    logic s16;

    // shift amounts: fields of the segmented scale sum
    t16 = {tsum[7:6], tsum[4:0]};
    for (int l = 0; l < 4; l++) tl[l] = tsum[6*l+:5];

    // coarse steps (p16 only), or spread the SIMD lane fields to their start bits
    v = '0;
    if (m16) begin
      v = VW'(prod);
      if (t16[6]) v = v << 64;
      if (t16[5]) v = v << 32;
    end
    if (m8) begin
      v[11:0]  = prod[11:0];
      v[55:44] = prod[25:14];
    end
    if (m4) begin
      v[11:8]    = prod[3:0];
      v[55:52]   = prod[7:4];
      v[83:80]   = prod[11:8];
      v[111:108] = prod[15:12];
    end

    // fine steps, largest first (see header)
    for (int k = 4; k >= 0; k--) begin
      sel = '0;
      if (m16 && t16[k]) sel = '1;
      if (m8 && tl[0][k]) sel = sel | R8_0;
      if (m8 && tl[1][k]) sel = sel | R8_1;
      if (m4 && tl[0][k]) sel = sel | R4_0;
      if (m4 && tl[1][k]) sel = sel | R4_1;
      if (m4 && tl[2][k]) sel = sel | R4_2;
      if (m4 && tl[3][k]) sel = sel | R4_3;
      v = (v & ~sel) | ((v << (1 << k)) & sel);
    end

    // SIMD: conditional complement per lane, one signed 4-input reducer (+ negative count)
    win[0] = m16 ? '0 : v[35:10];
    win[1] = m16 ? '0 : v[79:54];
    win[2] = m16 ? '0 : 26'(v[103:82]);
    win[3] = m16 ? '0 : 26'(v[131:110]);
    ls     = m16 ? 4'b0 : psign;
    red    = RW'(ls[0]) + RW'(ls[1]) + RW'(ls[2]) + RW'(ls[3]);
    for (int l = 0; l < 4; l++) red = red + RW'($signed({1'b0, win[l]} ^ {27{ls[l]}}));

    // p16: complement here, the +1 goes in as the accumulator's carry-in
    s16 = psign[0];
    if (m16) begin
      addend = {s16, v[137:24] ^ {114{s16}}};
      cin    = s16;
    end else begin
      addend = {{(115 - RW - RED_POS) {red[RW-1]}}, red, {RED_POS{1'b0}}};
      cin    = 1'b0;
    end
  end

  /* verilator lint_off UNUSEDSIGNAL */
  logic unused;
  assign unused = ^{v[23:0], tsum[23], tsum[17], tsum[11], tsum[5]};
  /* verilator lint_on UNUSEDSIGNAL */
endmodule
`default_nettype wire
