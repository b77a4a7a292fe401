// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// Logical right shift that also reports whether any 1 bit was shifted out (the sticky bit
// of round-to-nearest).  Shifts of W or more give dout = 0 and sticky = |din.
module xrnpe_shift_right_sticky #(
    parameter int W    = 32,
    parameter int SH_W = $clog2(W + 1)
) (
    input  logic      [   W-1:0] din,
    input  logic      [SH_W-1:0] shamt,
    output logic      [   W-1:0] dout,
    output logic                 sticky
);
  if (W < 1 || SH_W < 1) begin : g_bad_params
    initial $fatal(1, "xrnpe_shift_right_sticky: W and SH_W must be >= 1");
  end

  // A shift by >= W yields 0 in SystemVerilog, so the mask below is all ones then.
  logic [W-1:0] lost_mask;
  assign lost_mask = ~({W{1'b1}} << shamt);
  assign dout      = din >> shamt;
  assign sticky    = |(din & lost_mask);
endmodule
`default_nettype wire
