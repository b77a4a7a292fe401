// SPDX-License-Identifier: Apache-2.0
// Write DMA: writes the results of a step (C buffer slot) to memory.  A command covers
// `vrows` row segments; segment r starts at c_addr + r*c_stride and holds seg_cols elements
// of 2**esz bytes.  Two state machines: the address side splits each segment into INCR
// bursts of whole bus words (xrnpe_coproc_burst_split: <= 256 beats, never across 4 KiB)
// and queues their lengths for the data side.  The data side reads the segment's tile rows
// from the C buffer and packs them through a byte gearbox (xrnpe_coproc_gearbox) that
// starts at the segment's offset within the bus word, so WSTRB enables exactly the
// segment's bytes (any element-aligned address works).
//
// The slave is not trusted: a B with BID not 0, or a B while no burst is outstanding, is a
// protocol violation, and the bus watchdog (xrnpe_coproc_bus_watchdog) counts the cycles
// spent waiting on the bus (AWVALID or WVALID not accepted, or a B owed) without a
// handshake.  Either abandons the write side: queues, gearbox and outstanding count are
// cleared and AWVALID/WVALID withdrawn (AXI forbids that: the interconnect must then be
// reset); no further write is issued until the next job.
`default_nettype none
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
    input  logic                 clk,
    input  logic                 rst_n,
    input  logic                 clr,
    input  logic                 stop,
    input  logic [31:0]          c_stride,
    input  logic [1:0]           esz,
    input  logic [31:0]          wd_limit,    // watchdog: cycles without progress, 0 = off
    // commands
    input  logic                 cmd_push,
    output logic                 cmd_full,
    input  logic                 cmd_slot,
    input  logic [VR_W-1:0]      cmd_vrows,
    input  logic [RN_W-1:0]      cmd_seg_cols,
    input  logic [31:0]          cmd_c_addr,
    output logic                 c_release,
    output logic                 c_release_slot,
    // C buffer read port
    output logic                 c_rd_en,
    output logic [CT_W:0]        c_rd_addr,
    output logic [VR_W-1:0]      c_rd_row,
    input  logic [COLS*32-1:0]   c_rd_data,
    output logic                 err,
    output logic                 tmo,         // pulse: watchdog expired (side abandoned)
    output logic                 proto,       // pulse: protocol violation (side abandoned)
    output logic                 idle,
    // AXI4 master write channels
    output logic [ID_W-1:0]      m_axi_awid,
    output logic [ADDR_W-1:0]    m_axi_awaddr,
    output logic [7:0]           m_axi_awlen,
    output logic [2:0]           m_axi_awsize,
    output logic [1:0]           m_axi_awburst,
    output logic                 m_axi_awvalid,
    input  logic                 m_axi_awready,
    output logic [DATA_W-1:0]    m_axi_wdata,
    output logic [DATA_W/8-1:0]  m_axi_wstrb,
    output logic                 m_axi_wlast,
    output logic                 m_axi_wvalid,
    input  logic                 m_axi_wready,
    input  logic [ID_W-1:0]      m_axi_bid,
    input  logic [1:0]           m_axi_bresp,
    input  logic                 m_axi_bvalid,
    output logic                 m_axi_bready
);
  localparam int DB = DATA_W / 8;
  localparam int DB_LOG2 = $clog2(DB);
  localparam int CNT_W = $clog2(DB + COLS * 4 + 1);  // gearbox byte count (as the gearbox)
  localparam int CW = 1 + VR_W + RN_W + 32;
  localparam int RW = $clog2(ROWS + 1);

  logic flush, dead;  // flush: start of a job, or the side abandoned (bus watchdog)

  // ------------------------------------------------------------------ command queue
  logic            qa_pop, qa_empty, qw_pop, qw_empty, qa_slot, qw_slot;
  logic [VR_W-1:0] qa_vrows, qw_vrows;
  logic [RN_W-1:0] qa_seg_cols, qw_seg_cols;
  logic [31:0]     qa_c_addr, qw_c_addr;
  xrnpe_coproc_cmd_queue #(.W(CW), .DEPTH(QDEPTH)) u_cmdq (
    .clk, .rst_n, .clr(flush), .push(cmd_push),
    .din({cmd_slot, cmd_vrows, cmd_seg_cols, cmd_c_addr}), .full(cmd_full),
    .a_pop(qa_pop), .a_dout({qa_slot, qa_vrows, qa_seg_cols, qa_c_addr}), .a_empty(qa_empty),
    .d_pop(qw_pop), .d_dout({qw_slot, qw_vrows, qw_seg_cols, qw_c_addr}), .d_empty(qw_empty));

  // burst lengths from the address side to the data side
  logic       lq_full, lq_empty, lq_pop;
  logic [7:0] lq_dout;

  // ------------------------------------------------------------------ address side
  // A_SEG: the segment's first bus word and beat count go to the splitter
  typedef enum logic [1:0] {A_IDLE, A_SEG, A_ISSUE} a_state_e;
  a_state_e        a_state_q, a_state_d;
  logic [VR_W-1:0] a_rows_left_q, a_rows_left_d;
  logic [31:0]     a_seg_addr_q, a_seg_addr_d;  // byte address of the current segment
  logic [RN_W-1:0] a_seg_cols_q;
  logic [15:0]     outstanding_q, outstanding_d;  // bursts addressed, B not arrived
  logic            err_q, err_d;

  logic        aw_free, aw_load, aw_fire, b_hs, b_fire, w_fire, seg_end;
  logic [18:0] seg_span;  // bytes from the first bus word's start, rounded up to whole words
  logic [8:0]  blen;
  assign seg_span = (19'(a_seg_cols_q) << esz) + 19'(a_seg_addr_q[DB_LOG2-1:0]) + 19'(DB - 1);

  assign qa_pop  = a_state_q == A_IDLE && !qa_empty && !stop && !dead;
  assign aw_load = a_state_q == A_ISSUE && !stop && !dead && !lq_full && aw_free;

  always_comb begin
    a_state_d = a_state_q;
    unique case (a_state_q)
      A_IDLE:  if (qa_pop) a_state_d = A_SEG;
      A_SEG:   a_state_d = A_ISSUE;
      A_ISSUE: if (aw_load && seg_end) begin
        if (a_rows_left_q == VR_W'(1)) a_state_d = A_IDLE;
        else a_state_d = A_SEG;
      end
      default: a_state_d = A_IDLE;
    endcase
    if (flush) a_state_d = A_IDLE;
  end

  xrnpe_coproc_burst_split #(.DATA_W(DATA_W), .ADDR_W(ADDR_W), .BEATS_W(18)) u_split (
    .clk, .rst_n, .flush, .load(a_state_q == A_SEG),
    .load_addr({a_seg_addr_q[31:DB_LOG2], {DB_LOG2{1'b0}}}),
    .load_beats(18'(seg_span >> DB_LOG2)), .issue(aw_load), .free(aw_free), .blen,
    .last(seg_end), .m_ax_addr(m_axi_awaddr), .m_ax_len(m_axi_awlen),
    .m_ax_valid(m_axi_awvalid), .m_ax_ready(m_axi_awready));
  assign m_axi_awid    = '0;
  assign m_axi_awsize  = 3'(DB_LOG2);
  assign m_axi_awburst = 2'b01;
  assign m_axi_bready  = 1'b1;

  assign a_rows_left_d = qa_pop ? qa_vrows :
                         (aw_load && seg_end) ? a_rows_left_q - VR_W'(1) : a_rows_left_q;
  assign a_seg_addr_d  = qa_pop ? qa_c_addr :
                         (aw_load && seg_end) ? a_seg_addr_q + c_stride : a_seg_addr_q;
  assign aw_fire       = m_axi_awvalid && m_axi_awready;
  assign b_hs          = m_axi_bvalid && m_axi_bready;
  assign b_fire        = b_hs && outstanding_q != 0;  // the response of an issued burst
  assign outstanding_d = flush ? '0 : outstanding_q + 16'(aw_fire) - 16'(b_fire);
  assign err_d         = b_fire && m_axi_bresp[1] && !dead;
  assign err           = err_q;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      a_state_q     <= A_IDLE;
      outstanding_q <= '0;
      err_q         <= 1'b0;
    end else begin
      a_state_q     <= a_state_d;
      outstanding_q <= outstanding_d;
      err_q         <= err_d;
    end
  end

  always_ff @(posedge clk) begin
    if (qa_pop) a_seg_cols_q <= qa_seg_cols;
    a_rows_left_q <= a_rows_left_d;
    a_seg_addr_q  <= a_seg_addr_d;
  end

  xrnpe_coproc_fifo #(.W(8), .DEPTH(8)) u_lq (
    .clk, .rst_n, .clr(flush), .push(aw_load), .din(8'(blen - 9'd1)), .full(lq_full),
    .pop(lq_pop), .dout(lq_dout), .empty(lq_empty));

  xrnpe_coproc_bus_watchdog u_wdog (
    .clk, .rst_n, .clr, .stop, .limit(wd_limit), .offered(m_axi_awvalid || m_axi_wvalid),
    .busy(outstanding_q != 0), .progress(aw_fire || w_fire || b_hs), .resp(b_hs),
    .violation(b_fire && m_axi_bid != '0), .flush, .dead, .tmo, .proto);

  // ------------------------------------------------------------------ data side
  // W_ROW_INIT: the gearbox is loaded with the row's offset within the first bus word
  typedef enum logic [1:0] {W_IDLE, W_ROW_INIT, W_ROW} w_state_e;
  w_state_e         w_state_q, w_state_d;
  logic             w_slot_q, c_release_slot_q;
  logic [VR_W-1:0]  w_rows_left_q, w_rows_left_d;
  logic [RW-1:0]    w_row_q, w_row_d;
  logic [31:0]      w_seg_addr_q, w_seg_addr_d;
  logic [RN_W-1:0]  w_seg_cols_q;
  logic [RN_W-1:0]  req_cols_left_q, req_cols_left_d;  // of the row, not yet requested
  logic [RN_W-1:0]  in_cols_left_q, in_cols_left_d;    // of the row, not yet in the gearbox
  logic [CT_W-1:0]  req_tile_q, req_tile_d;
  logic             v_rd_q, v_rd_d;     // C buffer output holds a requested entry
  logic             burst_act_q, burst_act_d, c_release_q, c_release_d;
  logic [7:0]       burst_left_q, burst_left_d;  // beats after the current one
  logic [CNT_W-1:0] gb_cnt;  // bytes in the gearbox, leading offset bytes included

  logic             w_init, w_row, in_done, accept, row_done, row_last;
  logic [CNT_W-1:0] cnt_after, in_bytes;
  logic [RN_W-1:0]  in_cols;
  assign w_init   = w_state_q == W_ROW_INIT;
  assign w_row    = w_state_q == W_ROW;
  assign in_done  = in_cols_left_q == 0;
  assign m_axi_wvalid = w_row && burst_act_q &&
                        (gb_cnt >= CNT_W'(DB) || (in_done && gb_cnt != 0));
  assign m_axi_wlast  = burst_left_q == 0;
  assign w_fire       = m_axi_wvalid && m_axi_wready;
  assign lq_pop       = (!burst_act_q || (w_fire && m_axi_wlast)) && !lq_empty;

  assign in_cols   = in_cols_left_q >= RN_W'(COLS) ? RN_W'(COLS) : in_cols_left_q;
  assign in_bytes  = CNT_W'(in_cols) << esz;
  assign accept    = v_rd_q && cnt_after < CNT_W'(DB);
  assign c_rd_en   = w_row && req_cols_left_q != 0 && (!v_rd_q || accept);
  assign c_rd_addr = {w_slot_q, req_tile_q};
  assign c_rd_row  = w_row_q;
  assign row_done  = w_row && in_done && !v_rd_q && cnt_after == 0;
  assign row_last  = w_rows_left_q == VR_W'(1);  // the row that ends is the command's last
  assign qw_pop    = w_state_q == W_IDLE && !qw_empty && !dead;

  always_comb begin
    w_state_d = w_state_q;
    unique case (w_state_q)
      W_IDLE:     if (qw_pop) w_state_d = W_ROW_INIT;
      W_ROW_INIT: w_state_d = W_ROW;
      W_ROW:      if (row_done) begin
        if (row_last) w_state_d = W_IDLE;
        else w_state_d = W_ROW_INIT;
      end
      default:    w_state_d = W_IDLE;
    endcase
    if (flush) w_state_d = W_IDLE;
  end

  // a row starts with the leading bytes of its first bus word (other memory: strobes off)
  xrnpe_coproc_gearbox #(.DATA_W(DATA_W), .COLS(COLS)) u_gearbox (
    .clk, .esz, .init(w_init), .init_cnt(CNT_W'(w_seg_addr_q[DB_LOG2-1:0])), .shift(w_fire),
    .append(accept), .entry(c_rd_data), .bytes(in_bytes), .cnt(gb_cnt), .cnt_after,
    .beat_data(m_axi_wdata), .beat_strb(m_axi_wstrb));

  assign in_cols_left_d  = w_init ? w_seg_cols_q : in_cols_left_q - (accept ? in_cols : '0);
  assign req_cols_left_d = w_init ? w_seg_cols_q : !c_rd_en ? req_cols_left_q :
                           req_cols_left_q >= RN_W'(COLS) ? req_cols_left_q - RN_W'(COLS) : '0;
  assign req_tile_d      = w_init ? '0 : req_tile_q + CT_W'(c_rd_en);
  assign w_rows_left_d   = qw_pop ? qw_vrows : w_rows_left_q - VR_W'(row_done);
  assign w_seg_addr_d    = qw_pop ? qw_c_addr :
                           row_done ? w_seg_addr_q + c_stride : w_seg_addr_q;
  assign w_row_d         = qw_pop ? '0 : w_row_q + RW'(row_done);
  assign burst_left_d    = lq_pop ? lq_dout : burst_left_q - 8'(w_fire && !m_axi_wlast);
  assign burst_act_d     = !flush && (lq_pop || (burst_act_q && !(w_fire && m_axi_wlast)));
  assign v_rd_d          = !flush && (c_rd_en || (v_rd_q && !accept));
  assign c_release_d     = !flush && row_done && row_last;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      w_state_q   <= W_IDLE;
      v_rd_q      <= 1'b0;
      burst_act_q <= 1'b0;
      c_release_q <= 1'b0;
    end else begin
      w_state_q   <= w_state_d;
      v_rd_q      <= v_rd_d;
      burst_act_q <= burst_act_d;
      c_release_q <= c_release_d;
    end
  end

  always_ff @(posedge clk) begin
    burst_left_q    <= burst_left_d;
    in_cols_left_q  <= in_cols_left_d;
    req_cols_left_q <= req_cols_left_d;
    req_tile_q      <= req_tile_d;
    w_rows_left_q   <= w_rows_left_d;
    w_seg_addr_q    <= w_seg_addr_d;
    w_row_q         <= w_row_d;
    if (qw_pop) begin
      w_slot_q     <= qw_slot;
      w_seg_cols_q <= qw_seg_cols;
    end
    if (row_done && row_last) c_release_slot_q <= w_slot_q;
  end
  assign {c_release, c_release_slot} = {c_release_q, c_release_slot_q};

  assign idle = dead || (!m_axi_awvalid && outstanding_q == 0 && !burst_act_q && lq_empty &&
                         (stop || (a_state_q == A_IDLE && w_state_q == W_IDLE && qa_empty &&
                                   qw_empty)));

  logic unused_ok;
  assign unused_ok = &{1'b0, m_axi_bresp[0], qa_slot};

  // ------------------------------------------------------------------ invariants
  // W held with a stable payload until accepted, unless abandoned or cleared (AW: checked by
  // the splitter); data bytes only under their strobes
  function automatic logic [DATA_W-1:0] strb_bits(input logic [DATA_W/8-1:0] strb);
    for (int i = 0; i < DATA_W / 8; i++) strb_bits[i*8+:8] = {8{strb[i]}};
  endfunction
  xrnpe_coproc_axi_hold_check #(.W(DATA_W + DB + 1)) u_w_check (
    .clk, .rst_n, .flush, .valid(m_axi_wvalid), .ready(m_axi_wready),
    .payload({m_axi_wdata, m_axi_wstrb, m_axi_wlast}),
    .care({strb_bits(m_axi_wstrb), {(DB + 1) {1'b1}}}));
endmodule
`default_nettype wire
