# SPDX-License-Identifier: Apache-2.0
"""The RTL source manifest: file lists read from the FuseSoC core ``xrnpe.core``.

The core is the only file list in the project.  Its block targets (``pkg``, ``codec``,
``pe_backend``, ``pe_rmmec``, ``pe_baseline``, ``coprocessor``, ...) name the filesets each
design is built from; :func:`sources` returns their files in order (packages first, as
Icarus needs).  A module is built from the first block whose filesets list its file
(:func:`sources_for_module`), so a leaf's sources never include the co-processor.

The core and the RTL are found next to each other: in an installed wheel under
``xrnpe/hw/``, in a checkout at the repository root (see :func:`hw_root`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

CORE_NAME = "xrnpe.core"
HDL_TYPES = ("systemVerilogSource", "verilogSource")
TOOL_TARGETS = ("default", "lint", "sim", "sim_verilator", "synth")


class ManifestError(RuntimeError):
    """The core file is missing or does not describe what was asked for."""


def hw_root() -> Path:
    """Directory holding ``xrnpe.core`` and ``rtl/``: the package's own copy when installed
    from a wheel, else the checkout this package lives in."""
    pkg = Path(__file__).resolve().parents[1]
    for cand in (pkg / "hw", pkg.parents[1]):
        if (cand / CORE_NAME).is_file():
            return cand
    raise ManifestError(
        f"{CORE_NAME} not found (looked in {pkg / 'hw'} and {pkg.parents[1]}): reinstall xrnpe "
        "or run from a checkout of the repository"
    )


@dataclass(frozen=True)
class Block:
    name: str
    toplevel: str
    filesets: tuple[str, ...]
    parameters: tuple[str, ...]


@dataclass(frozen=True)
class Manifest:
    root: Path
    filesets: dict  # name -> list of (relative path, file_type, attrs)
    blocks: dict  # name -> Block (block and tool targets)
    parameters: dict  # name -> {"default": ..., "description": ...}

    def block(self, name: str) -> Block:
        if name not in self.blocks:
            raise ManifestError(
                f"{CORE_NAME} has no target {name!r} (blocks: {', '.join(self.block_names())})"
            )
        return self.blocks[name]

    def block_names(self) -> list[str]:
        return [n for n in self.blocks if n not in TOOL_TARGETS]

    def files(self, block: str, types=HDL_TYPES, rtl_dir: Path | None = None) -> list[Path]:
        """HDL files of ``block`` in manifest order, without repeats.  ``rtl_dir`` reads every
        file from another directory by name (e.g. a modified copy of rtl/)."""
        out: list[Path] = []
        for fs in self.block(block).filesets:
            for rel, ftype, attrs in self.filesets[fs]:
                if ftype not in types or attrs.get("is_include_file"):
                    continue
                p = (Path(rtl_dir) / Path(rel).name) if rtl_dir else self.root / rel
                if p not in out:
                    out.append(p)
        return out

    def include_dirs(self, block: str, rtl_dir: Path | None = None) -> list[Path]:
        """Directories of the include files (``is_include_file``) a block's filesets list."""
        out: list[Path] = []
        for fs in self.block(block).filesets:
            for rel, _, attrs in self.filesets[fs]:
                if attrs.get("is_include_file"):
                    d = Path(rtl_dir) if rtl_dir else (self.root / rel).parent
                    if d not in out:
                        out.append(d)
        return out

    def all_files(self, types=HDL_TYPES) -> list[Path]:
        """Every file of the given types the core lists, in order, without repeats."""
        out: list[Path] = []
        for entries in self.filesets.values():
            for rel, ftype, _ in entries:
                p = self.root / rel
                if ftype in types and p not in out:
                    out.append(p)
        return out

    def block_of_file(self, filename: str) -> str:
        for name in self.block_names():
            if any(
                Path(rel).name == filename
                for fs in self.block(name).filesets
                for rel, _, _ in self.filesets[fs]
            ):
                return name
        raise ManifestError(f"no block of {CORE_NAME} lists {filename}")


def _parse(core: Path) -> Manifest:
    import yaml

    try:
        doc = yaml.safe_load(core.read_text())
    except (OSError, yaml.YAMLError) as e:
        raise ManifestError(f"cannot read {core}: {e}") from None
    filesets = {}
    for name, fs in (doc.get("filesets") or {}).items():
        default_type = fs.get("file_type", "")
        entries = []
        for f in fs.get("files") or []:
            if isinstance(f, dict):
                ((rel, attrs),) = f.items()
            else:
                rel, attrs = f, {}
            entries.append((rel, (attrs or {}).get("file_type", default_type), attrs or {}))
        filesets[name] = entries
    blocks = {}
    for name, t in (doc.get("targets") or {}).items():
        fsets = tuple(t.get("filesets") or ())
        unknown = [f for f in fsets if f not in filesets]
        if unknown:
            raise ManifestError(f"{core}: target {name} uses unknown filesets {unknown}")
        blocks[name] = Block(name, t.get("toplevel", ""), fsets, tuple(t.get("parameters") or ()))
    return Manifest(core.parent, filesets, blocks, dict(doc.get("parameters") or {}))


