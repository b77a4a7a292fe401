// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// Small synchronous FIFO (registers, first-word fall-through) for commands and descriptors.
// `clr` empties it (start of a job).
module xrnpe_coproc_fifo #(
  parameter int W = 8,
  parameter int DEPTH = 4
) (
  input  wire          clk,
  input  wire          rst_n,
  input  wire          clr,
  input  wire          push,
  input  wire  [W-1:0] din,
  output logic         full,
  input  wire          pop,
  output logic [W-1:0] dout,
  output logic         empty
);
  initial begin
    if (W < 1 || DEPTH < 2 || (DEPTH & (DEPTH - 1)) != 0)
      $fatal(1, "xrnpe_coproc_fifo: W >= 1 and DEPTH a power of two >= 2 required");
  end

  localparam int AW = $clog2(DEPTH);
  logic [W-1:0] mem [DEPTH];
  logic [AW:0] wp, rp;

  assign empty = (wp == rp);
  assign full = (wp[AW-1:0] == rp[AW-1:0]) && (wp[AW] != rp[AW]);
  assign dout = mem[rp[AW-1:0]];

  always_ff @(posedge clk) begin
    if (!rst_n || clr) begin
      wp <= '0;
      rp <= '0;
    end else begin
      if (push && !full) begin
        mem[wp[AW-1:0]] <= din;
        wp <= wp + 1'b1;
      end
      if (pop && !empty) rp <= rp + 1'b1;
    end
  end
endmodule
`default_nettype wire
