// SPDX-License-Identifier: Apache-2.0
// Byte gearbox of the write DMA: C buffer entries (COLS elements of 32 bits, packed here to
// 2**esz bytes each) go in, bus words come out.  `init` starts a row with `init_cnt` leading
// bytes whose strobes are off (the segment's offset within its first bus word), so WSTRB
// enables exactly the row's bytes.  In one cycle the beat on offer may leave (`shift`: the
// low DATA_W/8 bytes) and an entry be appended behind what remains (`cnt_after` bytes) when
// the user sees room; only its first `bytes` bytes are kept (padding PEs are dropped, not
// just unstrobed).  Datapath registers: `init` defines them before a row's first use.
`default_nettype none
module xrnpe_coproc_gearbox #(
    parameter int DATA_W = 64,
    parameter int COLS = 4,
    // derived, not to be overridden
    localparam int DB = DATA_W / 8,
    localparam int CAP = DB + COLS * 4,  // bytes: one beat plus one entry
    localparam int CNT_W = $clog2(CAP + 1)
) (
    input  logic               clk,
    input  logic [1:0]         esz,
    input  logic               init,
    input  logic [CNT_W-1:0]   init_cnt,
    input  logic               shift,
    input  logic               append,
    input  logic [COLS*32-1:0] entry,
    input  logic [CNT_W-1:0]   bytes,
    output logic [CNT_W-1:0]   cnt,        // bytes held, leading offset bytes included
    output logic [CNT_W-1:0]   cnt_after,  // bytes left once the shift is done
    output logic [DATA_W-1:0]  beat_data,
    output logic [DB-1:0]      beat_strb
);
  logic [CAP*8-1:0] data_q, data_d;
  logic [CAP-1:0]   strb_q, strb_d;
  logic [CNT_W-1:0] cnt_q, cnt_d;

  // entry contents packed to the element size
  function automatic logic [COLS*32-1:0] pack(input logic [COLS*32-1:0] e,
                                              input logic [1:0] size);
    pack = '0;
    for (int c = 0; c < COLS; c++) begin
      unique case (size)
        2'd0: pack[c*8 +: 8] = e[c*32 +: 8];
        2'd1: pack[c*16 +: 16] = e[c*32 +: 16];
        default: pack[c*32 +: 32] = e[c*32 +: 32];
      endcase
    end
  endfunction

  // the contents after this cycle: the beat shifted out, the entry appended at `at`
  function automatic logic [CAP*9-1:0] gb_next(
      input logic [CAP*8-1:0] data, input logic [CAP-1:0] strb, input logic shift_out,
      input logic add, input logic [COLS*32-1:0] packed_entry, input logic [CNT_W-1:0] n,
      input logic [CNT_W-1:0] at);
    logic [CAP*8-1:0] d, mb;
    logic [CAP-1:0]   s, m;
    d = shift_out ? data >> (DB * 8) : data;
    s = shift_out ? strb >> DB : strb;
    m = (CAP'(1) << n) - CAP'(1);
    for (int i = 0; i < CAP; i++) mb[i*8+:8] = {8{m[i]}};
    if (add) begin
      d = d | (((CAP * 8)'(packed_entry) & mb) << {at, 3'b000});
      s = s | (m << at);
    end
    gb_next = {d, s};
  endfunction

  logic [COLS*32-1:0] packed_entry;
  assign packed_entry = pack(entry, esz);
  assign cnt_after = !shift ? cnt_q : (cnt_q > CNT_W'(DB) ? cnt_q - CNT_W'(DB) : '0);
  assign {data_d, strb_d} = init ? '0 : gb_next(data_q, strb_q, shift, append, packed_entry,
                                             bytes, cnt_after);
  assign cnt_d = init ? init_cnt : cnt_after + (append ? bytes : '0);

  always_ff @(posedge clk) begin
    data_q <= data_d;
    strb_q <= strb_d;
    cnt_q  <= cnt_d;
  end

  assign cnt       = cnt_q;
  assign beat_data = data_q[DB*8-1:0];
  assign beat_strb = strb_q[DB-1:0];
endmodule
`default_nettype wire
