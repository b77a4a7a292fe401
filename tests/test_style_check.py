# SPDX-License-Identifier: Apache-2.0
"""The house-style checker (scripts/style_check.py) finds next-state logic inside always_ff
and accepts the register-only forms docs/rtl-style.md allows."""

from __future__ import annotations

from pathlib import Path

from scripts import style_check

GOOD = """\
module good (input logic clk, rst_n, clear, en, input logic [3:0] d, output logic [3:0] q);
  logic [3:0] q_d, data_q;
  assign q_d = d + 4'd1;
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      q <= '0;
    end else if (clear) begin
      q <= '0;
    end else if (en) begin
      q <= q_d;
    end
  end
  always_ff @(posedge clk) begin
    if (en) data_q[1:0] <= d[1:0];
  end
endmodule
"""

BAD = """\
module bad (input logic clk, rst_n, a, b, input logic [3:0] d, output logic [3:0] q);
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) q <= '0;
    else if (a) q <= d + 4'd1;
    else if (b) q <= '0;
  end
  always_ff @(posedge clk) begin
    case (d)
      4'd0: q <= 4'd1;
      default: q <= d;
    endcase
  end
  always_ff @(posedge clk) begin
    if (a) q <= d;
    else q <= '0;
  end
endmodule
"""


def _check(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "case.sv"
    path.write_text(text)
    return style_check.check_file(path)


def test_register_only_blocks_pass(tmp_path):
    assert _check(tmp_path, GOOD) == []


def test_next_state_logic_is_found(tmp_path):
    found = "\n".join(_check(tmp_path, BAD))
    assert "computed right-hand side `d + 4'd1`" in found
    assert "priority chain" in found
    assert "`case (d)` inside always_ff" in found
    assert "else branch inside always_ff" in found


def test_long_files_are_found(tmp_path):
    text = GOOD + "// filler\n" * style_check.MAX_LINES
    assert any("lines (house style" in f for f in _check(tmp_path, text))
