// SPDX-License-Identifier: Apache-2.0
// The part of the co-processor's register block that no field property describes, kept out of
// the generated xrnpe_coproc_regs: which CTRL writes become commands (SOFT_RESET wins over a
// START written with it; a START while busy is refused and flags STATUS.START_REFUSED until
// the next accepted START or SOFT_RESET), what sets the interrupt causes (a job's end) and
// clears them (SOFT_RESET), and the level interrupt.  Combinational: the flags it sets and
// clears are the generated storage of STATUS.START_REFUSED and IRQ_STATUS.
`default_nettype none
module xrnpe_coproc_regs_events (
    input  logic       ctrl_start,         // CTRL.START written with 1
    input  logic       ctrl_soft_reset,    // CTRL.SOFT_RESET written with 1
    input  logic       st_busy,
    input  logic       job_end,            // pulse: a job ended
    input  logic       job_end_err,        // with an error
    input  logic [1:0] irq_enable,         // IRQ_ENABLE {ERROR, DONE}
    input  logic [1:0] irq_status,         // IRQ_STATUS {ERROR, DONE}
    output logic       start,              // accepted START (never while busy)
    output logic       soft_reset,
    output logic       start_refused_set,  // STATUS.START_REFUSED
    output logic       start_refused_clr,
    output logic [1:0] irq_status_set,     // IRQ_STATUS {ERROR, DONE}
    output logic       irq_status_clr,
    output logic       irq
);
  assign soft_reset        = ctrl_soft_reset;
  assign start             = ctrl_start && !ctrl_soft_reset && !st_busy;
  assign start_refused_set = ctrl_start && !ctrl_soft_reset && st_busy;
  assign start_refused_clr = start || soft_reset;
  assign irq_status_set    = {job_end && job_end_err, job_end && !job_end_err};
  assign irq_status_clr    = soft_reset;
  assign irq               = |(irq_status & irq_enable);
endmodule
`default_nettype wire
