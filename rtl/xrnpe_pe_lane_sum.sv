// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// Stage S3b of the baseline PE (xrnpe_pe_front_baseline): every format's lane products aligned
// to their window and summed, and the active format's sum placed at its accumulator position
// (sign-extended; p16 negated in ones' complement with the +1 as cin).  Inputs are R3a's
// registers, lane l of a per-lane field at [w*l +: w]; only the active format's are read (the
// other formats' registers hold, docs/pe.md "Clock gating").
module xrnpe_pe_lane_sum #(
    localparam int AW = xrnpe_pe_pkg::ADDEND_W
) (
    input  logic [15:0]   f_p,    // fp4: lane products, scale sums, signs
    input  logic [11:0]   f_t,
    input  logic [3:0]    f_s,
    input  logic [3:0]    q_nz,   // p4: nonzero, scale sums, signs
    input  logic [19:0]   q_t,
    input  logic [3:0]    q_s,
    input  logic [23:0]   e_p,    // p8
    input  logic [9:0]    e_t,
    input  logic [1:0]    e_s,
    input  logic [25:0]   h_p,    // p16
    input  logic [6:0]    h_t,
    input  logic          h_s,
    input  logic          fp4,    // the active format (one-hot)
    input  logic          p4,
    input  logic          p8,
    input  logic          p16,
    output logic [AW-1:0] addend,
    output logic          cin
);
  if (AW != 115) begin : g_bad_aw
    initial $fatal(1, "xrnpe_pe_lane_sum: laid out for xrnpe_pe_pkg::ADDEND_W = 115");
  end

  // (a function in a continuous assign, not always_comb: docs/rtl-style.md)
  function automatic logic [115:0] lane_sum(
      input logic [15:0] fp, input logic [11:0] ft, input logic [3:0] fs,
      input logic [3:0] qnz, input logic [19:0] qt, input logic [3:0] qs,
      input logic [23:0] ep, input logic [9:0] et, input logic [1:0] es,
      input logic [25:0] hp, input logic [6:0] ht, input logic hs,
      input logic is_f, input logic is_q, input logic is_e, input logic is_h);
    logic signed [10:0] f_sum;   // 4 x 9-bit signed, LSB 2^-2
    logic signed [19:0] q_sum;   // 4 x 18-bit signed, LSB 2^-8
    logic signed [27:0] e_sum;   // 2 x 27-bit signed, LSB 2^-12
    logic [16:0] qw;
    /* verilator lint_off UNUSEDSIGNAL */
    logic [9:0] fw;    // bits below the windows are zero (exact products)
    logic [35:0] ew;
    logic [137:0] hw;
    /* verilator lint_on UNUSEDSIGNAL */
    logic [114:0] add;
    logic c;
    int l;  // declared here, not in the for: a loop scope costs a thread fork per call in Icarus
    f_sum = '0;
    for (l = 0; l < 4; l++) begin
      fw    = (10'(fp[4*l+:4]) << ft[3*l+:3]);         // window = fw >> 2: 8 bits
      f_sum = f_sum + 11'($signed({1'b0, fw[9:2]} ^ {9{fs[l]}})) + 11'(fs[l]);
    end
    q_sum = '0;
    for (l = 0; l < 4; l++) begin
      qw    = qnz[l] ? (17'd1 << qt[5*l+:5]) : 17'd0;
      q_sum = q_sum + 20'($signed({1'b0, qw} ^ {18{qs[l]}})) + 20'(qs[l]);
    end
    e_sum = '0;
    for (l = 0; l < 2; l++) begin
      ew    = (36'(ep[12*l+:12]) << et[5*l+:5]);       // window = ew >> 10: 26 bits
      e_sum = e_sum + 28'($signed({1'b0, ew[35:10]} ^ {27{es[l]}})) + 28'(es[l]);
    end
    hw = (138'(hp) << ht);                             // window = hw >> 24: 114 bits

    // the active format's lane sum, sign-extended at its accumulator position
    add = '0;
    c   = 1'b0;
    // sign-extended up to the top of the format's accumulator segments (fp4 bit 79, p4 and
    // p8 bit 95; xrnpe_acc_seg holds the others), not across the width no sum of it reaches
    if (is_f) add = {35'b0, {15{f_sum[10]}}, f_sum, 54'b0};           // 2^-2 = bit 54
    if (is_q) add = {19'b0, {28{q_sum[19]}}, q_sum, 48'b0};           // 2^-8 = bit 48
    if (is_e) add = {19'b0, {24{e_sum[27]}}, e_sum, 44'b0};           // 2^-12 = bit 44
    if (is_h) begin
      add = {hs, hw[137:24] ^ {114{hs}}};
      c   = hs;
    end
    lane_sum = {add, c};
  endfunction
  assign {addend, cin} = lane_sum(f_p, f_t, f_s, q_nz, q_t, q_s, e_p, e_t, e_s, h_p, h_t, h_s, fp4,
                                  p4, p8, p16);
endmodule
`default_nettype wire
