// SPDX-License-Identifier: Apache-2.0
// Read DMA: loads rows of A or Bt into the operand buffers.  A command loads `nrows`
// consecutive rows (row l at addr + l*stride) of `nbeats` bus beats each into one buffer
// slot: A row l -> A bank l; Bt row l -> B bank l % COLS, tile l / COLS (tiles are
// 2**tstride_log2 entries apart).  Two state machines: the address side splits rows into
// INCR bursts (xrnpe_coproc_burst_split: <= 256 beats, never across 4 KiB) and runs ahead of
// the data side, which follows the same commands from its own copy of the command queue.  A
// slot is only loaded once the feed has released it, so data is written to the buffers as it
// arrives.
//
// The slave is not trusted: every R beat is checked against the bursts issued (RID 0, RLAST
// on exactly the last beat of its burst, no beat without an outstanding burst), and the bus
// watchdog (xrnpe_coproc_bus_watchdog) counts the cycles spent waiting on the bus (ARVALID
// not accepted, or beats owed) without a handshake.  A violation or a watchdog expiry *abandons* the read side: the
// queues, the outstanding count and ARVALID are cleared (a pending AR is withdrawn, which
// AXI forbids: the interconnect must then be reset), and until the next job every beat is
// accepted and dropped.  Beats arriving while no burst is outstanding are always accepted
// (RREADY high) so a stray response can never stall the slave or be taken for data.
`default_nettype none
`include "xrnpe_assert.svh"
module xrnpe_coproc_rd_dma #(
    parameter int DATA_W = 64,
    parameter int ADDR_W = 32,
    parameter int ID_W = 4,
    parameter int ROWS = 4,
    parameter int COLS = 4,
    parameter int ABUF_WORDS = 128,
    parameter int BBUF_WORDS = 256,
    parameter int CBUF_TILES = 16,
    parameter int QDEPTH = 4,
    // derived (xrnpe_coproc_pkg), not to be overridden
    localparam int A_AW = xrnpe_coproc_pkg::a_aw(ABUF_WORDS, DATA_W),
    localparam int B_AW = xrnpe_coproc_pkg::b_aw(BBUF_WORDS, DATA_W),
    localparam int RN_W = xrnpe_coproc_pkg::rn_w(ROWS, COLS, CBUF_TILES),
    localparam int NB_W = xrnpe_coproc_pkg::nb_w(ABUF_WORDS, DATA_W),
    localparam int BK_W = xrnpe_coproc_pkg::bk_w(ROWS, COLS)
) (
    input  logic              clk,
    input  logic              rst_n,
    input  logic              clr,           // start of a job: empty the queues
    input  logic              stop,          // issue no new bursts
    input  logic [31:0]       a_stride,
    input  logic [31:0]       b_stride,
    input  logic [4:0]        tstride_log2,
    input  logic [31:0]       wd_limit,      // watchdog: cycles without progress, 0 = off
    // command queue
    input  logic              cmd_push,
    output logic              cmd_full,
    input  logic              cmd_is_b,
    input  logic              cmd_slot,
    input  logic [31:0]       cmd_addr,
    input  logic [RN_W-1:0]   cmd_nrows,
    input  logic [NB_W-1:0]   cmd_nbeats,
    output logic              done,          // a command's data all arrived
    output logic              done_is_b,
    output logic              done_slot,
    output logic              err,           // pulse: first error response of the job
    output logic              tmo,           // pulse: watchdog expired (side abandoned)
    output logic              proto,         // pulse: protocol violation (side abandoned)
    output logic              idle,          // no burst outstanding or being offered
    // progress of the B load being received: rows already written to the buffer (delayed so
    // that a read issued on seeing it never races the write of the last beat)
    output logic              bprog_valid,
    output logic              bprog_slot,
    output logic [RN_W-1:0]   bprog_rows,
    // buffer write port
    output logic              buf_we,
    output logic              buf_is_b,
    output logic [BK_W-1:0]   buf_bank,
    output logic [B_AW-1:0]   buf_addr,
    output logic [DATA_W-1:0] buf_data,
    // AXI4 master read channels
    output logic [ID_W-1:0]   m_axi_arid,
    output logic [ADDR_W-1:0] m_axi_araddr,
    output logic [7:0]        m_axi_arlen,
    output logic [2:0]        m_axi_arsize,
    output logic [1:0]        m_axi_arburst,
    output logic              m_axi_arvalid,
    input  logic              m_axi_arready,
    input  logic [ID_W-1:0]   m_axi_rid,
    input  logic [DATA_W-1:0] m_axi_rdata,
    input  logic [1:0]        m_axi_rresp,
    input  logic              m_axi_rlast,
    input  logic              m_axi_rvalid,
    output logic              m_axi_rready
);
  localparam int DB_LOG2 = xrnpe_coproc_pkg::clog2i(DATA_W / 8);
  localparam int CW = 1 + 1 + 32 + RN_W + NB_W;

  logic flush, dead;  // flush: start of a job, or the side abandoned (bus watchdog)

  // ------------------------------------------------------------------ command queue
  logic            qa_pop, qa_empty, qr_pop, qr_empty, qa_is_b, qa_slot, qr_is_b, qr_slot;
  logic [31:0]     qa_addr, qr_addr;
  logic [RN_W-1:0] qa_nrows, qr_nrows;
  logic [NB_W-1:0] qa_nbeats, qr_nbeats;
  xrnpe_coproc_cmd_queue #(.W(CW), .DEPTH(QDEPTH)) u_cmdq (
    .clk, .rst_n, .clr(flush), .push(cmd_push),
    .din({cmd_is_b, cmd_slot, cmd_addr, cmd_nrows, cmd_nbeats}), .full(cmd_full),
    .a_pop(qa_pop), .a_dout({qa_is_b, qa_slot, qa_addr, qa_nrows, qa_nbeats}), .a_empty(qa_empty),
    .d_pop(qr_pop), .d_dout({qr_is_b, qr_slot, qr_addr, qr_nrows, qr_nbeats}), .d_empty(qr_empty));

  // ------------------------------------------------------------------ address side
  typedef enum logic {A_IDLE, A_ISSUE} a_state_e;  // A_ISSUE: a command is split into bursts
  a_state_e        a_state_q, a_state_d;
  logic            a_is_b_q;
  logic [31:0]     a_row_addr_q, a_row_addr_d;  // start of the current row
  logic [RN_W-1:0] a_rows_left_q, a_rows_left_d;
  logic [NB_W-1:0] a_nbeats_q;
  logic [15:0]     outstanding_q, outstanding_d;  // bursts addressed, last beat not arrived

  logic       ar_free, ar_load, ar_fire, r_hs, r_fire, r_last_fire, row_end, lq_full, lq_empty;
  logic [8:0] blen;
  logic [7:0] lq_dout;  // length of the oldest outstanding burst

  assign qa_pop  = a_state_q == A_IDLE && !qa_empty && !stop && !dead;
  assign ar_load = a_state_q == A_ISSUE && !stop && !dead && !lq_full && ar_free;

  always_comb begin
    a_state_d = a_state_q;
    unique case (a_state_q)
      A_IDLE:  if (qa_pop) a_state_d = A_ISSUE;
      A_ISSUE: if (ar_load && row_end && a_rows_left_q == RN_W'(1)) a_state_d = A_IDLE;
      default: a_state_d = A_IDLE;
    endcase
    if (flush) a_state_d = A_IDLE;
  end

  // a row's last burst loads the next row into the splitter
  assign a_row_addr_d  = qa_pop ? qa_addr :
                         (ar_load && row_end) ? a_row_addr_q + (a_is_b_q ? b_stride : a_stride) :
                         a_row_addr_q;
  assign a_rows_left_d = qa_pop ? qa_nrows :
                         (ar_load && row_end) ? a_rows_left_q - RN_W'(1) : a_rows_left_q;
  xrnpe_coproc_burst_split #(.DATA_W(DATA_W), .ADDR_W(ADDR_W), .BEATS_W(NB_W)) u_split (
    .clk, .rst_n, .flush, .load(qa_pop || (ar_load && row_end)), .load_addr(a_row_addr_d),
    .load_beats(qa_pop ? qa_nbeats : a_nbeats_q), .issue(ar_load), .free(ar_free), .blen,
    .last(row_end), .m_ax_addr(m_axi_araddr), .m_ax_len(m_axi_arlen),
    .m_ax_valid(m_axi_arvalid), .m_ax_ready(m_axi_arready));
  assign m_axi_arid    = '0;
  assign m_axi_arsize  = 3'(DB_LOG2);
  assign m_axi_arburst = 2'b01;

  assign ar_fire       = m_axi_arvalid && m_axi_arready;
  assign r_hs          = m_axi_rvalid && m_axi_rready;
  assign r_fire        = r_hs && outstanding_q != 0;  // a beat of an issued burst
  assign outstanding_d = flush ? '0 : outstanding_q + 16'(ar_fire) - 16'(r_last_fire);
  assign idle          = outstanding_q == 0 && !m_axi_arvalid;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      a_state_q     <= A_IDLE;
      outstanding_q <= '0;
    end else begin
      a_state_q     <= a_state_d;
      outstanding_q <= outstanding_d;
    end
  end

  always_ff @(posedge clk) begin
    if (qa_pop) begin
      a_is_b_q   <= qa_is_b;
      a_nbeats_q <= qa_nbeats;
    end
    a_row_addr_q  <= a_row_addr_d;
    a_rows_left_q <= a_rows_left_d;
  end

  // ------------------------------------------------------------------ slave checks, watchdog
  // Burst lengths issued, in order, for the RLAST check (a burst is queued when it is loaded
  // into the AR register, so the head is the oldest outstanding burst).  RLAST is checked
  // against our count of the beats, never trusted.
  logic [7:0] rb_q, rb_d;  // beat number within the oldest outstanding burst
  logic       exp_last;
  assign exp_last    = rb_q == lq_dout;
  assign r_last_fire = r_fire && exp_last;
  assign rb_d        = (flush || r_last_fire) ? '0 : r_fire ? rb_q + 8'd1 : rb_q;

  xrnpe_coproc_fifo #(.W(8), .DEPTH(16)) u_lq (
    .clk, .rst_n, .clr(flush), .push(ar_load), .din(8'(blen - 9'd1)), .full(lq_full),
    .pop(r_last_fire), .dout(lq_dout), .empty(lq_empty));

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) rb_q <= '0;
    else rb_q <= rb_d;
  end

  xrnpe_coproc_bus_watchdog u_wdog (
    .clk, .rst_n, .clr, .stop, .limit(wd_limit), .offered(m_axi_arvalid),
    .busy(outstanding_q != 0), .progress(ar_fire || r_hs), .resp(r_hs),
    .violation(r_fire && (m_axi_rid != '0 || m_axi_rlast != exp_last)),
    .flush, .dead, .tmo, .proto);

  // ------------------------------------------------------------------ data side
  typedef enum logic {R_IDLE, R_RECV} r_state_e;  // R_RECV: a command's beats are written
  r_state_e        r_state_q, r_state_d;
  logic            r_take, beat_last, cmd_last, bank_wrap;
  logic            err_seen_q, err_seen_d, p1_valid_q, p1_valid_d, bprog_valid_q, done_q, done_d;
  logic            err_q, err_d, buf_we_q, buf_we_d, bprog_valid_d;
  logic            r_is_b_q, r_slot_q, p1_slot_q, bprog_slot_q, buf_is_b_q, done_is_b_q;
  logic            done_slot_q;
  logic [RN_W-1:0] r_rows_left_q, r_rows_done_q, p1_rows_q, bprog_rows_q;
  logic [NB_W-1:0] r_nbeats_q, r_beat_q;
  logic [BK_W-1:0] r_bank_q, buf_bank_q;
  logic [B_AW-1:0] r_tile_q, buf_addr_q, buf_addr_d;  // r_tile: the B tile's offset in the slot
  logic [DATA_W-1:0] buf_data_q;

  assign qr_pop = r_state_q == R_IDLE && !qr_empty && !dead;
  // A beat can only belong to the active command; the one-cycle gap between commands is
  // covered by backpressure.  With no burst outstanding any beat is taken (and dropped).
  assign m_axi_rready = r_state_q == R_RECV || outstanding_q == 0;
  assign r_take       = r_fire && r_state_q == R_RECV;
  assign beat_last    = r_beat_q == r_nbeats_q - NB_W'(1);  // last beat of a row
  assign cmd_last     = beat_last && r_rows_left_q == RN_W'(1);
  assign bank_wrap    = r_bank_q == (r_is_b_q ? BK_W'(COLS - 1) : BK_W'(ROWS - 1));
  assign buf_addr_d   = r_is_b_q ? {r_slot_q, (B_AW - 1)'(r_tile_q + (B_AW - 1)'(r_beat_q))} :
                                   B_AW'({r_slot_q, (A_AW - 1)'(r_beat_q)});

  always_comb begin
    r_state_d = r_state_q;
    unique case (r_state_q)
      R_IDLE:  if (qr_pop) r_state_d = R_RECV;
      R_RECV:  if (r_take && cmd_last) r_state_d = R_IDLE;
      default: r_state_d = R_IDLE;
    endcase
    if (flush) r_state_d = R_IDLE;
  end

  // p1 changes with buf_we (the write happens at the end of the next cycle), bprog one cycle
  // later, when the last row's data is in the RAM.
  assign p1_valid_d = !flush && r_state_q == R_RECV && r_is_b_q && !err_seen_q;
  assign done_d     = !flush && r_take && cmd_last && !err_seen_q && !m_axi_rresp[1];
  assign err_d      = !flush && r_fire && m_axi_rresp[1] && !err_seen_q;
  assign err_seen_d = !flush && (err_seen_q || (r_fire && m_axi_rresp[1]));
  assign buf_we_d   = !flush && r_take;
  assign bprog_valid_d = !flush && p1_valid_q;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      r_state_q     <= R_IDLE;
      err_seen_q    <= 1'b0;
      p1_valid_q    <= 1'b0;
      bprog_valid_q <= 1'b0;
      done_q        <= 1'b0;
      err_q         <= 1'b0;
      buf_we_q      <= 1'b0;
    end else begin
      r_state_q     <= r_state_d;
      err_seen_q    <= err_seen_d;
      p1_valid_q    <= p1_valid_d;
      bprog_valid_q <= bprog_valid_d;
      done_q        <= done_d;
      err_q         <= err_d;
      buf_we_q      <= buf_we_d;
    end
  end

  // the walk through the slot: beat of the row, bank, B tile
  logic [RN_W-1:0] r_rows_left_d, r_rows_done_d;
  logic [NB_W-1:0] r_beat_d;
  logic [BK_W-1:0] r_bank_d;
  logic [B_AW-1:0] r_tile_d;
  assign r_beat_d      = qr_pop ? '0 : !r_take ? r_beat_q : beat_last ? '0 : r_beat_q + NB_W'(1);
  assign r_bank_d      = qr_pop ? '0 : !(r_take && beat_last) ? r_bank_q :
                         bank_wrap ? '0 : r_bank_q + BK_W'(1);
  assign r_tile_d      = qr_pop ? '0 : !(r_take && beat_last && bank_wrap) ? r_tile_q :
                         r_tile_q + (B_AW'(1) << tstride_log2);
  assign r_rows_left_d = qr_pop ? qr_nrows :
                         (r_take && beat_last) ? r_rows_left_q - RN_W'(1) : r_rows_left_q;
  assign r_rows_done_d = qr_pop ? '0 :
                         (r_take && beat_last) ? r_rows_done_q + RN_W'(1) : r_rows_done_q;

  always_ff @(posedge clk) begin
    p1_slot_q     <= r_slot_q;
    p1_rows_q     <= r_rows_done_q;
    bprog_slot_q  <= p1_slot_q;
    bprog_rows_q  <= p1_rows_q;
    r_beat_q      <= r_beat_d;
    r_bank_q      <= r_bank_d;
    r_tile_q      <= r_tile_d;
    r_rows_left_q <= r_rows_left_d;
    r_rows_done_q <= r_rows_done_d;
    if (qr_pop) begin
      r_is_b_q   <= qr_is_b;
      r_slot_q   <= qr_slot;
      r_nbeats_q <= qr_nbeats;
    end
    if (r_take) begin
      buf_is_b_q <= r_is_b_q;
      buf_bank_q <= r_bank_q;
      buf_addr_q <= buf_addr_d;
      buf_data_q <= m_axi_rdata;
    end
    if (r_take && cmd_last) begin
      done_is_b_q <= r_is_b_q;
      done_slot_q <= r_slot_q;
    end
  end

  assign {bprog_valid, bprog_slot, bprog_rows} = {bprog_valid_q, bprog_slot_q, bprog_rows_q};
  assign {done, done_is_b, done_slot, err} = {done_q, done_is_b_q, done_slot_q, err_q};
  assign {buf_we, buf_is_b, buf_bank, buf_addr, buf_data} =
         {buf_we_q, buf_is_b_q, buf_bank_q, buf_addr_q, buf_data_q};

  logic unused_ok;
  assign unused_ok = &{1'b0, m_axi_rresp[0], qa_slot, qr_addr, lq_empty};

  // ------------------------------------------------------------------ invariants
  // (AR held stable until accepted: checked by the splitter) every beat of an issued burst
  // has a length on the queue; the data side is active then.
  `XRNPE_ASSERT(r_beat_has_burst, !r_fire || (!lq_empty && r_state_q == R_RECV), clk, rst_n)

endmodule
`default_nettype wire
