// SPDX-License-Identifier: Apache-2.0
// Clock gate of one register group: clk_o pulses only in the cycles whose en_i is high at the
// rising edge of clk_i.  The enable passes through a latch that is open while clk_i is low, so
// an en_i that settles during the high phase cannot cut or stretch a pulse: the integrated
// clock-gating cell of a standard-cell library (latch + AND).  No test enable: the flow
// inserts no scan chain.
//
// Three views with the same ports, one per flow (docs/ppa.md, "Clock gating"):
//   this file             behavioural, read by the simulators and the equivalence check
//   tech/osu018/          the same circuit from osu018 cells (INVX1, LATCH, AND2X1)
//   tech/fpga/            no gate: clk_o = clk_i and the enable goes to the flip-flops' clock
//                         enable (FPGAs gate clocks only in dedicated buffers); the ASIC flow's
//                         "ungated" reference view as well
// The registers behind a gate write when reg_en_o is high: 1 in the gated views (the pulse
// carries the enable, so no hold multiplexer is built), en_i in the ungated view.
`default_nettype none
module xrnpe_prim_clock_gate (
    input  logic clk_i,
    input  logic en_i,
    output logic clk_o,
    output logic reg_en_o
);
  logic en_latched;
  always_latch begin  // (a blocking assignment: Verilator runs latches as combinational logic)
    if (!clk_i) en_latched = en_i;
  end
  assign clk_o    = clk_i & en_latched;
  assign reg_en_o = 1'b1;
endmodule
`default_nettype wire
