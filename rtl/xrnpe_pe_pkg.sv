// SPDX-License-Identifier: Apache-2.0
// The PE kinds of the one PE shell (xrnpe_pe_core, xrnpe_pe_shell) and what every front end
// hands to the shared accumulator.  A kind names the front end between the shared operand
// stage R1 and the accumulator, as cvfpu names its merged and parallel slices:
//   PE_RMMEC     merged: one reconfigurable datapath for every format (xrnpe_pe_front_rmmec)
//   PE_BASELINE  parallel: one lane set per format, muxed (xrnpe_pe_front_baseline)
//   PE_WIDE      one Posit(16,1)-wide lane, formats serialised through it (xrnpe_pe_front_wide)
`ifndef XRNPE_PE_PKG_SV
`define XRNPE_PE_PKG_SV
package xrnpe_pe_pkg;
  /* verilator lint_off UNUSEDPARAM */  // not every module uses every constant
  localparam int PE_RMMEC = 0;
  localparam int PE_BASELINE = 1;
  localparam int PE_WIDE = 2;

  // addend bits a front end delivers, LSB 2^-ACC_FRAC: a Posit(16,1) product (26 bits) shifted
  // by up to 112, plus its sign; bit ADDEND_W-1 is the sign, extended by the accumulator
  localparam int ADDEND_W = 115;
  /* verilator lint_on UNUSEDPARAM */
endpackage
`endif
