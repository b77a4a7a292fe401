// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// Readout normaliser shared by both PEs: the exact two's complement accumulator becomes
// sign, binade (scale) and the fraction after the leading one, plus a sticky bit for every
// nonzero bit below the kept fraction.  That is exactly what the codec encoders round.
module xrnpe_acc_readout #(
    parameter int ACC_W   = xrnpe_pkg::ACC_W,
    parameter int ACC_FRAC = xrnpe_pkg::ACC_FRAC,
    parameter int FRAC_W  = 24,  // fp32 needs 23 mantissa bits + guard; posits need fewer
    parameter int SCALE_W = 8    // holds -ACC_FRAC .. ACC_W-1-ACC_FRAC
) (
    input  logic        [  ACC_W-1:0] acc,
    output logic                      sign,
    output logic signed [SCALE_W-1:0] scale,
    output logic        [ FRAC_W-1:0] frac,
    output logic                      sticky,
    output logic                      zero
);
  localparam int LZ_W = $clog2(ACC_W);
  if (FRAC_W < 1 || FRAC_W > ACC_W - 2) begin : g_bad_frac
    initial $fatal(1, "xrnpe_acc_readout: FRAC_W out of range");
  end
  if ((1 << (SCALE_W - 1)) <= ACC_W - 1 - ACC_FRAC || (1 << (SCALE_W - 1)) < ACC_FRAC)
  begin : g_bad_scale
    initial $fatal(1, "xrnpe_acc_readout: SCALE_W too narrow for the accumulator range");
  end
  if ((1 << LZ_W) != ACC_W) begin : g_bad_w
    initial $fatal(1, "xrnpe_acc_readout: ACC_W must be a power of two");
  end

  logic [ACC_W-1:0] mag, norm;
  logic [LZ_W-1:0] lz;

  assign sign = acc[ACC_W-1];
  // |acc|: the sum never reaches -2^(ACC_W-1) within the K limits, so this cannot overflow
  assign mag  = sign ? -acc : acc;
  assign zero = mag == '0;

  // Leading-zero count and normalisation in one: log2(ACC_W) steps, the step of 2^k shifts
  // left by 2^k when the top 2^k bits are all zero (that decision is bit k of the count).
  // (a function in a continuous assign, not always_comb: docs/rtl-style.md)
  function automatic logic [ACC_W+LZ_W-1:0] normalise(input logic [ACC_W-1:0] m);
    logic [ACC_W-1:0] x;
    logic [LZ_W-1:0] n;
    int k;  // declared here, not in the for: a loop scope costs a thread fork per call in Icarus
    x = m;
    for (k = LZ_W - 1; k >= 0; k--) begin
      n[k] = (x >> (ACC_W - (1 << k))) == '0;
      if (n[k]) x = x << (1 << k);
    end
    normalise = {x, n};
  endfunction
  assign {norm, lz} = normalise(mag);

  // what follows the leading one is the fraction; the rest only matters as sticky
  assign frac   = norm[ACC_W-2-:FRAC_W];
  assign sticky = |norm[ACC_W-2-FRAC_W:0];
  // the MSB of the accumulator weighs 2^(ACC_W-1-ACC_FRAC)
  assign scale  = SCALE_W'(ACC_W - 1 - ACC_FRAC) - SCALE_W'(lz);

  /* verilator lint_off UNUSEDSIGNAL */
  logic unused;
  assign unused = norm[ACC_W-1];  // the leading one itself (hidden bit)
  /* verilator lint_on UNUSEDSIGNAL */
endmodule
`default_nettype wire
