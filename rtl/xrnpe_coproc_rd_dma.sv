// SPDX-License-Identifier: Apache-2.0
// Read DMA: loads rows of A or Bt into the operand buffers.  A command loads `nrows`
// consecutive rows (row l at addr + l*stride) of `nbeats` bus beats each into one buffer
// slot: A row l -> A bank l; Bt row l -> B bank l % COLS, tile l / COLS (tiles are
// 2**tstride_log2 entries apart).  The address side splits rows into INCR bursts (<= 256
// beats, never across 4 KiB) and runs ahead of the data side, which follows the same
// commands from its own queue copy.  A slot is only loaded once the feed has released it, so
// data is written to the buffers as it arrives.
`default_nettype none
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

  xrnpe_coproc_fifo #(.W(CW), .DEPTH(QDEPTH)) u_qa (
    .clk, .rst_n, .clr, .push(cmd_push && !cmd_full), .din(cmd_din), .full(qa_full),
    .pop(qa_pop), .dout(qa_dout), .empty(qa_empty));
  xrnpe_coproc_fifo #(.W(CW), .DEPTH(QDEPTH)) u_qr (
    .clk, .rst_n, .clr, .push(cmd_push && !cmd_full), .din(cmd_din), .full(qr_full),
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

  logic ar_load, ar_fire, r_fire, r_last_fire, row_end;
  assign ar_load     = a_act_q && !stop && (!arvalid_q || m_axi_arready);
  assign qa_pop      = !a_act_q && !qa_empty && !stop;
  assign ar_fire     = arvalid_q && m_axi_arready;
  assign r_fire      = m_axi_rvalid && m_axi_rready;
  assign r_last_fire = r_fire && m_axi_rlast;
  assign row_end     = NB_W'(blen) == a_beats_left_q;  // the next burst ends the row

  assign m_axi_arid    = '0;
  assign m_axi_arsize  = 3'(DB_LOG2);
  assign m_axi_arburst = 2'b01;
  assign m_axi_arvalid = arvalid_q;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      a_act_q   <= 1'b0;
      arvalid_q <= 1'b0;
    end else if (clr) begin
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
    else outstanding_q <= outstanding_q + 16'(ar_fire) - 16'(r_last_fire);
  end
  assign idle = outstanding_q == 0 && !arvalid_q;

  // ------------------------------------------------------------------ data side
  logic            r_act_q, err_seen_q, p1_valid_q, bprog_valid_q, done_q, err_q, buf_we_q;
  logic            r_is_b_q, r_slot_q, p1_slot_q;
  logic [RN_W-1:0] r_rows_left_q, r_rows_done_q, p1_rows_q;
  logic [NB_W-1:0] r_nbeats_q, r_beat_q;
  logic [BK_W-1:0] r_bank_q;
  logic [B_AW-1:0] r_tile_q;  // entry offset of the current B tile within the slot

  assign qr_pop = !r_act_q && !qr_empty;
  // A beat can only belong to the active command; the one-cycle gap between commands is
  // covered by backpressure.
  assign m_axi_rready = r_act_q;

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
    end else if (clr) begin
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
  assign unused_ok = &{1'b0, m_axi_rid, m_axi_rresp[0], a_nbeats_q};

endmodule
`default_nettype wire
