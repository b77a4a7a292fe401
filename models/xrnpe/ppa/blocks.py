# SPDX-License-Identifier: Apache-2.0
"""Data energy per pipeline stage: where a design spends its data energy, from the per-net
energies of the gate-level run (xrnpe.ppa.energy.calculate's ``per_bit``).

A flattened, mapped netlist keeps few of its RTL names (ABC's nets are private), so each data
net is attributed by structure: a register's output net belongs to the register's stage
(xrnpe.ppa.sta.stage_of: S2 decode, S3a multiply and scale add, ...), and a combinational net
to the stage of the nearest register it feeds (breadth-first, backwards from every register's
data pin and every output port at once): the logic that computes a stage's registers is that
stage's logic.  A net that feeds several stages counts once, for the nearest.
"""

from __future__ import annotations

from collections import defaultdict, deque

from xrnpe.ppa.sta import Netlist, data_pin, stage_of

OUTPUTS = "outputs"


def stage_of_bits(net: Netlist, pe_top: bool = True) -> dict[int, str]:
    """Data net bit -> stage label (the clock network is left out)."""
    lib = net.lib
    clock = net.clock_network()
    owner: dict[int, str] = {}
    queue: deque[int] = deque()
    for idx, (_inst, ctype, conns) in enumerate(net.cells):
        cell = lib.cells[ctype]
        if not cell.sequential or any(conns.get(p) in clock for p in cell.outputs):
            continue
        label = stage_of(net.register(idx), pe_top)
        for p in cell.outputs:
            if isinstance(conns.get(p), int):
                owner[conns[p]] = label
    for idx, (_inst, ctype, conns) in enumerate(net.cells):
        cell = lib.cells[ctype]
        if not cell.sequential or any(conns.get(p) in clock for p in cell.outputs):
            continue
        d = conns.get(data_pin(cell))
        if isinstance(d, int) and d not in owner:
            owner[d] = stage_of(net.register(idx), pe_top)
            queue.append(d)
    for bit in net.outputs:
        if bit not in owner:
            owner[bit] = OUTPUTS
            queue.append(bit)
    while queue:
        bit = queue.popleft()
        drv = net.driver.get(bit)
        if drv is None:
            continue
        _inst, ctype, conns = net.cells[drv[0]]
        cell = lib.cells[ctype]
        if cell.sequential:
            continue
        for p in cell.inputs:
            b = conns.get(p)
            if isinstance(b, int) and b not in owner and b not in clock:
                owner[b] = owner[bit]
                queue.append(b)
    return owner


def by_stage(per_bit: dict[int, float], owner: dict[int, str]) -> dict[str, float]:
    """Sum of the per-net energies per stage (nets no stage claims: 'unattributed')."""
    out: dict[str, float] = defaultdict(float)
    for bit, e in per_bit.items():
        out[owner.get(bit, "unattributed")] += e
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))
