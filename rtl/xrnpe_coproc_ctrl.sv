// SPDX-License-Identifier: Apache-2.0
// Job controller: checks the configuration at START, derives the tiling, and walks the
// schedule of steps.  A step is (panel p, row block ib, K chunk c), c innermost:
//   panel   = up to PW = COLS << TPB_LOG2 columns of C whose Bt rows fit in one B slot,
//   block   = ROWS rows of A,
//   chunk   = up to ABUF_WORDS words of K (only when a row does not fit in one A slot).
// It wires five small blocks: the configuration check (combinational), the job state
// machine with STATUS (xrnpe_coproc_job_fsm), the job snapshot and tiling
// (xrnpe_coproc_job_snap), the address-span check (xrnpe_coproc_span_check, three cycles
// before any memory access) and the scheduler with the buffer-slot bookkeeping
// (xrnpe_coproc_sched).
`default_nettype none
module xrnpe_coproc_ctrl #(
    parameter int ROWS = 4,
    parameter int COLS = 4,
    parameter int DATA_W = 64,
    parameter int ABUF_WORDS = 128,
    parameter int BBUF_WORDS = 256,
    parameter int CBUF_TILES = 16,
    // derived (xrnpe_coproc_pkg), not to be overridden
    localparam int RN_W = xrnpe_coproc_pkg::rn_w(ROWS, COLS, CBUF_TILES),
    localparam int NB_W = xrnpe_coproc_pkg::nb_w(ABUF_WORDS, DATA_W),
    localparam int KC_W = xrnpe_coproc_pkg::kc_w(ABUF_WORDS),
    localparam int VR_W = xrnpe_coproc_pkg::vr_w(ROWS),
    localparam int FW = xrnpe_pkg::FMT_W
) (
    input  logic            clk,
    input  logic            rst_n,
    // configuration registers
    input  xrnpe_pkg::fmt_e cfg_in_fmt,
    input  xrnpe_pkg::fmt_e cfg_out_fmt,
    input  logic [31:0]     cfg_m,
    input  logic [31:0]     cfg_n,
    input  logic [31:0]     cfg_k,
    input  logic [31:0]     cfg_a_base,
    input  logic [31:0]     cfg_a_stride,
    input  logic [31:0]     cfg_b_base,
    input  logic [31:0]     cfg_b_stride,
    input  logic [31:0]     cfg_c_base,
    input  logic [31:0]     cfg_c_stride,
    input  logic [31:0]     cfg_rd_win_base,   // DMA windows (inclusive limits)
    input  logic [31:0]     cfg_rd_win_limit,
    input  logic [31:0]     cfg_wr_win_base,
    input  logic [31:0]     cfg_wr_win_limit,
    input  logic [31:0]     cfg_wdog,          // watchdog cycles, 0: off
    input  logic            start,
    input  logic            soft_reset,
    // job-wide values for the datapath (stable while running)
    output logic            job_clr,           // pulse at START: empties every queue
    output logic            running,           // datapath may issue work
    output logic [FW-1:0]   job_in_fmt,
    output logic [FW-1:0]   job_out_fmt,
    output logic [1:0]      job_esz,           // log2 of the C element size in bytes
    output logic [15:0]     job_lastmask,      // lanes kept in the last word of a row
    output logic [4:0]      job_tstride_log2,  // B buffer entries per tile (log2)
    output logic [16:0]     job_n,
    output logic [31:0]     job_a_stride,      // snapshots: registers written while BUSY
    output logic [31:0]     job_b_stride,      // never affect the running job
    output logic [31:0]     job_c_stride,
    output logic            pe_clear,          // PEs are held cleared outside a running job
    output logic [31:0]     wd_limit,          // watchdog limit of both DMAs (0: off)
    // read DMA command queue
    output logic            rdq_push,
    input  logic            rdq_full,
    output logic            rdq_is_b,
    output logic            rdq_slot,
    output logic [31:0]     rdq_addr,
    output logic [RN_W-1:0] rdq_nrows,
    output logic [NB_W-1:0] rdq_nbeats,
    input  logic            rd_done,           // a load finished (in queue order)
    input  logic            rd_done_is_b,
    input  logic            rd_done_slot,
    input  logic            rd_err,
    input  logic            rd_tmo,
    input  logic            rd_proto,
    input  logic            rd_idle,
    // step queue to the feed
    output logic            stq_push,
    input  logic            stq_full,
    output logic            stq_a_slot,
    output logic            stq_b_slot,
    output logic            stq_a_rel,
    output logic            stq_b_rel,
    output logic            stq_first,
    output logic            stq_last,
    output logic [KC_W-1:0] stq_kcw,
    output logic [VR_W-1:0] stq_vrows,
    output logic [16:0]     stq_j0,
    output logic [RN_W-1:0] stq_seg_cols,
    output logic [31:0]     stq_c_addr,
    output logic [1:0]      a_loaded,
    output logic [1:0]      b_loaded,
    input  logic            a_release,
    input  logic            a_release_slot,
    input  logic            b_release,
    input  logic            b_release_slot,
    input  logic            dp_idle,           // feed, PEs, collector, write DMA all empty
    input  logic            wr_err,
    input  logic            wr_tmo,
    input  logic            wr_proto,
    input  logic            wr_idle,
    input  logic            invalid_seen,
    // status
    output logic            st_busy,
    output logic            st_done,
    output logic            st_error,
    output logic            st_invalid,
    output logic [7:0]      st_err_code,
    output logic [63:0]     st_cycles,
    output logic [63:0]     st_macs,
    output logic            job_end,
    output logic            job_end_err
);
  // the job machine's state (JOB_IDLE .. JOB_DRAIN): benches and coverage read it here
  /* verilator lint_off UNUSEDSIGNAL */
  logic [2:0] job_q;
  /* verilator lint_on UNUSEDSIGNAL */
  logic       in_check, in_span, in_setup, in_setup2, drain_end, sched_done;

  // ------------------------------------------------------------------ configuration check
  logic [7:0]  cfg_err;
  logic [1:0]  cfg_esz;
  logic [32:0] cfg_kw;
  logic [15:0] cfg_lastmask;
  xrnpe_coproc_cfg_check #(.DATA_W(DATA_W)) u_cfg_check (
    .cfg_in_fmt, .cfg_out_fmt, .cfg_m, .cfg_n, .cfg_k, .cfg_a_base, .cfg_a_stride,
    .cfg_b_base, .cfg_b_stride, .cfg_c_base, .cfg_c_stride,
    .err(cfg_err), .esz(cfg_esz), .kw(cfg_kw), .lastmask(cfg_lastmask));

  // ------------------------------------------------------------------ job snapshot
  logic [31:0] a_base, b_base, c_base, a_blk_step, b_pan_step, c_blk_step, c_pan_step;
  logic [31:0] chunk_bytes;
  logic [16:0] m, kw, kwe, kcw, pw;
  logic        chunked;
  logic [63:0] job_macs;
  xrnpe_coproc_job_snap #(
    .ROWS(ROWS), .COLS(COLS), .DATA_W(DATA_W), .ABUF_WORDS(ABUF_WORDS),
    .BBUF_WORDS(BBUF_WORDS), .CBUF_TILES(CBUF_TILES)
  ) u_snap (
    .clk, .load_cfg(in_check), .load_tiling(in_setup), .load_steps(in_setup2),
    .cfg_in_fmt, .cfg_out_fmt, .cfg_m(cfg_m[16:0]), .cfg_n(cfg_n[16:0]), .cfg_k(cfg_k[16:0]),
    .cfg_a_base, .cfg_a_stride, .cfg_b_base, .cfg_b_stride, .cfg_c_base, .cfg_c_stride,
    .cfg_esz, .cfg_kw, .cfg_lastmask,
    .in_fmt_q(job_in_fmt), .out_fmt_q(job_out_fmt), .esz_q(job_esz), .lastmask_q(job_lastmask),
    .a_base_q(a_base), .a_stride_q(job_a_stride), .b_base_q(b_base),
    .b_stride_q(job_b_stride), .c_base_q(c_base), .c_stride_q(job_c_stride),
    .m_q(m), .n_q(job_n), .kw_q(kw), .kwe_q(kwe), .chunked_q(chunked), .kcw_q(kcw),
    .tstride_log2_q(job_tstride_log2), .pw_q(pw), .a_blk_step_q(a_blk_step),
    .b_pan_step_q(b_pan_step), .c_blk_step_q(c_blk_step), .c_pan_step_q(c_pan_step),
    .chunk_bytes_q(chunk_bytes), .macs_q(job_macs));

  // ------------------------------------------------------------------ address check
  logic       span_last;
  logic [7:0] addr_err;
  xrnpe_coproc_span_check #(.DATA_W(DATA_W)) u_span_check (
    .clk, .rst_n, .restart(in_check), .step(in_span), .m, .n(job_n), .kwe, .esz(job_esz),
    .a_base, .a_stride(job_a_stride), .b_base, .b_stride(job_b_stride), .c_base,
    .c_stride(job_c_stride), .rd_win_base(cfg_rd_win_base), .rd_win_limit(cfg_rd_win_limit),
    .wr_win_base(cfg_wr_win_base), .wr_win_limit(cfg_wr_win_limit),
    .last(span_last), .err(addr_err));

  // ------------------------------------------------------------------ job state machine
  xrnpe_coproc_job_fsm u_job (
    .clk, .rst_n, .start, .soft_reset, .cfg_err, .span_last, .addr_err, .sched_done, .dp_idle,
    .rd_err, .rd_tmo, .rd_proto, .rd_idle, .wr_err, .wr_tmo, .wr_proto, .wr_idle,
    .invalid_seen, .job_macs, .cfg_wdog,
    .job_state_q(job_q), .busy(st_busy), .in_check, .in_span, .in_setup, .in_setup2, .running,
    .drain_end,
    .wd_limit, .pe_clear_q(pe_clear), .st_done_q(st_done), .st_error_q(st_error),
    .st_invalid_q(st_invalid), .st_err_code_q(st_err_code), .st_cycles_q(st_cycles),
    .st_macs_q(st_macs), .job_end_q(job_end), .job_end_err_q(job_end_err));
  assign job_clr = start;

  // ------------------------------------------------------------------ scheduler
  xrnpe_coproc_sched #(
    .ROWS(ROWS), .COLS(COLS), .DATA_W(DATA_W), .ABUF_WORDS(ABUF_WORDS),
    .CBUF_TILES(CBUF_TILES)
  ) u_sched (
    .clk, .rst_n, .setup(in_setup2), .running, .drain_end, .done(sched_done),
    .m, .n(job_n), .kw, .chunked, .kcw, .pw, .a_base, .b_base, .c_base, .a_blk_step,
    .b_pan_step, .c_blk_step, .c_pan_step, .chunk_bytes,
    .rdq_push, .rdq_full, .rdq_is_b, .rdq_slot, .rdq_addr, .rdq_nrows, .rdq_nbeats,
    .rd_done, .rd_done_is_b, .rd_done_slot,
    .stq_push, .stq_full, .stq_a_slot, .stq_b_slot, .stq_a_rel, .stq_b_rel, .stq_first,
    .stq_last, .stq_kcw, .stq_vrows, .stq_j0, .stq_seg_cols, .stq_c_addr,
    .a_loaded, .b_loaded, .a_release, .a_release_slot, .b_release, .b_release_slot);
endmodule
`default_nettype wire
