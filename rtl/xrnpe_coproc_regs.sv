// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// AXI4-Lite slave and register file of the co-processor (map: spec/regmap.toml).
// One read and one write in flight at a time; address and data of a write may come in either
// order.  Unmapped addresses answer SLVERR; writes to read-only registers are ignored (OKAY).
module xrnpe_coproc_regs #(
  parameter int AXIL_ADDR_W = 8,
  parameter int ROWS = 4,
  parameter int COLS = 4,
  parameter int DATA_BYTES = 8,
  parameter int ABUF_WORDS = 128,
  parameter int BBUF_WORDS = 256
) (
  input  wire                    clk,
  input  wire                    rst_n,
  // AXI4-Lite slave
  input  wire [AXIL_ADDR_W-1:0]  s_axil_awaddr,
  input  wire [2:0]              s_axil_awprot,
  input  wire                    s_axil_awvalid,
  output logic                   s_axil_awready,
  input  wire [31:0]             s_axil_wdata,
  input  wire [3:0]              s_axil_wstrb,
  input  wire                    s_axil_wvalid,
  output logic                   s_axil_wready,
  output logic [1:0]             s_axil_bresp,
  output logic                   s_axil_bvalid,
  input  wire                    s_axil_bready,
  input  wire [AXIL_ADDR_W-1:0]  s_axil_araddr,
  input  wire [2:0]              s_axil_arprot,
  input  wire                    s_axil_arvalid,
  output logic                   s_axil_arready,
  output logic [31:0]            s_axil_rdata,
  output logic [1:0]             s_axil_rresp,
  output logic                   s_axil_rvalid,
  input  wire                    s_axil_rready,
  // job configuration
  output logic [2:0]             cfg_in_fmt,
  output logic [2:0]             cfg_out_fmt,
  output logic [31:0]            cfg_m,
  output logic [31:0]            cfg_n,
  output logic [31:0]            cfg_k,
  output logic [31:0]            cfg_a_base,
  output logic [31:0]            cfg_a_stride,
  output logic [31:0]            cfg_b_base,
  output logic [31:0]            cfg_b_stride,
  output logic [31:0]            cfg_c_base,
  output logic [31:0]            cfg_c_stride,
  // commands to the controller
  output logic                   start,        // accepted START (never while busy)
  output logic                   soft_reset,
  // status from the controller
  input  wire                    st_busy,
  input  wire                    st_done,
  input  wire                    st_error,
  input  wire                    st_invalid,
  input  wire [7:0]              st_err_code,
  input  wire [63:0]             st_cycles,
  input  wire [63:0]             st_macs,
  input  wire                    job_end,      // pulse: a job ended
  input  wire                    job_end_err,  // with an error
  output logic                   irq
);
  initial begin
    if (AXIL_ADDR_W < xrnpe_regmap_pkg::REG_ADDR_W || AXIL_ADDR_W > 32)
      $fatal(1, "xrnpe_coproc_regs: AXIL_ADDR_W must be %0d..32", xrnpe_regmap_pkg::REG_ADDR_W);
  end

  localparam logic [1:0] RESP_OKAY = 2'b00;
  localparam logic [1:0] RESP_SLVERR = 2'b10;

  // ---------------------------------------------------------------- write channel
  logic                   aw_got, w_got;
  logic [AXIL_ADDR_W-1:0] aw_addr;
  logic [31:0]            w_data;
  logic [3:0]             w_strb;
  logic [1:0]             irq_en, irq_st;
  logic                   start_refused;

  assign s_axil_awready = !aw_got;
  assign s_axil_wready = !w_got;

  wire do_write = aw_got && w_got && !s_axil_bvalid;
  wire [31:0] bmask = {{8{w_strb[3]}}, {8{w_strb[2]}}, {8{w_strb[1]}}, {8{w_strb[0]}}};
  wire [31:0] wd = w_data & bmask;
  // Registers above the decoded window must read as unmapped, not alias.
  wire wr_hi_ok = (AXIL_ADDR_W == xrnpe_regmap_pkg::REG_ADDR_W) || (aw_addr >> xrnpe_regmap_pkg::REG_ADDR_W) == '0;
  wire [xrnpe_regmap_pkg::REG_ADDR_W-1:0] wa = {aw_addr[xrnpe_regmap_pkg::REG_ADDR_W-1:2], 2'b00};

  function automatic logic [31:0] merge(input logic [31:0] old, input logic [31:0] nw,
                                        input logic [31:0] m);
    merge = (old & ~m) | (nw & m);
  endfunction

  logic wr_mapped;
  always_comb begin
    unique case (wa)
      xrnpe_regmap_pkg::ADDR_ID, xrnpe_regmap_pkg::ADDR_VERSION, xrnpe_regmap_pkg::ADDR_CONFIG, xrnpe_regmap_pkg::ADDR_CTRL, xrnpe_regmap_pkg::ADDR_STATUS, xrnpe_regmap_pkg::ADDR_IRQ_ENABLE,
      xrnpe_regmap_pkg::ADDR_IRQ_STATUS, xrnpe_regmap_pkg::ADDR_FORMAT, xrnpe_regmap_pkg::ADDR_M, xrnpe_regmap_pkg::ADDR_N, xrnpe_regmap_pkg::ADDR_K, xrnpe_regmap_pkg::ADDR_A_BASE, xrnpe_regmap_pkg::ADDR_A_STRIDE,
      xrnpe_regmap_pkg::ADDR_B_BASE, xrnpe_regmap_pkg::ADDR_B_STRIDE, xrnpe_regmap_pkg::ADDR_C_BASE, xrnpe_regmap_pkg::ADDR_C_STRIDE, xrnpe_regmap_pkg::ADDR_CYCLES_LO, xrnpe_regmap_pkg::ADDR_CYCLES_HI,
      xrnpe_regmap_pkg::ADDR_MACS_LO, xrnpe_regmap_pkg::ADDR_MACS_HI, xrnpe_regmap_pkg::ADDR_ABUF_WORDS, xrnpe_regmap_pkg::ADDR_BBUF_WORDS: wr_mapped = wr_hi_ok;
      default: wr_mapped = 1'b0;
    endcase
  end

  wire wr_ctrl = do_write && wr_mapped && wa == xrnpe_regmap_pkg::ADDR_CTRL;
  wire cmd_start = wr_ctrl && wd[xrnpe_regmap_pkg::CTRL_START_LSB];
  wire cmd_reset = wr_ctrl && wd[xrnpe_regmap_pkg::CTRL_SOFT_RESET_LSB];

  // SOFT_RESET wins over a START written with it; a START while busy is refused.
  always_comb begin
    soft_reset = cmd_reset;
    start = cmd_start && !cmd_reset && !st_busy;
  end

  logic [2:0] in_fmt_q, out_fmt_q;
  assign cfg_in_fmt = in_fmt_q;
  assign cfg_out_fmt = out_fmt_q;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      aw_got <= 1'b0;
      w_got <= 1'b0;
      aw_addr <= '0;
      w_data <= '0;
      w_strb <= '0;
      s_axil_bvalid <= 1'b0;
      s_axil_bresp <= RESP_OKAY;
      irq_en <= '0;
      irq_st <= '0;
      start_refused <= 1'b0;
      in_fmt_q <= '0;
      out_fmt_q <= '0;
      cfg_m <= '0;
      cfg_n <= '0;
      cfg_k <= '0;
      cfg_a_base <= '0;
      cfg_a_stride <= '0;
      cfg_b_base <= '0;
      cfg_b_stride <= '0;
      cfg_c_base <= '0;
      cfg_c_stride <= '0;
    end else begin
      if (s_axil_awvalid && s_axil_awready) begin
        aw_got <= 1'b1;
        aw_addr <= s_axil_awaddr;
      end
      if (s_axil_wvalid && s_axil_wready) begin
        w_got <= 1'b1;
        w_data <= s_axil_wdata;
        w_strb <= s_axil_wstrb;
      end
      if (s_axil_bvalid && s_axil_bready) s_axil_bvalid <= 1'b0;

      // interrupt causes first, so that a W1C in the same cycle as a new event keeps the event
      if (do_write && wr_mapped && wa == xrnpe_regmap_pkg::ADDR_IRQ_STATUS)
        irq_st <= irq_st & ~wd[1:0];
      if (job_end) begin
        if (job_end_err) irq_st[xrnpe_regmap_pkg::IRQ_STATUS_ERROR_LSB] <= 1'b1;
        else irq_st[xrnpe_regmap_pkg::IRQ_STATUS_DONE_LSB] <= 1'b1;
      end

      if (cmd_start && !cmd_reset && st_busy) start_refused <= 1'b1;
      if (start || soft_reset) start_refused <= 1'b0;
      if (soft_reset) irq_st <= '0;

      if (do_write) begin
        aw_got <= 1'b0;
        w_got <= 1'b0;
        s_axil_bvalid <= 1'b1;
        s_axil_bresp <= wr_mapped ? RESP_OKAY : RESP_SLVERR;
        if (wr_mapped) begin
          unique case (wa)
            xrnpe_regmap_pkg::ADDR_IRQ_ENABLE: if (w_strb[0]) irq_en <= w_data[1:0];
            xrnpe_regmap_pkg::ADDR_FORMAT: begin
              if (w_strb[0]) in_fmt_q <= w_data[xrnpe_regmap_pkg::FORMAT_IN_FMT_LSB +: xrnpe_regmap_pkg::FORMAT_IN_FMT_W];
              if (w_strb[1]) out_fmt_q <= w_data[xrnpe_regmap_pkg::FORMAT_OUT_FMT_LSB +: xrnpe_regmap_pkg::FORMAT_OUT_FMT_W];
            end
            xrnpe_regmap_pkg::ADDR_M: cfg_m <= merge(cfg_m, w_data, bmask);
            xrnpe_regmap_pkg::ADDR_N: cfg_n <= merge(cfg_n, w_data, bmask);
            xrnpe_regmap_pkg::ADDR_K: cfg_k <= merge(cfg_k, w_data, bmask);
            xrnpe_regmap_pkg::ADDR_A_BASE: cfg_a_base <= merge(cfg_a_base, w_data, bmask);
            xrnpe_regmap_pkg::ADDR_A_STRIDE: cfg_a_stride <= merge(cfg_a_stride, w_data, bmask);
            xrnpe_regmap_pkg::ADDR_B_BASE: cfg_b_base <= merge(cfg_b_base, w_data, bmask);
            xrnpe_regmap_pkg::ADDR_B_STRIDE: cfg_b_stride <= merge(cfg_b_stride, w_data, bmask);
            xrnpe_regmap_pkg::ADDR_C_BASE: cfg_c_base <= merge(cfg_c_base, w_data, bmask);
            xrnpe_regmap_pkg::ADDR_C_STRIDE: cfg_c_stride <= merge(cfg_c_stride, w_data, bmask);
            default: ;  // read-only and command registers: no stored state here
          endcase
        end
      end
    end
  end

  assign irq = |(irq_st & irq_en);

  // ---------------------------------------------------------------- read channel
  wire [xrnpe_regmap_pkg::REG_ADDR_W-1:0] ra = {s_axil_araddr[xrnpe_regmap_pkg::REG_ADDR_W-1:2], 2'b00};
  wire rd_hi_ok = (AXIL_ADDR_W == xrnpe_regmap_pkg::REG_ADDR_W) || (s_axil_araddr >> xrnpe_regmap_pkg::REG_ADDR_W) == '0;
  logic [31:0] rdata;
  logic        rd_mapped;

  always_comb begin
    rdata = '0;
    rd_mapped = rd_hi_ok;
    unique case (ra)
      xrnpe_regmap_pkg::ADDR_ID: rdata = xrnpe_regmap_pkg::ID_VALUE;
      xrnpe_regmap_pkg::ADDR_VERSION: rdata = xrnpe_regmap_pkg::VERSION_VALUE;
      xrnpe_regmap_pkg::ADDR_CONFIG: begin
        rdata[xrnpe_regmap_pkg::CONFIG_ROWS_LSB +: xrnpe_regmap_pkg::CONFIG_ROWS_W] = xrnpe_regmap_pkg::CONFIG_ROWS_W'(ROWS);
        rdata[xrnpe_regmap_pkg::CONFIG_COLS_LSB +: xrnpe_regmap_pkg::CONFIG_COLS_W] = xrnpe_regmap_pkg::CONFIG_COLS_W'(COLS);
        rdata[xrnpe_regmap_pkg::CONFIG_DATA_BYTES_LSB +: xrnpe_regmap_pkg::CONFIG_DATA_BYTES_W] = xrnpe_regmap_pkg::CONFIG_DATA_BYTES_W'(DATA_BYTES);
      end
      xrnpe_regmap_pkg::ADDR_CTRL: rdata = '0;
      xrnpe_regmap_pkg::ADDR_STATUS: begin
        rdata[xrnpe_regmap_pkg::STATUS_BUSY_LSB] = st_busy;
        rdata[xrnpe_regmap_pkg::STATUS_DONE_LSB] = st_done;
        rdata[xrnpe_regmap_pkg::STATUS_ERROR_LSB] = st_error;
        rdata[xrnpe_regmap_pkg::STATUS_START_REFUSED_LSB] = start_refused;
        rdata[xrnpe_regmap_pkg::STATUS_INVALID_LSB] = st_invalid;
        rdata[xrnpe_regmap_pkg::STATUS_ERR_CODE_LSB +: xrnpe_regmap_pkg::STATUS_ERR_CODE_W] = st_err_code;
      end
      xrnpe_regmap_pkg::ADDR_IRQ_ENABLE: rdata[1:0] = irq_en;
      xrnpe_regmap_pkg::ADDR_IRQ_STATUS: rdata[1:0] = irq_st;
      xrnpe_regmap_pkg::ADDR_FORMAT: begin
        rdata[xrnpe_regmap_pkg::FORMAT_IN_FMT_LSB +: xrnpe_regmap_pkg::FORMAT_IN_FMT_W] = in_fmt_q;
        rdata[xrnpe_regmap_pkg::FORMAT_OUT_FMT_LSB +: xrnpe_regmap_pkg::FORMAT_OUT_FMT_W] = out_fmt_q;
      end
      xrnpe_regmap_pkg::ADDR_M: rdata = cfg_m;
      xrnpe_regmap_pkg::ADDR_N: rdata = cfg_n;
      xrnpe_regmap_pkg::ADDR_K: rdata = cfg_k;
      xrnpe_regmap_pkg::ADDR_A_BASE: rdata = cfg_a_base;
      xrnpe_regmap_pkg::ADDR_A_STRIDE: rdata = cfg_a_stride;
      xrnpe_regmap_pkg::ADDR_B_BASE: rdata = cfg_b_base;
      xrnpe_regmap_pkg::ADDR_B_STRIDE: rdata = cfg_b_stride;
      xrnpe_regmap_pkg::ADDR_C_BASE: rdata = cfg_c_base;
      xrnpe_regmap_pkg::ADDR_C_STRIDE: rdata = cfg_c_stride;
      xrnpe_regmap_pkg::ADDR_CYCLES_LO: rdata = st_cycles[31:0];
      xrnpe_regmap_pkg::ADDR_CYCLES_HI: rdata = st_cycles[63:32];
      xrnpe_regmap_pkg::ADDR_MACS_LO: rdata = st_macs[31:0];
      xrnpe_regmap_pkg::ADDR_MACS_HI: rdata = st_macs[63:32];
      xrnpe_regmap_pkg::ADDR_ABUF_WORDS: rdata = 32'(ABUF_WORDS);
      xrnpe_regmap_pkg::ADDR_BBUF_WORDS: rdata = 32'(BBUF_WORDS);
      default: rd_mapped = 1'b0;
    endcase
  end

  assign s_axil_arready = !s_axil_rvalid;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      s_axil_rvalid <= 1'b0;
      s_axil_rdata <= '0;
      s_axil_rresp <= RESP_OKAY;
    end else begin
      if (s_axil_rvalid && s_axil_rready) s_axil_rvalid <= 1'b0;
      if (s_axil_arvalid && s_axil_arready) begin
        s_axil_rvalid <= 1'b1;
        s_axil_rdata <= rd_mapped ? rdata : 32'd0;
        s_axil_rresp <= rd_mapped ? RESP_OKAY : RESP_SLVERR;
      end
    end
  end

  // AxPROT carries no meaning for this slave.
  wire unused_ok = &{1'b0, s_axil_awprot, s_axil_arprot};
endmodule
`default_nettype wire
