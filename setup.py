# SPDX-License-Identifier: Apache-2.0
"""Build hook: the wheel carries the RTL and its source manifest (xrnpe/hw/rtl, xrnpe/hw/xrnpe.core),
so that the RTL engine (xrnpe matmul --engine rtl) works from an installed package.  An editable
install reads them from the checkout instead (xrnpe.sim.manifest.hw_root)."""

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
        for name in ("xrnpe.core", "LICENSE"):
            shutil.copy2(ROOT / name, hw / name)


setup(cmdclass={"build_py": BuildPyWithHardware})
