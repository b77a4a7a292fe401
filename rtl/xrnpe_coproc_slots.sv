// SPDX-License-Identifier: Apache-2.0
// The two buffer slots of one operand (A or Bt): a slot is allocated when its load is queued,
// loaded when the read DMA has written it, and free again when the feed releases it after
// the last step that reads it.  `clear` frees both at the start of a job.
`default_nettype none
`include "xrnpe_assert.svh"
module xrnpe_coproc_slots (
    input  logic       clk,
    input  logic       rst_n,
    input  logic       clear,
    input  logic       alloc,          // a load into alloc_slot is queued
    input  logic       alloc_slot,
    input  logic       load_done,      // the load into load_slot is complete
    input  logic       load_slot,
    input  logic       free,           // the feed is done with free_slot
    input  logic       free_slot,
    output logic [1:0] alloc_q,
    output logic [1:0] loaded_q
);
  logic [1:0] alloc_d, loaded_d, alloc_set, load_set, free_set;
  assign alloc_set = {alloc && alloc_slot, alloc && !alloc_slot};
  assign load_set  = {load_done && load_slot, load_done && !load_slot};
  assign free_set  = {free && free_slot, free && !free_slot};
  assign alloc_d  = clear ? 2'b00 : (alloc_q & ~free_set) | alloc_set;
  assign loaded_d = clear ? 2'b00 : (loaded_q | load_set) & ~free_set;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      alloc_q  <= 2'b00;
      loaded_q <= 2'b00;
    end else begin
      alloc_q  <= alloc_d;
      loaded_q <= loaded_d;
    end
  end

  // a slot is allocated only when free, loaded only while allocated, freed only when loaded
  `XRNPE_ASSERT(a_alloc_of_free_slot, !alloc || !alloc_q[alloc_slot], clk, rst_n)
  `XRNPE_ASSERT(a_load_of_allocated_slot, !load_done || alloc_q[load_slot], clk, rst_n)
  `XRNPE_ASSERT(a_free_of_loaded_slot, !free || loaded_q[free_slot], clk, rst_n)
  `XRNPE_ASSERT(a_loaded_slots_allocated, (loaded_q & ~alloc_q) == 2'b00, clk, rst_n)
endmodule
`default_nettype wire
