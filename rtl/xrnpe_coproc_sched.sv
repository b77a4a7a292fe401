// SPDX-License-Identifier: Apache-2.0
// Scheduler: walks the job's steps (panel p, row block ib, K chunk c; c innermost) while the
// job runs.  For each step the producer machine allocates an A slot (unless one A block serves
// the whole job) and, when the step starts a panel or K is chunked, a B slot, queues their
// loads on the read DMA and then queues the step for the feed.  Two slots of each operand let
// the next step's operands load while the current one computes.
`default_nettype none
`include "xrnpe_assert.svh"
module xrnpe_coproc_sched #(
    parameter int ROWS = 4,
    parameter int COLS = 4,
    parameter int DATA_W = 64,
    parameter int ABUF_WORDS = 128,
    parameter int CBUF_TILES = 16,
    // derived (xrnpe_coproc_pkg), not to be overridden
    localparam int RN_W = xrnpe_coproc_pkg::rn_w(ROWS, COLS, CBUF_TILES),
    localparam int NB_W = xrnpe_coproc_pkg::nb_w(ABUF_WORDS, DATA_W),
    localparam int KC_W = xrnpe_coproc_pkg::kc_w(ABUF_WORDS),
    localparam int VR_W = xrnpe_coproc_pkg::vr_w(ROWS)
) (
    input  logic            clk,
    input  logic            rst_n,
    input  logic            setup,         // the job starts: first step, every slot free
    input  logic            running,
    input  logic            drain_end,     // an aborted job ends: nothing left to schedule
    output logic            done,          // the job's last step is queued
    // the job (snapshot)
    input  logic [16:0]     m,
    input  logic [16:0]     n,
    input  logic [16:0]     kw,
    input  logic            chunked,
    input  logic [16:0]     kcw,
    input  logic [16:0]     pw,
    input  logic [31:0]     a_base,
    input  logic [31:0]     b_base,
    input  logic [31:0]     c_base,
    input  logic [31:0]     a_blk_step,
    input  logic [31:0]     b_pan_step,
    input  logic [31:0]     c_blk_step,
    input  logic [31:0]     c_pan_step,
    input  logic [31:0]     chunk_bytes,
    // read DMA command queue
    output logic            rdq_push,
    input  logic            rdq_full,
    output logic            rdq_is_b,
    output logic            rdq_slot,
    output logic [31:0]     rdq_addr,
    output logic [RN_W-1:0] rdq_nrows,
    output logic [NB_W-1:0] rdq_nbeats,
    input  logic            rd_done,       // a load finished (in queue order)
    input  logic            rd_done_is_b,
    input  logic            rd_done_slot,
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
    input  logic            b_release_slot
);
  localparam int WPB = xrnpe_coproc_pkg::words_per_beat(DATA_W);
  localparam int WPB_LOG2 = xrnpe_coproc_pkg::clog2i(WPB);

  typedef enum logic [2:0] {P_STEP, P_A, P_B, P_PUSH, P_DONE} prod_e;
  prod_e prod_q, prod_d;

  // ------------------------------------------------------------------ schedule position
  logic [16:0] i0_q, j0_q, w0_q;   // first row, column and word of the step
  logic [31:0] a_row_addr_q, b_pan_addr_q, c_row_addr_q, c_pan_addr_q, chunk_off_q;
  logic        first_step_q, need_b_q;
  logic        a_next_q, b_next_q, a_cur_q, b_cur_q;  // slot of the next load, of the step

  logic [17:0] w0_next, i0_next, j0_next;
  logic        last_c, last_ib, last_p, last_step, single_a;
  logic [16:0] step_kcw;
  /* verilator lint_off UNUSEDSIGNAL */  // the schedule keeps them below 2**RN_W (see below)
  logic [16:0] a_rows, b_rows;
  /* verilator lint_on UNUSEDSIGNAL */
  assign w0_next   = {1'b0, w0_q} + {1'b0, kcw};
  assign i0_next   = {1'b0, i0_q} + 18'(ROWS);
  assign j0_next   = {1'b0, j0_q} + {1'b0, pw};
  assign last_c    = w0_next >= {1'b0, kw};
  assign last_ib   = i0_next >= {1'b0, m};
  assign last_p    = j0_next >= {1'b0, n};
  assign last_step = last_c && last_ib && last_p;
  assign single_a  = (m <= 17'(ROWS)) && !chunked;  // one A block for the whole job
  assign step_kcw  = last_c ? kw - w0_q : kcw;
  assign b_rows    = last_p ? n - j0_q : pw;
  assign a_rows    = last_ib ? m - i0_q : 17'(ROWS);

  // a load is queued when its slot is free; a step is queued when the feed can take it
  logic [1:0] a_alloc, b_alloc;
  logic       a_push, b_push;
  assign a_push   = running && prod_q == P_A && !a_alloc[a_next_q] && !rdq_full;
  assign b_push   = running && prod_q == P_B && need_b_q && !b_alloc[b_next_q] && !rdq_full;
  assign rdq_push = a_push || b_push;
  assign stq_push = running && prod_q == P_PUSH && !stq_full;

  always_comb begin
    prod_d = prod_q;
    if (setup) begin
      prod_d = P_STEP;
    end else if (running) begin
      unique case (prod_q)
        P_STEP: if (first_step_q || !single_a) prod_d = P_A; else prod_d = P_B;
        P_A:    if (a_push) prod_d = P_B;
        P_B:    if (!need_b_q || b_push) prod_d = P_PUSH;
        P_PUSH: if (stq_push && last_step) prod_d = P_DONE; else if (stq_push) prod_d = P_STEP;
        default: ;
      endcase
    end else if (drain_end) begin
      prod_d = P_DONE;
    end
  end
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) prod_q <= P_DONE;
    else prod_q <= prod_d;
  end
  assign done = prod_q == P_DONE;

  // The position: set up before the producer starts, advanced by each queued step (chunk,
  // then row block, then panel).  Not reset: read only while the job runs.
  logic [16:0] i0_d, j0_d, w0_d;
  logic [31:0] a_row_addr_d, b_pan_addr_d, c_row_addr_d, c_pan_addr_d, chunk_off_d;
  logic        first_step_d, need_b_d, a_next_d, b_next_d, a_cur_d, b_cur_d;
  always_comb begin
    {i0_d, j0_d, w0_d} = {i0_q, j0_q, w0_q};
    {a_row_addr_d, b_pan_addr_d, c_row_addr_d, c_pan_addr_d, chunk_off_d} =
        {a_row_addr_q, b_pan_addr_q, c_row_addr_q, c_pan_addr_q, chunk_off_q};
    {first_step_d, need_b_d, a_next_d, b_next_d, a_cur_d, b_cur_d} =
        {first_step_q, need_b_q, a_next_q, b_next_q, a_cur_q, b_cur_q};
    if (setup) begin
      {i0_d, j0_d, w0_d} = '0;
      {a_row_addr_d, b_pan_addr_d, c_row_addr_d, c_pan_addr_d} = {a_base, b_base, c_base, c_base};
      chunk_off_d  = '0;
      first_step_d = 1'b1;
      {a_next_d, b_next_d, a_cur_d, b_cur_d} = '0;
    end else begin
      // a new A block in every step but with one block for the job; a new panel of Bt at the
      // job's start, with each K chunk, and at each new panel
      if (running && prod_q == P_STEP)
        need_b_d = first_step_q || chunked || (i0_q == 0 && w0_q == 0);
      if (a_push) {a_cur_d, a_next_d} = {a_next_q, !a_next_q};
      if (b_push) {b_cur_d, b_next_d} = {b_next_q, !b_next_q};
      if (stq_push) begin
        first_step_d = 1'b0;
        if (!last_c) begin
          w0_d        = w0_next[16:0];
          chunk_off_d = chunk_off_q + chunk_bytes;
        end else if (!last_ib) begin
          w0_d         = '0;
          chunk_off_d  = '0;
          i0_d         = i0_next[16:0];
          a_row_addr_d = a_row_addr_q + a_blk_step;
          c_row_addr_d = c_row_addr_q + c_blk_step;
        end else begin
          w0_d         = '0;
          chunk_off_d  = '0;
          i0_d         = '0;
          a_row_addr_d = a_base;
          j0_d         = j0_next[16:0];
          b_pan_addr_d = b_pan_addr_q + b_pan_step;
          c_row_addr_d = c_pan_addr_q + c_pan_step;
          c_pan_addr_d = c_pan_addr_q + c_pan_step;
        end
      end
    end
  end
  always_ff @(posedge clk) begin
    {i0_q, j0_q, w0_q} <= {i0_d, j0_d, w0_d};
    {a_row_addr_q, b_pan_addr_q, c_row_addr_q, c_pan_addr_q, chunk_off_q} <=
        {a_row_addr_d, b_pan_addr_d, c_row_addr_d, c_pan_addr_d, chunk_off_d};
    {first_step_q, need_b_q, a_next_q, b_next_q, a_cur_q, b_cur_q} <=
        {first_step_d, need_b_d, a_next_d, b_next_d, a_cur_d, b_cur_d};
  end

  // ------------------------------------------------------------------ buffer slots
  xrnpe_coproc_slots u_a_slots (
    .clk, .rst_n, .clear(setup), .alloc(a_push), .alloc_slot(a_next_q),
    .load_done(rd_done && !rd_done_is_b), .load_slot(rd_done_slot),
    .free(a_release), .free_slot(a_release_slot), .alloc_q(a_alloc), .loaded_q(a_loaded));
  xrnpe_coproc_slots u_b_slots (
    .clk, .rst_n, .clear(setup), .alloc(b_push), .alloc_slot(b_next_q),
    .load_done(rd_done && rd_done_is_b), .load_slot(rd_done_slot),
    .free(b_release), .free_slot(b_release_slot), .alloc_q(b_alloc), .loaded_q(b_loaded));

  // ------------------------------------------------------------------ descriptors
  // (the feed and read DMA use the narrow fields; the schedule keeps a_rows <= ROWS and
  // b_rows <= PW, so they fit)
  assign rdq_slot     = prod_q == P_A ? a_next_q : b_next_q;
  assign rdq_is_b     = prod_q == P_B;
  assign rdq_addr     = (prod_q == P_A ? a_row_addr_q : b_pan_addr_q) + chunk_off_q;
  assign rdq_nrows    = prod_q == P_A ? RN_W'(a_rows) : RN_W'(b_rows);
  assign rdq_nbeats   = NB_W'((step_kcw + 17'(WPB - 1)) >> WPB_LOG2);
  assign stq_a_slot   = a_cur_q;
  assign stq_b_slot   = b_cur_q;
  assign stq_a_rel    = last_step || !single_a;
  assign stq_b_rel    = last_step || chunked || (last_ib && last_c);
  assign stq_first    = w0_q == 0;
  assign stq_last     = last_c;
  assign stq_kcw      = KC_W'(step_kcw);
  assign stq_vrows    = VR_W'(a_rows);
  assign stq_j0       = j0_q;
  assign stq_seg_cols = RN_W'(b_rows);
  assign stq_c_addr   = c_row_addr_q;

  // ------------------------------------------------------------------ invariants
  `XRNPE_ASSERT(a_producer_state_legal, prod_q <= P_DONE, clk, rst_n)
  `XRNPE_ASSERT(a_producer_idle_outside_run, running || !(rdq_push || stq_push), clk, rst_n)
  `XRNPE_ASSERT(a_no_load_push_when_full, !(rdq_push && rdq_full), clk, rst_n)
  `XRNPE_ASSERT(a_no_step_push_when_full, !(stq_push && stq_full), clk, rst_n)
  `XRNPE_ASSERT(a_step_rows_in_range, !running || prod_q == P_DONE ||
                (a_rows >= 17'd1 && a_rows <= 17'(ROWS) && b_rows >= 17'd1 && b_rows <= pw),
                clk, rst_n)
endmodule
`default_nettype wire
