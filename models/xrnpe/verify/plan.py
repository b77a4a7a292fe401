# SPDX-License-Identifier: Apache-2.0
"""Planning a run: the range, the design, the harness build (once, on the client) and the
shards, each a slice of the range aligned to the shard size.  The run key names everything
a shard's result depends on (RTL sources and harness through the build directory, the
reference model and the shard code), so a changed RTL or model never reuses stale shards."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..formats import FORMATS, INPUT_FORMATS, OUTPUT_FORMATS
from .errors import VerifyInputError, VerifyRunError
from .reference import pair_count

DEFAULT_SHARD = {4: 256, 8: 8192, 16: 1 << 22}  # pairs per shard by operand width
DEFAULT_DESIGN = "pe_rmmec"


@dataclass
class Plan:
    design: str
    fmt: str
    out_fmt: str
    start: int
    stop: int
    shard_size: int
    library: Path
    run_key: str
    shards: list[tuple[int, int]] = field(default_factory=list)

    @property
    def pairs(self) -> int:
        return self.stop - self.start


def parse_range(text: str | None, fmt: str) -> tuple[int, int]:
    """``START:STOP`` (decimal or 0x hex, either side may be empty) -> (start, stop)."""
    total = pair_count(fmt)
    if text is None:
        return 0, total
    parts = text.split(":")
    if len(parts) != 2:
        raise VerifyInputError(f"--range {text!r}: expected START:STOP")
    try:
        start = int(parts[0], 0) if parts[0].strip() else 0
        stop = int(parts[1], 0) if parts[1].strip() else total
    except ValueError:
        raise VerifyInputError(f"--range {text!r}: START and STOP must be integers") from None
    if not 0 <= start < stop <= total:
        raise VerifyInputError(
            f"--range {text!r}: need 0 <= START < STOP <= {total} ({fmt} has {total} operand pairs)"
        )
    return start, stop


def shards(start: int, stop: int, size: int) -> list[tuple[int, int]]:
    """Slices of start..stop aligned to multiples of ``size``."""
    out = []
    s = start
    while s < stop:
        e = min(stop, (s // size + 1) * size)
        out.append((s, e))
        s = e
    return out


def _model_digest() -> str:
    """Hash of the reference model's sources and the shard code (a changed model invalidates
    recorded shards)."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in (
        here.parent / "formats.py",
        here.parent / "codec.py",
        here.parent / "vector.py",
        here / "reference.py",
        here / "shard.py",
    ):
        h.update(path.read_bytes())
    return h.hexdigest()


def check_design(design: str) -> None:
    """Raise VerifyInputError unless ``design`` is a manifest design with the PE ports."""
    from ..sim import manifest
    from ..sim.native import pe as native_pe

    try:
        names = manifest.load().block_names()
    except manifest.ManifestError as e:
        raise VerifyRunError(str(e)) from None
    if design not in names:
        raise VerifyInputError(
            f"unknown design {design!r} (PE designs: {', '.join(native_pe.pe_designs())})"
        )
    missing = native_pe.missing_pe_ports(design)
    if missing:
        raise VerifyInputError(
            f"design {design!r} is not a PE: its top module "
            f"{manifest.toplevel(design) or '(none)'} lacks {', '.join(missing)}"
        )


def make_plan(
    design: str,
    fmt: str,
    out_fmt: str,
    start: int,
    stop: int,
    shard_size: int | None = None,
    progress=None,
) -> Plan:
    """Validate, build the harness (once) and cut the range into shards."""
    from ..sim.native import pe as native_pe

    if fmt not in INPUT_FORMATS:
        raise VerifyInputError(f"unknown input format {fmt!r} (choose {', '.join(INPUT_FORMATS)})")
    if out_fmt not in OUTPUT_FORMATS:
        raise VerifyInputError(
            f"unknown output format {out_fmt!r} (choose {', '.join(OUTPUT_FORMATS)})"
        )
    check_design(design)
    size = shard_size or DEFAULT_SHARD[FORMATS[fmt].width]
    if size < 1:
        raise VerifyInputError(f"--shard-size {size}: must be at least 1")
    if progress:
        progress(f"building the native {design} harness (first time: about a minute)")
    try:
        lib = native_pe.pe_library(design)
    except native_pe.NativeBuildError as e:
        raise VerifyRunError(str(e)) from None
    run_key = (
        f"{design}-{fmt}-{out_fmt}-{size}-"
        + hashlib.sha256((lib.parent.name + _model_digest()).encode()).hexdigest()[:16]
    )
    return Plan(design, fmt, out_fmt, start, stop, size, lib, run_key, shards(start, stop, size))


__all__ = [
    "DEFAULT_DESIGN",
    "DEFAULT_SHARD",
    "Plan",
    "check_design",
    "make_plan",
    "parse_range",
    "shards",
]
