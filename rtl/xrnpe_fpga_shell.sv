// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// Place-and-route shell of the co-processor (docs/ppa.md): xrnpe_coprocessor has more ports
// than an FPGA package has pins (389 bits of AXI4 and AXI4-Lite at the default parameters),
// so for the FPGA flow every co-processor input is driven by one bit of a serial
// shift register (scan_in) and every output is captured by one bit of a second one that
// shifts out on scan_out.  Five pins remain (clk, rst_n, scan_in, capture, scan_out), and
// no co-processor logic can be optimised away: every input is a register output and every
// output reaches a pin.  What the shell adds: IN_W + OUT_W flip-flops and one 2:1 mux per
// output bit; its own paths are flip-flop to flip-flop through at most that mux.  It is a
// measurement harness, not a usable interface.
module xrnpe_fpga_shell #(
    parameter int ROWS = 4,
    parameter int COLS = 4,
    parameter int PE_KIND = 0,
    parameter int DATA_W = 64,
    parameter int ADDR_W = 32,
    parameter int ID_W = 4,
    parameter int AXIL_ADDR_W = 8,
    parameter int ABUF_WORDS = 128,
    parameter int BBUF_WORDS = 256,
    parameter int CBUF_TILES = 16,
    parameter bit CFG_PRIV = 1'b1
) (
    input  logic clk,
    input  logic rst_n,
    input  logic scan_in,   // shifts into the input register every cycle
    input  logic capture,   // 1: the output register takes the co-processor's outputs; 0: shifts
    output logic scan_out
);
  // port bits of xrnpe_coprocessor (the concatenations below list them in the same order)
  localparam int IN_W  = 2 * AXIL_ADDR_W + 2 * ID_W + DATA_W + 57;
  localparam int OUT_W = 2 * ID_W + 2 * ADDR_W + DATA_W + DATA_W / 8 + 98;

  logic [IN_W-1:0]  in_q;
  logic [OUT_W-1:0] out_q, out_d, outs;

  always_ff @(posedge clk) begin
    in_q  <= {in_q[IN_W-2:0], scan_in};
    out_q <= out_d;
  end
  assign out_d    = capture ? outs : {out_q[OUT_W-2:0], 1'b0};
  assign scan_out = out_q[OUT_W-1];

  // ---------------------------------------------------------------- co-processor inputs
  logic [AXIL_ADDR_W-1:0] s_axil_awaddr, s_axil_araddr;
  logic [2:0]             s_axil_awprot, s_axil_arprot;
  logic                   s_axil_awvalid, s_axil_wvalid, s_axil_bready, s_axil_arvalid;
  logic                   s_axil_rready;
  logic [31:0]            s_axil_wdata;
  logic [3:0]             s_axil_wstrb;
  logic                   m_axi_awready, m_axi_wready, m_axi_bvalid, m_axi_arready;
  logic                   m_axi_rlast, m_axi_rvalid;
  logic [ID_W-1:0]        m_axi_bid, m_axi_rid;
  logic [1:0]             m_axi_bresp, m_axi_rresp;
  logic [DATA_W-1:0]      m_axi_rdata;
  assign {s_axil_awaddr, s_axil_awprot, s_axil_awvalid, s_axil_wdata, s_axil_wstrb,
          s_axil_wvalid, s_axil_bready, s_axil_araddr, s_axil_arprot, s_axil_arvalid,
          s_axil_rready, m_axi_awready, m_axi_wready, m_axi_bid, m_axi_bresp, m_axi_bvalid,
          m_axi_arready, m_axi_rid, m_axi_rdata, m_axi_rresp, m_axi_rlast, m_axi_rvalid} = in_q;

  // ---------------------------------------------------------------- co-processor outputs
  logic                   irq;
  logic                   s_axil_awready, s_axil_wready, s_axil_bvalid, s_axil_arready;
  logic                   s_axil_rvalid;
  logic [1:0]             s_axil_bresp, s_axil_rresp;
  logic [31:0]            s_axil_rdata;
  logic [ID_W-1:0]        m_axi_awid, m_axi_arid;
  logic [ADDR_W-1:0]      m_axi_awaddr, m_axi_araddr;
  logic [7:0]             m_axi_awlen, m_axi_arlen;
  logic [2:0]             m_axi_awsize, m_axi_arsize, m_axi_awprot, m_axi_arprot;
  logic [1:0]             m_axi_awburst, m_axi_arburst;
  logic                   m_axi_awlock, m_axi_arlock, m_axi_awvalid, m_axi_arvalid;
  logic [3:0]             m_axi_awcache, m_axi_arcache, m_axi_awqos, m_axi_arqos;
  logic [DATA_W-1:0]      m_axi_wdata;
  logic [DATA_W/8-1:0]    m_axi_wstrb;
  logic                   m_axi_wlast, m_axi_wvalid, m_axi_bready, m_axi_rready;
  assign outs = {irq, s_axil_awready, s_axil_wready, s_axil_bresp, s_axil_bvalid,
                 s_axil_arready, s_axil_rdata, s_axil_rresp, s_axil_rvalid, m_axi_awid,
                 m_axi_awaddr, m_axi_awlen, m_axi_awsize, m_axi_awburst, m_axi_awlock,
                 m_axi_awcache, m_axi_awprot, m_axi_awqos, m_axi_awvalid, m_axi_wdata,
                 m_axi_wstrb, m_axi_wlast, m_axi_wvalid, m_axi_bready, m_axi_arid,
                 m_axi_araddr, m_axi_arlen, m_axi_arsize, m_axi_arburst, m_axi_arlock,
                 m_axi_arcache, m_axi_arprot, m_axi_arqos, m_axi_arvalid, m_axi_rready};

  xrnpe_coprocessor #(
      .ROWS(ROWS), .COLS(COLS), .PE_KIND(PE_KIND), .DATA_W(DATA_W), .ADDR_W(ADDR_W),
      .ID_W(ID_W), .AXIL_ADDR_W(AXIL_ADDR_W), .ABUF_WORDS(ABUF_WORDS), .BBUF_WORDS(BBUF_WORDS),
      .CBUF_TILES(CBUF_TILES), .CFG_PRIV(CFG_PRIV)
  ) u_coproc (
      .clk(clk), .rst_n(rst_n), .irq(irq),
      .s_axil_awaddr(s_axil_awaddr), .s_axil_awprot(s_axil_awprot),
      .s_axil_awvalid(s_axil_awvalid), .s_axil_awready(s_axil_awready),
      .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb), .s_axil_wvalid(s_axil_wvalid),
      .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp),
      .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(s_axil_bready),
      .s_axil_araddr(s_axil_araddr), .s_axil_arprot(s_axil_arprot),
      .s_axil_arvalid(s_axil_arvalid), .s_axil_arready(s_axil_arready),
      .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp),
      .s_axil_rvalid(s_axil_rvalid), .s_axil_rready(s_axil_rready),
      .m_axi_awid(m_axi_awid), .m_axi_awaddr(m_axi_awaddr), .m_axi_awlen(m_axi_awlen),
      .m_axi_awsize(m_axi_awsize), .m_axi_awburst(m_axi_awburst),
      .m_axi_awlock(m_axi_awlock), .m_axi_awcache(m_axi_awcache),
      .m_axi_awprot(m_axi_awprot), .m_axi_awqos(m_axi_awqos),
      .m_axi_awvalid(m_axi_awvalid), .m_axi_awready(m_axi_awready),
      .m_axi_wdata(m_axi_wdata), .m_axi_wstrb(m_axi_wstrb), .m_axi_wlast(m_axi_wlast),
      .m_axi_wvalid(m_axi_wvalid), .m_axi_wready(m_axi_wready),
      .m_axi_bid(m_axi_bid), .m_axi_bresp(m_axi_bresp), .m_axi_bvalid(m_axi_bvalid),
      .m_axi_bready(m_axi_bready),
      .m_axi_arid(m_axi_arid), .m_axi_araddr(m_axi_araddr), .m_axi_arlen(m_axi_arlen),
      .m_axi_arsize(m_axi_arsize), .m_axi_arburst(m_axi_arburst),
      .m_axi_arlock(m_axi_arlock), .m_axi_arcache(m_axi_arcache),
      .m_axi_arprot(m_axi_arprot), .m_axi_arqos(m_axi_arqos),
      .m_axi_arvalid(m_axi_arvalid), .m_axi_arready(m_axi_arready),
      .m_axi_rid(m_axi_rid), .m_axi_rdata(m_axi_rdata), .m_axi_rresp(m_axi_rresp),
      .m_axi_rlast(m_axi_rlast), .m_axi_rvalid(m_axi_rvalid), .m_axi_rready(m_axi_rready));
endmodule
`default_nettype wire
