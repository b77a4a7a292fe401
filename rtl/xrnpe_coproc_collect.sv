// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// Result collector: captures the ROWS x COLS results of a tile (each PE may deliver in any
// cycle; a PE is held by out_ready until the whole tile is there), then writes the tile in
// one cycle into the C buffer: bank r (one per PE row), entry {slot, tile} = the COLS results
// of that row.  A step's tiles fill one of two slots; when its last tile is in, the slot is
// handed to the write DMA and the other slot is filled meanwhile.
module xrnpe_coproc_collect #(
  parameter int ROWS = 4,
  parameter int COLS = 4,
  parameter int CT_W = 4,
  parameter int VR_W = 3,
  parameter int VC_W = 3,
  parameter int RN_W = 8
) (
  input  wire                      clk,
  input  wire                      rst_n,
  input  wire                      clr,
  input  wire                      running,
  // PE results
  input  wire [ROWS*COLS-1:0]      pe_out_valid,
  output logic [ROWS*COLS-1:0]     pe_out_ready,
  input  wire [ROWS*COLS*32-1:0]   pe_out_data,
  input  wire [ROWS*COLS-1:0]      pe_out_nar,
  // tile queue (feed)
  input  wire                      tq_empty,
  output logic                     tq_pop,
  input  wire [CT_W-1:0]           tq_tile,
  input  wire                      tq_last_tile,
  input  wire [VR_W-1:0]           tq_vrows,
  input  wire [VC_W-1:0]           tq_vcols,
  input  wire [RN_W-1:0]           tq_seg_cols,
  input  wire [31:0]               tq_c_addr,
  // write commands (write DMA)
  output logic                     wq_push,
  input  wire                      wq_full,
  output logic                     wq_slot,
  output logic [VR_W-1:0]          wq_vrows,
  output logic [RN_W-1:0]          wq_seg_cols,
  output logic [31:0]              wq_c_addr,
  input  wire                      c_release,
  input  wire                      c_release_slot,
  // C buffer read port (write DMA)
  input  wire                      c_rd_en,
  input  wire [CT_W:0]             c_rd_addr,
  input  wire [$clog2(ROWS+1)-1:0] c_rd_row,
  output logic [COLS*32-1:0]       c_rd_data,
  output logic                     invalid_seen
);
  localparam int NPE = ROWS * COLS;

  logic [NPE-1:0]    full;
  logic [NPE*32-1:0] data;
  logic [NPE-1:0]    nar;
  logic [1:0]        pending;   // slot handed to the write DMA, not yet read out
  logic              cur;       // slot being filled

  wire commit = running && (&full) && !tq_empty && !pending[cur] && !(tq_last_tile && wq_full);
  assign tq_pop = commit;
  assign pe_out_ready = ~full | {NPE{commit}};

  assign wq_push = commit && tq_last_tile;
  assign wq_slot = cur;
  assign wq_vrows = tq_vrows;
  assign wq_seg_cols = tq_seg_cols;
  assign wq_c_addr = tq_c_addr;

  // NaR flags of the results that will really be written (padding rows/columns excluded)
  logic [NPE-1:0] nar_valid;
  for (genvar r = 0; r < ROWS; r++) begin : g_nr
    for (genvar c = 0; c < COLS; c++) begin : g_nc
      assign nar_valid[r*COLS+c] = nar[r*COLS+c] && (VR_W'(r) < tq_vrows) && (VC_W'(c) < tq_vcols);
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n || clr) begin
      full <= '0;
      data <= '0;
      nar <= '0;
      pending <= '0;
      cur <= 1'b0;
      invalid_seen <= 1'b0;
    end else begin
      invalid_seen <= commit && |nar_valid;
      for (int p = 0; p < NPE; p++) begin
        if (commit) full[p] <= 1'b0;
        if (pe_out_valid[p] && pe_out_ready[p]) begin
          full[p] <= 1'b1;
          data[p*32 +: 32] <= pe_out_data[p*32 +: 32];
          nar[p] <= pe_out_nar[p];
        end
      end
      if (c_release) pending[c_release_slot] <= 1'b0;
      if (commit && tq_last_tile) begin
        pending[cur] <= 1'b1;
        cur <= !cur;
      end
    end
  end

  // C buffer: one bank per PE row
  logic [$clog2(ROWS+1)-1:0] row_q;
  always_ff @(posedge clk) if (c_rd_en) row_q <= c_rd_row;

  logic [COLS*32-1:0] bank_dout [ROWS];
  for (genvar r = 0; r < ROWS; r++) begin : g_cbuf
    xrnpe_coproc_ram #(.W(COLS * 32), .DEPTH(2 << CT_W)) u_ram (
      .clk, .wr_en(commit), .wr_addr({cur, tq_tile}),
      .wr_data(data[r*COLS*32 +: COLS*32]),
      .rd_en(c_rd_en), .rd_addr(c_rd_addr), .rd_data(bank_dout[r]));
  end
  always_comb begin
    c_rd_data = bank_dout[0];
    for (int r = 1; r < ROWS; r++)
      if (row_q == $clog2(ROWS+1)'(r)) c_rd_data = bank_dout[r];
  end
endmodule
`default_nettype wire
