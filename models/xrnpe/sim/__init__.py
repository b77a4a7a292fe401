# SPDX-License-Identifier: Apache-2.0
"""Simulation of the XR-NPE RTL: the source manifest (:mod:`.manifest`), the build-once
cocotb runner (:mod:`.runner`), the co-processor's verification environment
(:mod:`.coproc_env`, :mod:`.fault_ram`) and the RTL engine behind ``xrnpe matmul --engine rtl``
(:mod:`xrnpe.rtl`, cocotb module :mod:`.engine_tb`).  Needs the ``rtl`` extra
(``pip install 'xrnpe[rtl]'``)."""
