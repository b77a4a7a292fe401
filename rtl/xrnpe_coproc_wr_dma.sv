// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "xrnpe_assert.svh"
// Write DMA: writes the results of a step (C buffer slot) to memory.  A command covers
// `vrows` row segments; segment r starts at c_addr + r*c_stride and holds seg_cols elements
// of 2**esz bytes.  The address side splits each segment into INCR bursts of whole bus words
// (<= 256 beats, never across 4 KiB) and queues their lengths for the data side.  The data
// side reads the segment's tile rows from the C buffer and packs them through a byte
// gearbox that starts at the segment's offset within the bus word, so WSTRB enables exactly
// the segment's bytes (any element-aligned address works).
//
// The slave is not trusted: a B with BID not 0, or a B while no burst is outstanding, is a
// protocol violation, and a watchdog counts the cycles spent waiting on the bus (AWVALID or
// WVALID not accepted, or a B owed) without a handshake.  Either abandons the write side:
// queues, gearbox and outstanding count are cleared and AWVALID/WVALID withdrawn (AXI forbids
// that: the interconnect must then be reset); no further write is issued until the next job.
module xrnpe_coproc_wr_dma #(
    parameter int DATA_W = 64,
    parameter int ADDR_W = 32,
    parameter int ID_W = 4,
    parameter int ROWS = 4,
    parameter int COLS = 4,
    parameter int CBUF_TILES = 16,
    parameter int QDEPTH = 4,
    // derived (xrnpe_coproc_pkg), not to be overridden
    localparam int CT_W = xrnpe_coproc_pkg::ct_w(CBUF_TILES),
    localparam int VR_W = xrnpe_coproc_pkg::vr_w(ROWS),
    localparam int RN_W = xrnpe_coproc_pkg::rn_w(ROWS, COLS, CBUF_TILES)
) (
  input  logic                      clk,
  input  logic                      rst_n,
  input  logic                      clr,
  input  logic                      stop,
  input  logic [31:0]               c_stride,
  input  logic [1:0]                esz,
  input  logic [31:0]               wd_limit,   // watchdog: cycles without progress, 0 = off
  // commands
  input  logic                      cmd_push,
  output logic                     cmd_full,
  input  logic                      cmd_slot,
  input  logic [VR_W-1:0]           cmd_vrows,
  input  logic [RN_W-1:0]           cmd_seg_cols,
  input  logic [31:0]               cmd_c_addr,
  output logic                     c_release,
  output logic                     c_release_slot,
  // C buffer read port
  output logic                     c_rd_en,
  output logic [CT_W:0]            c_rd_addr,
  output logic [VR_W-1:0] c_rd_row,
  input  logic [COLS*32-1:0]        c_rd_data,
  output logic                     err,
  output logic                     tmo,        // pulse: watchdog expired (side abandoned)
  output logic                     proto,      // pulse: protocol violation (side abandoned)
  output logic                     idle,
  // AXI4 master write channels
  output logic [ID_W-1:0]          m_axi_awid,
  output logic [ADDR_W-1:0]        m_axi_awaddr,
  output logic [7:0]               m_axi_awlen,
  output logic [2:0]               m_axi_awsize,
  output logic [1:0]               m_axi_awburst,
  output logic                     m_axi_awvalid,
  input  logic                      m_axi_awready,
  output logic [DATA_W-1:0]        m_axi_wdata,
  output logic [DATA_W/8-1:0]      m_axi_wstrb,
  output logic                     m_axi_wlast,
  output logic                     m_axi_wvalid,
  input  logic                      m_axi_wready,
  input  logic [ID_W-1:0]           m_axi_bid,
  input  logic [1:0]                m_axi_bresp,
  input  logic                      m_axi_bvalid,
  output logic                     m_axi_bready
);
  localparam int DB = DATA_W / 8;
  localparam int DB_LOG2 = $clog2(DB);
  localparam int CAP = DB + COLS * 4;          // gearbox bytes
  localparam int CNT_W = $clog2(CAP + 1);
  localparam int CW = 1 + VR_W + RN_W + 32;
  localparam int RW = $clog2(ROWS + 1);

  // ------------------------------------------------------------------ two queue copies
  logic [CW-1:0] cmd_din;
  assign cmd_din = {cmd_slot, cmd_vrows, cmd_seg_cols, cmd_c_addr};
  logic [CW-1:0] qa_dout, qw_dout;
  logic qa_full, qw_full, qa_empty, qw_empty, qa_pop, qw_pop;
  assign cmd_full = qa_full || qw_full;
  logic flush, dead_q;  // flush: start of a job, or the side is abandoned (fault)
  xrnpe_coproc_fifo #(.W(CW), .DEPTH(QDEPTH)) u_qa (
    .clk, .rst_n, .clr(flush), .push(cmd_push && !cmd_full), .din(cmd_din), .full(qa_full),
    .pop(qa_pop), .dout(qa_dout), .empty(qa_empty));
  xrnpe_coproc_fifo #(.W(CW), .DEPTH(QDEPTH)) u_qw (
    .clk, .rst_n, .clr(flush), .push(cmd_push && !cmd_full), .din(cmd_din), .full(qw_full),
    .pop(qw_pop), .dout(qw_dout), .empty(qw_empty));

  // burst lengths from the address side to the data side
  logic       lq_full, lq_empty, lq_pop, lq_push;
  logic [7:0] lq_dout;

  // ------------------------------------------------------------------ address side
  logic            a_act_q;
  logic [VR_W-1:0] a_rows_left_q;
  logic [31:0]     a_seg_addr_q;     // byte address of the current segment
  logic [31:0]     a_addr_q;         // next burst (bus-word aligned)
  logic [17:0]     a_beats_left_q;   // of the current segment
  logic [RN_W-1:0] a_seg_cols_q;
  logic            a_seg_start_q;    // compute the segment's beats first
  logic [15:0]     outstanding_q;

  logic [18:0] seg_bytes;

  assign seg_bytes = 19'(a_seg_cols_q) << esz;
  logic [18:0] seg_span;
  assign seg_span = seg_bytes + 19'(a_seg_addr_q[DB_LOG2-1:0]) + 19'(DB - 1);
  logic [12:0] beats_4k;
  assign beats_4k = (13'd4096 - {1'b0, a_addr_q[11:0]}) >> DB_LOG2;
  logic [8:0] blen;
  always_comb begin
    blen = 9'd256;
    if (a_beats_left_q < 18'(blen)) blen = 9'(a_beats_left_q);
    if (32'(beats_4k) < 32'(blen)) blen = 9'(beats_4k);
  end

  assign qa_pop = !a_act_q && !qa_empty && !stop && !dead_q;
  logic aw_load;
  assign aw_load = a_act_q && !a_seg_start_q && !stop && !dead_q && !lq_full &&
                   (!m_axi_awvalid || m_axi_awready);
  assign lq_push = aw_load;
  logic aw_fire;
  assign aw_fire = m_axi_awvalid && m_axi_awready;
  logic b_hs, b_fire;
  assign b_hs   = m_axi_bvalid && m_axi_bready;
  assign b_fire = b_hs && outstanding_q != 0;  // the response of an issued burst

  assign m_axi_awid = '0;
  assign m_axi_awsize = 3'(DB_LOG2);
  assign m_axi_awburst = 2'b01;
  assign m_axi_bready = 1'b1;

  logic awvalid_q;
  assign m_axi_awvalid = awvalid_q;
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      a_act_q       <= 1'b0;
      a_seg_start_q <= 1'b0;
      awvalid_q     <= 1'b0;
    end else if (flush) begin
      a_act_q       <= 1'b0;
      a_seg_start_q <= 1'b0;
      awvalid_q     <= 1'b0;
    end else begin
      if (aw_fire) awvalid_q <= 1'b0;
      if (qa_pop) begin
        a_act_q       <= 1'b1;
        a_seg_start_q <= 1'b1;
      end else if (a_act_q && a_seg_start_q) begin
        a_seg_start_q <= 1'b0;
      end else if (aw_load) begin
        awvalid_q <= 1'b1;
        if (18'(blen) == a_beats_left_q) begin  // segment finished
          a_seg_start_q <= 1'b1;
          if (a_rows_left_q == VR_W'(1)) a_act_q <= 1'b0;
        end
      end
    end
  end

  always_ff @(posedge clk) begin
    if (qa_pop) begin
      a_rows_left_q <= qa_dout[RN_W+32+:VR_W];
      a_seg_cols_q  <= qa_dout[32+:RN_W];
      a_seg_addr_q  <= qa_dout[31:0];
    end else if (a_act_q && a_seg_start_q) begin
      a_addr_q       <= {a_seg_addr_q[31:DB_LOG2], {DB_LOG2{1'b0}}};
      a_beats_left_q <= 18'(seg_span >> DB_LOG2);
    end else if (aw_load) begin
      m_axi_awaddr   <= ADDR_W'(a_addr_q);
      m_axi_awlen    <= 8'(blen - 9'd1);
      a_addr_q       <= a_addr_q + ({23'd0, blen} << DB_LOG2);
      a_beats_left_q <= a_beats_left_q - 18'(blen);
      if (18'(blen) == a_beats_left_q) begin  // segment finished
        a_rows_left_q <= a_rows_left_q - VR_W'(1);
        a_seg_addr_q  <= a_seg_addr_q + c_stride;
      end
    end
  end

  xrnpe_coproc_fifo #(.W(8), .DEPTH(8)) u_lq (
    .clk, .rst_n, .clr(flush), .push(lq_push), .din(8'(blen - 9'd1)), .full(lq_full),
    .pop(lq_pop), .dout(lq_dout), .empty(lq_empty));

  logic err_q;
  assign err = err_q;
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      outstanding_q <= '0;
      err_q         <= 1'b0;
    end else begin
      if (flush) outstanding_q <= '0;
      else outstanding_q <= outstanding_q + 16'(aw_fire) - 16'(b_fire);
      err_q <= b_fire && m_axi_bresp[1] && !dead_q;
    end
  end

  // ------------------------------------------------------------------ data side
  logic            w_act_q;          // a command is being written
  logic            w_slot_q;
  logic [VR_W-1:0] w_rows_left_q;
  logic [RW-1:0]   w_row_q;
  logic [31:0]     w_seg_addr_q;
  logic [RN_W-1:0] w_seg_cols_q;
  logic            w_row_init_q;     // load the gearbox offset for the row
  logic [RN_W-1:0] req_cols_left_q;  // columns of the row not yet requested from the C buffer
  logic [RN_W-1:0] in_cols_left_q;   // columns of the row not yet in the gearbox
  logic [CT_W-1:0] req_tile_q;
  logic            v_rd_q;           // C buffer output holds a requested entry
  logic [CAP*8-1:0] gb_data_q;
  logic [CAP-1:0]   gb_strb_q;
  logic [CNT_W-1:0] gb_cnt_q;        // bytes in the gearbox, leading offset bytes included
  logic            burst_act_q;
  logic [7:0]      burst_left_q;     // beats after the current one

  logic in_done;

  assign in_done = in_cols_left_q == 0;
  logic beat_avail;
  assign beat_avail = w_act_q && !w_row_init_q &&
                      (gb_cnt_q >= CNT_W'(DB) || (in_done && gb_cnt_q != 0));
  assign m_axi_wvalid = beat_avail && burst_act_q;
  assign m_axi_wdata = gb_data_q[DB*8-1:0];
  assign m_axi_wstrb = gb_strb_q[DB-1:0];
  assign m_axi_wlast = burst_left_q == 0;
  logic w_fire;
  assign w_fire = m_axi_wvalid && m_axi_wready;
  assign lq_pop = (!burst_act_q || (w_fire && m_axi_wlast)) && !lq_empty;

  logic [CNT_W-1:0] cnt_after;

  assign cnt_after = !w_fire ? gb_cnt_q : (gb_cnt_q > CNT_W'(DB) ? gb_cnt_q - CNT_W'(DB) : '0);
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
  logic [RN_W-1:0] in_cols;
  assign in_cols = in_cols_left_q >= RN_W'(COLS) ? RN_W'(COLS) : in_cols_left_q;
  logic [CNT_W-1:0] in_bytes;
  assign in_bytes = CNT_W'(in_cols) << esz;
  logic accept;
  assign accept = v_rd_q && cnt_after < CNT_W'(DB);
  logic more_req;
  assign more_req = w_act_q && !w_row_init_q && req_cols_left_q != 0;
  assign c_rd_en = more_req && (!v_rd_q || accept);
  assign c_rd_addr = {w_slot_q, req_tile_q};
  assign c_rd_row = w_row_q;
  logic row_done;
  assign row_done = w_act_q && !w_row_init_q && in_done && !v_rd_q && cnt_after == 0;

  assign qw_pop = !w_act_q && !qw_empty && !dead_q;

  // The gearbox after this cycle: the beat sent (if any) shifted out, the accepted C buffer
  // entry (if any) appended behind the remaining bytes.  Bytes past the valid columns
  // (padding PEs) are dropped, not just unstrobed.
  function automatic logic [CAP*9-1:0] gearbox(
      input logic [CAP*8-1:0] data, input logic [CAP-1:0] strb, input logic shift,
      input logic append, input logic [COLS*32-1:0] entry, input logic [CNT_W-1:0] bytes,
      input logic [CNT_W-1:0] at);
    logic [CAP*8-1:0] d, mb;
    logic [CAP-1:0]   s, m;
    d = shift ? data >> (DB * 8) : data;
    s = shift ? strb >> DB : strb;
    m = (CAP'(1) << bytes) - CAP'(1);
    for (int i = 0; i < CAP; i++) mb[i*8+:8] = {8{m[i]}};
    if (append) begin
      d = d | (((CAP * 8)'(entry) & mb) << {at, 3'b000});
      s = s | (m << at);
    end
    gearbox = {d, s};
  endfunction
  function automatic logic [DATA_W-1:0] strb_bits(input logic [DATA_W/8-1:0] strb);
    for (int i = 0; i < DATA_W / 8; i++) strb_bits[i*8+:8] = {8{strb[i]}};
  endfunction
  logic [CAP*8-1:0] gb_data_d;
  logic [CAP-1:0]   gb_strb_d;
  assign {gb_data_d, gb_strb_d} = gearbox(gb_data_q, gb_strb_q, w_fire, accept, packed_d,
                                          in_bytes, cnt_after);

  logic row_last;  // the row that ends is the command's last
  assign row_last = w_rows_left_q == VR_W'(1);

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      w_act_q      <= 1'b0;
      w_row_init_q <= 1'b0;
      v_rd_q       <= 1'b0;
      burst_act_q  <= 1'b0;
      c_release    <= 1'b0;
    end else if (flush) begin
      w_act_q      <= 1'b0;
      w_row_init_q <= 1'b0;
      v_rd_q       <= 1'b0;
      burst_act_q  <= 1'b0;
      c_release    <= 1'b0;
    end else begin
      c_release <= 1'b0;
      if (lq_pop) burst_act_q <= 1'b1;
      else if (w_fire && m_axi_wlast) burst_act_q <= 1'b0;
      if (c_rd_en) v_rd_q <= 1'b1;
      else if (accept) v_rd_q <= 1'b0;
      if (qw_pop) begin
        w_act_q      <= 1'b1;
        w_row_init_q <= 1'b1;
      end else if (w_act_q && w_row_init_q) begin
        w_row_init_q <= 1'b0;
      end else if (row_done) begin
        w_row_init_q <= !row_last;
        if (row_last) begin
          w_act_q   <= 1'b0;
          c_release <= 1'b1;
        end
      end
    end
  end

  always_ff @(posedge clk) begin
    // bursts
    if (lq_pop) burst_left_q <= lq_dout;
    else if (w_fire && !m_axi_wlast) burst_left_q <= burst_left_q - 8'd1;
    // gearbox: shift out a beat, then append an entry
    gb_data_q <= gb_data_d;
    gb_strb_q <= gb_strb_d;
    gb_cnt_q  <= cnt_after + (accept ? in_bytes : '0);
    if (accept) in_cols_left_q <= in_cols_left_q - in_cols;
    if (c_rd_en) begin
      req_tile_q      <= req_tile_q + CT_W'(1);
      req_cols_left_q <= req_cols_left_q >= RN_W'(COLS) ? req_cols_left_q - RN_W'(COLS) : '0;
    end

    if (qw_pop) begin
      w_slot_q      <= qw_dout[CW-1];
      w_rows_left_q <= qw_dout[RN_W+32+:VR_W];
      w_seg_cols_q  <= qw_dout[32+:RN_W];
      w_seg_addr_q  <= qw_dout[31:0];
      w_row_q       <= '0;
    end else if (w_act_q && w_row_init_q) begin
      // leading bytes of the first bus word belong to other memory: strobes off
      gb_cnt_q        <= CNT_W'(w_seg_addr_q[DB_LOG2-1:0]);
      gb_data_q       <= '0;
      gb_strb_q       <= '0;
      req_cols_left_q <= w_seg_cols_q;
      in_cols_left_q  <= w_seg_cols_q;
      req_tile_q      <= '0;
    end else if (row_done) begin
      w_rows_left_q <= w_rows_left_q - VR_W'(1);
      w_seg_addr_q  <= w_seg_addr_q + c_stride;
      w_row_q       <= w_row_q + RW'(1);
      if (row_last) c_release_slot <= w_slot_q;
    end
  end

  assign idle = dead_q || (!m_axi_awvalid && outstanding_q == 0 && !burst_act_q && lq_empty &&
                          (stop || (!a_act_q && !w_act_q && qa_empty && qw_empty)));

  // ------------------------------------------------------------------ slave checks, watchdog
  logic [31:0] wd_q;  // cycles waited on the bus without a handshake
  logic        waiting, fault_proto, fault_tmo, tmo_q, proto_q;
  assign waiting     = m_axi_awvalid || m_axi_wvalid || outstanding_q != 0;
  assign fault_proto = !dead_q && ((b_hs && outstanding_q == 0 && !stop) ||
                                   (b_fire && m_axi_bid != '0));
  assign fault_tmo   = !dead_q && waiting && wd_limit != 0 && wd_q >= wd_limit;
  assign flush       = clr || fault_proto || fault_tmo;
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      wd_q    <= '0;
      dead_q  <= 1'b0;
      tmo_q   <= 1'b0;
      proto_q <= 1'b0;
    end else begin
      tmo_q   <= fault_tmo;
      proto_q <= fault_proto;
      if (clr) dead_q <= 1'b0;
      else if (fault_proto || fault_tmo) dead_q <= 1'b1;
      if (flush || !waiting || aw_fire || w_fire || b_hs) wd_q <= '0;
      else wd_q <= wd_q + 32'd1;  // (wraps after 2**32 cycles: only if the watchdog is off)
    end
  end
  assign tmo   = tmo_q;
  assign proto = proto_q;

  logic unused_ok;

  assign unused_ok = &{1'b0, m_axi_bresp[0], qa_dout[CW-1]};

  // ------------------------------------------------------------------ invariants
  // AW and W held with a stable payload until accepted (unless abandoned or cleared)
  logic              aw_hold_q, w_hold_q;
  logic [ADDR_W-1:0] aw_addr_prev_q;
  logic [7:0]        aw_len_prev_q;
  logic [DATA_W-1:0] w_data_prev_q;
  logic [DATA_W/8-1:0] w_strb_prev_q;
  logic              w_last_prev_q;
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      aw_hold_q <= 1'b0;
      w_hold_q  <= 1'b0;
    end else begin
      aw_hold_q <= m_axi_awvalid && !m_axi_awready && !flush;
      w_hold_q  <= m_axi_wvalid && !m_axi_wready && !flush;
    end
  end
  always_ff @(posedge clk) begin
    aw_addr_prev_q <= m_axi_awaddr;
    aw_len_prev_q  <= m_axi_awlen;
    w_data_prev_q  <= m_axi_wdata;
    w_strb_prev_q  <= m_axi_wstrb;
    w_last_prev_q  <= m_axi_wlast;
  end
  `XRNPE_ASSERT(aw_stable_until_ready,
                !aw_hold_q || (m_axi_awvalid && m_axi_awaddr == aw_addr_prev_q &&
                               m_axi_awlen == aw_len_prev_q), clk, rst_n)
  `XRNPE_ASSERT(w_stable_until_ready,
                !w_hold_q || (m_axi_wvalid && m_axi_wstrb == w_strb_prev_q &&
                              m_axi_wlast == w_last_prev_q &&
                              (m_axi_wdata & strb_bits(m_axi_wstrb)) ==
                              (w_data_prev_q & strb_bits(m_axi_wstrb))), clk, rst_n)
endmodule
`default_nettype wire
