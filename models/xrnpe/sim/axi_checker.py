# SPDX-License-Identifier: Apache-2.0
"""Handshake and transaction checker for AXI4 and AXI4-Lite ports in cocotb.

One :class:`AxiChecker` watches one interface (all five channels) at every rising clock edge,
sampling what both sides saw in the cycle that ends (as cocotbext-axi does), and records
every violation of these rules, each blamed on the side that drives the signal:

* ``valid_dropped``: a VALID deasserted before its READY;
* ``payload_changed``: the payload of a channel changed while VALID was high and READY low
  (WDATA compared on the strobed bytes only);
* ``rlast`` / ``wlast``: RLAST/WLAST not on exactly the last beat of the burst (AXI4);
* ``unrequested``: an R beat without an outstanding read of that ID, a B without a completed
  write of that ID (AXI4), a response with no request (AXI4-Lite);
* ``x_payload``: X/Z on a VALID or READY, or on a handshaken payload (WDATA: strobed bytes).

Violations are kept in :attr:`AxiChecker.violations` as ``(time_ns, who, rule, message)``;
``who`` is ``"dut"`` or ``"tb"``.  :meth:`errors` returns the DUT's, minus waived rules (a
test that makes the DUT abandon its port on purpose waives ``valid_dropped`` for that time).
The bus state is forgotten while the reset is active and by :meth:`reset_bus` (a test that
resets its interconnect model).  :func:`for_coprocessor` builds the two checkers of the
co-processor (AXI4 master ``m_axi_*``, AXI4-Lite slave ``s_axil_*``).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import cocotb
from cocotb.triggers import RisingEdge

RULES = ("valid_dropped", "payload_changed", "rlast", "wlast", "unrequested", "x_payload")


def _val(handle):
    """int value of a signal, or its string when it holds X/Z."""
    v = handle.value
    try:
        return int(v)
    except ValueError:
        return str(v)


@dataclass
class _Channel:
    name: str
    driver: str  # who drives VALID and the payload: "dut" or "tb"
    valid: object
    ready: object
    payload: list  # [(name, handle)]
    pending: bool = False  # VALID and not READY in the previous cycle
    held: dict = field(default_factory=dict)
    handshakes: int = 0


class AxiChecker:
    """Checks one AXI4 (``lite=False``) or AXI4-Lite interface of ``dut`` named by ``prefix``.

    ``dut_is`` says which side of the interface the DUT is (``"master"`` or ``"slave"``); the
    other side is the testbench.
    """

    def __init__(
        self, dut, prefix: str, clk, rst_n, *, lite: bool, dut_is: str, rst_active_low: bool = True
    ):
        self.prefix, self.lite, self.clk, self.rst_n = prefix, lite, clk, rst_n
        self.rst_active_low = rst_active_low
        self.violations: list[tuple[float, str, str, str]] = []
        self.waived: set[str] = set()
        master, slave = ("dut", "tb") if dut_is == "master" else ("tb", "dut")

        def sig(name):
            return getattr(dut, f"{prefix}_{name}", None)

        def chan(name, driver, fields):
            pay = [(f, sig(f)) for f in fields if sig(f) is not None]
            return _Channel(name, driver, sig(f"{name}valid"), sig(f"{name}ready"), pay)

        if lite:
            self.ch = [
                chan("aw", master, ["awaddr", "awprot"]),
                chan("w", master, ["wdata", "wstrb"]),
                chan("b", slave, ["bresp"]),
                chan("ar", master, ["araddr", "arprot"]),
                chan("r", slave, ["rdata", "rresp"]),
            ]
        else:
            ax = ["id", "addr", "len", "size", "burst", "lock", "cache", "prot", "qos"]
            self.ch = [
                chan("aw", master, ["aw" + f for f in ax]),
                chan("w", master, ["wdata", "wstrb", "wlast"]),
                chan("b", slave, ["bid", "bresp"]),
                chan("ar", master, ["ar" + f for f in ax]),
                chan("r", slave, ["rid", "rdata", "rresp", "rlast"]),
            ]
        self.by_name = {c.name: c for c in self.ch}
        self.reset_bus()
        self._task = cocotb.start_soon(self._run())

    # ------------------------------------------------------------------ state
    def reset_bus(self) -> None:
        """Forget every outstanding transaction (the bus was reset)."""
        for c in self.ch:
            c.pending, c.held = False, {}
        self.ar_q: dict[int, deque] = {}  # id -> lengths (beats - 1) of reads outstanding
        self.r_beat: dict[int, int] = {}  # id -> beats of the oldest read received
        self.aw_q: deque = deque()  # (id, len) in order (AXI4: W follows AW order)
        self.w_beats = 0  # beats of the W burst in progress
        self.w_done: deque = deque()  # beats of completed W bursts not matched to an AW
        self.wr_ready: dict[int, int] = {}  # id -> writes (AW + all W) awaiting B
        self.lite_aw = self.lite_w = self.lite_b = self.lite_ar = self.lite_r = 0

    def stop(self) -> None:
        self._task.cancel()

    def record(self, who: str, rule: str, msg: str) -> None:
        from cocotb.simtime import get_sim_time

        if len(self.violations) < 1000:
            self.violations.append((get_sim_time("ns"), who, rule, f"{self.prefix} {msg}"))

    def errors(self, who: str = "dut") -> list:
        return [v for v in self.violations if v[1] == who and v[2] not in self.waived]

    def count(self, rule: str, who: str = "tb") -> int:
        return sum(1 for v in self.violations if v[1] == who and v[2] == rule)

    def clear(self) -> None:
        self.violations.clear()

    # ------------------------------------------------------------------ monitor
    def _in_reset(self) -> bool:
        try:
            v = int(self.rst_n.value)
        except ValueError:
            return True
        return v == 0 if self.rst_active_low else v == 1

    async def _run(self) -> None:
        edge = RisingEdge(self.clk)
        while True:
            await edge
            if self._in_reset():
                self.reset_bus()
                continue
            fired = []
            for c in self.ch:
                v = _val(c.valid)
                if v == 0 and not c.pending:  # the common idle case: one read per channel
                    continue
                r = _val(c.ready)
                if isinstance(v, str) or isinstance(r, str):
                    self.record(
                        c.driver if isinstance(v, str) else _other(c.driver),
                        "x_payload",
                        f"{c.name}: X/Z on VALID/READY ({v}, {r})",
                    )
                    v, r = v == 1, r == 1
                if c.pending:
                    if not v:
                        self.record(
                            c.driver, "valid_dropped", f"{c.name}VALID dropped before {c.name}READY"
                        )
                    else:
                        now = self._payload(c)
                        if now != c.held:
                            diff = [k for k in now if now[k] != c.held.get(k)]
                            self.record(
                                c.driver,
                                "payload_changed",
                                f"{c.name} payload changed while VALID and not READY: {diff}",
                            )
                if v and r:
                    c.handshakes += 1
                    fired.append((c.name, self._payload(c) if c.payload else {}))
                    c.pending = False
                elif v:
                    if not c.pending:
                        c.held = self._payload(c)
                    c.pending = True
                else:
                    c.pending = False
            for name, pay in fired:
                (self._lite_hs if self.lite else self._axi_hs)(name, pay)

    def _payload(self, c: _Channel) -> dict:
        p = {k: _val(h) for k, h in c.payload}
        if "wstrb" in p and isinstance(p.get("wdata"), (int, str)):
            p["wdata"] = _strobed(p["wdata"], p["wstrb"])
        return p

    # ------------------------------------------------------------------ transactions
    def _axi_hs(self, name: str, p: dict) -> None:
        for k, v in p.items():
            if isinstance(v, str):
                who = self.by_name[name].driver
                self.record(who, "x_payload", f"{name}: X/Z in {k} on a handshake")
                return
        if name == "ar":
            self.ar_q.setdefault(p.get("arid", 0), deque()).append(p.get("arlen", 0))
        elif name == "r":
            rid = p.get("rid", 0)
            q = self.ar_q.get(rid)
            if not q:
                self.record("tb", "unrequested", f"R beat with RID {rid} and no read outstanding")
                return
            n = self.r_beat.get(rid, 0)
            last = n == q[0]
            rlast = p.get("rlast", 1)
            if bool(rlast) != last:
                self.record(
                    "tb", "rlast", f"RLAST={rlast} on beat {n + 1} of {q[0] + 1} (RID {rid})"
                )
            if last or rlast:
                q.popleft()
                self.r_beat[rid] = 0
            else:
                self.r_beat[rid] = n + 1
        elif name == "aw":
            self.aw_q.append((p.get("awid", 0), p.get("awlen", 0)))
            self._match_w()
        elif name == "w":
            self.w_beats += 1
            matched = len(self.w_done) < len(self.aw_q)
            want = self.aw_q[len(self.w_done)][1] + 1 if matched else None
            wlast = p.get("wlast", 1)
            if want is not None and ((self.w_beats == want) != bool(wlast)):
                self.record(
                    "dut" if self.by_name["w"].driver == "dut" else "tb",
                    "wlast",
                    f"WLAST={wlast} on beat {self.w_beats} of {want}",
                )
            if wlast or (want is not None and self.w_beats >= want):
                self.w_done.append(self.w_beats)
                self.w_beats = 0
                self._match_w()
        elif name == "b":
            bid = p.get("bid", 0)
            if self.wr_ready.get(bid, 0) <= 0:
                self.record(
                    "tb", "unrequested", f"B with BID {bid} and no completed write of that ID"
                )
                return
            self.wr_ready[bid] -= 1

    def _match_w(self) -> None:
        while self.aw_q and self.w_done:
            awid, ln = self.aw_q.popleft()
            beats = self.w_done.popleft()
            if beats != ln + 1:
                self.record(
                    self.by_name["w"].driver,
                    "wlast",
                    f"W burst of {beats} beats for an AW of {ln + 1}",
                )
            self.wr_ready[awid] = self.wr_ready.get(awid, 0) + 1

    def _lite_hs(self, name: str, p: dict) -> None:
        setattr(self, f"lite_{name}", getattr(self, f"lite_{name}") + 1)
        if name == "b" and self.lite_b > min(self.lite_aw, self.lite_w):
            self.record(self.by_name["b"].driver, "unrequested", "B without a complete write")
            self.lite_b -= 1
        if name == "r" and self.lite_r > self.lite_ar:
            self.record(self.by_name["r"].driver, "unrequested", "R without a read")
            self.lite_r -= 1


def _other(who: str) -> str:
    return "tb" if who == "dut" else "dut"


def _strobed(data, strb):
    """WDATA with the unstrobed bytes masked (they may change or hold X)."""
    if isinstance(strb, str):
        return data
    if isinstance(data, int):
        mask = 0
        i = 0
        while strb >> i:
            if strb >> i & 1:
                mask |= 0xFF << (8 * i)
            i += 1
        return data & mask
    bits = data[::-1]
    keep = "".join(bits[i] if strb >> (i // 8) & 1 else "0" for i in range(len(bits)))
    kept = keep[::-1]
    return int(kept, 2) if set(kept) <= {"0", "1"} else kept


def for_coprocessor(dut) -> tuple[AxiChecker, AxiChecker]:
    """The co-processor's checkers: (AXI4 master ``m_axi``, AXI4-Lite slave ``s_axil``)."""
    return (
        AxiChecker(dut, "m_axi", dut.clk, dut.rst_n, lite=False, dut_is="master"),
        AxiChecker(dut, "s_axil", dut.clk, dut.rst_n, lite=True, dut_is="slave"),
    )


__all__ = ["RULES", "AxiChecker", "for_coprocessor"]
