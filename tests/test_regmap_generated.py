# SPDX-License-Identifier: Apache-2.0
"""The register map has one source (spec/xrnpe_regs.rdl): every generated view is current, the
Python constants are what the driver expects, and the C example compiles against the header."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from xrnpe import regmap

ROOT = Path(__file__).resolve().parents[1]


def test_generated_files_are_current():
    r = subprocess.run(
        [sys.executable, "-m", "scripts.gen_regmap", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr


def test_regmap_constants():
    assert regmap.ID_VALUE == 0x584E5045
    assert regmap.ADDR_CTRL == 0x0C and regmap.ADDR_STATUS == 0x10
    offsets = [a for a, _ in regmap.REGS.values()]
    assert len(set(offsets)) == len(offsets)
    assert regmap.ERROR_NAMES[regmap.ERR_READ_RESP] == "READ_RESP"
    assert regmap.REGS["IRQ_STATUS"][1] == "rw1c" and regmap.REGS["CTRL"][1] == "wo"


@pytest.mark.skipif(not shutil.which("gcc"), reason="gcc not installed")
def test_c_example_compiles(tmp_path):
    """The bare-metal example builds freestanding against the generated headers, and the
    header's register layout matches the Python addresses."""
    src = ROOT / "sw" / "examples" / "xrnpe_matmul_poll.c"
    r = subprocess.run(
        [
            "gcc",
            "-std=c11",
            "-ffreestanding",
            "-Wall",
            "-Wextra",
            "-Werror",
            f"-I{ROOT / 'sw' / 'include'}",
            "-c",
            str(src),
            "-o",
            str(tmp_path / "x.o"),
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    probe = tmp_path / "offsets.c"
    probe.write_text(
        '#include <stddef.h>\n#include <stdio.h>\n#include "xrnpe_regs.h"\n'
        "int main(void) {\n"
        + "".join(f'  printf("{n} %zu\\n", offsetof(xrnpe_regs_t, {n}));\n' for n in regmap.REGS)
        + "  return 0;\n}\n"
    )
    exe = tmp_path / "offsets"
    r = subprocess.run(
        [
            "gcc",
            "-std=c11",
            "-Wall",
            "-Werror",
            f"-I{ROOT / 'sw' / 'include'}",
            str(probe),
            "-o",
            str(exe),
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    got = dict(
        line.split()
        for line in subprocess.run(
            [str(exe)], capture_output=True, text=True, check=True
        ).stdout.splitlines()
    )
    assert {n: int(v) for n, v in got.items()} == {n: a for n, (a, _) in regmap.REGS.items()}
