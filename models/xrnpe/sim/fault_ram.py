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

Misbehaving-slave modes (all off after :meth:`FaultRam.clear_faults`), counted in bursts /
responses from the moment they are set:

* ``r_hang_after`` = n: after n more R beats, R never answers again (the read process waits
  forever: a dead slave or a lost response);
* ``b_hang_after`` = n: after n more B responses, B never answers again;
* ``r_bad`` = {i: kind}: burst i from now answers badly, kind ``"early_last"`` (RLAST on its
  first beat, the rest of the burst never sent), ``"late_last"`` (RLAST missing on the last
  beat, one extra beat with RLAST after it) or ``"bad_id"`` (RID = ARID + 1);
* ``b_bad`` = {i: "bad_id"}: the i-th B from now has BID = AWID + 1;
* :meth:`FaultRam.inject_r` / :meth:`FaultRam.inject_b`: a response nobody asked for;
* stuck READYs are the channel models' own ``pause`` (``ram.read_if.ar_channel.pause = True``).

:meth:`FaultRam.reset_bus` is the hard reset of the interconnect a system needs after the
co-processor abandoned its port (in-flight bursts dropped, queues cleared, processes restarted).
"""

from __future__ import annotations

import logging

from cocotb.triggers import Event
from cocotbext.axi import AxiBurstType, AxiResp
from cocotbext.axi.axi_ram import AxiRamRead, AxiRamWrite
from cocotbext.axi.memory import Memory

OKAY, SLVERR, DECERR = int(AxiResp.OKAY), int(AxiResp.SLVERR), int(AxiResp.DECERR)

# AxID/LOCK/CACHE/PROT/QOS of every master transaction of the co-processor at reset
# (docs/coprocessor.md; PROT follows the PROT register: privileged, non-secure, data)
EXPECTED_ATTRS = {"id": 0, "lock": 0, "cache": 0b0011, "prot": 0b011, "qos": 0}


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
        self.clear_misbehaviour()

    def clear_misbehaviour(self) -> None:
        self.r_hang_after: int | None = None
        self.b_hang_after: int | None = None
        self.r_bad: dict[int, str] = {}
        self.b_bad: dict[int, str] = {}
        self.misbehaved = dict(r_hang=0, b_hang=0, r_bad=0, b_bad=0, stray_r=0, stray_b=0)

    async def hang(self, what: str) -> None:
        """Never return (until the process is killed by a reset)."""
        self.misbehaved[what] += 1
        await Event().wait()

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
        bad = [
            i
            for i in range(self.data_bytes)
            if strb >> i & 1 and any(c not in "01" for c in bits[8 * i : 8 * i + 8])
        ]
        if bad:
            self.protocol_errors.append(f"W beat with X/Z data in strobed byte lanes {bad}")
        self.stats["w_x_beats"] += 1
        return int("".join(c if c in "01" else "0" for c in bits[::-1]), 2), strb


class FaultRamWrite(AxiRamWrite):
    """Write slave of :class:`FaultRam` (see the module docstring)."""

    def __init__(self, bus, clock, reset, reset_active_level, *, mem, state: _FaultState, size):
        super().__init__(
            bus, clock, reset, reset_active_level=reset_active_level, mem=mem, size=size
        )
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
                    st.protocol_errors.append(
                        f"AW addr=0x{addr:x}: WLAST {int(w.wlast)} on beat {n + 1} of {beats}"
                    )
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
                        if st.allowed is not None and not any(
                            lo <= a < hi for lo, hi in st.allowed
                        ):
                            st.bad_writes.append((a, raw[i]))
                        self.write(a % self.size, raw[i : i + 1])
                    st.stats["w_bytes"] += len(lanes)
                cur += nbytes
            if st.b_hang_after is not None:
                if st.b_hang_after <= 0:
                    await st.hang("b_hang")
                st.b_hang_after -= 1
            if st.b_bad:
                st.b_bad = {i - 1: k for i, k in st.b_bad.items() if i >= 0}
                if st.b_bad.pop(-1, None) == "bad_id":
                    st.misbehaved["b_bad"] += 1
                    b.bid = (awid + 1) % (1 << len(self.b_channel.bus.bid))
            await self.b_channel.send(b)


class FaultRamRead(AxiRamRead):
    """Read slave of :class:`FaultRam` (see the module docstring)."""

    def __init__(self, bus, clock, reset, reset_active_level, *, mem, state: _FaultState, size):
        super().__init__(
            bus, clock, reset, reset_active_level=reset_active_level, mem=mem, size=size
        )
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
            bad = None
            if st.r_bad:
                st.r_bad = {i - 1: k for i, k in st.r_bad.items() if i >= 0}
                bad = st.r_bad.pop(-1, None)
                st.misbehaved["r_bad"] += bad is not None
            sent = beats + (bad == "late_last")
            for n in range(sent):
                if st.r_hang_after is not None:
                    if st.r_hang_after <= 0:
                        await st.hang("r_hang")
                    st.r_hang_after -= 1
                word = (cur // self.byte_lanes) * self.byte_lanes
                st.stats["r_beats"] += 1
                r = self.r_channel._transaction_obj()
                r.rid, r.rlast = arid, n == sent - 1
                if bad == "bad_id":
                    r.rid = (arid + 1) % (1 << len(self.r_channel.bus.rid))
                elif bad == "early_last":
                    r.rlast = True
                resp = st.fault(st.read_faults, word, self.byte_lanes)
                if resp:
                    st.stats["r_err"] += 1
                    r.rresp, r.rdata = resp, 0
                else:
                    r.rresp = OKAY
                    r.rdata = int.from_bytes(self.read(word % self.size, self.byte_lanes), "little")
                await self.r_channel.send(r)
                cur += nbytes
                if bad == "early_last":
                    break


class FaultRam(Memory):
    """An AXI4 RAM (write and read slave on one memory) with fault injection and checks."""

    def __init__(
        self, bus, clock, reset=None, reset_active_level=True, size=2**32, mem=None, **kwargs
    ):
        self.write_if = None
        self.read_if = None
        super().__init__(size, mem, **kwargs)
        self.state = _FaultState(len(bus.read.r.rdata) // 8)
        self.write_if = FaultRamWrite(
            bus.write, clock, reset, reset_active_level, mem=self.mem, state=self.state, size=size
        )
        self.read_if = FaultRamRead(
            bus.read, clock, reset, reset_active_level, mem=self.mem, state=self.state, size=size
        )

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
        """Error windows and misbehaviour off."""
        self.state.read_faults.clear()
        self.state.write_faults.clear()
        self.state.clear_misbehaviour()

    async def inject_r(self, rid: int = 0, last: bool = True) -> None:
        """Send an R beat nobody asked for."""
        r = self.read_if.r_channel._transaction_obj()
        r.rid, r.rlast, r.rresp, r.rdata = rid, last, OKAY, 0
        self.state.misbehaved["stray_r"] += 1
        await self.read_if.r_channel.send(r)

    async def inject_b(self, bid: int = 0) -> None:
        """Send a B response nobody asked for."""
        b = self.write_if.b_channel._transaction_obj()
        b.bid, b.bresp = bid, OKAY
        self.state.misbehaved["stray_b"] += 1
        await self.write_if.b_channel.send(b)

    def reset_bus(self) -> None:
        """Hard reset of the interconnect and the memory model: in-flight bursts dropped,
        channel queues cleared, misbehaviour off, the slave processes restarted."""
        self.clear_faults()
        for port in (self.read_if, self.write_if):
            port._handle_reset(True)
            port._handle_reset(False)
        for ch in (
            self.read_if.ar_channel,
            self.read_if.r_channel,
            self.write_if.aw_channel,
            self.write_if.w_channel,
            self.write_if.b_channel,
        ):
            ch.pause = False
            ch._handle_reset(True)  # sources drop VALID, queues are emptied
            ch._handle_reset(False)
