"""RTL file list of a top module: rtl/<top>.sv plus every rtl/<name>.sv it uses, recursively.

A file is "used" when its stem appears as a word in a user's source (module instantiation,
`pkg::` reference or `import pkg::*`); comments are stripped first.  Packages (*_pkg.sv) come
first, in dependency order, as Icarus needs.  `python sources.py [top]` prints the list (for
tb/coprocessor/Makefile).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

RTL = Path(__file__).resolve().parents[2] / "rtl"
_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)


def _text(p: Path) -> str:
    return _COMMENT.sub(" ", p.read_text())


def hierarchy_sources(top: str = "coprocessor", rtl: Path = RTL) -> list[Path]:
    files = {p.stem: p for p in rtl.glob("*.sv")}
    if top not in files:
        raise FileNotFoundError(f"missing RTL source: {rtl / (top + '.sv')}")
    words = {stem: set(re.findall(r"\b\w+\b", _text(p))) for stem, p in files.items()}
    seen: list[str] = []

    def visit(stem: str) -> None:
        if stem in seen:
            return
        seen.append(stem)
        for other in sorted(files):
            if other != stem and other in words[stem]:
                visit(other)

    visit(top)
    pkgs = [s for s in seen if s.endswith("_pkg")]
    # order packages so that a package comes after the packages it uses
    ordered: list[str] = []

    def place(p: str) -> None:
        if p in ordered:
            return
        for q in pkgs:
            if q != p and q in words[p]:
                place(q)
        ordered.append(p)

    for p in sorted(pkgs):
        place(p)
    rest = [s for s in seen if s not in pkgs]
    return [files[s] for s in ordered + rest[::-1]]


if __name__ == "__main__":
    print(" ".join(str(p) for p in hierarchy_sources(sys.argv[1] if len(sys.argv) > 1 else "coprocessor")))
