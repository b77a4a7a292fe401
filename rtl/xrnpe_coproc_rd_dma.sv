// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// Read DMA: loads rows of A or Bt into the operand buffers.  A command loads `nrows`
// consecutive rows (row l at addr + l*stride) of `nbeats` bus beats each into one buffer
// slot: A row l -> A bank l; Bt row l -> B bank l % COLS, tile l / COLS (tiles are
// 2**tstride_log2 entries apart).  The address side splits rows into INCR bursts (<= 256
// beats, never across 4 KiB) and runs ahead of the data side, which follows the same
// commands from its own queue copy.  A slot is only loaded once the feed has released it, so
// data is written to the buffers as it arrives.
module xrnpe_coproc_rd_dma #(
  parameter int DATA_W = 64,
  parameter int ADDR_W = 32,
  parameter int ID_W = 4,
  parameter int ROWS = 4,
  parameter int COLS = 4,
  parameter int A_AW = 6,   // A bank address bits (slot bit included)
  parameter int B_AW = 7,   // B bank address bits (slot bit included)
  parameter int RN_W = 8,
  parameter int NB_W = 8,
  parameter int BK_W = 2,
  parameter int QDEPTH = 4
) (
  input  wire               clk,
  input  wire               rst_n,
  input  wire               clr,
  input  wire               stop,          // issue no new bursts
  input  wire [31:0]        a_stride,
  input  wire [31:0]        b_stride,
  input  wire [4:0]         tstride_log2,
  // command queue
  input  wire               cmd_push,
  output logic              cmd_full,
  input  wire               cmd_is_b,
  input  wire               cmd_slot,
  input  wire [31:0]        cmd_addr,
  input  wire [RN_W-1:0]    cmd_nrows,
  input  wire [NB_W-1:0]    cmd_nbeats,
  output logic              done,           // a command's data all arrived
  output logic              done_is_b,
  output logic              done_slot,
  output logic              err,            // pulse: first error response of the job
  output logic              idle,           // no burst outstanding or being offered
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
  input  wire               m_axi_arready,
  input  wire [ID_W-1:0]    m_axi_rid,
  input  wire [DATA_W-1:0]  m_axi_rdata,
  input  wire [1:0]         m_axi_rresp,
  input  wire               m_axi_rlast,
  input  wire               m_axi_rvalid,
  output logic              m_axi_rready
);
  localparam int DB_LOG2 = $clog2(DATA_W / 8);
  localparam int CW = 1 + 1 + 32 + RN_W + NB_W;

  // ------------------------------------------------------------------ two queue copies
  wire [CW-1:0] cmd_din = {cmd_is_b, cmd_slot, cmd_addr, cmd_nrows, cmd_nbeats};
  logic [CW-1:0] qa_dout, qr_dout;
  logic qa_full, qr_full, qa_empty, qr_empty, qa_pop, qr_pop;
  assign cmd_full = qa_full || qr_full;

  xrnpe_coproc_fifo #(.W(CW), .DEPTH(QDEPTH)) u_qa (
    .clk, .rst_n, .clr, .push(cmd_push && !cmd_full), .din(cmd_din), .full(qa_full),
    .pop(qa_pop), .dout(qa_dout), .empty(qa_empty));
  xrnpe_coproc_fifo #(.W(CW), .DEPTH(QDEPTH)) u_qr (
    .clk, .rst_n, .clr, .push(cmd_push && !cmd_full), .din(cmd_din), .full(qr_full),
    .pop(qr_pop), .dout(qr_dout), .empty(qr_empty));

  // ------------------------------------------------------------------ address side
  logic              a_act;       // a command is being split into bursts
  logic              a_is_b;
  logic [31:0]       a_row_addr;  // start of the current row
  logic [31:0]       a_addr;      // next burst address
  logic [RN_W-1:0]   a_rows_left;
  logic [NB_W-1:0]   a_nbeats;
  logic [NB_W-1:0]   a_beats_left;  // of the current row
  logic [15:0]       outstanding;   // bursts addressed whose last beat has not arrived

  wire [12:0] beats_4k = (13'd4096 - {1'b0, a_addr[11:0]}) >> DB_LOG2;
  logic [8:0] blen;  // beats of the next burst, 1..256
  always_comb begin
    blen = 9'd256;
    if ({{(32-NB_W){1'b0}}, a_beats_left} < 32'(blen)) blen = 9'(a_beats_left);
    if (32'(beats_4k) < 32'(blen)) blen = 9'(beats_4k);
  end

  wire ar_load = a_act && !stop && (!m_axi_arvalid || m_axi_arready);
  assign qa_pop = !a_act && !qa_empty && !stop;
  wire ar_fire = m_axi_arvalid && m_axi_arready;
  wire r_fire = m_axi_rvalid && m_axi_rready;
  wire r_last_fire = r_fire && m_axi_rlast;

  assign m_axi_arid = '0;
  assign m_axi_arsize = 3'(DB_LOG2);
  assign m_axi_arburst = 2'b01;

  always_ff @(posedge clk) begin
    if (!rst_n || clr) begin
      a_act <= 1'b0;
      a_is_b <= 1'b0;
      a_row_addr <= '0;
      a_addr <= '0;
      a_rows_left <= '0;
      a_nbeats <= '0;
      a_beats_left <= '0;
      m_axi_arvalid <= 1'b0;
      m_axi_araddr <= '0;
      m_axi_arlen <= '0;
    end else begin
      if (ar_fire) m_axi_arvalid <= 1'b0;
      if (qa_pop) begin
        a_act <= 1'b1;
        {a_is_b, a_row_addr, a_rows_left, a_nbeats} <=
            {qa_dout[CW-1], qa_dout[CW-3:0]};
        a_addr <= qa_dout[NB_W+RN_W +: 32];
        a_beats_left <= qa_dout[NB_W-1:0];
      end else if (ar_load) begin
        m_axi_arvalid <= 1'b1;
        m_axi_araddr <= ADDR_W'(a_addr);
        m_axi_arlen <= 8'(blen - 9'd1);
        if (NB_W'(blen) == a_beats_left) begin  // row finished
          if (a_rows_left == RN_W'(1)) a_act <= 1'b0;
          a_rows_left <= a_rows_left - RN_W'(1);
          a_row_addr <= a_row_addr + (a_is_b ? b_stride : a_stride);
          a_addr <= a_row_addr + (a_is_b ? b_stride : a_stride);
          a_beats_left <= a_nbeats;
        end else begin
          a_beats_left <= a_beats_left - NB_W'(blen);
          a_addr <= a_addr + ({23'd0, blen} << DB_LOG2);
        end
      end
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n) outstanding <= '0;
    else outstanding <= outstanding + 16'(ar_fire) - 16'(r_last_fire);
  end
  assign idle = outstanding == 0 && !m_axi_arvalid;

  // ------------------------------------------------------------------ data side
  logic            r_act;
  logic            r_is_b, r_slot;
  logic [RN_W-1:0] r_rows_left;
  logic [NB_W-1:0] r_nbeats, r_beat;
  logic [BK_W-1:0] r_bank;
  logic [B_AW-1:0] r_tile;   // entry offset of the current B tile within the slot
  logic            err_seen;
  logic [RN_W-1:0] r_rows_done;
  logic            p1_valid, p1_slot;
  logic [RN_W-1:0] p1_rows;

  assign qr_pop = !r_act && !qr_empty;
  // A beat can only belong to the active command; the one-cycle gap between commands is
  // covered by backpressure.
  assign m_axi_rready = r_act;

  wire [BK_W-1:0] nbanks_m1 = r_is_b ? BK_W'(COLS - 1) : BK_W'(ROWS - 1);

  always_ff @(posedge clk) begin
    if (!rst_n || clr) begin
      r_act <= 1'b0;
      r_is_b <= 1'b0;
      r_slot <= 1'b0;
      r_rows_left <= '0;
      r_nbeats <= '0;
      r_beat <= '0;
      r_bank <= '0;
      r_tile <= '0;
      r_rows_done <= '0;
      p1_valid <= 1'b0;
      p1_slot <= 1'b0;
      p1_rows <= '0;
      bprog_valid <= 1'b0;
      bprog_slot <= 1'b0;
      bprog_rows <= '0;
      done <= 1'b0;
      done_is_b <= 1'b0;
      done_slot <= 1'b0;
      err <= 1'b0;
      err_seen <= 1'b0;
      buf_we <= 1'b0;
      buf_is_b <= 1'b0;
      buf_bank <= '0;
      buf_addr <= '0;
      buf_data <= '0;
    end else begin
      done <= 1'b0;
      err <= 1'b0;
      buf_we <= 1'b0;
      // p1 changes with buf_we (the write happens at the end of the next cycle), bprog one
      // cycle later, when the last row's data is in the RAM.
      p1_valid <= r_act && r_is_b && !err_seen;
      p1_slot <= r_slot;
      p1_rows <= r_rows_done;
      bprog_valid <= p1_valid;
      bprog_slot <= p1_slot;
      bprog_rows <= p1_rows;
      if (qr_pop) begin
        r_act <= 1'b1;
        r_is_b <= qr_dout[CW-1];
        r_slot <= qr_dout[CW-2];
        r_rows_left <= qr_dout[NB_W +: RN_W];
        r_nbeats <= qr_dout[NB_W-1:0];
        r_beat <= '0;
        r_bank <= '0;
        r_tile <= '0;
        r_rows_done <= '0;
      end
      if (r_fire) begin
        if (m_axi_rresp[1] && !err_seen) begin
          err <= 1'b1;
          err_seen <= 1'b1;
        end
        if (r_act) begin
          buf_we <= 1'b1;
          buf_is_b <= r_is_b;
          buf_bank <= r_bank;
          if (r_is_b) buf_addr <= {r_slot, (B_AW-1)'(r_tile + (B_AW-1)'(r_beat))};
          else buf_addr <= B_AW'({r_slot, (A_AW-1)'(r_beat)});
          buf_data <= m_axi_rdata;
          if (r_beat == r_nbeats - NB_W'(1)) begin
            r_beat <= '0;
            if (r_bank == nbanks_m1) begin
              r_bank <= '0;
              r_tile <= r_tile + (B_AW'(1) << tstride_log2);
            end else begin
              r_bank <= r_bank + BK_W'(1);
            end
            r_rows_left <= r_rows_left - RN_W'(1);
            r_rows_done <= r_rows_done + RN_W'(1);
            if (r_rows_left == RN_W'(1)) begin
              r_act <= 1'b0;
              done <= !err_seen && !m_axi_rresp[1];
              done_is_b <= r_is_b;
              done_slot <= r_slot;
            end
          end else begin
            r_beat <= r_beat + NB_W'(1);
          end
        end
      end
    end
  end

  wire unused_ok = &{1'b0, m_axi_rid, m_axi_rresp[0], a_nbeats};
endmodule
`default_nettype wire
