// SPDX-License-Identifier: Apache-2.0
// Sum of ROWS partial-product rows of W bits (a multiplier's array): a tree of 3:2 carry-save
// compressors brings the rows down to two, one carry-propagate adder adds those.  The tree
// depth is about log1.5(ROWS/2) full adders (5 for 13 rows) instead of ROWS-1 adders in a chain.
`default_nettype none
module xrnpe_pp_sum #(
    parameter int ROWS = 13,
    parameter int W    = 26
) (
    input  logic [ROWS*W-1:0] rows,  // row r at [W*r +: W]
    output logic [W-1:0]      sum
);
  if (ROWS < 1 || W < 1) begin : g_bad_params
    initial $fatal(1, "xrnpe_pp_sum: ROWS and W must be >= 1");
  end
  // (a function in a continuous assign, not always_comb: docs/rtl-style.md)
  function automatic logic [2*W-1:0] reduce(input logic [ROWS*W-1:0] in_rows);
    logic [ROWS*W-1:0] r;  // row i at [W*i +: W] (flat: Yosys 0.23 has no packed 2-D locals)
    logic [W-1:0] x0, x1, x2;
    int n, m, g, k;  // declared here, not in a for: a loop scope costs Icarus a thread fork
    r = in_rows;
    n = ROWS;
    for (k = 0; k < ROWS; k++) begin  // each level removes a third of the rows
      if (n > 2) begin
        m = 0;
        for (g = 0; g + 2 < ROWS; g = g + 3) begin
          if (g + 2 < n) begin
            x0 = r[W*g+:W];
            x1 = r[W*(g+1)+:W];
            x2 = r[W*(g+2)+:W];
            r[W*m+:W] = x0 ^ x1 ^ x2;
            r[W*(m+1)+:W] = ((x0 & x1) | (x0 & x2) | (x1 & x2)) << 1;
            m = m + 2;
          end
        end
        for (g = 0; g < ROWS; g++) begin  // rows left over (n mod 3) move down
          if (g >= n - n % 3 && g < n) begin
            r[W*m+:W] = r[W*g+:W];
            m = m + 1;
          end
        end
        n = m;
      end
    end
    reduce = {n > 1 ? r[W+:W] : W'(0), r[W-1:0]};
  endfunction
  logic [W-1:0] s0, s1;
  assign {s1, s0} = reduce(rows);
  assign sum = s0 + s1;
endmodule
`default_nettype wire
