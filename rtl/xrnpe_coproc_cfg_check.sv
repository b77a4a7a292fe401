// SPDX-License-Identifier: Apache-2.0
// Configuration check of a START (combinational): the first failing check gives the error
// code (docs/regmap.md lists them in this order).  It also derives what the job snapshot keeps
// of a good configuration: the C element size, the words per row and the lanes of a row's last
// word that hold elements.  Lane counts, widths and K limits come from xrnpe_pkg, the
// generated copy of the Python format table.
`default_nettype none
module xrnpe_coproc_cfg_check #(
    parameter int DATA_W = 64
) (
    input  xrnpe_pkg::fmt_e cfg_in_fmt,
    input  xrnpe_pkg::fmt_e cfg_out_fmt,
    input  logic [31:0]     cfg_m,
    input  logic [31:0]     cfg_n,
    input  logic [31:0]     cfg_k,
    input  logic [31:0]     cfg_a_base,
    input  logic [31:0]     cfg_a_stride,
    input  logic [31:0]     cfg_b_base,
    input  logic [31:0]     cfg_b_stride,
    input  logic [31:0]     cfg_c_base,
    input  logic [31:0]     cfg_c_stride,
    output logic [7:0]      err,        // ERR_NONE: the job may start
    output logic [1:0]      esz,        // log2 of the C element size in bytes
    output logic [32:0]     kw,         // 16-bit words per row of A and Bt
    output logic [15:0]     lastmask    // lanes kept in the last word of a row
);
  localparam int DB_LOG2 = xrnpe_coproc_pkg::clog2i(DATA_W / 8);
  localparam int FP4_LANES_LOG2 = xrnpe_coproc_pkg::clog2i(xrnpe_pkg::FP4_LANES);
  localparam int P4_LANES_LOG2 = xrnpe_coproc_pkg::clog2i(xrnpe_pkg::P4_LANES);
  localparam int P8_LANES_LOG2 = xrnpe_coproc_pkg::clog2i(xrnpe_pkg::P8_LANES);
  localparam int P16_LANES_LOG2 = xrnpe_coproc_pkg::clog2i(xrnpe_pkg::P16_LANES);
  localparam int FP4_ESZ = xrnpe_coproc_pkg::c_esz(xrnpe_pkg::FP4_W);
  localparam int P4_ESZ = xrnpe_coproc_pkg::c_esz(xrnpe_pkg::P4_W);
  localparam int P8_ESZ = xrnpe_coproc_pkg::c_esz(xrnpe_pkg::P8_W);
  localparam int P16_ESZ = xrnpe_coproc_pkg::c_esz(xrnpe_pkg::P16_W);
  localparam int FP32_ESZ = xrnpe_coproc_pkg::c_esz(xrnpe_pkg::FP32_W);

  // the last-word mask below reads K mod lanes from K[1:0]
  if (xrnpe_pkg::FP4_LANES > 4 || xrnpe_pkg::P4_LANES > 4 || xrnpe_pkg::P8_LANES > 4 ||
      xrnpe_pkg::P16_LANES > 4) begin : g_bad_lanes
    initial $fatal(1, "xrnpe_coproc_cfg_check: at most 4 lanes per word supported");
  end

  logic [1:0]  lanes_log2;
  logic [4:0]  lane_w;
  logic [31:0] k_max;
  logic        in_fmt_ok, out_fmt_ok;
  always_comb begin
    in_fmt_ok = 1'b1;
    unique case (cfg_in_fmt)
      xrnpe_pkg::FMT_FP4: begin
        lanes_log2 = 2'(FP4_LANES_LOG2); lane_w = 5'(xrnpe_pkg::FP4_W);
        k_max = 32'(xrnpe_pkg::FP4_K_MAX);
      end
      xrnpe_pkg::FMT_P4: begin
        lanes_log2 = 2'(P4_LANES_LOG2); lane_w = 5'(xrnpe_pkg::P4_W);
        k_max = 32'(xrnpe_pkg::P4_K_MAX);
      end
      xrnpe_pkg::FMT_P8: begin
        lanes_log2 = 2'(P8_LANES_LOG2); lane_w = 5'(xrnpe_pkg::P8_W);
        k_max = 32'(xrnpe_pkg::P8_K_MAX);
      end
      xrnpe_pkg::FMT_P16: begin
        lanes_log2 = 2'(P16_LANES_LOG2); lane_w = 5'(xrnpe_pkg::P16_W);
        k_max = 32'(xrnpe_pkg::P16_K_MAX);
      end
      default: begin
        lanes_log2 = 2'(P16_LANES_LOG2); lane_w = 5'(xrnpe_pkg::P16_W);
        k_max = 32'(xrnpe_pkg::P16_K_MAX); in_fmt_ok = 1'b0;
      end
    endcase
    out_fmt_ok = 1'b1;
    unique case (cfg_out_fmt)
      xrnpe_pkg::FMT_FP4:  esz = 2'(FP4_ESZ);
      xrnpe_pkg::FMT_P4:   esz = 2'(P4_ESZ);
      xrnpe_pkg::FMT_P8:   esz = 2'(P8_ESZ);
      xrnpe_pkg::FMT_P16:  esz = 2'(P16_ESZ);
      xrnpe_pkg::FMT_FP32: esz = 2'(FP32_ESZ);
      default: begin esz = 2'd0; out_fmt_ok = 1'b0; end
    endcase
  end

  // K <= 65536 is only guaranteed after the checks; 33 bits keep the arithmetic exact anyway.
  logic [33:0] row_bytes, c_row_bytes;
  logic [31:0] db_mask, es_mask;
  assign kw          = ({1'b0, cfg_k} + ((33'd1 << lanes_log2) - 33'd1)) >> lanes_log2;
  assign row_bytes   = {kw, 1'b0};
  assign c_row_bytes = {2'b00, cfg_n} << esz;
  assign db_mask     = 32'((1 << DB_LOG2) - 1);
  assign es_mask     = (32'd1 << esz) - 32'd1;

  always_comb begin
    if (!in_fmt_ok) err = xrnpe_regmap_pkg::ERR_BAD_IN_FMT;
    else if (!out_fmt_ok) err = xrnpe_regmap_pkg::ERR_BAD_OUT_FMT;
    else if (cfg_m == 0 || cfg_n == 0 || cfg_k == 0) err = xrnpe_regmap_pkg::ERR_ZERO_DIM;
    else if (cfg_k > k_max) err = xrnpe_regmap_pkg::ERR_K_TOO_LARGE;
    else if (((cfg_a_base | cfg_a_stride | cfg_b_base | cfg_b_stride) & db_mask) != 0 ||
             ((cfg_c_base | cfg_c_stride) & es_mask) != 0)
      err = xrnpe_regmap_pkg::ERR_UNALIGNED;
    else if ({2'b00, cfg_a_stride} < row_bytes || {2'b00, cfg_b_stride} < row_bytes ||
             {2'b00, cfg_c_stride} < c_row_bytes)
      err = xrnpe_regmap_pkg::ERR_STRIDE_TOO_SMALL;
    else if (cfg_m > 32'd65536 || cfg_n > 32'd65536) err = xrnpe_regmap_pkg::ERR_DIM_TOO_LARGE;
    else err = xrnpe_regmap_pkg::ERR_NONE;
  end

  // K mod lanes elements in the last word of a row (all lanes when 0), lane 0 lowest
  logic [2:0] last_elems;
  logic [5:0] last_bits;
  assign last_elems = 3'(cfg_k[1:0]) & ((3'd1 << lanes_log2) - 3'd1);
  assign last_bits  = 6'(last_elems) * 6'(lane_w);
  assign lastmask   = last_elems == 3'd0 ? 16'hFFFF : 16'((17'd1 << last_bits) - 17'd1);
endmodule
`default_nettype wire
