# SPDX-License-Identifier: Apache-2.0
"""House-style checks no linter makes (docs/rtl-style.md), run by `make lint`.

- module size: no hand-written file under rtl/ longer than MAX_LINES lines (a generated file,
  marked GENERATED in its header, grows with its source: the register block with the map);
- sequential blocks only register: inside an ``always_ff`` block the only statements are
  non-blocking copies, guarded at most by the reset branch and one load-enable ``if`` (which
  may nest once, e.g. an enable inside a per-slot enable).  Next-state logic -- ``case``,
  ``for``, priority chains (``else if`` after the reset branch), arithmetic or muxing on the
  right-hand side -- belongs in ``always_comb`` / ``assign``.

The block parser is small and line-based: it reads the house style's own layout (``begin`` on
the ``always_ff`` line, one statement a line), which verible's formatter keeps.

Usage: python -m scripts.style_check [FILES...]; exit 1 on any finding.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 360

_ALWAYS_FF = re.compile(r"^\s*always_ff\b")
_BEGIN = re.compile(r"\bbegin\b")
_END = re.compile(r"\bend\b")
_BAD_STMT = re.compile(r"^\s*(?:unique\s+|priority\s+)?(?:case|casez|for|while|repeat)\b")
_NBA = re.compile(r"<=\s*(.*?);")
# operators that compute a value (not just select a slice or copy): arithmetic, shifts, mux,
# logic between operands.  Index expressions inside [...] are removed before the search.
_COMPUTE = re.compile(r"[+*/%?]|<<|>>|(?<![<>=!])-(?!>)|[&|^~](?![&|])|&&|\|\|")


def _strip(line: str) -> str:
    return re.sub(r"//.*", "", line)


def _rhs_computes(rhs: str) -> bool:
    body = rhs
    while True:  # drop (nested) index expressions
        nxt = re.sub(r"\[[^\[\]]*\]", "", body)
        if nxt == body:
            break
        body = nxt
    body = re.sub(r"\b\d+'[sS]?[bBdDhHoO][0-9a-fA-F_xXzZ]+", "0", body)  # sized literals
    body = re.sub(r"'[01xXzZ]", "0", body)  # fill literals
    body = re.sub(r"\{[^{}]*\}", "0", body) if re.fullmatch(r"\s*\{[\w\s,]*\}\s*", body) else body
    return bool(_COMPUTE.search(body))


_TOKEN = re.compile(r"\belse\s+if\b|\bif\b|\belse\b|\bbegin\b|\bend\b|;")
_CLEAR_OR_RESET = re.compile(r"^\(\s*(?:!\s*rst_n|clear|clr)\s*\)")


def _block(lines: list[str], start: int) -> tuple[int, str]:
    """(last line index, text) of the always_ff block starting at ``start``."""
    depth = 0
    text = []
    for j in range(start, len(lines)):
        text.append(lines[j])
        depth += len(_BEGIN.findall(lines[j])) - len(_END.findall(lines[j]))
        if (
            depth <= 0
            and (j > start or ";" in lines[j])
            and (";" in lines[j] or _END.search(lines[j]))
        ):
            return j, "\n".join(text)
    return len(lines) - 1, "\n".join(text)


def _cond(text: str, pos: int) -> str:
    """The parenthesised condition starting at or after ``pos``."""
    i = text.index("(", pos)
    depth = 0
    for k in range(i, len(text)):
        depth += {"(": 1, ")": -1}.get(text[k], 0)
        if depth == 0:
            return text[i : k + 1]
    return text[i:]


def _rel(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def check_always_ff(path: Path) -> list[str]:
    """Findings of the 'sequential blocks only register' rule in one file."""
    rel = _rel(path)
    lines = [_strip(x) for x in path.read_text().splitlines()]
    found: list[str] = []
    i = 0
    while i < len(lines):
        if not _ALWAYS_FF.match(lines[i]):
            i += 1
            continue
        last, text = _block(lines, i)
        where = f"{rel}:{i + 1}"
        for k, line in enumerate(lines[i + 1 : last + 1], i + 2):
            if _BAD_STMT.match(line):
                found.append(f"{rel}:{k}: `{line.strip()}` inside always_ff (next-state logic)")
            for rhs in _NBA.findall(line):
                if _rhs_computes(rhs):
                    found.append(f"{rel}:{k}: computed right-hand side `{rhs.strip()}`")
        # chains of if/else: the reset branch may be followed by a synchronous clear and one
        # load enable; any other else is a multiplexer, i.e. next-state logic
        depth = 0
        head: dict[int, bool] = {}  # per begin-depth: the open chain starts with reset/clear
        guards: list[int] = []  # begin-depths opened by a load-enable if
        pending_if = False
        for m in _TOKEN.finditer(text):
            tok = m.group(0)
            if tok == "begin":
                depth += 1
                if pending_if:
                    guards.append(depth)
                pending_if = False
            elif tok == "end":
                if guards and guards[-1] == depth:
                    guards.pop()
                depth -= 1
            elif tok == ";":
                pending_if = False
            elif tok == "if":
                cond = _cond(text, m.end())
                head[depth] = bool(_CLEAR_OR_RESET.match(cond))
                pending_if = not head[depth]
                if pending_if and len(guards) >= 2:
                    found.append(f"{where}: more than two nested load enables in always_ff")
            elif tok.startswith("else") and tok != "else":
                if not head.get(depth, False):
                    found.append(f"{where}: priority chain (else if) inside always_ff")
                cond = _cond(text, m.end())
                head[depth] = bool(_CLEAR_OR_RESET.match(cond))
                pending_if = not head[depth]
            elif tok == "else" and not head.get(depth, False):
                found.append(f"{where}: else branch inside always_ff (a multiplexer)")
        i = last + 1
    return found


def check_file(path: Path) -> list[str]:
    found = []
    text = path.read_text().splitlines()
    n = len(text)
    generated = any("GENERATED by" in line for line in text[:5])
    if n > MAX_LINES and not generated:
        found.append(f"{_rel(path)}: {n} lines (house style: at most {MAX_LINES})")
    found += check_always_ff(path)
    return found


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    files = [Path(a).resolve() for a in args] or sorted((ROOT / "rtl").glob("*.sv"))
    found = [f for p in files for f in check_file(p)]
    for f in found:
        print(f)
    print(f"style: {len(files)} files, {'clean' if not found else f'{len(found)} findings'}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
