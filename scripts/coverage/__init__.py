# SPDX-License-Identifier: Apache-2.0
"""`make coverage`: Verilator line/branch/toggle coverage of rtl/ from the RTL regression, the
co-processor's functional coverage, an HTML report and build/coverage/summary.json
(docs/coverage.md).  Run as ``python -m scripts.coverage``."""
