// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// Job controller: checks the configuration at START, derives the tiling, and walks the
// schedule of steps.  A step is (panel p, row block ib, K chunk c), c innermost:
//   panel   = up to PW = COLS << TPB_LOG2 columns of C whose Bt rows fit in one B slot,
//   block   = ROWS rows of A,
//   chunk   = up to ABUF_WORDS words of K (only when a row does not fit in one A slot).
// For each step it allocates A/B buffer slots (two each: the next step's operands are
// loaded while the current one computes), queues their loads on the read DMA and queues a
// step descriptor for the feed.  It also owns STATUS, the counters and the abort drain.
module xrnpe_coproc_ctrl #(
  parameter int ROWS = 4,
  parameter int COLS = 4,
  parameter int DATA_W = 64,
  parameter int ABUF_WORDS = 128,
  parameter int BBUF_WORDS = 256,
  parameter int CBUF_TILES = 16,
  // derived widths (set by the parent)
  parameter int RN_W = 8,   // rows of a load / columns of a panel
  parameter int NB_W = 8,   // beats of a row load
  parameter int KC_W = 8,   // words of a chunk
  parameter int VR_W = 3    // valid rows of a block
) (
  input  wire              clk,
  input  wire              rst_n,
  // configuration registers
  input  wire [2:0]        cfg_in_fmt,
  input  wire [2:0]        cfg_out_fmt,
  input  wire [31:0]       cfg_m,
  input  wire [31:0]       cfg_n,
  input  wire [31:0]       cfg_k,
  input  wire [31:0]       cfg_a_base,
  input  wire [31:0]       cfg_a_stride,
  input  wire [31:0]       cfg_b_base,
  input  wire [31:0]       cfg_b_stride,
  input  wire [31:0]       cfg_c_base,
  input  wire [31:0]       cfg_c_stride,
  input  wire              start,
  input  wire              soft_reset,
  // job-wide values for the datapath (stable while running)
  output logic             job_clr,       // pulse at START: empties every queue
  output logic             running,       // datapath may issue work
  output logic [2:0]       job_in_fmt,
  output logic [2:0]       job_out_fmt,
  output logic [1:0]       job_esz,       // log2 of the C element size in bytes
  output logic [15:0]      job_lastmask,  // lanes kept in the last word of a row
  output logic [4:0]       job_tstride_log2,  // B buffer entries per tile (log2)
  output logic [16:0]      job_n,
  output logic [31:0]      job_a_stride,  // snapshots: registers written while BUSY
  output logic [31:0]      job_b_stride,  // never affect the running job
  output logic [31:0]      job_c_stride,
  output logic             pe_clear,
  // read DMA command queue
  output logic             rdq_push,
  input  wire              rdq_full,
  output logic             rdq_is_b,
  output logic             rdq_slot,
  output logic [31:0]      rdq_addr,
  output logic [RN_W-1:0]  rdq_nrows,
  output logic [NB_W-1:0]  rdq_nbeats,
  input  wire              rd_done,       // a load finished (in queue order)
  input  wire              rd_done_is_b,
  input  wire              rd_done_slot,
  input  wire              rd_err,
  input  wire              rd_idle,
  // step queue to the feed
  output logic             stq_push,
  input  wire              stq_full,
  output logic             stq_a_slot,
  output logic             stq_b_slot,
  output logic             stq_a_rel,
  output logic             stq_b_rel,
  output logic             stq_first,
  output logic             stq_last,
  output logic [KC_W-1:0]  stq_kcw,
  output logic [VR_W-1:0]  stq_vrows,
  output logic [16:0]      stq_j0,
  output logic [RN_W-1:0]  stq_seg_cols,
  output logic [31:0]      stq_c_addr,
  output logic [1:0]       a_loaded,
  output logic [1:0]       b_loaded,
  input  wire              a_release,
  input  wire              a_release_slot,
  input  wire              b_release,
  input  wire              b_release_slot,
  input  wire              dp_idle,       // feed, PEs, collector and write DMA have nothing left
  input  wire              wr_err,
  input  wire              wr_idle,
  input  wire              invalid_seen,
  // status
  output logic             st_busy,
  output logic             st_done,
  output logic             st_error,
  output logic             st_invalid,
  output logic [7:0]       st_err_code,
  output logic [63:0]      st_cycles,
  output logic [63:0]      st_macs,
  output logic             job_end,
  output logic             job_end_err
);
  localparam int WPB = DATA_W / 16;            // 16-bit words per bus beat / buffer entry
  localparam int WPB_LOG2 = $clog2(WPB);
  localparam int DB_LOG2 = $clog2(DATA_W / 8);
  localparam int A_SLOT_E = ABUF_WORDS / WPB;  // buffer entries per slot
  localparam int B_SLOT_E = BBUF_WORDS / WPB;
  localparam int A_SLOT_E_LOG2 = $clog2(A_SLOT_E);
  localparam int B_SLOT_E_LOG2 = $clog2(B_SLOT_E);
  localparam int CT_LOG2 = $clog2(CBUF_TILES);

  typedef enum logic [2:0] {S_IDLE, S_CHECK, S_SETUP, S_SETUP2, S_RUN, S_DRAIN} state_t;
  typedef enum logic [2:0] {P_STEP, P_A, P_B, P_PUSH, P_DONE} pstate_t;
  state_t  st;
  pstate_t ps;

  // ------------------------------------------------------------------ configuration checks
  logic [1:0]  lanes_log2;
  logic [31:0] k_max;
  logic [1:0]  esz;
  always_comb begin
    unique case (cfg_in_fmt)
      xrnpe_pkg::FMT_FP4: begin lanes_log2 = 2'd2; k_max = 32'(xrnpe_pkg::FP4_K_MAX); end
      xrnpe_pkg::FMT_P4:  begin lanes_log2 = 2'd2; k_max = 32'(xrnpe_pkg::P4_K_MAX); end
      xrnpe_pkg::FMT_P8:  begin lanes_log2 = 2'd1; k_max = 32'(xrnpe_pkg::P8_K_MAX); end
      default:            begin lanes_log2 = 2'd0; k_max = 32'(xrnpe_pkg::P16_K_MAX); end
    endcase
    unique case (cfg_out_fmt)
      xrnpe_pkg::FMT_FP32: esz = 2'd2;
      xrnpe_pkg::FMT_P16:  esz = 2'd1;
      default:             esz = 2'd0;
    endcase
  end

  // K <= 65536 is only guaranteed after the checks; 33 bits keep the arithmetic exact anyway.
  wire [32:0] kw_full = ({1'b0, cfg_k} + ((33'd1 << lanes_log2) - 33'd1)) >> lanes_log2;
  wire [33:0] row_bytes = {kw_full, 1'b0};
  wire [33:0] c_row_bytes = {2'b00, cfg_n} << esz;
  wire [31:0] db_mask = 32'((1 << DB_LOG2) - 1);
  wire [31:0] es_mask = (32'd1 << esz) - 32'd1;

  logic [7:0] chk_err;
  always_comb begin
    if (cfg_in_fmt > 3'd3) chk_err = xrnpe_regmap_pkg::ERR_BAD_IN_FMT;
    else if (cfg_out_fmt > 3'd4) chk_err = xrnpe_regmap_pkg::ERR_BAD_OUT_FMT;
    else if (cfg_m == 0 || cfg_n == 0 || cfg_k == 0) chk_err = xrnpe_regmap_pkg::ERR_ZERO_DIM;
    else if (cfg_k > k_max) chk_err = xrnpe_regmap_pkg::ERR_K_TOO_LARGE;
    else if (((cfg_a_base | cfg_a_stride | cfg_b_base | cfg_b_stride) & db_mask) != 0 ||
             ((cfg_c_base | cfg_c_stride) & es_mask) != 0)
      chk_err = xrnpe_regmap_pkg::ERR_UNALIGNED;
    else if ({2'b00, cfg_a_stride} < row_bytes || {2'b00, cfg_b_stride} < row_bytes ||
             {2'b00, cfg_c_stride} < c_row_bytes)
      chk_err = xrnpe_regmap_pkg::ERR_STRIDE_TOO_SMALL;
    else if (cfg_m > 32'd65536 || cfg_n > 32'd65536) chk_err = xrnpe_regmap_pkg::ERR_DIM_TOO_LARGE;
    else chk_err = xrnpe_regmap_pkg::ERR_NONE;
  end

  // ------------------------------------------------------------------ job parameters
  logic [16:0] j_m, j_n, j_k;     // 1..65536
  logic [16:0] kw;                // words per row
  logic [16:0] kwe;               // beats (buffer entries) per row
  logic        chunked;           // a row does not fit in one A slot: stream K in chunks
  logic [16:0] kcw;               // words per full chunk
  logic [4:0]  tstride_log2;
  logic [4:0]  tpb_log2;          // col tiles per panel (log2)
  logic [16:0] pw;                // columns per panel
  logic [31:0] a_blk_step, b_pan_step, c_blk_step, c_pan_step;
  logic [31:0] chunk_bytes;
  logic [63:0] macs_job;
  logic [33:0] mn;
  logic [31:0] j_a_base, j_b_base, j_c_base;

  function automatic logic [4:0] clog2_17(input logic [16:0] v);  // ceil(log2(v)), v >= 1
    clog2_17 = 5'd0;
    for (int i = 16; i >= 0; i--)
      if ((17'd1 << i) >= v) clog2_17 = 5'(i);
  endfunction

  // Lanes of the last word of a row that hold elements (K mod lanes of them, all if 0).
  logic [15:0] lastmask;
  always_comb begin
    unique case (lanes_log2)
      2'd2: begin
        unique case (cfg_k[1:0])
          2'd1: lastmask = 16'h000F;
          2'd2: lastmask = 16'h00FF;
          2'd3: lastmask = 16'h0FFF;
          default: lastmask = 16'hFFFF;
        endcase
      end
      2'd1: lastmask = cfg_k[0] ? 16'h00FF : 16'hFFFF;
      default: lastmask = 16'hFFFF;
    endcase
  end

  // ------------------------------------------------------------------ schedule walk
  logic [16:0] i0, j0, w0;
  logic [31:0] a_row_addr, b_pan_addr, c_row_addr, c_pan_addr, chunk_off;
  logic        first_step;
  logic        a_next, b_next, a_cur, b_cur;
  logic [1:0]  a_alloc, b_alloc;
  logic        need_b;

  wire [17:0] w0_next = {1'b0, w0} + {1'b0, kcw};
  wire [17:0] i0_next = {1'b0, i0} + 18'(ROWS);
  wire [17:0] j0_next = {1'b0, j0} + {1'b0, pw};
  wire last_c  = w0_next >= {1'b0, kw};
  wire last_ib = i0_next >= {1'b0, j_m};
  wire last_p  = j0_next >= {1'b0, j_n};
  wire last_step = last_c && last_ib && last_p;
  wire single_a = (j_m <= 17'(ROWS)) && !chunked;  // one A block for the whole job
  wire [16:0] step_kcw = last_c ? kw - w0 : kcw;

  // The feed and read DMA use the narrow fields; the schedule keeps them in range.
  assign rdq_slot = ps == P_A ? a_next : b_next;
  assign rdq_is_b = ps == P_B;
  assign rdq_addr = ps == P_A ? a_row_addr + chunk_off : b_pan_addr + chunk_off;
  wire [16:0] b_rows = last_p ? j_n - j0 : pw;
  wire [16:0] a_rows = last_ib ? j_m - i0 : 17'(ROWS);
  assign rdq_nrows = ps == P_A ? RN_W'(a_rows) : RN_W'(b_rows);
  assign rdq_nbeats = NB_W'((step_kcw + 17'(WPB - 1)) >> WPB_LOG2);
  assign rdq_push = running && ((ps == P_A && !a_alloc[a_next] && !rdq_full) ||
                    (ps == P_B && need_b && !b_alloc[b_next] && !rdq_full));
  wire rdq_fire = rdq_push;

  assign stq_a_slot = a_cur;
  assign stq_b_slot = b_cur;
  assign stq_a_rel = last_step || !single_a;
  assign stq_b_rel = last_step || chunked || (last_ib && last_c);
  assign stq_first = w0 == 0;
  assign stq_last = last_c;
  assign stq_kcw = KC_W'(step_kcw);
  assign stq_vrows = VR_W'(a_rows);
  assign stq_j0 = j0;
  assign stq_seg_cols = RN_W'(b_rows);
  assign stq_c_addr = c_row_addr;
  assign stq_push = running && ps == P_PUSH && !stq_full;

  assign running = st == S_RUN;
  // a_rows <= ROWS and b_rows <= PW fit the narrow fields by construction
  wire unused_ok = &{1'b0, a_rows, b_rows};
  assign job_n = j_n;
  assign job_tstride_log2 = tstride_log2;

  // ------------------------------------------------------------------ main FSM
  logic [63:0] cyc;
  logic [7:0]  drain_err;   // error that caused the drain (0: soft reset)

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      st <= S_IDLE;
      ps <= P_DONE;
      st_done <= 1'b0;
      st_error <= 1'b0;
      st_invalid <= 1'b0;
      st_err_code <= '0;
      st_cycles <= '0;
      st_macs <= '0;
      cyc <= '0;
      drain_err <= '0;
      job_end <= 1'b0;
      job_end_err <= 1'b0;
      pe_clear <= 1'b1;
      a_alloc <= '0;
      b_alloc <= '0;
      a_loaded <= '0;
      b_loaded <= '0;
      job_in_fmt <= '0;
      job_out_fmt <= '0;
      job_esz <= '0;
      job_lastmask <= '1;
      job_a_stride <= '0;
      job_b_stride <= '0;
      job_c_stride <= '0;
      j_a_base <= '0;
      j_b_base <= '0;
      j_c_base <= '0;
      mn <= '0;
      j_m <= '0;
      j_n <= '0;
      j_k <= '0;
      kw <= '0;
      kwe <= '0;
      chunked <= 1'b0;
      kcw <= '0;
      tstride_log2 <= '0;
      tpb_log2 <= '0;
      pw <= '0;
      a_blk_step <= '0;
      b_pan_step <= '0;
      c_blk_step <= '0;
      c_pan_step <= '0;
      chunk_bytes <= '0;
      macs_job <= '0;
      i0 <= '0;
      j0 <= '0;
      w0 <= '0;
      a_row_addr <= '0;
      b_pan_addr <= '0;
      c_row_addr <= '0;
      c_pan_addr <= '0;
      chunk_off <= '0;
      first_step <= 1'b0;
      a_next <= 1'b0;
      b_next <= 1'b0;
      a_cur <= 1'b0;
      b_cur <= 1'b0;
      need_b <= 1'b0;
    end else begin
      job_end <= 1'b0;
      job_end_err <= 1'b0;
      // PEs are held cleared outside a running job, so nothing is left in their pipelines.
      pe_clear <= !(st == S_SETUP2 || st == S_RUN);
      if (st != S_IDLE) cyc <= cyc + 64'd1;

      // buffer slot bookkeeping (load done / released by the feed)
      if (rd_done && !rd_done_is_b) a_loaded[rd_done_slot] <= 1'b1;
      if (rd_done && rd_done_is_b) b_loaded[rd_done_slot] <= 1'b1;
      if (a_release) begin
        a_loaded[a_release_slot] <= 1'b0;
        a_alloc[a_release_slot] <= 1'b0;
      end
      if (b_release) begin
        b_loaded[b_release_slot] <= 1'b0;
        b_alloc[b_release_slot] <= 1'b0;
      end
      if (invalid_seen && st == S_RUN) st_invalid <= 1'b1;

      unique case (st)
        S_IDLE: begin
          if (start) begin
            st <= S_CHECK;
            st_done <= 1'b0;
            st_error <= 1'b0;
            st_invalid <= 1'b0;
            st_err_code <= '0;
            cyc <= 64'd0;
          end
        end
        S_CHECK: begin
          if (chk_err != xrnpe_regmap_pkg::ERR_NONE) begin
            st <= S_IDLE;
            st_done <= 1'b1;
            st_error <= 1'b1;
            st_err_code <= chk_err;
            st_cycles <= cyc + 64'd1;
            st_macs <= '0;
            job_end <= 1'b1;
            job_end_err <= 1'b1;
          end else begin
            st <= S_SETUP;
            job_in_fmt <= cfg_in_fmt;
            job_out_fmt <= cfg_out_fmt;
            job_esz <= esz;
            job_lastmask <= lastmask;
            job_a_stride <= cfg_a_stride;
            job_b_stride <= cfg_b_stride;
            job_c_stride <= cfg_c_stride;
            j_a_base <= cfg_a_base;
            j_b_base <= cfg_b_base;
            j_c_base <= cfg_c_base;
            j_m <= cfg_m[16:0];
            j_n <= cfg_n[16:0];
            j_k <= cfg_k[16:0];
            kw <= kw_full[16:0];
            kwe <= 17'((kw_full + 33'(WPB - 1)) >> WPB_LOG2);
          end
        end
        S_SETUP: begin
          st <= S_SETUP2;
          chunked <= kwe > 17'(A_SLOT_E);
          if (kwe > 17'(A_SLOT_E)) begin
            kcw <= 17'(ABUF_WORDS);
            tstride_log2 <= 5'(A_SLOT_E_LOG2);
            tpb_log2 <= '0;  // the chunk loop is innermost, so one tile per step
          end else begin
            kcw <= kw;
            tstride_log2 <= clog2_17(kwe);
            tpb_log2 <= (5'(B_SLOT_E_LOG2) - clog2_17(kwe)) > 5'(CT_LOG2) ?
                        5'(CT_LOG2) : 5'(B_SLOT_E_LOG2) - clog2_17(kwe);
          end
          mn <= j_m * j_n;
        end
        S_SETUP2: begin
          st <= S_RUN;
          macs_job <= 64'(mn * 51'(j_k));
          pw <= 17'(COLS) << tpb_log2;
          a_blk_step <= 32'(ROWS) * job_a_stride;
          b_pan_step <= (32'(COLS) * job_b_stride) << tpb_log2;
          c_blk_step <= 32'(ROWS) * job_c_stride;
          c_pan_step <= (32'(COLS) << tpb_log2) << job_esz;
          chunk_bytes <= {14'd0, kcw, 1'b0};
          i0 <= '0;
          j0 <= '0;
          w0 <= '0;
          a_row_addr <= j_a_base;
          b_pan_addr <= j_b_base;
          c_row_addr <= j_c_base;
          c_pan_addr <= j_c_base;
          chunk_off <= '0;
          first_step <= 1'b1;
          a_next <= 1'b0;
          b_next <= 1'b0;
          a_cur <= 1'b0;
          b_cur <= 1'b0;
          a_alloc <= '0;
          b_alloc <= '0;
          a_loaded <= '0;
          b_loaded <= '0;
          ps <= P_STEP;
        end
        S_RUN: begin
          // ---- producer: one step at a time
          unique case (ps)
            P_STEP: begin
              need_b <= first_step || chunked || (i0 == 0 && w0 == 0);
              ps <= (first_step || !single_a) ? P_A : P_B;
            end
            P_A: if (rdq_fire) begin
              a_alloc[a_next] <= 1'b1;
              a_cur <= a_next;
              a_next <= !a_next;
              ps <= P_B;
            end
            P_B: begin
              if (!need_b) ps <= P_PUSH;
              else if (rdq_fire) begin
                b_alloc[b_next] <= 1'b1;
                b_cur <= b_next;
                b_next <= !b_next;
                ps <= P_PUSH;
              end
            end
            P_PUSH: if (stq_push) begin
              first_step <= 1'b0;
              ps <= last_step ? P_DONE : P_STEP;
              if (!last_c) begin
                w0 <= w0_next[16:0];
                chunk_off <= chunk_off + chunk_bytes;
              end else begin
                w0 <= '0;
                chunk_off <= '0;
                if (!last_ib) begin
                  i0 <= i0_next[16:0];
                  a_row_addr <= a_row_addr + a_blk_step;
                  c_row_addr <= c_row_addr + c_blk_step;
                end else begin
                  i0 <= '0;
                  a_row_addr <= j_a_base;
                  j0 <= j0_next[16:0];
                  b_pan_addr <= b_pan_addr + b_pan_step;
                  c_row_addr <= c_pan_addr + c_pan_step;
                  c_pan_addr <= c_pan_addr + c_pan_step;
                end
              end
            end
            default: ;
          endcase
          // ---- completion / abort
          if (soft_reset) begin
            st <= S_DRAIN;
            drain_err <= '0;
          end else if (rd_err || wr_err) begin
            st <= S_DRAIN;
            drain_err <= rd_err ? xrnpe_regmap_pkg::ERR_READ_RESP : xrnpe_regmap_pkg::ERR_WRITE_RESP;
          end else if (ps == P_DONE && dp_idle) begin
            st <= S_IDLE;
            st_done <= 1'b1;
            st_cycles <= cyc + 64'd1;
            st_macs <= macs_job;
            job_end <= 1'b1;
          end
        end
        S_DRAIN: begin
          if (soft_reset) drain_err <= '0;
          if (rd_idle && wr_idle) begin
            st <= S_IDLE;
            ps <= P_DONE;
            if (drain_err != 0 && !soft_reset) begin
              st_done <= 1'b1;
              st_error <= 1'b1;
              st_err_code <= drain_err;
              st_cycles <= cyc + 64'd1;
              st_macs <= '0;
              job_end <= 1'b1;
              job_end_err <= 1'b1;
            end
          end
        end
        default: begin  // S_CHECK..S_SETUP2 have no AXI traffic: a soft reset just stops them
        end
      endcase

      if (soft_reset) begin
        st_done <= 1'b0;
        st_error <= 1'b0;
        st_invalid <= 1'b0;
        st_err_code <= '0;
        if (st == S_SETUP || st == S_SETUP2 || st == S_CHECK) st <= S_IDLE;
      end
    end
  end

  assign st_busy = st != S_IDLE;
  assign job_clr = start;
endmodule
`default_nettype wire
