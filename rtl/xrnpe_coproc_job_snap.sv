// SPDX-License-Identifier: Apache-2.0
// The job snapshot and its tiling, taken in three steps while the job starts: the
// configuration at the check (registers written while BUSY never affect the running job),
// the chunking and panel width at setup, the products at setup2 (one multiplier level per
// cycle).  The tiling (docs/coprocessor.md, "Dataflow and tiling"): a row that fits in one A
// slot is one step wide in K, and a panel takes as many column tiles as fit in one B slot and
// in the C buffer; a longer row streams in chunks of ABUF_WORDS words, one tile per step.
// Read only while the job runs, so nothing here is reset.
`default_nettype none
module xrnpe_coproc_job_snap #(
    parameter int ROWS = 4,
    parameter int COLS = 4,
    parameter int DATA_W = 64,
    parameter int ABUF_WORDS = 128,
    parameter int BBUF_WORDS = 256,
    parameter int CBUF_TILES = 16,
    localparam int FW = xrnpe_pkg::FMT_W
) (
    input  logic          clk,
    input  logic          load_cfg,       // the check: configuration
    input  logic          load_tiling,    // setup: chunking, tile stride, panel width
    input  logic          load_steps,     // setup2: address steps, MACs
    input  logic [FW-1:0] cfg_in_fmt,
    input  logic [FW-1:0] cfg_out_fmt,
    input  logic [16:0]   cfg_m,         // 1..65536 once the check passed
    input  logic [16:0]   cfg_n,
    input  logic [16:0]   cfg_k,
    input  logic [31:0]   cfg_a_base,
    input  logic [31:0]   cfg_a_stride,
    input  logic [31:0]   cfg_b_base,
    input  logic [31:0]   cfg_b_stride,
    input  logic [31:0]   cfg_c_base,
    input  logic [31:0]   cfg_c_stride,
    input  logic [1:0]    cfg_esz,        // from the configuration check
    input  logic [32:0]   cfg_kw,
    input  logic [15:0]   cfg_lastmask,
    // the configuration
    output logic [FW-1:0] in_fmt_q,
    output logic [FW-1:0] out_fmt_q,
    output logic [1:0]    esz_q,
    output logic [15:0]   lastmask_q,
    output logic [31:0]   a_base_q,
    output logic [31:0]   a_stride_q,
    output logic [31:0]   b_base_q,
    output logic [31:0]   b_stride_q,
    output logic [31:0]   c_base_q,
    output logic [31:0]   c_stride_q,
    output logic [16:0]   m_q,
    output logic [16:0]   n_q,
    output logic [16:0]   kw_q,           // words per row
    output logic [16:0]   kwe_q,          // beats (buffer entries) per row
    // the tiling
    output logic          chunked_q,      // a row does not fit in one A slot: K in chunks
    output logic [16:0]   kcw_q,          // words per full chunk
    output logic [4:0]    tstride_log2_q, // B buffer entries per tile (log2)
    output logic [16:0]   pw_q,           // columns per panel
    output logic [31:0]   a_blk_step_q,   // address steps: next row block of A and C,
    output logic [31:0]   b_pan_step_q,   // next panel of Bt and C, next K chunk
    output logic [31:0]   c_blk_step_q,
    output logic [31:0]   c_pan_step_q,
    output logic [31:0]   chunk_bytes_q,
    output logic [63:0]   macs_q
);
  localparam int WPB = xrnpe_coproc_pkg::words_per_beat(DATA_W);
  localparam int WPB_LOG2 = xrnpe_coproc_pkg::clog2i(WPB);
  localparam int A_SLOT_E = xrnpe_coproc_pkg::a_slot_entries(ABUF_WORDS, DATA_W);
  localparam int B_SLOT_E = xrnpe_coproc_pkg::b_slot_entries(BBUF_WORDS, DATA_W);
  localparam int A_SLOT_E_LOG2 = xrnpe_coproc_pkg::clog2i(A_SLOT_E);
  localparam int B_SLOT_E_LOG2 = xrnpe_coproc_pkg::clog2i(B_SLOT_E);
  localparam int CT_LOG2 = xrnpe_coproc_pkg::clog2i(CBUF_TILES);

  // ------------------------------------------------------------------ the check
  logic [16:0] k_q, kwe_d;
  assign kwe_d = 17'((cfg_kw + 33'(WPB - 1)) >> WPB_LOG2);
  always_ff @(posedge clk) begin
    if (load_cfg) begin
      in_fmt_q   <= cfg_in_fmt;
      out_fmt_q  <= cfg_out_fmt;
      esz_q      <= cfg_esz;
      lastmask_q <= cfg_lastmask;
      a_base_q   <= cfg_a_base;
      a_stride_q <= cfg_a_stride;
      b_base_q   <= cfg_b_base;
      b_stride_q <= cfg_b_stride;
      c_base_q   <= cfg_c_base;
      c_stride_q <= cfg_c_stride;
      m_q        <= cfg_m;
      n_q        <= cfg_n;
      k_q        <= cfg_k;
      kw_q       <= cfg_kw[16:0];
      kwe_q      <= kwe_d;
    end
  end

  // ------------------------------------------------------------------ setup
  // A whole row in the A slot: tiles of 2**clog2(KWE) entries, as many per panel as the B slot
  // and the C buffer hold.  Chunks: one tile per step (the chunk loop is innermost).
  logic        chunked_d;
  logic [4:0]  row_e_log2, b_tiles_log2, tpb_log2_q, tpb_log2_d, tstride_log2_d;
  logic [16:0] kcw_d;
  logic [33:0] mn_q, mn_d;
  assign chunked_d      = kwe_q > 17'(A_SLOT_E);
  assign row_e_log2     = xrnpe_coproc_pkg::clog2_dim(kwe_q);
  assign b_tiles_log2   = 5'(B_SLOT_E_LOG2) - row_e_log2;
  assign kcw_d          = chunked_d ? 17'(ABUF_WORDS) : kw_q;
  assign tstride_log2_d = chunked_d ? 5'(A_SLOT_E_LOG2) : row_e_log2;
  assign tpb_log2_d     = chunked_d ? 5'd0 : b_tiles_log2 > 5'(CT_LOG2) ? 5'(CT_LOG2) :
                          b_tiles_log2;
  assign mn_d           = m_q * n_q;
  always_ff @(posedge clk) begin
    if (load_tiling) begin
      chunked_q      <= chunked_d;
      kcw_q          <= kcw_d;
      tstride_log2_q <= tstride_log2_d;
      tpb_log2_q     <= tpb_log2_d;
      mn_q           <= mn_d;
    end
  end

  // ------------------------------------------------------------------ setup2
  logic [63:0] macs_d;
  logic [16:0] pw_d;
  logic [31:0] a_blk_step_d, b_pan_step_d, c_blk_step_d, c_pan_step_d, chunk_bytes_d;
  assign macs_d        = 64'(mn_q * 51'(k_q));
  assign pw_d          = 17'(COLS) << tpb_log2_q;
  assign a_blk_step_d  = 32'(ROWS) * a_stride_q;
  assign b_pan_step_d  = (32'(COLS) * b_stride_q) << tpb_log2_q;
  assign c_blk_step_d  = 32'(ROWS) * c_stride_q;
  assign c_pan_step_d  = (32'(COLS) << tpb_log2_q) << esz_q;
  assign chunk_bytes_d = {14'd0, kcw_q, 1'b0};
  always_ff @(posedge clk) begin
    if (load_steps) begin
      macs_q        <= macs_d;
      pw_q          <= pw_d;
      a_blk_step_q  <= a_blk_step_d;
      b_pan_step_q  <= b_pan_step_d;
      c_blk_step_q  <= c_blk_step_d;
      c_pan_step_q  <= c_pan_step_d;
      chunk_bytes_q <= chunk_bytes_d;
    end
  end
endmodule
`default_nettype wire
