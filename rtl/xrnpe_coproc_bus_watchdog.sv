// SPDX-License-Identifier: Apache-2.0
// Bus watchdog of one DMA side (read: AR/R; write: AW/W/B).  The slave is not trusted: it
// counts the cycles the side waits on the bus (a request offered and not accepted, or a
// response owed) without any handshake, and flags a response while nothing is outstanding
// (ignored while the job is stopped: a late answer to an abandoned job), plus the side's own
// protocol checks (`violation`).  An expiry or a violation *abandons* the side: `flush`
// clears its state in that cycle, and the side stays dead (issues nothing) until `clr`, the
// start of the next job.  `tmo` / `proto` report the cause one cycle later.
`default_nettype none
module xrnpe_coproc_bus_watchdog (
    input  logic        clk,
    input  logic        rst_n,
    input  logic        clr,        // start of a job: the side is live again
    input  logic        stop,       // the job is not running
    input  logic [31:0] limit,      // cycles without progress, 0 = off
    input  logic        offered,    // a request is offered (AxVALID, WVALID)
    input  logic        busy,       // bursts outstanding (responses owed)
    input  logic        progress,   // a handshake on any channel of the side
    input  logic        resp,       // a handshake on the response channel (R, B)
    input  logic        violation,  // the side's own check of a response failed
    output logic        flush,      // clear the side: start of a job, or abandoned now
    output logic        dead,       // abandoned until the next job
    output logic        tmo,        // pulse: the watchdog expired
    output logic        proto       // pulse: protocol violation
);
  logic [31:0] wd_q, wd_d;  // cycles waited on the bus without a handshake
  logic        dead_q, dead_d, tmo_q, proto_q;
  logic        waiting, fault_proto, fault_tmo;

  assign waiting     = offered || busy;
  assign fault_proto = !dead_q && ((resp && !busy && !stop) || violation);
  assign fault_tmo   = !dead_q && waiting && limit != 0 && wd_q >= limit;
  assign flush       = clr || fault_proto || fault_tmo;
  assign dead_d      = !clr && (dead_q || fault_proto || fault_tmo);
  // (wraps after 2**32 cycles: only if the watchdog is off)
  assign wd_d        = (flush || !waiting || progress) ? '0 : wd_q + 32'd1;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      wd_q    <= '0;
      dead_q  <= 1'b0;
      tmo_q   <= 1'b0;
      proto_q <= 1'b0;
    end else begin
      wd_q    <= wd_d;
      dead_q  <= dead_d;
      tmo_q   <= fault_tmo;
      proto_q <= fault_proto;
    end
  end

  assign dead  = dead_q;
  assign tmo   = tmo_q;
  assign proto = proto_q;
endmodule
`default_nettype wire
