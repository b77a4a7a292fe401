// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// XR-NPE matrix-multiplication co-processor: C = A x B on an array of ROWS x COLS xrnpe_pe_rmmec.
// AXI4-Lite slave for the registers (spec/xrnpe_regs.rdl), AXI4 master for A, Bt and C in
// memory.  Dataflow, tiling and buffer sizing: docs/coprocessor.md.  Safe on a shared bus:
// DMA windows, wrap and overlap checks at START, AxPROT from a register, privileged writes
// (and LOCK) for the protection registers, a bus watchdog and checks of the slave's responses.
//
//   regs -> ctrl --(loads)--> rd_dma --> A/B buffers --> feed --> PE array --> collect
//             \--(steps)--------------------------------^                        |
//                                              wr_dma <--(C slots, commands)-----/
module xrnpe_coprocessor #(
  parameter int ROWS = 4,          // PE rows: output rows computed together
  parameter int COLS = 4,          // PE columns: output columns computed together
  parameter int PE_KIND = 0,       // PE front end (xrnpe_pe_pkg): 0 RMMEC, 1 per-format, 2 wide
  parameter int DATA_W = 64,       // AXI4 master data width
  parameter int ADDR_W = 32,       // AXI4 master address width
  parameter int ID_W = 4,          // AXI4 ID width (ID 0 is used)
  parameter int AXIL_ADDR_W = 8,   // AXI4-Lite address width
  parameter int ABUF_WORDS = 128,  // words per A slot per PE row: longest K chunk
  parameter int BBUF_WORDS = 256,  // words per B slot per PE column: Bt panel capacity
  parameter int CBUF_TILES = 16,   // tiles per C slot: widest panel = CBUF_TILES * COLS
  parameter bit CFG_PRIV = 1'b1    // PROT, windows, LOCK: privileged AXI4-Lite writes only
) (
  input  logic                     clk,
  input  logic                     rst_n,
  output logic                    irq,
  // AXI4-Lite slave
  input  logic [AXIL_ADDR_W-1:0]   s_axil_awaddr,
  input  logic [2:0]               s_axil_awprot,
  input  logic                     s_axil_awvalid,
  output logic                    s_axil_awready,
  input  logic [31:0]              s_axil_wdata,
  input  logic [3:0]               s_axil_wstrb,
  input  logic                     s_axil_wvalid,
  output logic                    s_axil_wready,
  output logic [1:0]              s_axil_bresp,
  output logic                    s_axil_bvalid,
  input  logic                     s_axil_bready,
  input  logic [AXIL_ADDR_W-1:0]   s_axil_araddr,
  input  logic [2:0]               s_axil_arprot,
  input  logic                     s_axil_arvalid,
  output logic                    s_axil_arready,
  output logic [31:0]             s_axil_rdata,
  output logic [1:0]              s_axil_rresp,
  output logic                    s_axil_rvalid,
  input  logic                     s_axil_rready,
  // AXI4 master
  output logic [ID_W-1:0]         m_axi_awid,
  output logic [ADDR_W-1:0]       m_axi_awaddr,
  output logic [7:0]              m_axi_awlen,
  output logic [2:0]              m_axi_awsize,
  output logic [1:0]              m_axi_awburst,
  output logic                    m_axi_awlock,
  output logic [3:0]              m_axi_awcache,
  output logic [2:0]              m_axi_awprot,
  output logic [3:0]              m_axi_awqos,
  output logic                    m_axi_awvalid,
  input  logic                     m_axi_awready,
  output logic [DATA_W-1:0]       m_axi_wdata,
  output logic [DATA_W/8-1:0]     m_axi_wstrb,
  output logic                    m_axi_wlast,
  output logic                    m_axi_wvalid,
  input  logic                     m_axi_wready,
  input  logic [ID_W-1:0]          m_axi_bid,
  input  logic [1:0]               m_axi_bresp,
  input  logic                     m_axi_bvalid,
  output logic                    m_axi_bready,
  output logic [ID_W-1:0]         m_axi_arid,
  output logic [ADDR_W-1:0]       m_axi_araddr,
  output logic [7:0]              m_axi_arlen,
  output logic [2:0]              m_axi_arsize,
  output logic [1:0]              m_axi_arburst,
  output logic                    m_axi_arlock,
  output logic [3:0]              m_axi_arcache,
  output logic [2:0]              m_axi_arprot,
  output logic [3:0]              m_axi_arqos,
  output logic                    m_axi_arvalid,
  input  logic                     m_axi_arready,
  input  logic [ID_W-1:0]          m_axi_rid,
  input  logic [DATA_W-1:0]        m_axi_rdata,
  input  logic [1:0]               m_axi_rresp,
  input  logic                     m_axi_rlast,
  input  logic                     m_axi_rvalid,
  output logic                    m_axi_rready
);
  localparam int WPB = xrnpe_coproc_pkg::words_per_beat(DATA_W);

  // Elaboration-time parameter checks.
  initial begin
    if (ROWS < 1 || ROWS > 255 || COLS < 1 || COLS > 255)
      $fatal(1, "xrnpe_coprocessor: ROWS and COLS must be 1..255");
    if (DATA_W != 32 && DATA_W != 64 && DATA_W != 128 && DATA_W != 256 && DATA_W != 512 &&
        DATA_W != 1024)
      $fatal(1, "xrnpe_coprocessor: DATA_W must be 32, 64, 128, 256, 512 or 1024");
    if (ADDR_W < 32 || ADDR_W > 64)
      $fatal(1, "xrnpe_coprocessor: ADDR_W must be 32..64 (addresses are computed in 32 bits)");
    if (ID_W < 1 || ID_W > 32) $fatal(1, "xrnpe_coprocessor: ID_W must be 1..32");
    if (AXIL_ADDR_W < 8 || AXIL_ADDR_W > 32)
      $fatal(1, "xrnpe_coprocessor: AXIL_ADDR_W must be 8..32");
    if ((ABUF_WORDS & (ABUF_WORDS - 1)) != 0 || ABUF_WORDS < 2 * WPB || ABUF_WORDS > 65536)
      $fatal(1, "xrnpe_coprocessor: ABUF_WORDS must be a power of two, 2*DATA_W/16 .. 65536");
    if ((BBUF_WORDS & (BBUF_WORDS - 1)) != 0 || BBUF_WORDS < ABUF_WORDS || BBUF_WORDS > 65536)
      $fatal(1, "xrnpe_coprocessor: BBUF_WORDS must be a power of two, ABUF_WORDS .. 65536");
    if ((CBUF_TILES & (CBUF_TILES - 1)) != 0 || CBUF_TILES < 2 || CBUF_TILES > 4096)
      $fatal(1, "xrnpe_coprocessor: CBUF_TILES must be a power of two, 2..4096");
    if (PE_KIND < xrnpe_pe_pkg::PE_RMMEC || PE_KIND > xrnpe_pe_pkg::PE_WIDE)
      $fatal(1, "xrnpe_coprocessor: PE_KIND must be 0 (RMMEC), 1 (per-format) or 2 (wide)");
  end

  // derived widths: the same functions every block uses (xrnpe_coproc_pkg)
  localparam int B_AW = xrnpe_coproc_pkg::b_aw(BBUF_WORDS, DATA_W);
  localparam int RN_W = xrnpe_coproc_pkg::rn_w(ROWS, COLS, CBUF_TILES);
  localparam int NB_W = xrnpe_coproc_pkg::nb_w(ABUF_WORDS, DATA_W);
  localparam int KC_W = xrnpe_coproc_pkg::kc_w(ABUF_WORDS);
  localparam int VR_W = xrnpe_coproc_pkg::vr_w(ROWS);
  localparam int VC_W = xrnpe_coproc_pkg::vc_w(COLS);
  localparam int CT_W = xrnpe_coproc_pkg::ct_w(CBUF_TILES);
  localparam int BK_W = xrnpe_coproc_pkg::bk_w(ROWS, COLS);

  // ------------------------------------------------------------------ registers
  logic [2:0]  cfg_in_fmt, cfg_out_fmt;
  logic [31:0] cfg_m, cfg_n, cfg_k, cfg_a_base, cfg_a_stride, cfg_b_base, cfg_b_stride;
  logic [31:0] cfg_c_base, cfg_c_stride;
  logic [31:0] cfg_wdog, cfg_rd_win_base, cfg_rd_win_limit, cfg_wr_win_base, cfg_wr_win_limit;
  logic [2:0]  cfg_prot;
  logic        start, soft_reset;
  logic        st_busy, st_done, st_error, st_invalid, job_end, job_end_err;
  logic [7:0]  st_err_code;
  logic [63:0] st_cycles, st_macs;

  xrnpe_coproc_regs #(
    .AXIL_ADDR_W(AXIL_ADDR_W), .ROWS(ROWS), .COLS(COLS), .PE_KIND(PE_KIND), .DATA_W(DATA_W),
    .ABUF_WORDS(ABUF_WORDS), .BBUF_WORDS(BBUF_WORDS), .CFG_PRIV(CFG_PRIV)
  ) u_regs (
    .clk, .rst_n,
    .s_axil_awaddr, .s_axil_awprot, .s_axil_awvalid, .s_axil_awready,
    .s_axil_wdata, .s_axil_wstrb, .s_axil_wvalid, .s_axil_wready,
    .s_axil_bresp, .s_axil_bvalid, .s_axil_bready,
    .s_axil_araddr, .s_axil_arprot, .s_axil_arvalid, .s_axil_arready,
    .s_axil_rdata, .s_axil_rresp, .s_axil_rvalid, .s_axil_rready,
    .cfg_in_fmt, .cfg_out_fmt, .cfg_m, .cfg_n, .cfg_k, .cfg_a_base, .cfg_a_stride,
    .cfg_b_base, .cfg_b_stride, .cfg_c_base, .cfg_c_stride,
    .cfg_wdog, .cfg_prot, .cfg_rd_win_base, .cfg_rd_win_limit, .cfg_wr_win_base,
    .cfg_wr_win_limit,
    .start, .soft_reset,
    .st_busy, .st_done, .st_error, .st_invalid, .st_err_code, .st_cycles, .st_macs,
    .job_end, .job_end_err, .irq);

  // ------------------------------------------------------------------ controller
  logic            job_clr, running, pe_clear;
  logic [2:0]      job_in_fmt, job_out_fmt;
  logic [1:0]      job_esz;
  logic [15:0]     job_lastmask;
  logic [4:0]      job_tstride_log2;
  logic [16:0]     job_n;
  logic [31:0]     job_a_stride, job_b_stride, job_c_stride;
  logic            rdq_push, rdq_full, rdq_is_b, rdq_slot;
  logic [31:0]     rdq_addr;
  logic [RN_W-1:0] rdq_nrows;
  logic [NB_W-1:0] rdq_nbeats;
  logic            rd_done, rd_done_is_b, rd_done_slot, rd_err, rd_tmo, rd_proto, rd_idle;
  logic [31:0]     wd_limit;
  logic            bprog_valid, bprog_slot;
  logic [RN_W-1:0] bprog_rows;
  logic            stq_push, stq_full, stq_a_slot, stq_b_slot, stq_a_rel, stq_b_rel;
  logic            stq_first, stq_last;
  logic [KC_W-1:0] stq_kcw;
  logic [VR_W-1:0] stq_vrows;
  logic [16:0]     stq_j0;
  logic [RN_W-1:0] stq_seg_cols;
  logic [31:0]     stq_c_addr;
  logic [1:0]      a_loaded, b_loaded;
  logic            a_release, a_release_slot, b_release, b_release_slot;
  logic            feed_idle, wr_err, wr_tmo, wr_proto, wr_idle, invalid_seen;

  xrnpe_coproc_ctrl #(
    .ROWS(ROWS), .COLS(COLS), .DATA_W(DATA_W), .ABUF_WORDS(ABUF_WORDS),
    .BBUF_WORDS(BBUF_WORDS), .CBUF_TILES(CBUF_TILES)
  ) u_ctrl (
    .clk, .rst_n,
    .cfg_in_fmt, .cfg_out_fmt, .cfg_m, .cfg_n, .cfg_k, .cfg_a_base, .cfg_a_stride,
    .cfg_b_base, .cfg_b_stride, .cfg_c_base, .cfg_c_stride, .cfg_rd_win_base,
    .cfg_rd_win_limit, .cfg_wr_win_base, .cfg_wr_win_limit, .cfg_wdog, .start, .soft_reset,
    .job_clr, .running, .job_in_fmt, .job_out_fmt, .job_esz, .job_lastmask,
    .job_tstride_log2, .job_n, .job_a_stride, .job_b_stride, .job_c_stride, .pe_clear,
    .wd_limit,
    .rdq_push, .rdq_full, .rdq_is_b, .rdq_slot, .rdq_addr, .rdq_nrows, .rdq_nbeats,
    .rd_done, .rd_done_is_b, .rd_done_slot, .rd_err, .rd_tmo, .rd_proto, .rd_idle,
    .stq_push, .stq_full, .stq_a_slot, .stq_b_slot, .stq_a_rel, .stq_b_rel, .stq_first,
    .stq_last, .stq_kcw, .stq_vrows, .stq_j0, .stq_seg_cols, .stq_c_addr,
    .a_loaded, .b_loaded, .a_release, .a_release_slot, .b_release, .b_release_slot,
    .dp_idle(feed_idle && wr_idle), .wr_err, .wr_tmo, .wr_proto, .wr_idle, .invalid_seen,
    .st_busy, .st_done, .st_error, .st_invalid, .st_err_code, .st_cycles, .st_macs,
    .job_end, .job_end_err);

  // ------------------------------------------------------------------ read DMA
  logic              buf_we, buf_is_b;
  logic [BK_W-1:0]   buf_bank;
  logic [B_AW-1:0]   buf_addr;
  logic [DATA_W-1:0] buf_data;

  xrnpe_coproc_rd_dma #(
    .DATA_W(DATA_W), .ADDR_W(ADDR_W), .ID_W(ID_W), .ROWS(ROWS), .COLS(COLS),
    .ABUF_WORDS(ABUF_WORDS), .BBUF_WORDS(BBUF_WORDS), .CBUF_TILES(CBUF_TILES)
  ) u_rd (
    .clk, .rst_n, .clr(job_clr), .stop(!running), .a_stride(job_a_stride),
    .b_stride(job_b_stride), .tstride_log2(job_tstride_log2), .wd_limit,
    .cmd_push(rdq_push), .cmd_full(rdq_full), .cmd_is_b(rdq_is_b), .cmd_slot(rdq_slot),
    .cmd_addr(rdq_addr), .cmd_nrows(rdq_nrows), .cmd_nbeats(rdq_nbeats),
    .done(rd_done), .done_is_b(rd_done_is_b), .done_slot(rd_done_slot), .err(rd_err),
    .tmo(rd_tmo), .proto(rd_proto), .idle(rd_idle), .bprog_valid, .bprog_slot, .bprog_rows,
    .buf_we, .buf_is_b, .buf_bank, .buf_addr, .buf_data,
    .m_axi_arid, .m_axi_araddr, .m_axi_arlen, .m_axi_arsize, .m_axi_arburst, .m_axi_arvalid,
    .m_axi_arready, .m_axi_rid, .m_axi_rdata, .m_axi_rresp, .m_axi_rlast, .m_axi_rvalid,
    .m_axi_rready);

  // ------------------------------------------------------------------ feed + PE array
  logic [ROWS*COLS-1:0]    pe_out_valid, pe_out_ready, pe_out_nar;
  logic [ROWS*COLS*32-1:0] pe_out_data;
  logic                    tq_empty, tq_pop, tq_last_tile;
  logic [CT_W-1:0]         tq_tile;
  logic [VR_W-1:0]         tq_vrows;
  logic [VC_W-1:0]         tq_vcols;
  logic [RN_W-1:0]         tq_seg_cols;
  logic [31:0]             tq_c_addr;

  xrnpe_coproc_feed #(
    .ROWS(ROWS), .COLS(COLS), .PE_KIND(PE_KIND), .DATA_W(DATA_W), .ABUF_WORDS(ABUF_WORDS),
    .BBUF_WORDS(BBUF_WORDS), .CBUF_TILES(CBUF_TILES)
  ) u_feed (
    .clk, .rst_n, .clr(job_clr), .running, .job_in_fmt, .job_out_fmt, .job_lastmask,
    .job_tstride_log2, .job_n, .pe_clear,
    .buf_we, .buf_is_b, .buf_bank, .buf_addr, .buf_data,
    .stq_push, .stq_full, .stq_a_slot, .stq_b_slot, .stq_a_rel, .stq_b_rel, .stq_first,
    .stq_last, .stq_kcw, .stq_vrows, .stq_j0, .stq_seg_cols, .stq_c_addr,
    .a_loaded, .b_loaded, .bprog_valid, .bprog_slot, .bprog_rows,
    .a_release, .a_release_slot, .b_release, .b_release_slot,
    .pe_out_valid, .pe_out_ready, .pe_out_data, .pe_out_nar,
    .tq_empty, .tq_pop, .tq_tile, .tq_last_tile, .tq_vrows, .tq_vcols, .tq_seg_cols,
    .tq_c_addr, .idle(feed_idle));

  // ------------------------------------------------------------------ collector
  logic                      wq_push, wq_full, wq_slot, c_release, c_release_slot;
  logic [VR_W-1:0]           wq_vrows;
  logic [RN_W-1:0]           wq_seg_cols;
  logic [31:0]               wq_c_addr;
  logic                      c_rd_en;
  logic [CT_W:0]             c_rd_addr;
  logic [VR_W-1:0]           c_rd_row;
  logic [COLS*32-1:0]        c_rd_data;

  xrnpe_coproc_collect #(
    .ROWS(ROWS), .COLS(COLS), .CBUF_TILES(CBUF_TILES)
  ) u_collect (
    .clk, .rst_n, .clr(job_clr), .running,
    .pe_out_valid, .pe_out_ready, .pe_out_data, .pe_out_nar,
    .tq_empty, .tq_pop, .tq_tile, .tq_last_tile, .tq_vrows, .tq_vcols, .tq_seg_cols,
    .tq_c_addr,
    .wq_push, .wq_full, .wq_slot, .wq_vrows, .wq_seg_cols, .wq_c_addr,
    .c_release, .c_release_slot, .c_rd_en, .c_rd_addr, .c_rd_row, .c_rd_data, .invalid_seen);

  // ------------------------------------------------------------------ write DMA
  xrnpe_coproc_wr_dma #(
    .DATA_W(DATA_W), .ADDR_W(ADDR_W), .ID_W(ID_W), .ROWS(ROWS), .COLS(COLS),
    .CBUF_TILES(CBUF_TILES)
  ) u_wr (
    .clk, .rst_n, .clr(job_clr), .stop(!running), .c_stride(job_c_stride), .esz(job_esz),
    .wd_limit,
    .cmd_push(wq_push), .cmd_full(wq_full), .cmd_slot(wq_slot), .cmd_vrows(wq_vrows),
    .cmd_seg_cols(wq_seg_cols), .cmd_c_addr(wq_c_addr),
    .c_release, .c_release_slot, .c_rd_en, .c_rd_addr, .c_rd_row, .c_rd_data,
    .err(wr_err), .tmo(wr_tmo), .proto(wr_proto), .idle(wr_idle),
    .m_axi_awid, .m_axi_awaddr, .m_axi_awlen, .m_axi_awsize, .m_axi_awburst, .m_axi_awvalid,
    .m_axi_awready, .m_axi_wdata, .m_axi_wstrb, .m_axi_wlast, .m_axi_wvalid, .m_axi_wready,
    .m_axi_bid, .m_axi_bresp, .m_axi_bvalid, .m_axi_bready);

  // Plain memory traffic: normal access, non-cacheable attributes are not needed; AxPROT
  // from the PROT register (reset: privileged, non-secure, data).
  assign m_axi_awlock = 1'b0;
  assign m_axi_awcache = 4'b0011;
  assign m_axi_awprot = cfg_prot;
  assign m_axi_awqos = 4'd0;
  assign m_axi_arlock = 1'b0;
  assign m_axi_arcache = 4'b0011;
  assign m_axi_arprot = cfg_prot;
  assign m_axi_arqos = 4'd0;
endmodule
`default_nettype wire
