"""xrnpe.core (FuseSoC) must list exactly the RTL files the co-processor is built from."""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tb" / "coprocessor"))

from coproc_sources import hierarchy_sources  # noqa: E402


def test_core_lists_the_coprocessor_hierarchy():
    listed = set(re.findall(r"^\s*-\s*(rtl/\S+\.sv)\s*$", (ROOT / "xrnpe.core").read_text(), re.M))
    needed = {str(p.relative_to(ROOT)) for p in hierarchy_sources("coprocessor")}
    assert not (needed - listed), f"missing from xrnpe.core: {sorted(needed - listed)}"
    missing_files = [f for f in listed if not (ROOT / f).exists()]
    assert not missing_files, f"xrnpe.core names files that do not exist: {missing_files}"
