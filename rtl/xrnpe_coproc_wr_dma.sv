// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// Write DMA: writes the results of a step (C buffer slot) to memory.  A command covers
// `vrows` row segments; segment r starts at c_addr + r*c_stride and holds seg_cols elements
// of 2**esz bytes.  The address side splits each segment into INCR bursts of whole bus words
// (<= 256 beats, never across 4 KiB) and queues their lengths for the data side.  The data
// side reads the segment's tile rows from the C buffer and packs them through a byte
// gearbox that starts at the segment's offset within the bus word, so WSTRB enables exactly
// the segment's bytes (any element-aligned address works).
module xrnpe_coproc_wr_dma #(
  parameter int DATA_W = 64,
  parameter int ADDR_W = 32,
  parameter int ID_W = 4,
  parameter int ROWS = 4,
  parameter int COLS = 4,
  parameter int CT_W = 4,
  parameter int VR_W = 3,
  parameter int RN_W = 8,
  parameter int QDEPTH = 4
) (
  input  wire                      clk,
  input  wire                      rst_n,
  input  wire                      clr,
  input  wire                      stop,
  input  wire [31:0]               c_stride,
  input  wire [1:0]                esz,
  // commands
  input  wire                      cmd_push,
  output logic                     cmd_full,
  input  wire                      cmd_slot,
  input  wire [VR_W-1:0]           cmd_vrows,
  input  wire [RN_W-1:0]           cmd_seg_cols,
  input  wire [31:0]               cmd_c_addr,
  output logic                     c_release,
  output logic                     c_release_slot,
  // C buffer read port
  output logic                     c_rd_en,
  output logic [CT_W:0]            c_rd_addr,
  output logic [$clog2(ROWS+1)-1:0] c_rd_row,
  input  wire [COLS*32-1:0]        c_rd_data,
  output logic                     err,
  output logic                     idle,
  // AXI4 master write channels
  output logic [ID_W-1:0]          m_axi_awid,
  output logic [ADDR_W-1:0]        m_axi_awaddr,
  output logic [7:0]               m_axi_awlen,
  output logic [2:0]               m_axi_awsize,
  output logic [1:0]               m_axi_awburst,
  output logic                     m_axi_awvalid,
  input  wire                      m_axi_awready,
  output logic [DATA_W-1:0]        m_axi_wdata,
  output logic [DATA_W/8-1:0]      m_axi_wstrb,
  output logic                     m_axi_wlast,
  output logic                     m_axi_wvalid,
  input  wire                      m_axi_wready,
  input  wire [ID_W-1:0]           m_axi_bid,
  input  wire [1:0]                m_axi_bresp,
  input  wire                      m_axi_bvalid,
  output logic                     m_axi_bready
);
  localparam int DB = DATA_W / 8;
  localparam int DB_LOG2 = $clog2(DB);
  localparam int CAP = DB + COLS * 4;          // gearbox bytes
  localparam int CNT_W = $clog2(CAP + 1);
  localparam int CW = 1 + VR_W + RN_W + 32;
  localparam int RW = $clog2(ROWS + 1);

  // ------------------------------------------------------------------ two queue copies
  wire [CW-1:0] cmd_din = {cmd_slot, cmd_vrows, cmd_seg_cols, cmd_c_addr};
  logic [CW-1:0] qa_dout, qw_dout;
  logic qa_full, qw_full, qa_empty, qw_empty, qa_pop, qw_pop;
  assign cmd_full = qa_full || qw_full;
  xrnpe_coproc_fifo #(.W(CW), .DEPTH(QDEPTH)) u_qa (
    .clk, .rst_n, .clr, .push(cmd_push && !cmd_full), .din(cmd_din), .full(qa_full),
    .pop(qa_pop), .dout(qa_dout), .empty(qa_empty));
  xrnpe_coproc_fifo #(.W(CW), .DEPTH(QDEPTH)) u_qw (
    .clk, .rst_n, .clr, .push(cmd_push && !cmd_full), .din(cmd_din), .full(qw_full),
    .pop(qw_pop), .dout(qw_dout), .empty(qw_empty));

  // burst lengths from the address side to the data side
  logic       lq_full, lq_empty, lq_pop, lq_push;
  logic [7:0] lq_dout;

  // ------------------------------------------------------------------ address side
  logic            a_act;
  logic [VR_W-1:0] a_rows_left;
  logic [31:0]     a_seg_addr;     // byte address of the current segment
  logic [31:0]     a_addr;         // next burst (bus-word aligned)
  logic [17:0]     a_beats_left;   // of the current segment
  logic [RN_W-1:0] a_seg_cols;
  logic            a_seg_start;    // compute the segment's beats first
  logic [15:0]     outstanding;

  wire [18:0] seg_bytes = 19'(a_seg_cols) << esz;
  wire [18:0] seg_span = seg_bytes + 19'(a_seg_addr[DB_LOG2-1:0]) + 19'(DB - 1);
  wire [12:0] beats_4k = (13'd4096 - {1'b0, a_addr[11:0]}) >> DB_LOG2;
  logic [8:0] blen;
  always_comb begin
    blen = 9'd256;
    if (a_beats_left < 18'(blen)) blen = 9'(a_beats_left);
    if (32'(beats_4k) < 32'(blen)) blen = 9'(beats_4k);
  end

  assign qa_pop = !a_act && !qa_empty && !stop;
  wire aw_load = a_act && !a_seg_start && !stop && !lq_full && (!m_axi_awvalid || m_axi_awready);
  assign lq_push = aw_load;
  wire aw_fire = m_axi_awvalid && m_axi_awready;
  wire b_fire = m_axi_bvalid && m_axi_bready;

  assign m_axi_awid = '0;
  assign m_axi_awsize = 3'(DB_LOG2);
  assign m_axi_awburst = 2'b01;
  assign m_axi_bready = 1'b1;

  always_ff @(posedge clk) begin
    if (!rst_n || clr) begin
      a_act <= 1'b0;
      a_rows_left <= '0;
      a_seg_addr <= '0;
      a_addr <= '0;
      a_beats_left <= '0;
      a_seg_cols <= '0;
      a_seg_start <= 1'b0;
      m_axi_awvalid <= 1'b0;
      m_axi_awaddr <= '0;
      m_axi_awlen <= '0;
    end else begin
      if (aw_fire) m_axi_awvalid <= 1'b0;
      if (qa_pop) begin
        a_act <= 1'b1;
        a_rows_left <= qa_dout[RN_W+32 +: VR_W];
        a_seg_cols <= qa_dout[32 +: RN_W];
        a_seg_addr <= qa_dout[31:0];
        a_seg_start <= 1'b1;
      end else if (a_act && a_seg_start) begin
        a_seg_start <= 1'b0;
        a_addr <= {a_seg_addr[31:DB_LOG2], {DB_LOG2{1'b0}}};
        a_beats_left <= 18'(seg_span >> DB_LOG2);
      end else if (aw_load) begin
        m_axi_awvalid <= 1'b1;
        m_axi_awaddr <= ADDR_W'(a_addr);
        m_axi_awlen <= 8'(blen - 9'd1);
        a_addr <= a_addr + ({23'd0, blen} << DB_LOG2);
        a_beats_left <= a_beats_left - 18'(blen);
        if (18'(blen) == a_beats_left) begin  // segment finished
          a_rows_left <= a_rows_left - VR_W'(1);
          a_seg_addr <= a_seg_addr + c_stride;
          a_seg_start <= 1'b1;
          if (a_rows_left == VR_W'(1)) a_act <= 1'b0;
        end
      end
    end
  end

  xrnpe_coproc_fifo #(.W(8), .DEPTH(8)) u_lq (
    .clk, .rst_n, .clr, .push(lq_push), .din(8'(blen - 9'd1)), .full(lq_full),
    .pop(lq_pop), .dout(lq_dout), .empty(lq_empty));

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      outstanding <= '0;
      err <= 1'b0;
    end else begin
      outstanding <= outstanding + 16'(aw_fire) - 16'(b_fire);
      err <= b_fire && m_axi_bresp[1];
    end
  end

  // ------------------------------------------------------------------ data side
  logic            w_act;          // a command is being written
  logic            w_slot;
  logic [VR_W-1:0] w_rows_left;
  logic [RW-1:0]   w_row;
  logic [31:0]     w_seg_addr;
  logic [RN_W-1:0] w_seg_cols;
  logic            w_row_init;     // load the gearbox offset for the row
  logic [RN_W-1:0] req_cols_left;  // columns of the row not yet requested from the C buffer
  logic [RN_W-1:0] in_cols_left;   // columns of the row not yet in the gearbox
  logic [CT_W-1:0] req_tile;
  logic            v_rd;           // C buffer output holds a requested entry
  logic [CAP*8-1:0] gb_data;
  logic [CAP-1:0]   gb_strb;
  logic [CNT_W-1:0] gb_cnt;        // bytes in the gearbox, leading offset bytes included
  logic            burst_act;
  logic [7:0]      burst_left;     // beats after the current one

  wire in_done = in_cols_left == 0;
  wire beat_avail = w_act && !w_row_init && (gb_cnt >= CNT_W'(DB) || (in_done && gb_cnt != 0));
  assign m_axi_wvalid = beat_avail && burst_act;
  assign m_axi_wdata = gb_data[DB*8-1:0];
  assign m_axi_wstrb = gb_strb[DB-1:0];
  assign m_axi_wlast = burst_left == 0;
  wire w_fire = m_axi_wvalid && m_axi_wready;
  assign lq_pop = (!burst_act || (w_fire && m_axi_wlast)) && !lq_empty;

  wire [CNT_W-1:0] cnt_after = !w_fire ? gb_cnt : (gb_cnt > CNT_W'(DB) ? gb_cnt - CNT_W'(DB) : '0);
  // entry contents packed to the element size
  logic [COLS*32-1:0] packed_d;
  always_comb begin
    packed_d = '0;
    for (int c = 0; c < COLS; c++) begin
      unique case (esz)
        2'd0: packed_d[c*8 +: 8] = c_rd_data[c*32 +: 8];
        2'd1: packed_d[c*16 +: 16] = c_rd_data[c*32 +: 16];
        default: packed_d[c*32 +: 32] = c_rd_data[c*32 +: 32];
      endcase
    end
  end
  wire [RN_W-1:0] in_cols = in_cols_left >= RN_W'(COLS) ? RN_W'(COLS) : in_cols_left;
  wire [CNT_W-1:0] in_bytes = CNT_W'(in_cols) << esz;
  wire accept = v_rd && cnt_after < CNT_W'(DB);
  wire more_req = w_act && !w_row_init && req_cols_left != 0;
  assign c_rd_en = more_req && (!v_rd || accept);
  assign c_rd_addr = {w_slot, req_tile};
  assign c_rd_row = w_row;
  wire row_done = w_act && !w_row_init && in_done && !v_rd && cnt_after == 0;

  assign qw_pop = !w_act && !qw_empty;

  always_ff @(posedge clk) begin
    if (!rst_n || clr) begin
      w_act <= 1'b0;
      w_slot <= 1'b0;
      w_rows_left <= '0;
      w_row <= '0;
      w_seg_addr <= '0;
      w_seg_cols <= '0;
      w_row_init <= 1'b0;
      req_cols_left <= '0;
      in_cols_left <= '0;
      req_tile <= '0;
      v_rd <= 1'b0;
      gb_data <= '0;
      gb_strb <= '0;
      gb_cnt <= '0;
      burst_act <= 1'b0;
      burst_left <= '0;
      c_release <= 1'b0;
      c_release_slot <= 1'b0;
    end else begin
      c_release <= 1'b0;
      // bursts
      if (lq_pop) begin
        burst_act <= 1'b1;
        burst_left <= lq_dout;
      end else if (w_fire) begin
        if (m_axi_wlast) burst_act <= 1'b0;
        else burst_left <= burst_left - 8'd1;
      end
      // gearbox: shift out a beat, then append an entry
      begin
        logic [CAP*8-1:0] d;
        logic [CAP-1:0]   s;
        d = gb_data;
        s = gb_strb;
        if (w_fire) begin
          d = d >> (DB * 8);
          s = s >> DB;
        end
        if (accept) begin
          // bytes past the valid columns (padding PEs) are dropped, not just unstrobed
          logic [CAP-1:0]   m;
          logic [CAP*8-1:0] mb;
          m = (CAP'(1) << in_bytes) - CAP'(1);
          for (int i = 0; i < CAP; i++) mb[i*8 +: 8] = {8{m[i]}};
          d = d | (((CAP*8)'(packed_d) & mb) << {cnt_after, 3'b000});
          s = s | (m << cnt_after);
        end
        gb_data <= d;
        gb_strb <= s;
        gb_cnt <= cnt_after + (accept ? in_bytes : '0);
      end
      if (accept) in_cols_left <= in_cols_left - in_cols;
      if (c_rd_en) begin
        req_tile <= req_tile + CT_W'(1);
        req_cols_left <= req_cols_left >= RN_W'(COLS) ? req_cols_left - RN_W'(COLS) : '0;
      end
      if (c_rd_en) v_rd <= 1'b1;
      else if (accept) v_rd <= 1'b0;

      if (qw_pop) begin
        w_act <= 1'b1;
        w_slot <= qw_dout[CW-1];
        w_rows_left <= qw_dout[RN_W+32 +: VR_W];
        w_seg_cols <= qw_dout[32 +: RN_W];
        w_seg_addr <= qw_dout[31:0];
        w_row <= '0;
        w_row_init <= 1'b1;
      end else if (w_act && w_row_init) begin
        // leading bytes of the first bus word belong to other memory: strobes off
        w_row_init <= 1'b0;
        gb_cnt <= CNT_W'(w_seg_addr[DB_LOG2-1:0]);
        gb_data <= '0;
        gb_strb <= '0;
        req_cols_left <= w_seg_cols;
        in_cols_left <= w_seg_cols;
        req_tile <= '0;
      end else if (row_done) begin
        w_rows_left <= w_rows_left - VR_W'(1);
        w_seg_addr <= w_seg_addr + c_stride;
        w_row <= w_row + RW'(1);
        w_row_init <= 1'b1;
        if (w_rows_left == VR_W'(1)) begin
          w_act <= 1'b0;
          w_row_init <= 1'b0;
          c_release <= 1'b1;
          c_release_slot <= w_slot;
        end
      end
    end
  end

  assign idle = !m_axi_awvalid && outstanding == 0 && !burst_act && lq_empty &&
                (stop || (!a_act && !w_act && qa_empty && qw_empty));

  wire unused_ok = &{1'b0, m_axi_bid, m_axi_bresp[0], qa_dout[CW-1]};
endmodule
`default_nettype wire
