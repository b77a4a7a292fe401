// SPDX-License-Identifier: Apache-2.0
// Job controller: checks the configuration at START, derives the tiling, and walks the
// schedule of steps.  A step is (panel p, row block ib, K chunk c), c innermost:
//   panel   = up to PW = COLS << TPB_LOG2 columns of C whose Bt rows fit in one B slot,
//   block   = ROWS rows of A,
//   chunk   = up to ABUF_WORDS words of K (only when a row does not fit in one A slot).
// Two small state machines: the job machine (idle, check, setup, run, drain) owns STATUS, the
// counters and the abort drain; the producer machine, active while the job runs, allocates
// A/B buffer slots for each step (two of each: the next step's operands load while the
// current one computes), queues their loads on the read DMA and queues the step for the feed.
// The configuration check is combinational logic of its own; the address check (spans of A,
// Bt and C against wrap-around, the DMA windows and each other) follows in three cycles that
// share one 16x32 multiplier, before any memory access.  The controller also sets the
// watchdog limit of the two DMAs: WDOG_CYCLES while a job runs, at most DRAIN_WDOG cycles
// during a SOFT_RESET drain, so that a soft reset always ends even if the slave is dead.
`default_nettype none
`include "xrnpe_assert.svh"
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
  localparam int WPB = xrnpe_coproc_pkg::words_per_beat(DATA_W);
  localparam int WPB_LOG2 = xrnpe_coproc_pkg::clog2i(WPB);
  localparam int DB_LOG2 = xrnpe_coproc_pkg::clog2i(DATA_W / 8);
  localparam int A_SLOT_E = xrnpe_coproc_pkg::a_slot_entries(ABUF_WORDS, DATA_W);
  localparam int B_SLOT_E = xrnpe_coproc_pkg::b_slot_entries(BBUF_WORDS, DATA_W);
  localparam int A_SLOT_E_LOG2 = xrnpe_coproc_pkg::clog2i(A_SLOT_E);
  localparam int B_SLOT_E_LOG2 = xrnpe_coproc_pkg::clog2i(B_SLOT_E);
  localparam int CT_LOG2 = xrnpe_coproc_pkg::clog2i(CBUF_TILES);
  // watchdog bound of a SOFT_RESET drain (cycles without a handshake; docs/coprocessor.md)
  localparam logic [31:0] DRAIN_WDOG = 32'd1024;

  // ================================================================== configuration check
  logic [1:0]  lanes_log2;
  logic [31:0] k_max;
  logic [1:0]  esz;
  logic        in_fmt_ok, out_fmt_ok;
  always_comb begin
    in_fmt_ok = 1'b1;
    unique case (cfg_in_fmt)
      xrnpe_pkg::FMT_FP4: begin lanes_log2 = 2'd2; k_max = 32'(xrnpe_pkg::FP4_K_MAX); end
      xrnpe_pkg::FMT_P4:  begin lanes_log2 = 2'd2; k_max = 32'(xrnpe_pkg::P4_K_MAX); end
      xrnpe_pkg::FMT_P8:  begin lanes_log2 = 2'd1; k_max = 32'(xrnpe_pkg::P8_K_MAX); end
      xrnpe_pkg::FMT_P16: begin lanes_log2 = 2'd0; k_max = 32'(xrnpe_pkg::P16_K_MAX); end
      default: begin lanes_log2 = 2'd0; k_max = 32'(xrnpe_pkg::P16_K_MAX); in_fmt_ok = 1'b0; end
    endcase
    out_fmt_ok = 1'b1;
    unique case (cfg_out_fmt)
      xrnpe_pkg::FMT_FP32: esz = 2'd2;
      xrnpe_pkg::FMT_P16:  esz = 2'd1;
      xrnpe_pkg::FMT_FP4, xrnpe_pkg::FMT_P4, xrnpe_pkg::FMT_P8: esz = 2'd0;
      default: begin esz = 2'd0; out_fmt_ok = 1'b0; end
    endcase
  end

  // K <= 65536 is only guaranteed after the checks; 33 bits keep the arithmetic exact anyway.
  logic [32:0] kw_full;
  logic [33:0] row_bytes, c_row_bytes;
  logic [31:0] db_mask, es_mask;
  assign kw_full     = ({1'b0, cfg_k} + ((33'd1 << lanes_log2) - 33'd1)) >> lanes_log2;
  assign row_bytes   = {kw_full, 1'b0};
  assign c_row_bytes = {2'b00, cfg_n} << esz;
  assign db_mask     = 32'((1 << DB_LOG2) - 1);
  assign es_mask     = (32'd1 << esz) - 32'd1;

  // the first failing check wins (docs/regmap.md lists the codes)
  logic [7:0] chk_err;
  always_comb begin
    if (!in_fmt_ok) chk_err = xrnpe_regmap_pkg::ERR_BAD_IN_FMT;
    else if (!out_fmt_ok) chk_err = xrnpe_regmap_pkg::ERR_BAD_OUT_FMT;
    else if (cfg_m == 0 || cfg_n == 0 || cfg_k == 0) chk_err = xrnpe_regmap_pkg::ERR_ZERO_DIM;
    else if (cfg_k > k_max) chk_err = xrnpe_regmap_pkg::ERR_K_TOO_LARGE;
    else if (((cfg_a_base | cfg_a_stride | cfg_b_base | cfg_b_stride) & db_mask) != 0 ||
             ((cfg_c_base | cfg_c_stride) & es_mask) != 0)
      chk_err = xrnpe_regmap_pkg::ERR_UNALIGNED;
    else if ({2'b00, cfg_a_stride} < row_bytes || {2'b00, cfg_b_stride} < row_bytes ||
             {2'b00, cfg_c_stride} < c_row_bytes)
      chk_err = xrnpe_regmap_pkg::ERR_STRIDE_TOO_SMALL;
    else if (cfg_m > 32'd65536 || cfg_n > 32'd65536) chk_err = xrnpe_regmap_pkg::ERR_DIM_TOO_LARGE;
    else chk_err = xrnpe_regmap_pkg::ERR_NONE;
  end

  // Lanes of the last word of a row that hold elements (K mod lanes of them, all if 0).
  logic [15:0] lastmask;
  always_comb begin
    unique case (lanes_log2)
      2'd2: begin
        unique case (cfg_k[1:0])
          2'd1: lastmask = 16'h000F;
          2'd2: lastmask = 16'h00FF;
          2'd3: lastmask = 16'h0FFF;
          default: lastmask = 16'hFFFF;
        endcase
      end
      2'd1: lastmask = cfg_k[0] ? 16'h00FF : 16'hFFFF;
      default: lastmask = 16'hFFFF;
    endcase
  end

  // ================================================================== job state machine
  typedef enum logic [2:0] {
    JOB_IDLE, JOB_CHECK, JOB_SPAN, JOB_SETUP, JOB_SETUP2, JOB_RUN, JOB_DRAIN
  } job_e;
  typedef enum logic [2:0] {P_STEP, P_A, P_B, P_PUSH, P_DONE} prod_e;
  job_e  job_q, job_d;
  prod_e prod_q, prod_d;

  logic in_setup, dp_stop, run_done, cfg_fail, addr_fail, drain_end, bus_fault;
  logic [7:0] addr_err;
  logic [1:0] span_q;  // span being computed: 0 A, 1 Bt, 2 C
  assign in_setup  = job_q == JOB_CHECK || job_q == JOB_SPAN || job_q == JOB_SETUP ||
                     job_q == JOB_SETUP2;
  assign bus_fault = rd_tmo || rd_proto || wr_tmo || wr_proto;
  assign dp_stop   = soft_reset || rd_err || wr_err || bus_fault;
  assign run_done  = job_q == JOB_RUN && !dp_stop && prod_q == P_DONE && dp_idle;
  // (a SOFT_RESET in the same cycle wins: the job ends silently)
  assign cfg_fail  = job_q == JOB_CHECK && chk_err != xrnpe_regmap_pkg::ERR_NONE && !soft_reset;
  assign addr_fail = job_q == JOB_SETUP && addr_err != xrnpe_regmap_pkg::ERR_NONE && !soft_reset;
  assign drain_end = job_q == JOB_DRAIN && rd_idle && wr_idle;

  always_comb begin
    job_d = job_q;
    unique case (job_q)
      JOB_IDLE:   if (start) job_d = JOB_CHECK;
      JOB_CHECK:  if (cfg_fail) job_d = JOB_IDLE; else job_d = JOB_SPAN;
      JOB_SPAN:   if (span_q == 2'd2) job_d = JOB_SETUP;
      JOB_SETUP:  if (addr_fail) job_d = JOB_IDLE; else job_d = JOB_SETUP2;
      JOB_SETUP2: job_d = JOB_RUN;
      JOB_RUN:    if (dp_stop) job_d = JOB_DRAIN; else if (run_done) job_d = JOB_IDLE;
      JOB_DRAIN:  if (drain_end) job_d = JOB_IDLE;
      default:    job_d = JOB_IDLE;
    endcase
    // check and setup issue no AXI traffic: a soft reset simply stops them
    if (soft_reset && in_setup) job_d = JOB_IDLE;
  end

  // status, counters and the reason of a drain (0: soft reset)
  logic [63:0] cyc_q, macs_job_q;
  logic [7:0]  drain_err_q;
  logic        drain_err_end;
  assign drain_err_end = drain_end && drain_err_q != 0 && !soft_reset;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      job_q       <= JOB_IDLE;
      st_done     <= 1'b0;
      st_error    <= 1'b0;
      st_invalid  <= 1'b0;
      st_err_code <= '0;
      st_cycles   <= '0;
      st_macs     <= '0;
      cyc_q       <= '0;
      drain_err_q <= '0;
      job_end     <= 1'b0;
      job_end_err <= 1'b0;
      pe_clear    <= 1'b1;
    end else begin
      job_q       <= job_d;
      job_end     <= cfg_fail || addr_fail || run_done || drain_err_end;
      job_end_err <= cfg_fail || addr_fail || drain_err_end;
      pe_clear    <= !(job_q == JOB_SETUP2 || job_q == JOB_RUN);
      if (job_q != JOB_IDLE) cyc_q <= cyc_q + 64'd1;
      if (job_q == JOB_IDLE && start) begin
        cyc_q       <= '0;
        st_done     <= 1'b0;
        st_error    <= 1'b0;
        st_invalid  <= 1'b0;
        st_err_code <= '0;
      end
      if (invalid_seen && job_q == JOB_RUN) st_invalid <= 1'b1;
      if (job_q == JOB_RUN && dp_stop)
        drain_err_q <= soft_reset ? 8'd0 :
                       rd_err ? xrnpe_regmap_pkg::ERR_READ_RESP :
                       wr_err ? xrnpe_regmap_pkg::ERR_WRITE_RESP :
                       (rd_proto || wr_proto) ? xrnpe_regmap_pkg::ERR_BUS_PROTOCOL :
                       xrnpe_regmap_pkg::ERR_BUS_TIMEOUT;
      if (job_q == JOB_DRAIN && soft_reset) drain_err_q <= '0;
      if (cfg_fail || addr_fail || drain_err_end) begin
        st_done     <= 1'b1;
        st_error    <= 1'b1;
        st_err_code <= cfg_fail ? chk_err : addr_fail ? addr_err : drain_err_q;
        st_cycles   <= cyc_q + 64'd1;
        st_macs     <= '0;
      end
      if (run_done) begin
        st_done   <= 1'b1;
        st_cycles <= cyc_q + 64'd1;
        st_macs   <= macs_job_q;
      end
      if (soft_reset) begin
        st_done     <= 1'b0;
        st_error    <= 1'b0;
        st_invalid  <= 1'b0;
        st_err_code <= '0;
      end
    end
  end

  assign st_busy = job_q != JOB_IDLE;
  // a SOFT_RESET drain (drain_err_q 0) waits at most DRAIN_WDOG cycles without a handshake
  assign wd_limit = (job_q == JOB_DRAIN && drain_err_q == 0 &&
                     (cfg_wdog == 0 || cfg_wdog > DRAIN_WDOG)) ? DRAIN_WDOG : cfg_wdog;
  assign running = job_q == JOB_RUN;
  assign job_clr = start;

  // ------------------------------------------------------------------ job parameters
  // Latched at the check and the two setup cycles, read only while running: no reset.
  logic [16:0] m_q, n_q, k_q;   // 1..65536
  logic [16:0] kw_q;            // words per row
  logic [16:0] kwe_q;           // beats (buffer entries) per row
  logic        chunked_q;       // a row does not fit in one A slot: stream K in chunks
  logic [16:0] kcw_q;           // words per full chunk
  logic [4:0]  tstride_log2_q;
  logic [4:0]  tpb_log2_q;      // col tiles per panel (log2)
  logic [16:0] pw_q;            // columns per panel
  logic [31:0] a_blk_step_q, b_pan_step_q, c_blk_step_q, c_pan_step_q, chunk_bytes_q;
  logic [33:0] mn_q;
  logic [31:0] a_base_q, b_base_q, c_base_q;

  // ceil(log2(v)) of a 17-bit value >= 1
  function automatic logic [4:0] clog2_17(input logic [16:0] v);
    clog2_17 = 5'd0;
    for (int i = 16; i >= 0; i--)
      if ((17'd1 << i) >= v) clog2_17 = 5'(i);
  endfunction

  always_ff @(posedge clk) begin
    if (job_q == JOB_CHECK) begin
      job_in_fmt   <= cfg_in_fmt;
      job_out_fmt  <= cfg_out_fmt;
      job_esz      <= esz;
      job_lastmask <= lastmask;
      job_a_stride <= cfg_a_stride;
      job_b_stride <= cfg_b_stride;
      job_c_stride <= cfg_c_stride;
      a_base_q     <= cfg_a_base;
      b_base_q     <= cfg_b_base;
      c_base_q     <= cfg_c_base;
      m_q          <= cfg_m[16:0];
      n_q          <= cfg_n[16:0];
      k_q          <= cfg_k[16:0];
      kw_q         <= kw_full[16:0];
      kwe_q        <= 17'((kw_full + 33'(WPB - 1)) >> WPB_LOG2);
    end
    if (job_q == JOB_SETUP) begin
      chunked_q <= kwe_q > 17'(A_SLOT_E);
      if (kwe_q > 17'(A_SLOT_E)) begin
        kcw_q          <= 17'(ABUF_WORDS);
        tstride_log2_q <= 5'(A_SLOT_E_LOG2);
        tpb_log2_q     <= '0;  // the chunk loop is innermost, so one tile per step
      end else begin
        kcw_q          <= kw_q;
        tstride_log2_q <= clog2_17(kwe_q);
        tpb_log2_q     <= (5'(B_SLOT_E_LOG2) - clog2_17(kwe_q)) > 5'(CT_LOG2) ?
                          5'(CT_LOG2) : 5'(B_SLOT_E_LOG2) - clog2_17(kwe_q);
      end
      mn_q <= m_q * n_q;
    end
    if (job_q == JOB_SETUP2) begin
      macs_job_q    <= 64'(mn_q * 51'(k_q));
      pw_q          <= 17'(COLS) << tpb_log2_q;
      a_blk_step_q  <= 32'(ROWS) * job_a_stride;
      b_pan_step_q  <= (32'(COLS) * job_b_stride) << tpb_log2_q;
      c_blk_step_q  <= 32'(ROWS) * job_c_stride;
      c_pan_step_q  <= (32'(COLS) << tpb_log2_q) << job_esz;
      chunk_bytes_q <= {14'd0, kcw_q, 1'b0};
    end
  end
  assign job_n = n_q;
  assign job_tstride_log2 = tstride_log2_q;

  // ================================================================== address check
  // Spans (first and last byte) of the job's memory accesses, from the snapshot:
  //   A:  A_BASE .. A_BASE + (M-1)*A_STRIDE + roundup(2*KW, DATA_BYTES) - 1   (whole beats read)
  //   Bt: B_BASE .. B_BASE + (N-1)*B_STRIDE + roundup(2*KW, DATA_BYTES) - 1
  //   C:  C_BASE .. C_BASE + (M-1)*C_STRIDE + N*size - 1                      (bytes written)
  // computed one per cycle in JOB_SPAN with one 16x32 multiplier (M, N <= 65536 by then).
  // Bit 32 of an end is set when the span passes the top of the 32-bit space.
  logic [15:0] sp_cnt;
  logic [31:0] sp_stride, sp_base;
  logic [18:0] sp_len;  // bytes of one row: <= 2**18
  logic [47:0] sp_prod;
  logic [48:0] sp_end;
  logic [32:0] a_end_q, b_end_q, c_end_q;
  always_comb begin
    unique case (span_q)
      2'd0: begin
        sp_cnt = 16'(m_q - 17'd1); sp_stride = job_a_stride; sp_base = a_base_q;
        sp_len = 19'({kwe_q, {DB_LOG2{1'b0}}});
      end
      2'd1: begin
        sp_cnt = 16'(n_q - 17'd1); sp_stride = job_b_stride; sp_base = b_base_q;
        sp_len = 19'({kwe_q, {DB_LOG2{1'b0}}});
      end
      default: begin
        sp_cnt = 16'(m_q - 17'd1); sp_stride = job_c_stride; sp_base = c_base_q;
        sp_len = 19'(n_q) << job_esz;
      end
    endcase
  end
  assign sp_prod = 48'(sp_cnt) * 48'(sp_stride);
  assign sp_end  = 49'(sp_base) + 49'(sp_prod) + 49'(sp_len) - 49'd1;

  always_ff @(posedge clk) begin
    if (job_q == JOB_CHECK) span_q <= '0;
    if (job_q == JOB_SPAN) begin
      span_q <= span_q + 2'd1;
      unique case (span_q)
        2'd0: a_end_q <= {|sp_end[48:32], sp_end[31:0]};
        2'd1: b_end_q <= {|sp_end[48:32], sp_end[31:0]};
        default: c_end_q <= {|sp_end[48:32], sp_end[31:0]};
      endcase
    end
  end

  // first failing check wins: wrap, read window, write window, overlap of C with A or Bt
  always_comb begin
    if (a_end_q[32] || b_end_q[32] || c_end_q[32]) addr_err = xrnpe_regmap_pkg::ERR_ADDR_WRAP;
    else if (a_base_q < cfg_rd_win_base || a_end_q[31:0] > cfg_rd_win_limit ||
             b_base_q < cfg_rd_win_base || b_end_q[31:0] > cfg_rd_win_limit)
      addr_err = xrnpe_regmap_pkg::ERR_READ_WINDOW;
    else if (c_base_q < cfg_wr_win_base || c_end_q[31:0] > cfg_wr_win_limit)
      addr_err = xrnpe_regmap_pkg::ERR_WRITE_WINDOW;
    else if ((c_base_q <= a_end_q[31:0] && a_base_q <= c_end_q[31:0]) ||
             (c_base_q <= b_end_q[31:0] && b_base_q <= c_end_q[31:0]))
      addr_err = xrnpe_regmap_pkg::ERR_C_OVERLAP;
    else addr_err = xrnpe_regmap_pkg::ERR_NONE;
  end

  // ================================================================== producer state machine
  logic [16:0] i0_q, j0_q, w0_q;
  logic [31:0] a_row_addr_q, b_pan_addr_q, c_row_addr_q, c_pan_addr_q, chunk_off_q;
  logic        first_step_q, need_b_q;
  logic        a_next_q, b_next_q, a_cur_q, b_cur_q;
  logic [1:0]  a_alloc_q, b_alloc_q, a_loaded_q, b_loaded_q;

  logic [17:0] w0_next, i0_next, j0_next;
  logic        last_c, last_ib, last_p, last_step, single_a;
  logic [16:0] step_kcw;
  /* verilator lint_off UNUSEDSIGNAL */  // the schedule keeps them below 2**RN_W (see below)
  logic [16:0] a_rows, b_rows;
  /* verilator lint_on UNUSEDSIGNAL */
  assign w0_next   = {1'b0, w0_q} + {1'b0, kcw_q};
  assign i0_next   = {1'b0, i0_q} + 18'(ROWS);
  assign j0_next   = {1'b0, j0_q} + {1'b0, pw_q};
  assign last_c    = w0_next >= {1'b0, kw_q};
  assign last_ib   = i0_next >= {1'b0, m_q};
  assign last_p    = j0_next >= {1'b0, n_q};
  assign last_step = last_c && last_ib && last_p;
  assign single_a  = (m_q <= 17'(ROWS)) && !chunked_q;  // one A block for the whole job
  assign step_kcw  = last_c ? kw_q - w0_q : kcw_q;
  assign b_rows    = last_p ? n_q - j0_q : pw_q;
  assign a_rows    = last_ib ? m_q - i0_q : 17'(ROWS);

  // a load is queued when its slot is free; a step is queued when the feed can take it
  logic rdq_fire;
  assign rdq_push = running && ((prod_q == P_A && !a_alloc_q[a_next_q] && !rdq_full) ||
                                (prod_q == P_B && need_b_q && !b_alloc_q[b_next_q] && !rdq_full));
  assign rdq_fire = rdq_push;
  assign stq_push = running && prod_q == P_PUSH && !stq_full;

  always_comb begin
    prod_d = prod_q;
    if (job_q == JOB_SETUP2) begin
      prod_d = P_STEP;
    end else if (job_q == JOB_RUN) begin
      unique case (prod_q)
        P_STEP: if (first_step_q || !single_a) prod_d = P_A; else prod_d = P_B;
        P_A:    if (rdq_fire) prod_d = P_B;
        P_B:    if (!need_b_q || rdq_fire) prod_d = P_PUSH;
        P_PUSH: if (stq_push && last_step) prod_d = P_DONE; else if (stq_push) prod_d = P_STEP;
        default: ;
      endcase
    end else if (drain_end) begin
      prod_d = P_DONE;
    end
  end

  // the producer's state and the buffer-slot bookkeeping are reset; the schedule position
  // is set up before the producer starts
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      prod_q     <= P_DONE;
      a_alloc_q  <= '0;
      b_alloc_q  <= '0;
      a_loaded_q <= '0;
      b_loaded_q <= '0;
    end else begin
      prod_q <= prod_d;
      if (rd_done && !rd_done_is_b) a_loaded_q[rd_done_slot] <= 1'b1;
      if (rd_done && rd_done_is_b) b_loaded_q[rd_done_slot] <= 1'b1;
      if (a_release) begin
        a_loaded_q[a_release_slot] <= 1'b0;
        a_alloc_q[a_release_slot]  <= 1'b0;
      end
      if (b_release) begin
        b_loaded_q[b_release_slot] <= 1'b0;
        b_alloc_q[b_release_slot]  <= 1'b0;
      end
      if (rdq_fire && prod_q == P_A) a_alloc_q[a_next_q] <= 1'b1;
      if (rdq_fire && prod_q == P_B) b_alloc_q[b_next_q] <= 1'b1;
      if (job_q == JOB_SETUP2) begin
        a_alloc_q  <= '0;
        b_alloc_q  <= '0;
        a_loaded_q <= '0;
        b_loaded_q <= '0;
      end
    end
  end
  assign a_loaded = a_loaded_q;
  assign b_loaded = b_loaded_q;

  always_ff @(posedge clk) begin
    if (job_q == JOB_SETUP2) begin
      i0_q         <= '0;
      j0_q         <= '0;
      w0_q         <= '0;
      a_row_addr_q <= a_base_q;
      b_pan_addr_q <= b_base_q;
      c_row_addr_q <= c_base_q;
      c_pan_addr_q <= c_base_q;
      chunk_off_q  <= '0;
      first_step_q <= 1'b1;
      a_next_q     <= 1'b0;
      b_next_q     <= 1'b0;
      a_cur_q      <= 1'b0;
      b_cur_q      <= 1'b0;
    end else if (job_q == JOB_RUN) begin
      if (prod_q == P_STEP) need_b_q <= first_step_q || chunked_q || (i0_q == 0 && w0_q == 0);
      if (prod_q == P_A && rdq_fire) begin
        a_cur_q  <= a_next_q;
        a_next_q <= !a_next_q;
      end
      if (prod_q == P_B && rdq_fire) begin
        b_cur_q  <= b_next_q;
        b_next_q <= !b_next_q;
      end
      if (stq_push) begin  // advance the schedule: chunk, then row block, then panel
        first_step_q <= 1'b0;
        if (!last_c) begin
          w0_q        <= w0_next[16:0];
          chunk_off_q <= chunk_off_q + chunk_bytes_q;
        end else begin
          w0_q        <= '0;
          chunk_off_q <= '0;
          if (!last_ib) begin
            i0_q         <= i0_next[16:0];
            a_row_addr_q <= a_row_addr_q + a_blk_step_q;
            c_row_addr_q <= c_row_addr_q + c_blk_step_q;
          end else begin
            i0_q         <= '0;
            a_row_addr_q <= a_base_q;
            j0_q         <= j0_next[16:0];
            b_pan_addr_q <= b_pan_addr_q + b_pan_step_q;
            c_row_addr_q <= c_pan_addr_q + c_pan_step_q;
            c_pan_addr_q <= c_pan_addr_q + c_pan_step_q;
          end
        end
      end
    end
  end

  // the load and step descriptors (the feed and read DMA use the narrow fields; the schedule
  // keeps a_rows <= ROWS and b_rows <= PW, so they fit)
  assign rdq_slot     = prod_q == P_A ? a_next_q : b_next_q;
  assign rdq_is_b     = prod_q == P_B;
  assign rdq_addr     = (prod_q == P_A ? a_row_addr_q : b_pan_addr_q) + chunk_off_q;
  assign rdq_nrows    = prod_q == P_A ? RN_W'(a_rows) : RN_W'(b_rows);
  assign rdq_nbeats   = NB_W'((step_kcw + 17'(WPB - 1)) >> WPB_LOG2);
  assign stq_a_slot   = a_cur_q;
  assign stq_b_slot   = b_cur_q;
  assign stq_a_rel    = last_step || !single_a;
  assign stq_b_rel    = last_step || chunked_q || (last_ib && last_c);
  assign stq_first    = w0_q == 0;
  assign stq_last     = last_c;
  assign stq_kcw      = KC_W'(step_kcw);
  assign stq_vrows    = VR_W'(a_rows);
  assign stq_j0       = j0_q;
  assign stq_seg_cols = RN_W'(b_rows);
  assign stq_c_addr   = c_row_addr_q;

  // ------------------------------------------------------------------ invariants
  // a slot is loaded and released only while it is allocated, and allocated only when free
  `XRNPE_ASSERT(a_load_of_allocated_slot,
                !(rd_done && !rd_done_is_b) || a_alloc_q[rd_done_slot], clk, rst_n)
  `XRNPE_ASSERT(b_load_of_allocated_slot,
                !(rd_done && rd_done_is_b) || b_alloc_q[rd_done_slot], clk, rst_n)
  `XRNPE_ASSERT(a_release_of_loaded_slot, !a_release || a_loaded_q[a_release_slot], clk, rst_n)
  `XRNPE_ASSERT(b_release_of_loaded_slot, !b_release || b_loaded_q[b_release_slot], clk, rst_n)
  `XRNPE_ASSERT(producer_idle_outside_run,
                job_q == JOB_RUN || job_q == JOB_SETUP2 || !(rdq_push || stq_push), clk, rst_n)
endmodule
`default_nettype wire
