# SPDX-License-Identifier: Apache-2.0
"""The designs `make synth` and `make ppa` measure: one table for both flows.

Each design is a block of the source manifest (xrnpe.core, read through xrnpe.sim.manifest):
its files, top module and parameter defaults come from there; the table adds what the flows
need to know on top:

  name            the key in build/synth/summary.json and build/ppa/summary.json (CONTRACT
                  section 5: pe_rmmec, pe_baseline, pe_wide, coprocessor, whatever the RTL
                  module names become)
  fpga_block      the block placed and routed on the ECP5 (the co-processor: its serial shell)
  hierarchical    map every module once and count it per instance, instead of flattening the
                  whole design first (arrays of identical PEs)
  flatten_inside  hierarchical designs: modules flattened inside before mapping, each mapped as
                  one block as when it is synthesised alone (the PE of the co-processor's array)
  energy          PE ports: make ppa's gate-level energy bench runs on it
  macs            lane products per cycle: "simd" (the format's lanes), "one" (one a cycle),
                  "array" (ROWS x COLS PEs of the format's lanes)

Views of the clock gate (xrnpe_prim_clock_gate, docs/ppa.md "Clock gating"): the manifest lists
the behavioural gate that the simulators read; ``Design.sources(view=...)`` swaps in the view a
flow needs, so the manifest stays the one file list:

  sim       rtl/xrnpe_prim_clock_gate.sv          latch + AND (simulators, gate_equiv)
  fpga      rtl/tech/fpga/...                      no gate: the enable drives the flip-flops' CE
  ungated   rtl/tech/fpga/... (the same file)      the ASIC flows' reference: hold multiplexers
  osu018    rtl/tech/osu018/...                    latch + AND from osu018 cells

COPROC_PE names the module the co-processor instantiates once per PE (rtl/xrnpe_coproc_feed.sv).
A flow that flattens it stops when the elaborated design has no such module, and
tests/test_ppa.py checks it on the co-processor, so a rename cannot leave the rule silently
doing nothing.  A new design (e.g. the co-processor with another PE kind) is one row here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from xrnpe.sim import manifest

# the module instantiated once per PE in the co-processor's array (rtl/xrnpe_coproc_feed.sv)
COPROC_PE = "xrnpe_pe_core"

# the clock gate's views (xrnpe.sim.manifest): the substitution every flow uses
CLOCK_GATE, VIEWS, view_sources = manifest.CLOCK_GATE, manifest.VIEWS, manifest.view_sources


@dataclass(frozen=True)
class Design:
    name: str
    block: str | None = None  # manifest block (None: the block that lists <top>.sv)
    top: str | None = None  # top module (None: the block's toplevel)
    fpga_block: str | None = None  # None: block
    hierarchical: bool = False
    flatten_inside: tuple[str, ...] = ()
    params: dict[str, int | str] = field(default_factory=dict)  # over the manifest defaults
    energy: bool = False
    macs: str = "simd"

    # --- where it comes from (core: another manifest file; rtl: read files by name there)

    def manifest_block(self, core: Path | None = None) -> str:
        if self.block is not None:
            return self.block
        return manifest.load(core).block_of_file(f"{self.top}.sv")

    def top_module(self, core: Path | None = None) -> str:
        return self.top or manifest.load(core).block(self.manifest_block(core)).toplevel

    def sources(
        self, core: Path | None = None, rtl: Path | None = None, view: str = "sim"
    ) -> list[Path]:
        """HDL files, packages first, with the clock gate's ``view`` (VIEWS)."""
        man = manifest.load(core)
        return view_sources(man.files(self.manifest_block(core), rtl_dir=rtl), view, man.root)

    def include_dirs(self, core: Path | None = None, rtl: Path | None = None) -> list[Path]:
        return manifest.load(core).include_dirs(self.manifest_block(core), rtl_dir=rtl)

    def parameters(self, core: Path | None = None) -> dict[str, int | str]:
        """Top-level parameters: the manifest's defaults of the block (when the top is the
        block's own), then this design's overrides."""
        man = manifest.load(core)
        blk = man.block(self.manifest_block(core))
        own = self.top is None or self.top == blk.toplevel
        defaults = {p: man.parameters[p]["default"] for p in blk.parameters} if own else {}
        return {**defaults, **self.params}

    def fpga_design(self) -> Design:
        """The design placed and routed on the FPGA (its top takes the same parameters)."""
        return self if self.fpga_block is None else Design(self.name, self.fpga_block)

    def fpga_top(self) -> str:
        return self.fpga_design().top_module()

    def fpga_sources(self) -> list[Path]:
        """The FPGA design's files with the FPGA view of the clock gate."""
        return self.fpga_design().sources(view="fpga")

    def fpga_include_dirs(self) -> list[Path]:
        return self.fpga_design().include_dirs()

    def arg(self) -> str:
        """The command-line form parse_design() reads back (for a flow's worker process)."""
        what = self.block if self.block is not None else self.top
        plist = ",".join(f"{k}={v}" for k, v in self.params.items())
        hier = "/hier" if self.hierarchical else "/flat"
        return f"{self.name}={what}" + (f":{plist}" if plist else "") + hier

    def macs_per_cycle(self) -> dict[str, int]:
        """Lane products per cycle at full rate, per input format."""
        from xrnpe.sim import pe_model as pm

        if self.macs == "one":
            return {f: 1 for f in pm.IN_FMTS}
        if self.macs == "array":
            p = self.parameters()
            return {f: p.get("ROWS", 1) * p.get("COLS", 1) * pm.LANES[f] for f in pm.IN_FMTS}
        return {f: pm.LANES[f] for f in pm.IN_FMTS}


