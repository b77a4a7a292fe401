// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "xrnpe_assert.svh"
// Feed: operand buffers, PE array and the sequencer that streams one step at a time.
// For every column tile t of the step and every word w of the K chunk, all PEs get one
// word pair in the same cycle: PE (r, c) gets word w of A-buffer row r and word w of
// B-buffer row c of tile t.  The buffers are two slots each (double buffering, filled by
// the read DMA); a step waits until its slots are loaded and releases them when done.
// Lanes beyond K in the last word of a row are forced to 0 here, so memory padding never
// matters (0 x anything = 0 exactly, and a NaR in padding cannot leak into a result).
module xrnpe_coproc_feed #(
    parameter int ROWS = 4,
    parameter int COLS = 4,
    parameter int PE_KIND = xrnpe_pe_pkg::PE_RMMEC,  // the PEs' front end (xrnpe_pe_core KIND)
    parameter int DATA_W = 64,
    parameter int ABUF_WORDS = 128,
    parameter int BBUF_WORDS = 256,
    parameter int CBUF_TILES = 16,
    parameter int TQ_DEPTH = 8,
    parameter int SQ_DEPTH = 4,
    // derived (xrnpe_coproc_pkg), not to be overridden
    localparam int A_AW = xrnpe_coproc_pkg::a_aw(ABUF_WORDS, DATA_W),
    localparam int B_AW = xrnpe_coproc_pkg::b_aw(BBUF_WORDS, DATA_W),
    localparam int BK_W = xrnpe_coproc_pkg::bk_w(ROWS, COLS),
    localparam int KC_W = xrnpe_coproc_pkg::kc_w(ABUF_WORDS),
    localparam int VR_W = xrnpe_coproc_pkg::vr_w(ROWS),
    localparam int RN_W = xrnpe_coproc_pkg::rn_w(ROWS, COLS, CBUF_TILES),
    localparam int CT_W = xrnpe_coproc_pkg::ct_w(CBUF_TILES),  // tile index within a step
    localparam int VC_W = xrnpe_coproc_pkg::vc_w(COLS)          // valid columns of a tile
) (
  input  logic                      clk,
  input  logic                      rst_n,
  input  logic                      clr,
  input  logic                      running,
  input  logic [2:0]                job_in_fmt,
  input  logic [2:0]                job_out_fmt,
  input  logic [15:0]               job_lastmask,
  input  logic [4:0]                job_tstride_log2,
  input  logic [16:0]               job_n,
  input  logic                      pe_clear,
  // buffer write port (read DMA)
  input  logic                      buf_we,
  input  logic                      buf_is_b,
  input  logic [BK_W-1:0]           buf_bank,
  input  logic [B_AW-1:0]           buf_addr,
  input  logic [DATA_W-1:0]         buf_data,
  // step queue (controller)
  input  logic                      stq_push,
  output logic                     stq_full,
  input  logic                      stq_a_slot,
  input  logic                      stq_b_slot,
  input  logic                      stq_a_rel,
  input  logic                      stq_b_rel,
  input  logic                      stq_first,
  input  logic                      stq_last,
  input  logic [KC_W-1:0]           stq_kcw,
  input  logic [VR_W-1:0]           stq_vrows,
  input  logic [16:0]               stq_j0,
  input  logic [RN_W-1:0]           stq_seg_cols,
  input  logic [31:0]               stq_c_addr,
  input  logic [1:0]                a_loaded,
  input  logic [1:0]                b_loaded,
  input  logic                      bprog_valid,   // B load in progress (read DMA)
  input  logic                      bprog_slot,
  input  logic [RN_W-1:0]           bprog_rows,
  output logic                     a_release,
  output logic                     a_release_slot,
  output logic                     b_release,
  output logic                     b_release_slot,
  // results (collector)
  output logic [ROWS*COLS-1:0]     pe_out_valid,
  input  logic  [ROWS*COLS-1:0]     pe_out_ready,
  output logic [ROWS*COLS*32-1:0]  pe_out_data,
  output logic [ROWS*COLS-1:0]     pe_out_nar,
  output logic                     tq_empty,
  input  logic                      tq_pop,
  output logic [CT_W-1:0]          tq_tile,
  output logic                     tq_last_tile,
  output logic [VR_W-1:0]          tq_vrows,
  output logic [VC_W-1:0]          tq_vcols,
  output logic [RN_W-1:0]          tq_seg_cols,
  output logic [31:0]              tq_c_addr,
  output logic                     idle
);
  localparam int WPB = xrnpe_coproc_pkg::words_per_beat(DATA_W);
  localparam int WPB_LOG2 = xrnpe_coproc_pkg::clog2i(WPB);
  localparam int WS_W = WPB_LOG2 > 0 ? WPB_LOG2 : 1;
  localparam int SQ_W = 1 + 1 + 1 + 1 + 1 + 1 + KC_W + VR_W + 17 + RN_W + 32;
  localparam int TQ_W = CT_W + 1 + VR_W + VC_W + RN_W + 32;

  // ------------------------------------------------------------------ step queue
  logic [SQ_W-1:0] sq_dout;
  logic sq_empty, sq_pop;
  xrnpe_coproc_fifo #(.W(SQ_W), .DEPTH(SQ_DEPTH)) u_sq (
    .clk, .rst_n, .clr, .push(stq_push), .full(stq_full),
    .din({stq_a_slot, stq_b_slot, stq_a_rel, stq_b_rel, stq_first, stq_last, stq_kcw,
          stq_vrows, stq_j0, stq_seg_cols, stq_c_addr}),
    .pop(sq_pop), .dout(sq_dout), .empty(sq_empty));

  // current step (fields loaded with the step, read while it runs)
  logic            s_a_slot_q, s_b_slot_q, s_a_rel_q, s_b_rel_q, s_first_q, s_last_q;
  logic [KC_W-1:0] s_kcw_q;
  logic [VR_W-1:0] s_vrows_q;
  logic [16:0]     s_j0_q;
  logic [RN_W-1:0] s_seg_cols_q;
  logic [31:0]     s_c_addr_q;

  typedef enum logic [1:0] {F_IDLE, F_WAIT, F_RUN} feed_e;
  feed_e           fs_q, fs_d;
  logic [KC_W-1:0] w_q;      // word of the chunk
  logic [CT_W-1:0] t_q;      // tile of the step
  logic [17:0]     jt_q;     // first column of tile t
  logic [B_AW-2:0] t_off_q;  // B entry offset of tile t within the slot

  // ------------------------------------------------------------------ stage 1 / PE handshake
  logic                 v1_q, first1_q, last1_q, mask1_q;
  logic [WS_W-1:0]      wsel1_q;
  logic [ROWS*COLS-1:0] pe_in_ready;
  logic                 all_ready, pe_fire, adv;
  assign all_ready = &pe_in_ready;
  assign pe_fire   = v1_q && all_ready;
  assign adv       = !v1_q || pe_fire;

  logic        last_word, last_tile, tq_full, b_ready, issue;
  logic [17:0] seg_end, jt_next, tile_rows_end;
  assign last_word = w_q == s_kcw_q - KC_W'(1);
  assign seg_end   = {1'b0, s_j0_q} + 18'(s_seg_cols_q);
  assign jt_next   = jt_q + 18'(COLS);
  assign last_tile = jt_next >= seg_end;
  // A tile may start as soon as its Bt rows are in, before the whole panel has arrived (this
  // hides most of the first panel's load).
  assign tile_rows_end = (jt_next > seg_end ? seg_end : jt_next) - {1'b0, s_j0_q};
  assign b_ready = b_loaded[s_b_slot_q] ||
                   (bprog_valid && bprog_slot == s_b_slot_q && 18'(bprog_rows) >= tile_rows_end);
  assign issue = fs_q == F_RUN && running && adv && b_ready && !(last_word && s_last_q && tq_full);

  assign sq_pop = fs_q == F_IDLE && running && !sq_empty;

  always_comb begin
    fs_d = fs_q;
    unique case (fs_q)
      F_IDLE:  if (sq_pop) fs_d = F_WAIT;
      F_WAIT:  if (a_loaded[s_a_slot_q]) fs_d = F_RUN;
      F_RUN:   if (issue && last_word && last_tile) fs_d = F_IDLE;
      default: fs_d = F_IDLE;
    endcase
    if (!running) fs_d = F_IDLE;  // abort: stop feeding (the PEs are cleared)
  end

  logic step_end;  // the last word of the step's last tile is issued: release its slots
  assign step_end = fs_q == F_RUN && issue && last_word && last_tile;

  // next values: the stage-1 word, the step's walk over words and tiles, slot releases
  logic            v1_d, a_release_d, b_release_d, first1_d, last1_d, walk_start, walk_step;
  logic [KC_W-1:0] w_d;
  logic [CT_W-1:0] t_d;
  logic [17:0]     jt_d;
  logic [B_AW-2:0] t_off_d;
  assign v1_d        = adv ? issue : v1_q;
  assign a_release_d = step_end && s_a_rel_q;
  assign b_release_d = step_end && s_b_rel_q;
  assign first1_d    = s_first_q && w_q == 0;
  assign last1_d     = s_last_q && last_word;  // also the lane mask of the row's last word
  assign walk_start  = fs_q == F_WAIT && a_loaded[s_a_slot_q];
  assign walk_step   = fs_q == F_RUN && issue;
  always_comb begin
    w_d     = w_q;
    t_d     = t_q;
    jt_d    = jt_q;
    t_off_d = t_off_q;
    if (walk_start) begin
      w_d     = '0;
      t_d     = '0;
      jt_d    = {1'b0, s_j0_q};
      t_off_d = '0;
    end else if (walk_step && !last_word) begin
      w_d = w_q + KC_W'(1);
    end else if (walk_step) begin  // the tile's last word: on to the next tile
      w_d     = '0;
      t_d     = t_q + CT_W'(1);
      jt_d    = jt_next;
      t_off_d = t_off_q + ((B_AW - 1)'(1) << job_tstride_log2);
    end
  end

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      fs_q      <= F_IDLE;
      v1_q      <= 1'b0;
      a_release <= 1'b0;
      b_release <= 1'b0;
    end else if (clr) begin
      fs_q      <= F_IDLE;
      v1_q      <= 1'b0;
      a_release <= 1'b0;
      b_release <= 1'b0;
    end else begin
      fs_q      <= fs_d;
      v1_q      <= v1_d;
      a_release <= a_release_d;
      b_release <= b_release_d;
    end
  end

  always_ff @(posedge clk) begin
    if (issue) begin
      first1_q <= first1_d;
      last1_q  <= last1_d;
      mask1_q  <= last1_d;
      wsel1_q  <= WS_W'(w_q);
    end
    if (sq_pop) begin
      {s_a_slot_q, s_b_slot_q, s_a_rel_q, s_b_rel_q, s_first_q, s_last_q, s_kcw_q, s_vrows_q,
       s_j0_q, s_seg_cols_q, s_c_addr_q} <= sq_dout;
    end
    if (walk_start || walk_step) begin
      w_q     <= w_d;
      t_q     <= t_d;
      jt_q    <= jt_d;
      t_off_q <= t_off_d;
    end
    if (step_end) begin
      a_release_slot <= s_a_slot_q;
      b_release_slot <= s_b_slot_q;
    end
  end

  // ------------------------------------------------------------------ tile queue
  logic [17:0]     cols_left;
  logic [VC_W-1:0] vcols;
  assign cols_left = {1'b0, job_n} - jt_q;
  assign vcols     = cols_left >= 18'(COLS) ? VC_W'(COLS) : VC_W'(cols_left);
  logic [TQ_W-1:0] tq_dout;
  xrnpe_coproc_fifo #(.W(TQ_W), .DEPTH(TQ_DEPTH)) u_tq (
    .clk, .rst_n, .clr, .push(issue && last_word && s_last_q), .full(tq_full),
    .din({t_q, last_tile, s_vrows_q, vcols, s_seg_cols_q, s_c_addr_q}),
    .pop(tq_pop), .dout(tq_dout), .empty(tq_empty));
  assign {tq_tile, tq_last_tile, tq_vrows, tq_vcols, tq_seg_cols, tq_c_addr} = tq_dout;

  assign idle = fs_q == F_IDLE && sq_empty && !v1_q && tq_empty;

  // ------------------------------------------------------------------ buffers
  logic [A_AW-1:0] a_rd_addr;
  logic [B_AW-1:0] b_rd_addr;
  logic [15:0]     lane_mask;
  assign a_rd_addr = {s_a_slot_q, (A_AW - 1)'(w_q >> WPB_LOG2)};
  assign b_rd_addr = {s_b_slot_q, t_off_q + (B_AW - 1)'(w_q >> WPB_LOG2)};
  assign lane_mask = mask1_q ? job_lastmask : 16'hFFFF;

  logic [ROWS*16-1:0] a_words;
  logic [COLS*16-1:0] b_words;

  for (genvar r = 0; r < ROWS; r++) begin : g_abuf
    logic [DATA_W-1:0] dout;
    xrnpe_coproc_ram #(.W(DATA_W), .DEPTH(1 << A_AW)) u_ram (
      .clk, .wr_en(buf_we && !buf_is_b && buf_bank == BK_W'(r)), .wr_addr(buf_addr[A_AW-1:0]),
      .wr_data(buf_data), .rd_en(adv), .rd_addr(a_rd_addr), .rd_data(dout));
    assign a_words[r*16 +: 16] = dout[16*wsel1_q+:16] & lane_mask;
  end
  for (genvar c = 0; c < COLS; c++) begin : g_bbuf
    logic [DATA_W-1:0] dout;
    xrnpe_coproc_ram #(.W(DATA_W), .DEPTH(1 << B_AW)) u_ram (
      .clk, .wr_en(buf_we && buf_is_b && buf_bank == BK_W'(c)), .wr_addr(buf_addr),
      .wr_data(buf_data), .rd_en(adv), .rd_addr(b_rd_addr), .rd_data(dout));
    assign b_words[c*16 +: 16] = dout[16*wsel1_q+:16] & lane_mask;
  end

  // ------------------------------------------------------------------ PE array
  // Every PE core sees the same handshake, so they stay in lockstep: a word enters all of
  // them in the same cycle or none.  The cores keep only their accumulators (with a result
  // buffer); one readout per row normalises, rounds and encodes the finished sums of its
  // COLS cores in strict column order.  All cores of a row finish the same dot products in
  // the same cycle, so the rotation hands results to the collector tile by tile: a result of
  // the next tile never overtakes one of the current tile (the collector takes them in any
  // order within a tile, but holds a PE's next result until the tile is written).
  localparam int NSEG = xrnpe_pkg::ACC_NSEG;
  for (genvar r = 0; r < ROWS; r++) begin : g_row
    logic [COLS-1:0]                  res_valid, res_take, res_nar;
    logic [COLS*xrnpe_pkg::ACC_W-1:0] res_seg;
    logic [COLS*NSEG-1:0]             res_carry, res_live;
    logic [COLS*xrnpe_pkg::FMT_W-1:0] res_out_fmt;
    for (genvar c = 0; c < COLS; c++) begin : g_col
      localparam int P = r * COLS + c;
      xrnpe_pe_core #(
        .KIND(PE_KIND),
        .RES_BUF(1'b1)
      ) u_pe (
        .clk,
        .rst_n(rst_n),
        .clear(pe_clear),
        .in_valid(pe_fire),
        .in_ready(pe_in_ready[P]),
        .in_a(a_words[r*16 +: 16]),
        .in_b(b_words[c*16 +: 16]),
        .in_fmt(job_in_fmt),
        .in_out_fmt(job_out_fmt),
        .in_first(first1_q),
        .in_last(last1_q),
        .res_valid(res_valid[c]),
        .res_take(res_take[c]),
        .res_seg(res_seg[c*xrnpe_pkg::ACC_W +: xrnpe_pkg::ACC_W]),
        .res_carry(res_carry[c*NSEG +: NSEG]),
        .res_live(res_live[c*NSEG +: NSEG]),
        .res_out_fmt(res_out_fmt[c*xrnpe_pkg::FMT_W +: xrnpe_pkg::FMT_W]),
        .res_nar(res_nar[c])
      );
    end

    xrnpe_coproc_row_readout #(
      .COLS(COLS)
    ) u_row_readout (
      .clk,
      .rst_n,
      .clear(pe_clear),
      .res_valid,
      .res_take,
      .res_seg,
      .res_carry,
      .res_live,
      .res_out_fmt,
      .res_nar,
      .out_valid(pe_out_valid[r*COLS +: COLS]),
      .out_ready(pe_out_ready[r*COLS +: COLS]),
      .out_data(pe_out_data[r*COLS*32 +: COLS*32]),
      .out_nar(pe_out_nar[r*COLS +: COLS])
    );
  end

  // ------------------------------------------------------------------ invariants
  // A running step reads a loaded A slot (released only after its last word) and stays
  // within its K chunk; a result the collector does not take is held, value and all, until
  // it does (or the PEs are cleared).
  `XRNPE_ASSERT(a_feed_state_legal, fs_q == F_IDLE || fs_q == F_WAIT || fs_q == F_RUN,
                clk, rst_n)
  `XRNPE_ASSERT(a_step_a_slot_loaded, fs_q != F_RUN || a_loaded[s_a_slot_q], clk, rst_n)
  `XRNPE_ASSERT(a_word_within_chunk, fs_q != F_RUN || w_q < s_kcw_q, clk, rst_n)
  `XRNPE_ASSERT(a_no_step_pop_when_empty, !(sq_pop && sq_empty), clk, rst_n)
`ifndef XRNPE_NO_ASSERT
  logic [ROWS*COLS-1:0]    res_hold_q, res_nar_prev_q;
  logic [ROWS*COLS*32-1:0] res_data_prev_q;
  logic [ROWS*COLS-1:0]    res_hold_d;
  assign res_hold_d = pe_out_valid & ~pe_out_ready & {ROWS * COLS{!pe_clear}};
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) res_hold_q <= '0;
    else res_hold_q <= res_hold_d;
  end
  always_ff @(posedge clk) begin
    res_data_prev_q <= pe_out_data;
    res_nar_prev_q  <= pe_out_nar;
  end
  for (genvar p = 0; p < ROWS * COLS; p++) begin : g_hold
    `XRNPE_ASSERT(a_result_held_until_taken,
                  !res_hold_q[p] || (pe_out_valid[p] && pe_out_nar[p] == res_nar_prev_q[p] &&
                                     pe_out_data[p*32+:32] == res_data_prev_q[p*32+:32]),
                  clk, rst_n)
  end
`endif
endmodule
`default_nettype wire
