# SPDX-License-Identifier: Apache-2.0
"""An AXI4 RAM for verification: cocotbext-axi's RAM slaves with error-response windows, a
write guard, and a check of every burst the master issues.

:class:`FaultRam` is built like cocotbext-axi's ``AxiRam`` (one memory, a write slave and a
read slave on it), from :class:`FaultRamWrite` and :class:`FaultRamRead`, which subclass
``AxiRamWrite`` / ``AxiRamRead`` and replace their burst loops so that a beat can answer any
response (SLVERR, DECERR), not only the SLVERR the base class gives on an exception.

* ``read_faults`` / ``write_faults``: lists of ``(lo, hi, resp)``; a beat touching [lo, hi)
  answers ``resp`` and (for writes) stores nothing.
* ``limit``: beats at or above it answer DECERR (memory "sized to fit").
* ``allowed``: if not None, [lo, hi) windows writes may touch; any strobed byte outside is
  recorded in ``bad_writes``.
* Every AR/AW is checked against :data:`EXPECTED_ATTRS` and the master's burst rules (INCR,
  full width, aligned, at most 256 beats, no 4 KiB crossing); violations go to
  ``protocol_errors``.  X/Z in WSTRB, or in strobed bytes of WDATA, is a violation; X/Z in
  unstrobed bytes is tolerated.
"""

from __future__ import annotations

import logging

from cocotbext.axi import AxiBurstType, AxiResp
from cocotbext.axi.axi_ram import AxiRamRead, AxiRamWrite
from cocotbext.axi.memory import Memory

OKAY, SLVERR, DECERR = int(AxiResp.OKAY), int(AxiResp.SLVERR), int(AxiResp.DECERR)

# AxID/LOCK/CACHE/PROT/QOS of every master transaction of the co-processor (docs/coprocessor.md)
EXPECTED_ATTRS = {"id": 0, "lock": 0, "cache": 0b0011, "prot": 0, "qos": 0}


class _FaultState:
    """What the read and write slaves of one FaultRam share."""

    def __init__(self, data_bytes: int):
        self.data_bytes = data_bytes
        self.read_faults: list[tuple[int, int, int]] = []
        self.write_faults: list[tuple[int, int, int]] = []
        self.limit: int | None = None
        self.allowed: list[tuple[int, int]] | None = None
        self.bad_writes: list[tuple[int, int]] = []
        self.protocol_errors: list[str] = []
        self.expected_attrs = dict(EXPECTED_ATTRS)
        self.stats = dict(ar=0, aw=0, r_beats=0, w_bytes=0, r_err=0, b_err=0, w_x_beats=0)

    def fault(self, windows, address: int, length: int) -> int:
        hi = address + length
        if self.limit is not None and hi > self.limit:
            return DECERR
        for lo_w, hi_w, resp in windows:
            if address < hi_w and lo_w < hi:
                return resp
        return OKAY

    def check_burst(self, ch: str, t, prefix: str) -> None:
        def get(name, default=0):
            return int(getattr(t, prefix + name, default))

        addr, length, size, burst = get("addr"), get("len"), get("size"), get("burst", 1)
        nbytes = 1 << size
        errs = []
        if burst != int(AxiBurstType.INCR):
            errs.append(f"burst type {burst} (INCR expected)")
        if nbytes != self.data_bytes:
            errs.append(f"size {nbytes} bytes (full width {self.data_bytes} expected)")
        if addr % self.data_bytes:
            errs.append("address not aligned to the bus width")
        if length > 255:
            errs.append(f"len {length} > 255")
        if (addr & 0xFFF) + (length + 1) * nbytes > 0x1000:
            errs.append("burst crosses a 4 KiB boundary")
        for name, want in self.expected_attrs.items():
            if get(name) != want:
                errs.append(f"{prefix}{name} = {get(name)} ({want} expected)")
        if errs:
            self.protocol_errors.append(f"{ch} addr=0x{addr:x} len={length}: " + "; ".join(errs))

    def resolve_wbeat(self, w) -> tuple[int, int]:
        """(data, strobe) of a W beat; X/Z only tolerated in unstrobed byte lanes."""
        try:
            return int(w.wdata), int(w.wstrb)
        except ValueError:
            pass
        try:
            strb = int(w.wstrb)
        except ValueError:
            self.protocol_errors.append(f"W beat with X/Z in WSTRB ({w.wstrb})")
            strb = (1 << self.data_bytes) - 1
        bits = str(w.wdata)[::-1]  # LSB first
        bad = [i for i in range(self.data_bytes)
               if strb >> i & 1 and any(c not in "01" for c in bits[8 * i: 8 * i + 8])]
        if bad:
            self.protocol_errors.append(f"W beat with X/Z data in strobed byte lanes {bad}")
        self.stats["w_x_beats"] += 1
        return int("".join(c if c in "01" else "0" for c in bits[::-1]), 2), strb


