// SPDX-License-Identifier: Apache-2.0
// AXI4-Lite slave and register file of the co-processor.  The map (addresses, fields, reset
// values, which words exist and which are writable) is generated from spec/xrnpe_regs.rdl
// into xrnpe_regmap_pkg; this block implements it: one read and one write in flight at a
// time, address and data of a write in either order, SLVERR for unmapped addresses, OKAY and
// no effect for writes to read-only registers.  START while BUSY is refused and flagged.
// The protected registers (PROT, the DMA windows and LOCK) take a write only when it is
// privileged (s_axil_awprot[0], if CFG_PRIV) and LOCK is clear; otherwise SLVERR and no effect.
`default_nettype none
module xrnpe_coproc_regs #(
    parameter int AXIL_ADDR_W = 8,
    parameter int ROWS = 4,
    parameter int COLS = 4,
    parameter int DATA_W = 64,
    parameter int ABUF_WORDS = 128,
    parameter int BBUF_WORDS = 256,
    parameter bit CFG_PRIV = 1'b1    // protected registers need a privileged write
) (
    input  logic                   clk,
    input  logic                   rst_n,
    // AXI4-Lite slave
    input  logic [AXIL_ADDR_W-1:0] s_axil_awaddr,
    input  logic [2:0]             s_axil_awprot,
    input  logic                   s_axil_awvalid,
    output logic                   s_axil_awready,
    input  logic [31:0]            s_axil_wdata,
    input  logic [3:0]             s_axil_wstrb,
    input  logic                   s_axil_wvalid,
    output logic                   s_axil_wready,
    output logic [1:0]             s_axil_bresp,
    output logic                   s_axil_bvalid,
    input  logic                   s_axil_bready,
    input  logic [AXIL_ADDR_W-1:0] s_axil_araddr,
    input  logic [2:0]             s_axil_arprot,
    input  logic                   s_axil_arvalid,
    output logic                   s_axil_arready,
    output logic [31:0]            s_axil_rdata,
    output logic [1:0]             s_axil_rresp,
    output logic                   s_axil_rvalid,
    input  logic                   s_axil_rready,
    // job configuration
    output logic [xrnpe_pkg::FMT_W-1:0] cfg_in_fmt,
    output logic [xrnpe_pkg::FMT_W-1:0] cfg_out_fmt,
    output logic [31:0]            cfg_m,
    output logic [31:0]            cfg_n,
    output logic [31:0]            cfg_k,
    output logic [31:0]            cfg_a_base,
    output logic [31:0]            cfg_a_stride,
    output logic [31:0]            cfg_b_base,
    output logic [31:0]            cfg_b_stride,
    output logic [31:0]            cfg_c_base,
    output logic [31:0]            cfg_c_stride,
    output logic [31:0]            cfg_wdog,     // bus watchdog (cycles, 0: off)
    output logic [2:0]             cfg_prot,     // AxPROT of the AXI4 master
    output logic [31:0]            cfg_rd_win_base,
    output logic [31:0]            cfg_rd_win_limit,
    output logic [31:0]            cfg_wr_win_base,
    output logic [31:0]            cfg_wr_win_limit,
    // commands to the controller
    output logic                   start,        // accepted START (never while busy)
    output logic                   soft_reset,
    // status from the controller
    input  logic                   st_busy,
    input  logic                   st_done,
    input  logic                   st_error,
    input  logic                   st_invalid,
    input  logic [7:0]             st_err_code,
    input  logic [63:0]            st_cycles,
    input  logic [63:0]            st_macs,
    input  logic                   job_end,      // pulse: a job ended
    input  logic                   job_end_err,  // with an error
    output logic                   irq
);
  localparam int RAW = xrnpe_regmap_pkg::REG_ADDR_W;
  if (AXIL_ADDR_W < RAW || AXIL_ADDR_W > 32) begin : g_bad_addr_w
    initial $fatal(1, "xrnpe_coproc_regs: AXIL_ADDR_W must be %0d..32", RAW);
  end

  localparam logic [1:0] RESP_OKAY = 2'b00;
  localparam logic [1:0] RESP_SLVERR = 2'b10;

  // word index of an address inside the decoded window, and whether it holds a register
  // (bits above the window must be zero: registers must not alias)
  /* verilator lint_off UNUSEDSIGNAL */  // byte and out-of-window address bits
  function automatic logic [RAW-3:0] word_of(input logic [AXIL_ADDR_W-1:0] addr);
    word_of = addr[RAW-1:2];
  endfunction
  function automatic logic mapped(input logic [AXIL_ADDR_W-1:0] addr);
    mapped = xrnpe_regmap_pkg::MAPPED_WORDS[addr[RAW-1:2]] &&
             (AXIL_ADDR_W == RAW || (addr >> RAW) == '0);
  endfunction

  // ---------------------------------------------------------------- write channel
  logic                   aw_got_q, w_got_q, bvalid_q;
  logic [AXIL_ADDR_W-1:0] aw_addr_q;
  logic                   aw_priv_q;
  logic [31:0]            w_data_q;
  logic [3:0]             w_strb_q;
  logic [1:0]             bresp_q;

  assign s_axil_awready = !aw_got_q;
  assign s_axil_wready  = !w_got_q;
  assign s_axil_bvalid  = bvalid_q;
  assign s_axil_bresp   = bresp_q;

  logic            do_write, wr_mapped, wr_refused;
  logic [RAW-3:0]  wr_word;
  logic [31:0]     bmask;
  assign do_write  = aw_got_q && w_got_q && !bvalid_q;
  assign wr_mapped = mapped(aw_addr_q);
  assign wr_word   = word_of(aw_addr_q);
  assign bmask     = {{8{w_strb_q[3]}}, {8{w_strb_q[2]}}, {8{w_strb_q[1]}}, {8{w_strb_q[0]}}};

  function automatic logic is_reg(input logic [RAW-3:0] word, input logic [RAW-1:0] addr);
    is_reg = word == addr[RAW-1:2];
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */
  function automatic logic [31:0] merge(input logic [31:0] old, input logic [31:0] nw,
                                        input logic [31:0] m);
    merge = (old & ~m) | (nw & m);
  endfunction

  // protected registers: privileged writes only (CFG_PRIV), and none once LOCK is set
  logic lock_q, wr_protected;
  assign wr_protected = is_reg(wr_word, xrnpe_regmap_pkg::ADDR_PROT) ||
                        is_reg(wr_word, xrnpe_regmap_pkg::ADDR_RD_WIN_BASE) ||
                        is_reg(wr_word, xrnpe_regmap_pkg::ADDR_RD_WIN_LIMIT) ||
                        is_reg(wr_word, xrnpe_regmap_pkg::ADDR_WR_WIN_BASE) ||
                        is_reg(wr_word, xrnpe_regmap_pkg::ADDR_WR_WIN_LIMIT) ||
                        is_reg(wr_word, xrnpe_regmap_pkg::ADDR_LOCK);
  assign wr_refused = wr_protected && ((CFG_PRIV && !aw_priv_q) || lock_q);

  logic wr_any, cmd_start, cmd_reset;
  assign wr_any    = do_write && wr_mapped && !wr_refused;
  assign cmd_start = wr_any && is_reg(wr_word, xrnpe_regmap_pkg::ADDR_CTRL) &&
                     w_strb_q[0] && w_data_q[xrnpe_regmap_pkg::CTRL_START_LSB];
  assign cmd_reset = wr_any && is_reg(wr_word, xrnpe_regmap_pkg::ADDR_CTRL) &&
                     w_strb_q[0] && w_data_q[xrnpe_regmap_pkg::CTRL_SOFT_RESET_LSB];
  // SOFT_RESET wins over a START written with it; a START while busy is refused
  assign soft_reset = cmd_reset;
  assign start      = cmd_start && !cmd_reset && !st_busy;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      aw_got_q <= 1'b0;
      w_got_q  <= 1'b0;
      bvalid_q <= 1'b0;
    end else begin
      if (s_axil_awvalid && s_axil_awready) aw_got_q <= 1'b1;
      if (s_axil_wvalid && s_axil_wready) w_got_q <= 1'b1;
      if (bvalid_q && s_axil_bready) bvalid_q <= 1'b0;
      if (do_write) begin
        aw_got_q <= 1'b0;
        w_got_q  <= 1'b0;
        bvalid_q <= 1'b1;
      end
    end
  end

  // request payloads: written on their handshake, read only behind the *_got flags
  always_ff @(posedge clk) begin
    if (s_axil_awvalid && s_axil_awready) begin
      aw_addr_q <= s_axil_awaddr;
      aw_priv_q <= s_axil_awprot[0];
    end
    if (s_axil_wvalid && s_axil_wready) begin
      w_data_q <= s_axil_wdata;
      w_strb_q <= s_axil_wstrb;
    end
    if (do_write) bresp_q <= wr_mapped && !wr_refused ? RESP_OKAY : RESP_SLVERR;
  end

  // ---------------------------------------------------------------- registers
  logic [1:0] irq_en_q, irq_st_q;
  logic       start_refused_q;
  logic [xrnpe_pkg::FMT_W-1:0] in_fmt_q, out_fmt_q;
  logic [31:0] m_q, n_q, k_q, a_base_q, a_stride_q, b_base_q, b_stride_q, c_base_q, c_stride_q;
  logic [31:0] wdog_q, rd_win_base_q, rd_win_limit_q, wr_win_base_q, wr_win_limit_q;
  logic [2:0]  prot_q;

  // writes of a rw register (byte strobes honoured)
  function automatic logic wr_to(input logic any, input logic [RAW-3:0] word,
                                 input logic [RAW-1:0] addr);
    wr_to = any && is_reg(word, addr);
  endfunction

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      irq_en_q        <= '0;
      irq_st_q        <= '0;
      start_refused_q <= 1'b0;
      in_fmt_q        <= '0;
      out_fmt_q       <= '0;
      m_q             <= '0;
      n_q             <= '0;
      k_q             <= '0;
      a_base_q        <= '0;
      a_stride_q      <= '0;
      b_base_q        <= '0;
      b_stride_q      <= '0;
      c_base_q        <= '0;
      c_stride_q      <= '0;
      // reset values of spec/xrnpe_regs.rdl: watchdog 65536 cycles, privileged non-secure
      // data accesses, both windows open on the whole 32-bit space, unlocked
      wdog_q          <= 32'h0001_0000;
      prot_q          <= 3'b011;
      rd_win_base_q   <= '0;
      rd_win_limit_q  <= '1;
      wr_win_base_q   <= '0;
      wr_win_limit_q  <= '1;
      lock_q          <= 1'b0;
    end else begin
      // interrupt causes: the W1C first, so that an event in the same cycle is kept
      if (wr_to(wr_any, wr_word, xrnpe_regmap_pkg::ADDR_IRQ_STATUS) && w_strb_q[0])
        irq_st_q <= irq_st_q & ~w_data_q[1:0];
      if (job_end) begin
        if (job_end_err) irq_st_q[xrnpe_regmap_pkg::IRQ_STATUS_ERROR_LSB] <= 1'b1;
        else irq_st_q[xrnpe_regmap_pkg::IRQ_STATUS_DONE_LSB] <= 1'b1;
      end
      if (soft_reset) irq_st_q <= '0;

      if (cmd_start && !cmd_reset && st_busy) start_refused_q <= 1'b1;
      if (start || soft_reset) start_refused_q <= 1'b0;

      if (wr_to(wr_any, wr_word, xrnpe_regmap_pkg::ADDR_IRQ_ENABLE) && w_strb_q[0])
        irq_en_q <= w_data_q[1:0];
      if (wr_to(wr_any, wr_word, xrnpe_regmap_pkg::ADDR_FORMAT)) begin
        if (w_strb_q[0])
          in_fmt_q <= w_data_q[xrnpe_regmap_pkg::FORMAT_IN_FMT_LSB+:xrnpe_pkg::FMT_W];
        if (w_strb_q[1])
          out_fmt_q <= w_data_q[xrnpe_regmap_pkg::FORMAT_OUT_FMT_LSB+:xrnpe_pkg::FMT_W];
      end
      if (wr_to(wr_any, wr_word, xrnpe_regmap_pkg::ADDR_M)) m_q <= merge(m_q, w_data_q, bmask);
      if (wr_to(wr_any, wr_word, xrnpe_regmap_pkg::ADDR_N)) n_q <= merge(n_q, w_data_q, bmask);
      if (wr_to(wr_any, wr_word, xrnpe_regmap_pkg::ADDR_K)) k_q <= merge(k_q, w_data_q, bmask);
      if (wr_to(wr_any, wr_word, xrnpe_regmap_pkg::ADDR_A_BASE))
        a_base_q <= merge(a_base_q, w_data_q, bmask);
      if (wr_to(wr_any, wr_word, xrnpe_regmap_pkg::ADDR_A_STRIDE))
        a_stride_q <= merge(a_stride_q, w_data_q, bmask);
      if (wr_to(wr_any, wr_word, xrnpe_regmap_pkg::ADDR_B_BASE))
        b_base_q <= merge(b_base_q, w_data_q, bmask);
      if (wr_to(wr_any, wr_word, xrnpe_regmap_pkg::ADDR_B_STRIDE))
        b_stride_q <= merge(b_stride_q, w_data_q, bmask);
      if (wr_to(wr_any, wr_word, xrnpe_regmap_pkg::ADDR_C_BASE))
        c_base_q <= merge(c_base_q, w_data_q, bmask);
      if (wr_to(wr_any, wr_word, xrnpe_regmap_pkg::ADDR_C_STRIDE))
        c_stride_q <= merge(c_stride_q, w_data_q, bmask);
      if (wr_to(wr_any, wr_word, xrnpe_regmap_pkg::ADDR_WDOG_CYCLES))
        wdog_q <= merge(wdog_q, w_data_q, bmask);
      if (wr_to(wr_any, wr_word, xrnpe_regmap_pkg::ADDR_PROT) && w_strb_q[0])
        prot_q <= w_data_q[2:0];
      if (wr_to(wr_any, wr_word, xrnpe_regmap_pkg::ADDR_RD_WIN_BASE))
        rd_win_base_q <= merge(rd_win_base_q, w_data_q, bmask);
      if (wr_to(wr_any, wr_word, xrnpe_regmap_pkg::ADDR_RD_WIN_LIMIT))
        rd_win_limit_q <= merge(rd_win_limit_q, w_data_q, bmask);
      if (wr_to(wr_any, wr_word, xrnpe_regmap_pkg::ADDR_WR_WIN_BASE))
        wr_win_base_q <= merge(wr_win_base_q, w_data_q, bmask);
      if (wr_to(wr_any, wr_word, xrnpe_regmap_pkg::ADDR_WR_WIN_LIMIT))
        wr_win_limit_q <= merge(wr_win_limit_q, w_data_q, bmask);
      // LOCK is set-only: once set it refuses every further write (itself included)
      if (wr_to(wr_any, wr_word, xrnpe_regmap_pkg::ADDR_LOCK) && w_strb_q[0] &&
          w_data_q[xrnpe_regmap_pkg::LOCK_LOCKED_LSB])
        lock_q <= 1'b1;
    end
  end

  assign cfg_in_fmt   = in_fmt_q;
  assign cfg_out_fmt  = out_fmt_q;
  assign cfg_m        = m_q;
  assign cfg_n        = n_q;
  assign cfg_k        = k_q;
  assign cfg_a_base   = a_base_q;
  assign cfg_a_stride = a_stride_q;
  assign cfg_b_base   = b_base_q;
  assign cfg_b_stride = b_stride_q;
  assign cfg_c_base   = c_base_q;
  assign cfg_c_stride = c_stride_q;
  assign cfg_wdog     = wdog_q;
  assign cfg_prot     = prot_q;
  assign cfg_rd_win_base  = rd_win_base_q;
  assign cfg_rd_win_limit = rd_win_limit_q;
  assign cfg_wr_win_base  = wr_win_base_q;
  assign cfg_wr_win_limit = wr_win_limit_q;
  assign irq          = |(irq_st_q & irq_en_q);

  // ---------------------------------------------------------------- read channel
  logic [RAW-3:0] rd_word;
  logic [31:0]    rdata;
  assign rd_word = word_of(s_axil_araddr);

  // an always_comb, not a function in a continuous assign: the value depends on registers
  // the function would not list as arguments (Icarus re-evaluates an assign only on those)
  always_comb begin
    rdata = '0;
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_ID)) rdata = xrnpe_regmap_pkg::ID_VALUE;
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_VERSION)) rdata = xrnpe_regmap_pkg::VERSION_VALUE;
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_CONFIG)) begin
      rdata[xrnpe_regmap_pkg::CONFIG_ROWS_LSB+:xrnpe_regmap_pkg::CONFIG_ROWS_W] =
          xrnpe_regmap_pkg::CONFIG_ROWS_W'(ROWS);
      rdata[xrnpe_regmap_pkg::CONFIG_COLS_LSB+:xrnpe_regmap_pkg::CONFIG_COLS_W] =
          xrnpe_regmap_pkg::CONFIG_COLS_W'(COLS);
      rdata[xrnpe_regmap_pkg::CONFIG_DATA_BYTES_LSB+:xrnpe_regmap_pkg::CONFIG_DATA_BYTES_W] =
          xrnpe_regmap_pkg::CONFIG_DATA_BYTES_W'(DATA_W / 8);
    end
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_STATUS)) begin
      rdata[xrnpe_regmap_pkg::STATUS_BUSY_LSB] = st_busy;
      rdata[xrnpe_regmap_pkg::STATUS_DONE_LSB] = st_done;
      rdata[xrnpe_regmap_pkg::STATUS_ERROR_LSB] = st_error;
      rdata[xrnpe_regmap_pkg::STATUS_START_REFUSED_LSB] = start_refused_q;
      rdata[xrnpe_regmap_pkg::STATUS_INVALID_LSB] = st_invalid;
      rdata[xrnpe_regmap_pkg::STATUS_ERR_CODE_LSB+:xrnpe_regmap_pkg::STATUS_ERR_CODE_W] =
          st_err_code;
    end
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_IRQ_ENABLE)) rdata[1:0] = irq_en_q;
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_IRQ_STATUS)) rdata[1:0] = irq_st_q;
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_FORMAT)) begin
      rdata[xrnpe_regmap_pkg::FORMAT_IN_FMT_LSB+:xrnpe_pkg::FMT_W] = in_fmt_q;
      rdata[xrnpe_regmap_pkg::FORMAT_OUT_FMT_LSB+:xrnpe_pkg::FMT_W] = out_fmt_q;
    end
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_M)) rdata = m_q;
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_N)) rdata = n_q;
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_K)) rdata = k_q;
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_A_BASE)) rdata = a_base_q;
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_A_STRIDE)) rdata = a_stride_q;
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_B_BASE)) rdata = b_base_q;
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_B_STRIDE)) rdata = b_stride_q;
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_C_BASE)) rdata = c_base_q;
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_C_STRIDE)) rdata = c_stride_q;
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_CYCLES_LO)) rdata = st_cycles[31:0];
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_CYCLES_HI)) rdata = st_cycles[63:32];
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_MACS_LO)) rdata = st_macs[31:0];
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_MACS_HI)) rdata = st_macs[63:32];
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_ABUF_WORDS)) rdata = 32'(ABUF_WORDS);
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_BBUF_WORDS)) rdata = 32'(BBUF_WORDS);
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_WDOG_CYCLES)) rdata = wdog_q;
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_PROT)) rdata[2:0] = prot_q;
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_RD_WIN_BASE)) rdata = rd_win_base_q;
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_RD_WIN_LIMIT)) rdata = rd_win_limit_q;
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_WR_WIN_BASE)) rdata = wr_win_base_q;
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_WR_WIN_LIMIT)) rdata = wr_win_limit_q;
    if (is_reg(rd_word, xrnpe_regmap_pkg::ADDR_LOCK)) rdata[0] = lock_q;
  end

  logic        rvalid_q;
  logic [31:0] rdata_q;
  logic [1:0]  rresp_q;
  assign s_axil_arready = !rvalid_q;
  assign s_axil_rvalid  = rvalid_q;
  assign s_axil_rdata   = rdata_q;
  assign s_axil_rresp   = rresp_q;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) rvalid_q <= 1'b0;
    else if (s_axil_arvalid && s_axil_arready) rvalid_q <= 1'b1;
    else if (rvalid_q && s_axil_rready) rvalid_q <= 1'b0;
  end
  always_ff @(posedge clk) begin
    if (s_axil_arvalid && s_axil_arready) begin
      rdata_q <= mapped(s_axil_araddr) ? rdata : 32'd0;
      rresp_q <= mapped(s_axil_araddr) ? RESP_OKAY : RESP_SLVERR;
    end
  end

  // Reads are open to everyone; only AWPROT[0] (privileged) matters for writes.
  logic unused_ok;
  assign unused_ok = &{1'b0, s_axil_awprot[2:1], s_axil_arprot};
endmodule
`default_nettype wire
