// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "xrnpe_assert.svh"
// Result collector: captures the ROWS x COLS results of a tile (each PE may deliver in any
// cycle; a PE is held by out_ready until the whole tile is there), then writes the tile in
// one cycle into the C buffer: bank r (one per PE row), entry {slot, tile} = the COLS results
// of that row.  A step's tiles fill one of two slots; when its last tile is in, the slot is
// handed to the write DMA and the other slot is filled meanwhile.
module xrnpe_coproc_collect #(
    parameter int ROWS = 4,
    parameter int COLS = 4,
    parameter int CBUF_TILES = 16,
    // derived (xrnpe_coproc_pkg), not to be overridden
    localparam int CT_W = xrnpe_coproc_pkg::ct_w(CBUF_TILES),
    localparam int VR_W = xrnpe_coproc_pkg::vr_w(ROWS),
    localparam int VC_W = xrnpe_coproc_pkg::vc_w(COLS),
    localparam int RN_W = xrnpe_coproc_pkg::rn_w(ROWS, COLS, CBUF_TILES)
) (
  input  logic                      clk,
  input  logic                      rst_n,
  input  logic                      clr,
  input  logic                      running,
  // PE results
  input  logic [ROWS*COLS-1:0]      pe_out_valid,
  output logic [ROWS*COLS-1:0]     pe_out_ready,
  input  logic [ROWS*COLS*32-1:0]   pe_out_data,
  input  logic [ROWS*COLS-1:0]      pe_out_nar,
  // tile queue (feed)
  input  logic                      tq_empty,
  output logic                     tq_pop,
  input  logic [CT_W-1:0]           tq_tile,
  input  logic                      tq_last_tile,
  input  logic [VR_W-1:0]           tq_vrows,
  input  logic [VC_W-1:0]           tq_vcols,
  input  logic [RN_W-1:0]           tq_seg_cols,
  input  logic [31:0]               tq_c_addr,
  // write commands (write DMA)
  output logic                     wq_push,
  input  logic                      wq_full,
  output logic                     wq_slot,
  output logic [VR_W-1:0]          wq_vrows,
  output logic [RN_W-1:0]          wq_seg_cols,
  output logic [31:0]              wq_c_addr,
  input  logic                      c_release,
  input  logic                      c_release_slot,
  // C buffer read port (write DMA)
  input  logic                      c_rd_en,
  input  logic [CT_W:0]             c_rd_addr,
  input  logic [VR_W-1:0] c_rd_row,
  output logic [COLS*32-1:0]       c_rd_data,
  output logic                     invalid_seen
);
  localparam int NPE = ROWS * COLS;

  logic [NPE-1:0]    full_q;
  logic [NPE*32-1:0] data_q;
  logic [NPE-1:0]    nar_q;
  logic [1:0]        pending_q;   // slot handed to the write DMA, not yet read out
  logic              cur_q;       // slot being filled
  logic              invalid_seen_q;

  logic commit;
  assign commit       = running && (&full_q) && !tq_empty && !pending_q[cur_q] &&
                        !(tq_last_tile && wq_full);
  assign tq_pop       = commit;
  assign pe_out_ready = ~full_q | {NPE{commit}};

  assign wq_push     = commit && tq_last_tile;
  assign wq_slot     = cur_q;
  assign wq_vrows    = tq_vrows;
  assign wq_seg_cols = tq_seg_cols;
  assign wq_c_addr   = tq_c_addr;

  // NaR flags of the results that will really be written (padding rows/columns excluded)
  logic [NPE-1:0] nar_valid;
  for (genvar r = 0; r < ROWS; r++) begin : g_nr
    for (genvar c = 0; c < COLS; c++) begin : g_nc
      assign nar_valid[r*COLS+c] = nar_q[r*COLS+c] && (VR_W'(r) < tq_vrows) &&
                                   (VC_W'(c) < tq_vcols);
    end
  end

  // a PE's result taken in the cycle of the tile write belongs to the next tile
  logic [NPE-1:0] take, full_d;
  logic [1:0]     pending_d, handed, released;
  logic           cur_d, invalid_seen_d;
  assign take     = pe_out_valid & pe_out_ready;
  assign handed   = {2{commit && tq_last_tile}} & {cur_q, !cur_q};
  assign released = {2{c_release}} & {c_release_slot, !c_release_slot};
  assign full_d         = clr ? '0 : (full_q & ~{NPE{commit}}) | take;
  assign pending_d      = clr ? '0 : (pending_q & ~released) | handed;
  assign cur_d          = clr ? 1'b0 : cur_q ^ (commit && tq_last_tile);
  assign invalid_seen_d = !clr && commit && |nar_valid;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      full_q         <= '0;
      pending_q      <= '0;
      cur_q          <= 1'b0;
      invalid_seen_q <= 1'b0;
    end else begin
      full_q         <= full_d;
      pending_q      <= pending_d;
      cur_q          <= cur_d;
      invalid_seen_q <= invalid_seen_d;
    end
  end
  assign invalid_seen = invalid_seen_q;

  // results: written when a PE delivers, read only behind full_q
  for (genvar p = 0; p < NPE; p++) begin : g_result
    always_ff @(posedge clk) begin
      if (take[p]) begin
        data_q[p*32+:32] <= pe_out_data[p*32+:32];
        nar_q[p]         <= pe_out_nar[p];
      end
    end
  end

  // C buffer: one bank per PE row
  logic [VR_W-1:0] row_q;
  always_ff @(posedge clk) if (c_rd_en) row_q <= c_rd_row;

  logic [COLS*32-1:0] bank_dout [ROWS];
  for (genvar r = 0; r < ROWS; r++) begin : g_cbuf
    xrnpe_coproc_ram #(.W(COLS * 32), .DEPTH(2 << CT_W)) u_ram (
      .clk, .wr_en(commit), .wr_addr({cur_q, tq_tile}),
      .wr_data(data_q[r*COLS*32+:COLS*32]),
      .rd_en(c_rd_en), .rd_addr(c_rd_addr), .rd_data(bank_dout[r]));
  end
  always_comb begin
    c_rd_data = bank_dout[0];
    for (int r = 1; r < ROWS; r++)
      if (row_q == VR_W'(r)) c_rd_data = bank_dout[r];
  end

  // ------------------------------------------------------------------ invariants
  // A tile is written into a slot the write DMA does not own and only once every PE delivered;
  // a result is captured only into an empty register (or the one the tile write empties); the
  // write DMA releases only a slot it was handed.
  `XRNPE_ASSERT(a_no_tile_pop_when_empty, !(tq_pop && tq_empty), clk, rst_n)
  `XRNPE_ASSERT(a_no_write_push_when_full, !(wq_push && wq_full), clk, rst_n)
  `XRNPE_ASSERT(a_commit_into_free_slot, !commit || (!pending_q[cur_q] && &full_q), clk, rst_n)
  `XRNPE_ASSERT(a_capture_into_empty, (take & full_q & ~{NPE{commit}}) == '0, clk, rst_n)
  `XRNPE_ASSERT(a_release_of_pending_slot, !c_release || pending_q[c_release_slot], clk, rst_n)
endmodule
`default_nettype wire