@functools.lru_cache(maxsize=8)
def load(core: Path | str | None = None) -> Manifest:
    """The parsed core: ``core`` (a .core file, or a directory holding ``xrnpe.core``), by
    default the one of :func:`hw_root`."""
    path = Path(core) if core is not None else hw_root()
    if path.is_dir():
        path = path / CORE_NAME
    if not path.is_file():
        raise ManifestError(f"missing {path}")
    return _parse(path.resolve())


def sources(block: str, rtl_dir: Path | None = None) -> list[Path]:
    """HDL files of a block (or tool) target, packages first."""
    return load().files(block, rtl_dir=rtl_dir)


def include_dirs(block: str, rtl_dir: Path | None = None) -> list[Path]:
    """Include directories of a block (for ``-I``)."""
    return load().include_dirs(block, rtl_dir=rtl_dir)


def include_dirs_for_module(module: str, rtl_dir: Path | None = None) -> list[Path]:
    man = load()
    return man.include_dirs(man.block_of_file(f"{module}.sv"), rtl_dir=rtl_dir)


def toplevel(block: str) -> str:
    return load().block(block).toplevel


def sources_for_module(module: str, rtl_dir: Path | None = None) -> list[Path]:
    """Files to build ``module`` (the file ``<module>.sv``): those of the first block that
    lists it."""
    man = load()
    return man.files(man.block_of_file(f"{module}.sv"), rtl_dir=rtl_dir)


# the clock gate's file, and the directory under rtl/tech/ of each view (None: the manifest's)
CLOCK_GATE = "xrnpe_prim_clock_gate.sv"
VIEWS: dict[str, str | None] = {"sim": None, "fpga": "fpga", "ungated": "fpga", "osu018": "osu018"}


def view_sources(files: list[Path], view: str, root: Path | None = None) -> list[Path]:
    """``files`` with the clock gate replaced by its ``view`` (VIEWS): the file of that name
    under tech/<dir>/ next to the listed gate, else under ``root``/rtl/tech/<dir>/ (a directory
    of modified RTL copies need not carry the views)."""
    if view not in VIEWS:
        raise ValueError(f"unknown clock-gate view {view!r} (views: {', '.join(VIEWS)})")
    sub = VIEWS[view]
    if sub is None:
        return list(files)
    out = []
    for p in files:
        if p.name == CLOCK_GATE:
            cands = [p.parent / "tech" / sub / p.name]
            if root is not None:
                cands.append(Path(root) / "rtl" / "tech" / sub / p.name)
            found = next((c for c in cands if c.is_file()), None)
            if found is None:
                raise ManifestError(
                    f"the {view} view of the clock gate is missing (looked for "
                    f"{' and '.join(map(str, cands))})"
                )
            p = found
        out.append(p)
    return out


def rtl_files() -> list[Path]:
    """Every design file (under rtl/) the manifest lists, packages first."""
    return [p for p in load().all_files() if p.parent.name == "rtl"]


def parameter_defaults(block: str = "coprocessor") -> dict[str, int]:
    """Top-level parameters a block exposes, with their defaults."""
    man = load()
    return {p: man.parameters[p]["default"] for p in man.block(block).parameters}


def main(argv: list[str] | None = None) -> int:
    """``python -m xrnpe.sim.manifest sources|toplevel|module|blocks [NAME]`` (for makefiles)."""
    import argparse
    import sys

    ap = argparse.ArgumentParser(
        prog="python -m xrnpe.sim.manifest",
        description="Print file lists of the RTL source manifest.",
    )
    ap.add_argument("what", choices=("sources", "toplevel", "module", "blocks", "root"))
    ap.add_argument(
        "name",
        nargs="?",
        default="coprocessor",
        help="block (target) name, or module name for 'module'",
    )
    args = ap.parse_args(argv)
    try:
        if args.what == "sources":
            print(" ".join(map(str, sources(args.name))))
        elif args.what == "toplevel":
            print(toplevel(args.name))
        elif args.what == "module":
            print(" ".join(map(str, sources_for_module(args.name))))
        elif args.what == "root":
            print(hw_root())
        else:
            print(" ".join(load().block_names()))
    except ManifestError as e:
        print(f"xrnpe.sim.manifest: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
