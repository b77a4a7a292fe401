// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// Simple dual-port RAM: one write port, one read port with a registered read that holds its
// output while rd_en is low (the feed pipeline stalls on it).  Written so that Yosys infers a
// block RAM; no initial contents are needed for function.
module xrnpe_coproc_ram #(
  parameter int W = 64,
  parameter int DEPTH = 256
) (
  input  wire                     clk,
  input  wire                     wr_en,
  input  wire [$clog2(DEPTH)-1:0] wr_addr,
  input  wire [W-1:0]             wr_data,
  input  wire                     rd_en,
  input  wire [$clog2(DEPTH)-1:0] rd_addr,
  output logic [W-1:0]            rd_data
);
  initial begin
    if (W < 1 || DEPTH < 2 || (DEPTH & (DEPTH - 1)) != 0)
      $fatal(1, "xrnpe_coproc_ram: W >= 1 and DEPTH a power of two >= 2 required");
  end

  logic [W-1:0] mem [DEPTH];

  always_ff @(posedge clk) begin
    if (wr_en) mem[wr_addr] <= wr_data;
    if (rd_en) rd_data <= mem[rd_addr];
  end
endmodule
`default_nettype wire
