# SPDX-License-Identifier: Apache-2.0
"""`make ppa`'s entry point (run.py); the flow is the package's xrnpe.ppa (docs/ppa.md)."""
