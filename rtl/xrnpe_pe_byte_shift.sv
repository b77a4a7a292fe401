// SPDX-License-Identifier: Apache-2.0
// Coarse byte shift of a front end's signed, finely aligned product or lane sum into the
// accumulator's addend (stage S4, before the accumulator adder): bit 0 of `red` lands at
// accumulator bit 8*coarse - 24.  Bits that fall below the accumulator LSB are 0 for exact
// products, so they are dropped.  A function in a continuous assign, not an always_comb
// (docs/rtl-style.md, Icarus).
`default_nettype none
module xrnpe_pe_byte_shift #(
    localparam int AW = xrnpe_pe_pkg::ADDEND_W,
    localparam int YW = AW + 24  // the shifted sum before its 24 bits below the LSB go
) (
    input  logic [33:0]   red,     // two's complement
    input  logic [3:0]    coarse,  // shift in bytes, 0..15
    output logic [AW-1:0] addend   // two's complement, LSB 2^-ACC_FRAC
);
  function automatic logic [AW-1:0] byte_shift(input logic [33:0] r, input logic [3:0] c);
    /* verilator lint_off UNUSEDSIGNAL */
    logic [YW-1:0] y;
    /* verilator lint_on UNUSEDSIGNAL */
    y = YW'($signed(r));
    if (c[0]) y = y << 8;
    if (c[1]) y = y << 16;
    if (c[2]) y = y << 32;
    if (c[3]) y = y << 64;
    byte_shift = y[YW-1:24];
  endfunction
  assign addend = byte_shift(red, coarse);
endmodule
`default_nettype wire
