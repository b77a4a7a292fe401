// SPDX-License-Identifier: Apache-2.0
// Assertions of local invariants (docs/rtl-style.md): `XRNPE_ASSERT(name, expr, clk, rst_n)
// checks expr at every rising edge of clk while rst_n is high and ends the simulation with
// $fatal when it fails, so the test that broke the invariant fails at that cycle.  Compiled
// out in synthesis (Yosys defines SYNTHESIS) and with +define+XRNPE_NO_ASSERT.
`ifndef XRNPE_ASSERT_SVH
`define XRNPE_ASSERT_SVH
`ifdef SYNTHESIS
`define XRNPE_NO_ASSERT
`endif
`ifdef XRNPE_NO_ASSERT
`define XRNPE_ASSERT(name, expr, clk, rst_n)
`else
`define XRNPE_ASSERT(name, expr, clk, rst_n) \
  always @(posedge clk or negedge rst_n) begin : name \
    if (rst_n) assert (expr) else $fatal(1, "assertion %m failed: %s", `"expr`"); \
  end
`endif
`endif
