// SPDX-License-Identifier: Apache-2.0
// Read DMA: loads rows of A or Bt into the operand buffers.  A command loads `nrows`
// consecutive rows (row l at addr + l*stride) of `nbeats` bus beats each into one buffer
// slot: A row l -> A bank l; Bt row l -> B bank l % COLS, tile l / COLS (tiles are
// 2**tstride_log2 entries apart).  The address side splits rows into INCR bursts (<= 256
// beats, never across 4 KiB) and runs ahead of the data side, which follows the same
// commands from its own queue copy.  A slot is only loaded once the feed has released it, so
// data is written to the buffers as it arrives.
//
// The slave is not trusted: every R beat is checked against the bursts issued (RID 0, RLAST
// on exactly the last beat of its burst, no beat without an outstanding burst), and a
// watchdog counts the cycles spent waiting on the bus (ARVALID not accepted, or beats owed)
// without a handshake.  A violation or a watchdog expiry *abandons* the read side: the
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

  // ------------------------------------------------------------------ two queue copies
  logic [CW-1:0] cmd_din, qa_dout, qr_dout;
  logic qa_full, qr_full, qa_empty, qr_empty, qa_pop, qr_pop;
  assign cmd_din  = {cmd_is_b, cmd_slot, cmd_addr, cmd_nrows, cmd_nbeats};
  assign cmd_full = qa_full || qr_full;

  logic flush, dead_q;  // flush: start of a job, or the side is abandoned (fault)
  xrnpe_coproc_fifo #(.W(CW), .DEPTH(QDEPTH)) u_qa (
    .clk, .rst_n, .clr(flush), .push(cmd_push && !cmd_full), .din(cmd_din), .full(qa_full),
    .pop(qa_pop), .dout(qa_dout), .empty(qa_empty));
  xrnpe_coproc_fifo #(.W(CW), .DEPTH(QDEPTH)) u_qr (
    .clk, .rst_n, .clr(flush), .push(cmd_push && !cmd_full), .din(cmd_din), .full(qr_full),
    .pop(qr_pop), .dout(qr_dout), .empty(qr_empty));

  // ------------------------------------------------------------------ address side
  logic              a_act_q;        // a command is being split into bursts
  logic              a_is_b_q;
  logic [31:0]       a_row_addr_q;   // start of the current row
  logic [31:0]       a_addr_q;       // next burst address
  logic [RN_W-1:0]   a_rows_left_q;
  logic [NB_W-1:0]   a_nbeats_q;
  logic [NB_W-1:0]   a_beats_left_q;  // of the current row
  logic              arvalid_q;
  logic [15:0]       outstanding_q;   // bursts addressed whose last beat has not arrived

  logic [12:0] beats_4k;
  logic [8:0]  blen;  // beats of the next burst, 1..256
  assign beats_4k = (13'd4096 - {1'b0, a_addr_q[11:0]}) >> DB_LOG2;
  always_comb begin
    blen = 9'd256;
    if ({{(32 - NB_W) {1'b0}}, a_beats_left_q} < 32'(blen)) blen = 9'(a_beats_left_q);
    if (32'(beats_4k) < 32'(blen)) blen = 9'(beats_4k);
  end

  // burst lengths issued, in order, for the RLAST check (a burst is queued when it is loaded
  // into the AR register, so the head is the oldest outstanding burst)
  logic       lq_full, lq_empty, lq_pop;
  logic [7:0] lq_dout;

  logic ar_load, ar_fire, r_hs, r_fire, r_last_fire, row_end, exp_last;
  assign ar_load     = a_act_q && !stop && !dead_q && !lq_full && (!arvalid_q || m_axi_arready);
  assign qa_pop      = !a_act_q && !qa_empty && !stop && !dead_q;
  assign ar_fire     = arvalid_q && m_axi_arready;
  assign r_hs        = m_axi_rvalid && m_axi_rready;
  assign r_fire      = r_hs && outstanding_q != 0;    // a beat of an issued burst
  assign r_last_fire = r_fire && exp_last;            // counted by our length, not by RLAST
  assign row_end     = NB_W'(blen) == a_beats_left_q;  // the next burst ends the row

  assign m_axi_arid    = '0;
  assign m_axi_arsize  = 3'(DB_LOG2);
  assign m_axi_arburst = 2'b01;
  assign m_axi_arvalid = arvalid_q;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      a_act_q   <= 1'b0;
      arvalid_q <= 1'b0;
    end else if (flush) begin
      a_act_q   <= 1'b0;
      arvalid_q <= 1'b0;
    end else begin
      if (ar_fire) arvalid_q <= 1'b0;
      if (qa_pop) a_act_q <= 1'b1;
      else if (ar_load) begin
        arvalid_q <= 1'b1;
        if (row_end && a_rows_left_q == RN_W'(1)) a_act_q <= 1'b0;
      end
    end
  end

  always_ff @(posedge clk) begin
    if (qa_pop) begin
      {a_is_b_q, a_row_addr_q, a_rows_left_q, a_nbeats_q} <= {qa_dout[CW-1], qa_dout[CW-3:0]};
      a_addr_q       <= qa_dout[NB_W+RN_W+:32];
      a_beats_left_q <= qa_dout[NB_W-1:0];
    end else if (ar_load) begin
      m_axi_araddr <= ADDR_W'(a_addr_q);
      m_axi_arlen  <= 8'(blen - 9'd1);
      if (row_end) begin
        a_rows_left_q  <= a_rows_left_q - RN_W'(1);
        a_row_addr_q   <= a_row_addr_q + (a_is_b_q ? b_stride : a_stride);
        a_addr_q       <= a_row_addr_q + (a_is_b_q ? b_stride : a_stride);
        a_beats_left_q <= a_nbeats_q;
      end else begin
        a_beats_left_q <= a_beats_left_q - NB_W'(blen);
        a_addr_q       <= a_addr_q + ({23'd0, blen} << DB_LOG2);
      end
    end
  end

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) outstanding_q <= '0;
    else if (flush) outstanding_q <= '0;
    else outstanding_q <= outstanding_q + 16'(ar_fire) - 16'(r_last_fire);
  end
  assign idle = outstanding_q == 0 && !arvalid_q;

  // ------------------------------------------------------------------ slave checks, watchdog
  logic [7:0]  rb_q;     // beat number within the oldest outstanding burst
  logic [31:0] wd_q;     // cycles waited on the bus without a handshake
  logic        waiting, fault_proto, fault_tmo, tmo_q, proto_q;
  assign lq_pop      = r_last_fire;
  assign exp_last    = rb_q == lq_dout;
  assign waiting     = arvalid_q || outstanding_q != 0;
  assign fault_proto = !dead_q && ((r_hs && outstanding_q == 0 && !stop) ||
                                   (r_fire && (m_axi_rid != '0 || m_axi_rlast != exp_last)));
  assign fault_tmo   = !dead_q && waiting && wd_limit != 0 && wd_q >= wd_limit;
  assign flush       = clr || fault_proto || fault_tmo;

  xrnpe_coproc_fifo #(.W(8), .DEPTH(16)) u_lq (
    .clk, .rst_n, .clr(flush), .push(ar_load), .din(8'(blen - 9'd1)), .full(lq_full),
    .pop(lq_pop), .dout(lq_dout), .empty(lq_empty));

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      rb_q    <= '0;
      wd_q    <= '0;
      dead_q  <= 1'b0;
      tmo_q   <= 1'b0;
      proto_q <= 1'b0;
    end else begin
      tmo_q   <= fault_tmo;
      proto_q <= fault_proto;
      if (clr) dead_q <= 1'b0;
      else if (fault_proto || fault_tmo) dead_q <= 1'b1;
      if (flush || r_last_fire) rb_q <= '0;
      else if (r_fire) rb_q <= rb_q + 8'd1;
      if (flush || !waiting || ar_fire || r_hs) wd_q <= '0;
      else wd_q <= wd_q + 32'd1;  // (wraps after 2**32 cycles: only if the watchdog is off)
    end
  end
  assign tmo   = tmo_q;
  assign proto = proto_q;

  // ------------------------------------------------------------------ data side
  logic            r_act_q, err_seen_q, p1_valid_q, bprog_valid_q, done_q, err_q, buf_we_q;
  logic            r_is_b_q, r_slot_q, p1_slot_q;
  logic [RN_W-1:0] r_rows_left_q, r_rows_done_q, p1_rows_q;
  logic [NB_W-1:0] r_nbeats_q, r_beat_q;
  logic [BK_W-1:0] r_bank_q;
  logic [B_AW-1:0] r_tile_q;  // entry offset of the current B tile within the slot

  assign qr_pop = !r_act_q && !qr_empty && !dead_q;
  // A beat can only belong to the active command; the one-cycle gap between commands is
  // covered by backpressure.  With no burst outstanding any beat is taken (and dropped).
  assign m_axi_rready = r_act_q || outstanding_q == 0;

  logic [BK_W-1:0] nbanks_m1;
  logic            beat_last, cmd_last;
  assign nbanks_m1 = r_is_b_q ? BK_W'(COLS - 1) : BK_W'(ROWS - 1);
  assign beat_last = r_beat_q == r_nbeats_q - NB_W'(1);  // last beat of a row
  assign cmd_last  = beat_last && r_rows_left_q == RN_W'(1);

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      r_act_q       <= 1'b0;
      err_seen_q    <= 1'b0;
      p1_valid_q    <= 1'b0;
      bprog_valid_q <= 1'b0;
      done_q        <= 1'b0;
      err_q         <= 1'b0;
      buf_we_q      <= 1'b0;
    end else if (flush) begin
      r_act_q       <= 1'b0;
      err_seen_q    <= 1'b0;
      p1_valid_q    <= 1'b0;
      bprog_valid_q <= 1'b0;
      done_q        <= 1'b0;
      err_q         <= 1'b0;
      buf_we_q      <= 1'b0;
    end else begin
      // p1 changes with buf_we (the write happens at the end of the next cycle), bprog one
      // cycle later, when the last row's data is in the RAM.
      p1_valid_q    <= r_act_q && r_is_b_q && !err_seen_q;
      bprog_valid_q <= p1_valid_q;
      done_q        <= r_fire && r_act_q && cmd_last && !err_seen_q && !m_axi_rresp[1];
      err_q         <= r_fire && m_axi_rresp[1] && !err_seen_q;
      buf_we_q      <= r_fire && r_act_q;
      if (r_fire && m_axi_rresp[1]) err_seen_q <= 1'b1;
      if (qr_pop) r_act_q <= 1'b1;
      else if (r_fire && r_act_q && cmd_last) r_act_q <= 1'b0;
    end
  end

  always_ff @(posedge clk) begin
    p1_slot_q  <= r_slot_q;
    p1_rows_q  <= r_rows_done_q;
    bprog_slot <= p1_slot_q;
    bprog_rows <= p1_rows_q;
    if (qr_pop) begin
      r_is_b_q      <= qr_dout[CW-1];
      r_slot_q      <= qr_dout[CW-2];
      r_rows_left_q <= qr_dout[NB_W+:RN_W];
      r_nbeats_q    <= qr_dout[NB_W-1:0];
      r_beat_q      <= '0;
      r_bank_q      <= '0;
      r_tile_q      <= '0;
      r_rows_done_q <= '0;
    end
    if (r_fire && r_act_q) begin
      buf_is_b <= r_is_b_q;
      buf_bank <= r_bank_q;
      if (r_is_b_q) buf_addr <= {r_slot_q, (B_AW - 1)'(r_tile_q + (B_AW - 1)'(r_beat_q))};
      else buf_addr <= B_AW'({r_slot_q, (A_AW - 1)'(r_beat_q)});
      buf_data <= m_axi_rdata;
      if (beat_last) begin
        r_beat_q <= '0;
        if (r_bank_q == nbanks_m1) begin
          r_bank_q <= '0;
          r_tile_q <= r_tile_q + (B_AW'(1) << tstride_log2);
        end else begin
          r_bank_q <= r_bank_q + BK_W'(1);
        end
        r_rows_left_q <= r_rows_left_q - RN_W'(1);
        r_rows_done_q <= r_rows_done_q + RN_W'(1);
      end else begin
        r_beat_q <= r_beat_q + NB_W'(1);
      end
    end
    if (r_fire && r_act_q && cmd_last) begin
      done_is_b <= r_is_b_q;
      done_slot <= r_slot_q;
    end
  end

  assign bprog_valid = bprog_valid_q;
  assign done        = done_q;
  assign err         = err_q;
  assign buf_we      = buf_we_q;

  logic unused_ok;
  assign unused_ok = &{1'b0, m_axi_rresp[0], a_nbeats_q, lq_empty};

  // ------------------------------------------------------------------ invariants
  // AR held with a stable payload until accepted (unless the side is abandoned or cleared);
  // every beat of an issued burst has a length on the queue; the data side is active then.
  logic        ar_hold_q;
  logic [ADDR_W-1:0] ar_addr_prev_q;
  logic [7:0]  ar_len_prev_q;
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) ar_hold_q <= 1'b0;
    else ar_hold_q <= arvalid_q && !m_axi_arready && !flush;
  end
  always_ff @(posedge clk) begin
    ar_addr_prev_q <= m_axi_araddr;
    ar_len_prev_q  <= m_axi_arlen;
  end
  `XRNPE_ASSERT(ar_stable_until_ready,
                !ar_hold_q || (arvalid_q && m_axi_araddr == ar_addr_prev_q &&
                               m_axi_arlen == ar_len_prev_q), clk, rst_n)
  `XRNPE_ASSERT(r_beat_has_burst, !r_fire || (!lq_empty && r_act_q), clk, rst_n)

endmodule
`default_nettype wire
