// SPDX-License-Identifier: Apache-2.0
// The job state machine and STATUS: idle, check (configuration), span (three address spans),
// setup and setup2 (tiling), run, drain.  A START is checked before any memory access; a
// failed check ends the job at once with its error code.  While the job runs the scheduler
// walks its steps; a bus error, a bus fault or SOFT_RESET sends it to the drain, which waits
// until both DMAs are idle (a SOFT_RESET drain ends silently, an error drain with the error).
// The machine also owns the cycle counter, the reason of a drain, the PE clear and the
// watchdog limit of both DMAs: WDOG cycles while a job runs, at most DRAIN_WDOG during a
// SOFT_RESET drain, so that a soft reset always ends even if the slave is dead.
`default_nettype none
`include "xrnpe_assert.svh"
module xrnpe_coproc_job_fsm (
    input  logic        clk,
    input  logic        rst_n,
    input  logic        start,
    input  logic        soft_reset,
    input  logic [7:0]  cfg_err,        // configuration check (valid in check)
    input  logic        span_last,      // the last address span is computed (in span)
    input  logic [7:0]  addr_err,       // address check (valid in setup)
    input  logic        sched_done,     // the scheduler queued the job's last step
    input  logic        dp_idle,        // feed, PEs, collector, write DMA all empty
    input  logic        rd_err,
    input  logic        rd_tmo,
    input  logic        rd_proto,
    input  logic        rd_idle,
    input  logic        wr_err,
    input  logic        wr_tmo,
    input  logic        wr_proto,
    input  logic        wr_idle,
    input  logic        invalid_seen,
    input  logic [63:0] job_macs,       // MACs of the job (valid while it runs)
    input  logic [31:0] cfg_wdog,       // watchdog cycles, 0: off
    output logic [2:0]  job_state_q,    // the state (job_e) for benches and coverage
    output logic        busy,
    output logic        in_check,
    output logic        in_span,
    output logic        in_setup,
    output logic        in_setup2,
    output logic        running,
    output logic        drain_end,      // the drain ends this cycle
    output logic [31:0] wd_limit,
    output logic        pe_clear_q,
    output logic        st_done_q,
    output logic        st_error_q,
    output logic        st_invalid_q,
    output logic [7:0]  st_err_code_q,
    output logic [63:0] st_cycles_q,
    output logic [63:0] st_macs_q,
    output logic        job_end_q,      // pulse after a job ends
    output logic        job_end_err_q   // ... with an error
);
  // watchdog bound of a SOFT_RESET drain (cycles without a handshake; docs/coprocessor.md)
  localparam logic [31:0] DRAIN_WDOG = 32'd1024;

  // the encoding is visible to benches and coverage (xrnpe.sim.fcov.JOB_STATES)
  typedef enum logic [2:0] {
    JOB_IDLE, JOB_CHECK, JOB_SPAN, JOB_SETUP, JOB_SETUP2, JOB_RUN, JOB_DRAIN
  } job_e;
  job_e job_q, job_d;

  logic idle, in_drain, dp_stop, bus_fault, run_done, cfg_fail, addr_fail, drain_err_end, fail;
  logic [7:0] drain_err_q, drain_err_d;
  assign idle      = job_q == JOB_IDLE;
  assign busy      = !idle;
  assign in_check  = job_q == JOB_CHECK;
  assign in_span   = job_q == JOB_SPAN;
  assign in_setup  = job_q == JOB_SETUP;
  assign in_setup2 = job_q == JOB_SETUP2;
  assign running   = job_q == JOB_RUN;
  assign in_drain  = job_q == JOB_DRAIN;
  assign bus_fault = rd_tmo || rd_proto || wr_tmo || wr_proto;
  assign dp_stop   = soft_reset || rd_err || wr_err || bus_fault;
  assign run_done  = running && !dp_stop && sched_done && dp_idle;
  // (a SOFT_RESET in the same cycle wins: the job ends silently)
  assign cfg_fail  = in_check && cfg_err != xrnpe_regmap_pkg::ERR_NONE && !soft_reset;
  assign addr_fail = in_setup && addr_err != xrnpe_regmap_pkg::ERR_NONE && !soft_reset;
  assign drain_end = in_drain && rd_idle && wr_idle;
  assign drain_err_end = drain_end && drain_err_q != 0 && !soft_reset;
  assign fail      = cfg_fail || addr_fail || drain_err_end;

  always_comb begin
    job_d = job_q;
    unique case (job_q)
      JOB_IDLE:   if (start) job_d = JOB_CHECK;
      JOB_CHECK:  if (cfg_fail) job_d = JOB_IDLE; else job_d = JOB_SPAN;
      JOB_SPAN:   if (span_last) job_d = JOB_SETUP;
      JOB_SETUP:  if (addr_fail) job_d = JOB_IDLE; else job_d = JOB_SETUP2;
      JOB_SETUP2: job_d = JOB_RUN;
      JOB_RUN:    if (dp_stop) job_d = JOB_DRAIN; else if (run_done) job_d = JOB_IDLE;
      JOB_DRAIN:  if (drain_end) job_d = JOB_IDLE;
      default:    job_d = JOB_IDLE;
    endcase
    // check and setup issue no AXI traffic: a soft reset simply stops them
    if (soft_reset && (in_check || in_span || in_setup || in_setup2)) job_d = JOB_IDLE;
  end

  // The reason of a drain (0: SOFT_RESET), latched when the run stops.
  always_comb begin
    drain_err_d = drain_err_q;
    if (in_drain && soft_reset) drain_err_d = '0;
    else if (running && dp_stop)
      drain_err_d = soft_reset ? 8'd0 :
                    rd_err ? xrnpe_regmap_pkg::ERR_READ_RESP :
                    wr_err ? xrnpe_regmap_pkg::ERR_WRITE_RESP :
                    (rd_proto || wr_proto) ? xrnpe_regmap_pkg::ERR_BUS_PROTOCOL :
                    xrnpe_regmap_pkg::ERR_BUS_TIMEOUT;
  end

  // STATUS, highest priority first: SOFT_RESET and START clear the bits, a job end sets them
  // (START and a job end never meet: START is taken only while idle; a job end in the cycle
  // of a SOFT_RESET is silent).  CYCLES and MACS are written at every job end.
  logic        st_clear, st_done_d, st_error_d, st_invalid_d, pe_clear_d, job_end_d;
  logic [7:0]  st_err_code_d;
  logic [63:0] st_cycles_d, st_macs_d, cyc_q, cyc_d;
  assign st_clear      = soft_reset || (idle && start);
  assign st_done_d     = st_clear ? 1'b0 : (fail || run_done) ? 1'b1 : st_done_q;
  assign st_error_d    = st_clear ? 1'b0 : fail ? 1'b1 : st_error_q;
  assign st_invalid_d  = st_clear ? 1'b0 : (running && invalid_seen) ? 1'b1 : st_invalid_q;
  assign st_err_code_d = st_clear ? 8'd0 :
                         cfg_fail ? cfg_err : addr_fail ? addr_err : drain_err_end ? drain_err_q :
                         st_err_code_q;
  assign st_cycles_d   = (fail || run_done) ? cyc_q + 64'd1 : st_cycles_q;
  assign st_macs_d     = fail ? 64'd0 : run_done ? job_macs : st_macs_q;
  // cycles since START (the end cycle is added when it is reported)
  assign cyc_d         = !idle ? cyc_q + 64'd1 : start ? 64'd0 : cyc_q;
  assign pe_clear_d    = !(in_setup2 || running);
  assign job_end_d     = fail || run_done;

  // a SOFT_RESET drain (drain_err_q 0) waits at most DRAIN_WDOG cycles without a handshake
  assign wd_limit = (in_drain && drain_err_q == 0 &&
                     (cfg_wdog == 0 || cfg_wdog > DRAIN_WDOG)) ? DRAIN_WDOG : cfg_wdog;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      job_q         <= JOB_IDLE;
      drain_err_q   <= '0;
      cyc_q         <= '0;
      st_done_q     <= 1'b0;
      st_error_q    <= 1'b0;
      st_invalid_q  <= 1'b0;
      st_err_code_q <= '0;
      st_cycles_q   <= '0;
      st_macs_q     <= '0;
      job_end_q     <= 1'b0;
      job_end_err_q <= 1'b0;
      pe_clear_q    <= 1'b1;
    end else begin
      job_q         <= job_d;
      drain_err_q   <= drain_err_d;
      cyc_q         <= cyc_d;
      st_done_q     <= st_done_d;
      st_error_q    <= st_error_d;
      st_invalid_q  <= st_invalid_d;
      st_err_code_q <= st_err_code_d;
      st_cycles_q   <= st_cycles_d;
      st_macs_q     <= st_macs_d;
      job_end_q     <= job_end_d;
      job_end_err_q <= fail;
      pe_clear_q    <= pe_clear_d;
    end
  end
  assign job_state_q = job_q;

  `XRNPE_ASSERT(a_job_state_legal, job_q <= JOB_DRAIN, clk, rst_n)
endmodule
`default_nettype wire
