// SPDX-License-Identifier: Apache-2.0
// Derived widths of the co-processor, computed once from its geometry parameters.  Every block
// takes the top-level parameters it needs and derives its field widths with these functions,
// so no block receives a width it could not check (docs/rtl-style.md).
`ifndef XRNPE_COPROC_PKG_SV
`define XRNPE_COPROC_PKG_SV
package xrnpe_coproc_pkg;
  // ceil(log2(v)) for v >= 1
  function automatic int clog2i(input int v);
    clog2i = 0;
    while ((64'd1 << clog2i) < 64'(v)) clog2i++;
  endfunction

  // ceil(log2(v)) of a run-time value 1..65536 (a job dimension): hardware, unlike clog2i
  function automatic logic [4:0] clog2_dim(input logic [16:0] v);
    clog2_dim = 5'd0;
    for (int i = 16; i >= 0; i--)
      if ((17'd1 << i) >= v) clog2_dim = 5'(i);
  endfunction

  function automatic int max2(input int a, input int b);
    max2 = a > b ? a : b;
  endfunction

  // log2 of the bytes one C element of a w-bit output format takes in memory (at least one)
  function automatic int c_esz(input int w);
    c_esz = clog2i(max2(w, 8) / 8);
  endfunction

  // 16-bit operand words per AXI data beat (= per buffer entry)
  function automatic int words_per_beat(input int data_w);
    words_per_beat = data_w / 16;
  endfunction

  // buffer entries of one A (B) slot, and the bank address width: slot bit + entry
  function automatic int a_slot_entries(input int abuf_words, input int data_w);
    a_slot_entries = abuf_words / words_per_beat(data_w);
  endfunction
  function automatic int b_slot_entries(input int bbuf_words, input int data_w);
    b_slot_entries = bbuf_words / words_per_beat(data_w);
  endfunction
  function automatic int a_aw(input int abuf_words, input int data_w);
    a_aw = clog2i(a_slot_entries(abuf_words, data_w)) + 1;
  endfunction
  function automatic int b_aw(input int bbuf_words, input int data_w);
    b_aw = clog2i(b_slot_entries(bbuf_words, data_w)) + 1;
  endfunction

  // rows of a load / columns of a panel (up to CBUF_TILES * COLS, or ROWS)
  function automatic int rn_w(input int rows, input int cols, input int cbuf_tiles);
    rn_w = clog2i(max2(cbuf_tiles * cols, rows) + 1);
  endfunction
  // beats of a row load (at most one A slot)
  function automatic int nb_w(input int abuf_words, input int data_w);
    nb_w = clog2i(a_slot_entries(abuf_words, data_w) + 1);
  endfunction
  // words of a K chunk (at most one A slot)
  function automatic int kc_w(input int abuf_words);
    kc_w = clog2i(abuf_words + 1);
  endfunction
  // valid rows of a block, valid columns of a tile
  function automatic int vr_w(input int rows);
    vr_w = clog2i(rows + 1);
  endfunction
  function automatic int vc_w(input int cols);
    vc_w = clog2i(cols + 1);
  endfunction
  // tile index within a step (C buffer entry)
  function automatic int ct_w(input int cbuf_tiles);
    ct_w = clog2i(cbuf_tiles);
  endfunction
  // operand buffer bank index (A banks are PE rows, B banks PE columns)
  function automatic int bk_w(input int rows, input int cols);
    bk_w = max2(rows, cols) > 1 ? clog2i(max2(rows, cols)) : 1;
  endfunction
endpackage
`endif