DESIGNS: tuple[Design, ...] = (
    Design("pe_rmmec", "pe_rmmec", energy=True),
    Design("pe_baseline", "pe_baseline", energy=True),
    Design("pe_wide", "pe_wide", energy=True, macs="one"),  # the conventional reference
    Design(  # default parameters: the 4x4-PE configuration
        "coprocessor",
        "coprocessor",
        fpga_block="fpga_shell",
        hierarchical=True,
        flatten_inside=(COPROC_PE,),
        macs="array",
    ),
)
BY_NAME = {d.name: d for d in DESIGNS}


def parse_design(arg: str, core: Path | None = None) -> Design:
    """A design from the command line: NAME (of the table), or NAME=WHAT[:P=V,...] where WHAT
    is a manifest block or a top module (it inherits the table's rules of a design with that
    block or top), either form optionally ending in /flat or /hier."""
    hier = None
    m = re.fullmatch(r"(.*)/(flat|hier)", arg)
    if m:
        arg, hier = m.group(1), m.group(2) == "hier"
    name, eq, rest = arg.partition("=")
    what, _, plist = rest.partition(":")
    if not eq:
        what = name
    params = {}
    for kv in filter(None, plist.split(",")):
        k, v = kv.split("=", 1)
        params[k.strip()] = int(v) if re.fullmatch(r"-?\d+", v.strip()) else v.strip()
    if not eq and name in BY_NAME:
        d = BY_NAME[name]
    else:
        try:
            man = manifest.load(core)
        except manifest.ManifestError:
            man = None  # reported when the design's files are looked up
        blocks = man.blocks if man else {}

        def same(k: Design) -> bool:  # a design of the table with this block or top module
            return k.block == what or (k.block in blocks and blocks[k.block].toplevel == what)

        like = next((k for k in DESIGNS if same(k)), None)
        if like is not None:
            d = replace(like, name=name, params={**like.params, **params})
        elif what in blocks:
            d = Design(name, block=what, params=params, energy=_pe_ports(blocks[what].toplevel))
        else:
            d = Design(name, top=what, params=params, energy=_pe_ports(what))
    if hier is not None:
        d = replace(d, hierarchical=hier)
    return d


def _pe_ports(top: str) -> bool:
    return top.startswith("xrnpe_pe_") and not top.endswith("_pkg")