class FaultRamWrite(AxiRamWrite):
    """Write slave of :class:`FaultRam` (see the module docstring)."""

    def __init__(self, bus, clock, reset, reset_active_level, *, mem, state: _FaultState, size):
        super().__init__(bus, clock, reset, reset_active_level=reset_active_level, mem=mem, size=size)
        self.state = state

    async def _process_write(self):
        st = self.state
        while True:
            aw = await self.aw_channel.recv()
            st.stats["aw"] += 1
            st.check_burst("AW", aw, "aw")
            awid, addr = int(getattr(aw, "awid", 0)), int(aw.awaddr)
            beats = int(getattr(aw, "awlen", 0)) + 1
            nbytes = 1 << int(getattr(aw, "awsize", self.max_burst_size))
            cur = (addr // nbytes) * nbytes
            b = self.b_channel._transaction_obj()
            b.bid, b.bresp = awid, OKAY
            for n in range(beats):
                w = await self.w_channel.recv()
                data, strb = st.resolve_wbeat(w)
                if int(w.wlast) != (n == beats - 1):
                    st.protocol_errors.append(f"AW addr=0x{addr:x}: WLAST {int(w.wlast)} on beat "
                                              f"{n + 1} of {beats}")
                word = (cur // self.byte_lanes) * self.byte_lanes
                raw = data.to_bytes(self.byte_lanes, "little")
                lanes = [i for i in range(self.byte_lanes) if strb >> i & 1]
                resp = st.fault(st.write_faults, word, self.byte_lanes) if lanes else OKAY
                if resp:
                    st.stats["b_err"] += b.bresp == OKAY
                    b.bresp = b.bresp or resp
                else:
                    for i in lanes:
                        a = word + i
                        if st.allowed is not None and not any(lo <= a < hi for lo, hi in st.allowed):
                            st.bad_writes.append((a, raw[i]))
                        self.write(a % self.size, raw[i:i + 1])
                    st.stats["w_bytes"] += len(lanes)
                cur += nbytes
            await self.b_channel.send(b)


class FaultRamRead(AxiRamRead):
    """Read slave of :class:`FaultRam` (see the module docstring)."""

    def __init__(self, bus, clock, reset, reset_active_level, *, mem, state: _FaultState, size):
        super().__init__(bus, clock, reset, reset_active_level=reset_active_level, mem=mem, size=size)
        self.state = state

    async def _process_read(self):
        st = self.state
        while True:
            ar = await self.ar_channel.recv()
            st.stats["ar"] += 1
            st.check_burst("AR", ar, "ar")
            arid, addr = int(getattr(ar, "arid", 0)), int(ar.araddr)
            beats = int(getattr(ar, "arlen", 0)) + 1
            nbytes = 1 << int(getattr(ar, "arsize", self.max_burst_size))
            cur = (addr // nbytes) * nbytes
            for n in range(beats):
                word = (cur // self.byte_lanes) * self.byte_lanes
                st.stats["r_beats"] += 1
                r = self.r_channel._transaction_obj()
                r.rid, r.rlast = arid, n == beats - 1
                resp = st.fault(st.read_faults, word, self.byte_lanes)
                if resp:
                    st.stats["r_err"] += 1
                    r.rresp, r.rdata = resp, 0
                else:
                    r.rresp = OKAY
                    r.rdata = int.from_bytes(self.read(word % self.size, self.byte_lanes), "little")
                await self.r_channel.send(r)
                cur += nbytes


class FaultRam(Memory):
    """An AXI4 RAM (write and read slave on one memory) with fault injection and checks."""

    def __init__(self, bus, clock, reset=None, reset_active_level=True, size=2**32, mem=None,
                 **kwargs):
        self.write_if = None
        self.read_if = None
        super().__init__(size, mem, **kwargs)
        self.state = _FaultState(len(bus.read.r.rdata) // 8)
        self.write_if = FaultRamWrite(bus.write, clock, reset, reset_active_level, mem=self.mem,
                                      state=self.state, size=size)
        self.read_if = FaultRamRead(bus.read, clock, reset, reset_active_level, mem=self.mem,
                                    state=self.state, size=size)

    # the fault and monitor state, shared by both slaves
    def __getattr__(self, name):
        state = self.__dict__.get("state")
        if state is not None and hasattr(state, name):
            return getattr(state, name)
        raise AttributeError(name)

    def __setattr__(self, name, value):
        state = self.__dict__.get("state")
        if state is not None and name in vars(state):
            setattr(state, name, value)
        else:
            super().__setattr__(name, value)

    def quiet_logs(self) -> None:
        """Per-burst INFO logs slow a simulation down; keep warnings only."""
        for port in (self.read_if, self.write_if):
            port.log.setLevel(logging.WARNING)

    def clear_faults(self) -> None:
        self.state.read_faults.clear()
        self.state.write_faults.clear()
