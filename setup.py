# SPDX-License-Identifier: Apache-2.0
"""Build hook: the wheel carries the RTL, its source manifest and the register map's C headers
(xrnpe/hw/rtl with the clock gate's views under rtl/tech, xrnpe/hw/xrnpe.core,
xrnpe/hw/sw/include), so that the RTL engines (xrnpe matmul --engine rtl, also --sim
verilator-native, whose harness includes xrnpe_regs.h) work from an installed package.  An editable install reads them from the checkout instead
(xrnpe.sim.manifest.hw_root)."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithHardware(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        hw = Path(self.build_lib) / "xrnpe" / "hw"
        (hw / "rtl").mkdir(parents=True, exist_ok=True)
        for src in sorted((ROOT / "rtl").iterdir()):
            if src.suffix in (".sv", ".svh", ".v", ".vh"):
                shutil.copy2(src, hw / "rtl" / src.name)
        # the per-flow views of the clock gate (rtl/tech/<flow>/), which the core lists too
        for src in sorted((ROOT / "rtl" / "tech").glob("*/*.sv")):
            (hw / "rtl" / "tech" / src.parent.name).mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, hw / "rtl" / "tech" / src.parent.name / src.name)
        (hw / "sw" / "include").mkdir(parents=True, exist_ok=True)
        for src in sorted((ROOT / "sw" / "include").glob("*.h")):
            shutil.copy2(src, hw / "sw" / "include" / src.name)
        for name in ("xrnpe.core", "LICENSE"):
            shutil.copy2(ROOT / name, hw / name)


setup(cmdclass={"build_py": BuildPyWithHardware})
