// SPDX-License-Identifier: Apache-2.0
`default_nettype none
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
  parameter int DATA_W = 64,
  parameter int A_AW = 6,
  parameter int B_AW = 7,
  parameter int BK_W = 2,
  parameter int KC_W = 8,
  parameter int VR_W = 3,
  parameter int RN_W = 8,
  parameter int CT_W = 4,   // tile index within a step (C buffer entry)
  parameter int VC_W = 3,   // valid columns of a tile
  parameter int TQ_DEPTH = 8,
  parameter int SQ_DEPTH = 4
) (
  input  wire                      clk,
  input  wire                      rst_n,
  input  wire                      clr,
  input  wire                      running,
  input  wire [2:0]                job_in_fmt,
  input  wire [2:0]                job_out_fmt,
  input  wire [15:0]               job_lastmask,
  input  wire [4:0]                job_tstride_log2,
  input  wire [16:0]               job_n,
  input  wire                      pe_clear,
  // buffer write port (read DMA)
  input  wire                      buf_we,
  input  wire                      buf_is_b,
  input  wire [BK_W-1:0]           buf_bank,
  input  wire [B_AW-1:0]           buf_addr,
  input  wire [DATA_W-1:0]         buf_data,
  // step queue (controller)
  input  wire                      stq_push,
  output logic                     stq_full,
  input  wire                      stq_a_slot,
  input  wire                      stq_b_slot,
  input  wire                      stq_a_rel,
  input  wire                      stq_b_rel,
  input  wire                      stq_first,
  input  wire                      stq_last,
  input  wire [KC_W-1:0]           stq_kcw,
  input  wire [VR_W-1:0]           stq_vrows,
  input  wire [16:0]               stq_j0,
  input  wire [RN_W-1:0]           stq_seg_cols,
  input  wire [31:0]               stq_c_addr,
  input  wire [1:0]                a_loaded,
  input  wire [1:0]                b_loaded,
  input  wire                      bprog_valid,   // B load in progress (read DMA)
  input  wire                      bprog_slot,
  input  wire [RN_W-1:0]           bprog_rows,
  output logic                     a_release,
  output logic                     a_release_slot,
  output logic                     b_release,
  output logic                     b_release_slot,
  // results (collector)
  output logic [ROWS*COLS-1:0]     pe_out_valid,
  input  wire  [ROWS*COLS-1:0]     pe_out_ready,
  output logic [ROWS*COLS*32-1:0]  pe_out_data,
  output logic [ROWS*COLS-1:0]     pe_out_nar,
  output logic                     tq_empty,
  input  wire                      tq_pop,
  output logic [CT_W-1:0]          tq_tile,
  output logic                     tq_last_tile,
  output logic [VR_W-1:0]          tq_vrows,
  output logic [VC_W-1:0]          tq_vcols,
  output logic [RN_W-1:0]          tq_seg_cols,
  output logic [31:0]              tq_c_addr,
  output logic                     idle
);
  localparam int WPB = DATA_W / 16;
  localparam int WPB_LOG2 = $clog2(WPB);
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

  // current step
  logic            s_a_slot, s_b_slot, s_a_rel, s_b_rel, s_first, s_last;
  logic [KC_W-1:0] s_kcw;
  logic [VR_W-1:0] s_vrows;
  logic [16:0]     s_j0;
  logic [RN_W-1:0] s_seg_cols;
  logic [31:0]     s_c_addr;

  typedef enum logic [1:0] {F_IDLE, F_WAIT, F_RUN} fstate_t;
  fstate_t fs;
  logic [KC_W-1:0] w;
  logic [CT_W-1:0] t;
  logic [17:0]     jt;       // first column of tile t
  logic [B_AW-2:0] t_off;    // B entry offset of tile t within the slot

  // ------------------------------------------------------------------ stage 1 / PE handshake
  logic            v1, first1, last1, mask1;
  logic [WS_W-1:0] wsel1;
  logic [ROWS*COLS-1:0] pe_in_ready;
  wire all_ready = &pe_in_ready;
  wire pe_fire = v1 && all_ready;
  wire adv = !v1 || pe_fire;

  wire last_word = w == s_kcw - KC_W'(1);
  wire [17:0] seg_end = {1'b0, s_j0} + 18'(s_seg_cols);
  wire [17:0] jt_next = jt + 18'(COLS);
  wire last_tile = jt_next >= seg_end;
  logic tq_full;
  // A tile may start as soon as its Bt rows are in, before the whole panel has arrived (this
  // hides most of the first panel's load).
  wire [17:0] tile_rows_end = (jt_next > seg_end ? seg_end : jt_next) - {1'b0, s_j0};
  wire b_ready = b_loaded[s_b_slot] ||
                 (bprog_valid && bprog_slot == s_b_slot && 18'(bprog_rows) >= tile_rows_end);
  wire issue = fs == F_RUN && running && adv && b_ready && !(last_word && s_last && tq_full);

  assign sq_pop = fs == F_IDLE && running && !sq_empty;

  always_ff @(posedge clk) begin
    if (!rst_n || clr) begin
      fs <= F_IDLE;
      {s_a_slot, s_b_slot, s_a_rel, s_b_rel, s_first, s_last} <= '0;
      s_kcw <= '0;
      s_vrows <= '0;
      s_j0 <= '0;
      s_seg_cols <= '0;
      s_c_addr <= '0;
      w <= '0;
      t <= '0;
      jt <= '0;
      t_off <= '0;
      v1 <= 1'b0;
      first1 <= 1'b0;
      last1 <= 1'b0;
      mask1 <= 1'b0;
      wsel1 <= '0;
      a_release <= 1'b0;
      b_release <= 1'b0;
      a_release_slot <= 1'b0;
      b_release_slot <= 1'b0;
    end else begin
      a_release <= 1'b0;
      b_release <= 1'b0;
      if (adv) v1 <= issue;
      if (issue) begin
        first1 <= s_first && w == 0;
        last1 <= s_last && last_word;
        mask1 <= s_last && last_word;
        wsel1 <= WS_W'(w);
      end
      unique case (fs)
        F_IDLE: if (sq_pop) begin
          {s_a_slot, s_b_slot, s_a_rel, s_b_rel, s_first, s_last, s_kcw, s_vrows, s_j0,
           s_seg_cols, s_c_addr} <= sq_dout;
          fs <= F_WAIT;
        end
        F_WAIT: if (a_loaded[s_a_slot]) begin
          fs <= F_RUN;
          w <= '0;
          t <= '0;
          jt <= {1'b0, s_j0};
          t_off <= '0;
        end
        F_RUN: if (issue) begin
          if (!last_word) begin
            w <= w + KC_W'(1);
          end else begin
            w <= '0;
            t <= t + CT_W'(1);
            jt <= jt_next;
            t_off <= t_off + ((B_AW-1)'(1) << job_tstride_log2);
            if (last_tile) begin
              fs <= F_IDLE;
              a_release <= s_a_rel;
              a_release_slot <= s_a_slot;
              b_release <= s_b_rel;
              b_release_slot <= s_b_slot;
            end
          end
        end
        default: fs <= F_IDLE;
      endcase
      if (!running) fs <= F_IDLE;  // abort: stop feeding (the PEs are reset)
    end
  end

  // ------------------------------------------------------------------ tile queue
  wire [17:0] cols_left = {1'b0, job_n} - jt;
  wire [VC_W-1:0] vcols = cols_left >= 18'(COLS) ? VC_W'(COLS) : VC_W'(cols_left);
  logic [TQ_W-1:0] tq_dout;
  xrnpe_coproc_fifo #(.W(TQ_W), .DEPTH(TQ_DEPTH)) u_tq (
    .clk, .rst_n, .clr, .push(issue && last_word && s_last), .full(tq_full),
    .din({t, last_tile, s_vrows, vcols, s_seg_cols, s_c_addr}),
    .pop(tq_pop), .dout(tq_dout), .empty(tq_empty));
  assign {tq_tile, tq_last_tile, tq_vrows, tq_vcols, tq_seg_cols, tq_c_addr} = tq_dout;

  assign idle = fs == F_IDLE && sq_empty && !v1 && tq_empty;

  // ------------------------------------------------------------------ buffers
  wire [A_AW-1:0] a_rd_addr = {s_a_slot, (A_AW-1)'(w >> WPB_LOG2)};
  wire [B_AW-1:0] b_rd_addr = {s_b_slot, t_off + (B_AW-1)'(w >> WPB_LOG2)};
  wire [15:0] lane_mask = mask1 ? job_lastmask : 16'hFFFF;

  logic [ROWS*16-1:0] a_words;
  logic [COLS*16-1:0] b_words;

  for (genvar r = 0; r < ROWS; r++) begin : g_abuf
    logic [DATA_W-1:0] dout;
    xrnpe_coproc_ram #(.W(DATA_W), .DEPTH(1 << A_AW)) u_ram (
      .clk, .wr_en(buf_we && !buf_is_b && buf_bank == BK_W'(r)), .wr_addr(buf_addr[A_AW-1:0]),
      .wr_data(buf_data), .rd_en(adv), .rd_addr(a_rd_addr), .rd_data(dout));
    assign a_words[r*16 +: 16] = dout[16*wsel1 +: 16] & lane_mask;
  end
  for (genvar c = 0; c < COLS; c++) begin : g_bbuf
    logic [DATA_W-1:0] dout;
    xrnpe_coproc_ram #(.W(DATA_W), .DEPTH(1 << B_AW)) u_ram (
      .clk, .wr_en(buf_we && buf_is_b && buf_bank == BK_W'(c)), .wr_addr(buf_addr),
      .wr_data(buf_data), .rd_en(adv), .rd_addr(b_rd_addr), .rd_data(dout));
    assign b_words[c*16 +: 16] = dout[16*wsel1 +: 16] & lane_mask;
  end

  // ------------------------------------------------------------------ PE array
  // Every PE sees the same handshake, so they stay in lockstep: a word enters all of them
  // in the same cycle or none.
  for (genvar r = 0; r < ROWS; r++) begin : g_row
    for (genvar c = 0; c < COLS; c++) begin : g_col
      localparam int P = r * COLS + c;
      xrnpe_pe_rmmec u_pe (
        .clk,
        .rst_n(rst_n),
        .clear(pe_clear),
        .in_valid(pe_fire),
        .in_ready(pe_in_ready[P]),
        .in_a(a_words[r*16 +: 16]),
        .in_b(b_words[c*16 +: 16]),
        .in_fmt(job_in_fmt),
        .in_out_fmt(job_out_fmt),
        .in_first(first1),
        .in_last(last1),
        .out_valid(pe_out_valid[P]),
        .out_ready(pe_out_ready[P]),
        .out_data(pe_out_data[P*32 +: 32]),
        .out_nar(pe_out_nar[P])
      );
    end
  end
endmodule
`default_nettype wire
