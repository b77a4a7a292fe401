# SPDX-License-Identifier: Apache-2.0
"""The RTL register block (rtl/xrnpe_coproc_regs.sv), written from the compiled register map.

Called by scripts/gen_regmap.py (`make gen`). Every field of spec/xrnpe_regs.rdl becomes one of:

  constant   sw = r, hw = na: reads its reset value (ID, VERSION)
  input      sw = r, hw = w, no storage: reads a port or a parameter expression (xrnpe_hw)
  pulse      sw = w, singlepulse: a one-cycle pulse when written with 1 (CTRL)
  storage    a flop with the RDL reset value, written through the byte strobes as its onwrite
             says (write, woclr, woset), set and cleared by hardware (hwset, hwclr; clear wins,
             then set, then the write); sw = rw hw = r fields drive an output port

Protected registers (xrnpe_protected) and the lock (xrnpe_lock) are decoded here too. What is
not a property of a field (a START refused while busy, what sets the interrupt causes, the irq
line) is the hand-written rtl/xrnpe_coproc_regs_events.sv, wired in by the fixed part below.
The output is plain SystemVerilog in the subset of docs/rtl-style.md (Icarus 11, Verilator,
Yosys 0.23 and 0.70): flat ports, _d/_q, always_ff only copies, no structs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# the block's parameters (the co-processor passes its own); geometry fields read them
PARAMS = (
    ("int", "AXIL_ADDR_W", "8", ""),
    ("int", "ROWS", "4", ""),
    ("int", "COLS", "4", ""),
    ("int", "PE_KIND", "0", "the PEs' front end (xrnpe_pe_pkg), read back in CONFIG"),
    ("int", "DATA_W", "64", ""),
    ("int", "ABUF_WORDS", "128", ""),
    ("int", "BBUF_WORDS", "256", ""),
    ("bit", "CFG_PRIV", "1'b1", "protected registers need a privileged write"),
)
# encodings whose port carries the package's width (docs/rtl-style.md: formats as FMT_W)
ENUM_WIDTH = {"fmt_e": "xrnpe_pkg::FMT_W"}
# the signals the fixed part (xrnpe_coproc_regs_events) connects to: their registers must exist
EVENT_SIGNALS = (
    "ctrl_start_pulse",
    "ctrl_soft_reset_pulse",
    "status_start_refused_set",
    "status_start_refused_clr",
    "irq_enable_done_q",
    "irq_enable_error_q",
    "irq_status_done_q",
    "irq_status_error_q",
    "irq_status_done_set",
    "irq_status_done_clr",
    "irq_status_error_set",
    "irq_status_error_clr",
)
NO_BIT = "1'b0"
PORT_RE = re.compile(r"^([a-z][a-z0-9_]*)(?:\[(\d+):(\d+)\])?$")


class RegblockError(ValueError):
    """The register map asks for something the generated block does not implement."""


@dataclass
class Field:
    reg: str
    name: str
    lsb: int
    width: int
    reset: int
    kind: str  # constant | input | pulse | storage
    sig: str  # base name of its signals: <reg>_<field>, lower case
    onwrite: str = "none"  # storage written by software: wr | woclr | woset
    readable: bool = True
    hwset: bool = False
    hwclr: bool = False
    lock: bool = False
    hw: str | None = None  # input: port slice or parameter expression; storage: output port
    enum: str | None = None
    alone: bool = False  # the register's only field

    @property
    def label(self) -> str:
        return self.reg if self.alone else f"{self.reg}.{self.name}"

    @property
    def bits(self) -> str:
        """Its bits of a 32-bit bus word: nothing when it is the whole word."""
        if self.width == 32:
            return ""
        return f"[{self.lsb}]" if self.width == 1 else f"[{self.lsb + self.width - 1}:{self.lsb}]"


@dataclass
class Reg:
    name: str
    offset: int
    protected: bool
    fields: list[Field]


@dataclass
class Port:
    name: str
    direction: str
    slices: list[tuple[int, int, Field]] = field(default_factory=list)

    @property
    def width(self) -> int:
        return max(msb for msb, _, _ in self.slices) + 1


def _udp(node, name):
    try:
        return node.get_property(name)
    except LookupError:  # an RDL without the project's properties
        return None


def fields_of(top) -> list[Reg]:
    regs = []
    for r in top.registers():
        fs = list(r.fields())
        single = len(fs) == 1
        internal_reg = bool(_udp(r, "xrnpe_internal"))
        out = []
        for f in fs:
            sig = f"{r.inst_name}_{f.inst_name}".lower()
            suffix = r.inst_name.lower() if single else sig
            internal = internal_reg or bool(_udp(f, "xrnpe_internal"))
            hw = _udp(f, "xrnpe_hw")
            enc = f.get_property("encode")
            ow = f.get_property("onwrite")
            fld = Field(
                reg=r.inst_name,
                name=f.inst_name,
                lsb=f.lsb,
                width=f.width,
                reset=f.get_property("reset") or 0,
                kind="",
                sig=sig,
                readable=f.is_sw_readable,
                hwset=bool(f.get_property("hwset")),
                hwclr=bool(f.get_property("hwclr")),
                lock=bool(_udp(f, "xrnpe_lock")),
                enum=enc.type_name if enc is not None else None,
                alone=single,
            )
            where = f"{r.inst_name}.{f.inst_name}"
            if f.get_property("singlepulse"):
                fld.kind = "pulse"
                if not internal:
                    raise RegblockError(f"{where}: a command pulse is handled inside the block")
            elif f.implements_storage:
                fld.kind = "storage"
                if f.is_sw_writable:
                    fld.onwrite = {None: "wr", "wr": "wr", "woclr": "woclr", "woset": "woset"}.get(
                        ow.name if ow is not None else None, ""
                    )
                    if not fld.onwrite:
                        raise RegblockError(f"{where}: onwrite = {ow.name} is not implemented")
                    if not f.is_sw_readable:
                        raise RegblockError(f"{where}: write-only storage is not implemented")
                if (fld.hwset or fld.hwclr) and not internal:
                    raise RegblockError(f"{where}: hwset/hwclr is implemented for internal fields")
                if f.is_hw_readable and not internal:
                    fld.hw = hw or f"cfg_{suffix}"
            elif f.is_hw_writable:
                fld.kind = "input"
                if internal:
                    raise RegblockError(f"{where}: an internal field without storage")
                fld.hw = hw or f"st_{suffix}"
            else:
                fld.kind = "constant"
            out.append(fld)
        regs.append(Reg(r.inst_name, r.address_offset, bool(_udp(r, "xrnpe_protected")), out))
    return regs


def _ports(regs: list[Reg]) -> tuple[list[Port], list[Port]]:
    outs: dict[str, Port] = {}
    ins: dict[str, Port] = {}
    for r in regs:
        for f in r.fields:
            if f.hw is None or (f.kind == "input" and not PORT_RE.match(f.hw)):
                continue
            m = PORT_RE.match(f.hw)
            if not m:
                raise RegblockError(f"{f.reg}.{f.name}: xrnpe_hw {f.hw!r} is not a port or slice")
            name = m.group(1)
            msb, lsb = (int(m.group(2)), int(m.group(3))) if m.group(2) else (f.width - 1, 0)
            if msb - lsb + 1 != f.width:
                raise RegblockError(f"{f.reg}.{f.name}: {f.hw} is not {f.width} bits wide")
            table = outs if f.kind == "storage" else ins
            table.setdefault(name, Port(name, "output" if table is outs else "input"))
            table[name].slices.append((msb, lsb, f))
    for p in [*outs.values(), *ins.values()]:
        bits = sorted((lsb, msb) for msb, lsb, _ in p.slices)
        expect = 0
        for lsb, msb in bits:
            if lsb != expect:
                raise RegblockError(f"port {p.name}: slices overlap or leave a gap at bit {expect}")
            expect = msb + 1
    return list(outs.values()), list(ins.values())


def _param_expr(f: Field) -> str:
    names = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", f.hw or ""))
    known = {n for _, n, _, _ in PARAMS}
    if not names or not names <= known:
        raise RegblockError(
            f"{f.reg}.{f.name}: xrnpe_hw {f.hw!r} is neither a port nor an expression of "
            f"the parameters {sorted(known)}"
        )
    return f"{f.width}'({f.hw})"


def _read_bits(f: Field) -> str:
    if f.kind == "constant":
        return f"{f.width}'h{f.reset:X}"
    if f.kind == "pulse" or not f.readable:
        return f"{f.width}'h0"
    if f.kind == "storage":
        return f"{f.sig}_q"
    m = PORT_RE.match(f.hw or "")
    if m:
        return f.hw if m.group(2) is None or f.width > 1 else f"{m.group(1)}[{m.group(3)}]"
    return _param_expr(f)


def _read_parts(r: Reg) -> list[str]:
    """The register's read word as a concatenation, most significant part first."""
    parts, bit = [], 0
    for f in sorted(r.fields, key=lambda f: f.lsb):
        if f.lsb > bit:
            parts.append(f"{f.lsb - bit}'h0")
        parts.append(_read_bits(f))
        bit = f.lsb + f.width
    if bit < 32:
        parts.append(f"{32 - bit}'h0")
    return parts[::-1]


def _paren(expr: str) -> str:
    return f"({expr})" if " " in expr else expr


def _next(f: Field, we: str) -> str:
    """Next value of a storage field: a hardware clear wins over a set, a set over the write."""
    q, b = f"{f.sig}_q", f.bits
    if f.width == 1:  # one bit: boolean forms read better than masks
        sw = {
            "wr": f"{we} && bmask{b} ? wbits{b} : {q}",
            "woclr": f"{q} && !({we} && wbits{b})",
            "woset": f"{q} || ({we} && wbits{b})",
            "none": q,
        }[f.onwrite]
        if f.hwset:
            sw = f"{f.sig}_set || {_paren(sw)}"
        if f.hwclr:
            sw = f"!{f.sig}_clr && {_paren(sw)}"
        return sw
    sw = {
        "wr": f"{we} ? ({q} & ~bmask{b}) | wbits{b} : {q}",
        "woclr": f"{we} ? {q} & ~wbits{b} : {q}",
        "woset": f"{we} ? {q} | wbits{b} : {q}",
        "none": q,
    }[f.onwrite]
    if f.hwset:
        sw = f"{f.sig}_set ? '1 : {sw}"
    if f.hwclr:
        sw = f"{f.sig}_clr ? '0 : {sw}"
    return sw


def _addr(r: Reg) -> str:
    return f"xrnpe_regmap_pkg::ADDR_{r.name}"


def _assign(lhs: str, rhs: str, indent: str = "  ") -> list[str]:
    """`assign lhs = rhs;`, the right side on its own line when the line would pass 100."""
    line = f"{indent}assign {lhs} = {rhs};"
    if len(line) <= 100:
        return [line]
    if len(f"{indent}    {rhs};") <= 100 or " && (" not in rhs:
        return [f"{indent}assign {lhs} =", f"{indent}    {rhs};"]
    head, tail = rhs.split(" && (", 1)
    return [f"{indent}assign {lhs} =", f"{indent}    {head} &&", f"{indent}    ({tail};"]


def _names(prefix: str, names: list[str], indent: str = "  ") -> list[str]:
    """`prefix a, b, ...;` declarations, as many lines as 100 columns need."""
    out, cur = [], []
    for n in names:
        if cur and len(f"{indent}{prefix} {', '.join([*cur, n])};") > 100:
            out.append(f"{indent}{prefix} {', '.join(cur)};")
            cur = []
        cur.append(n)
    if cur:
        out.append(f"{indent}{prefix} {', '.join(cur)};")
    return out


def _concat(parts: list[str], indent: str) -> list[str]:
    """`{a, b, ...}` over as many lines as 100 columns need (the last line has no comma)."""
    lines, cur = [], ""
    for i, part in enumerate(parts):
        item = part + ("," if i < len(parts) - 1 else "")
        if cur and len(indent) + len(cur) + 1 + len(item) > 98:
            lines.append(indent + cur)
            cur = item
        else:
            cur = f"{cur} {item}" if cur else item
    lines.append(indent + cur)
    lines[0] = lines[0][: len(indent) - 1] + "{" + lines[0][len(indent) :]
    lines[-1] += "}"
    return lines


def _port_lines(ports: list[Port]) -> list[str]:
    rows = []
    for p in ports:
        whole = len(p.slices) == 1 and p.slices[0][1] == 0
        enum = p.slices[0][2].enum if whole else None
        if enum in ENUM_WIDTH:
            w = f"[{ENUM_WIDTH[enum]}-1:0]"
        else:
            w = f"[{p.width - 1}:0]" if p.width > 1 else ""
        d = "input " if p.direction == "input" else "output"
        regs = dict.fromkeys(f.reg for _, _, f in sorted(p.slices, key=lambda s: s[1]))
        src = p.slices[0][2].label if len(p.slices) == 1 else ", ".join(regs)
        rows.append((f"    {d} logic {w:<17} {p.name},", src))
    width = max(len(a) for a, _ in rows)
    return [f"{a:<{width}}  // {b}" for a, b in rows]


FIXED_PORTS_AXI = """\
) (
    input  logic                   clk,
    input  logic                   rst_n,
    // AXI4-Lite slave
    input  logic [AXIL_ADDR_W-1:0] s_axil_awaddr,
    input  logic [2:0]             s_axil_awprot,
    input  logic                   s_axil_awvalid,
    output logic                   s_axil_awready,
    input  logic [31:0]            s_axil_wdata,
    input  logic [3:0]             s_axil_wstrb,
    input  logic                   s_axil_wvalid,
    output logic                   s_axil_wready,
    output logic [1:0]             s_axil_bresp,
    output logic                   s_axil_bvalid,
    input  logic                   s_axil_bready,
    input  logic [AXIL_ADDR_W-1:0] s_axil_araddr,
    input  logic [2:0]             s_axil_arprot,
    input  logic                   s_axil_arvalid,
    output logic                   s_axil_arready,
    output logic [31:0]            s_axil_rdata,
    output logic [1:0]             s_axil_rresp,
    output logic                   s_axil_rvalid,
    input  logic                   s_axil_rready,
    // hardware side of the writable registers"""

FIXED_PORTS_CMD = """\
    // commands (xrnpe_coproc_regs_events)
    output logic                   start,        // accepted START (never while busy)
    output logic                   soft_reset,
    // hardware side of the read-only registers"""

FIXED_PORTS_END = """\
    // job events (interrupt causes)
    input  logic                   job_end,      // pulse: a job ended
    input  logic                   job_end_err,  // with an error
    output logic                   irq
);
  localparam int RAW = xrnpe_regmap_pkg::REG_ADDR_W;
  if (AXIL_ADDR_W < RAW || AXIL_ADDR_W > 32) begin : g_bad_addr_w
    initial $fatal(1, "xrnpe_coproc_regs: AXIL_ADDR_W must be %0d..32", RAW);
  end"""

FIXED_WRITE = """
  localparam logic [1:0] RESP_OKAY = 2'b00;
  localparam logic [1:0] RESP_SLVERR = 2'b10;

  // word index of an address inside the decoded window, and whether it holds a register
  // (bits above the window must be zero: registers must not alias)
  /* verilator lint_off UNUSEDSIGNAL */  // byte and out-of-window address bits
  function automatic logic [RAW-3:0] word_of(input logic [AXIL_ADDR_W-1:0] addr);
    word_of = addr[RAW-1:2];
  endfunction
  function automatic logic mapped(input logic [AXIL_ADDR_W-1:0] addr);
    mapped = xrnpe_regmap_pkg::MAPPED_WORDS[addr[RAW-1:2]] &&
             (AXIL_ADDR_W == RAW || (addr >> RAW) == '0);
  endfunction
  function automatic logic is_reg(input logic [RAW-3:0] word, input logic [RAW-1:0] addr);
    is_reg = word == addr[RAW-1:2];
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  // ---------------------------------------------------------------- write channel
  logic                   aw_got_q, w_got_q, bvalid_q;
  logic                   aw_got_d, w_got_d, bvalid_d;
  logic [AXIL_ADDR_W-1:0] aw_addr_q;
  logic                   aw_priv_q;
  logic [31:0]            w_data_q;
  logic [3:0]             w_strb_q;
  logic [1:0]             bresp_q, bresp_d;
  logic                   aw_fire, w_fire, do_write, wr_mapped, wr_refused, wr_any;
  logic [RAW-3:0]         wr_word;
  logic [31:0]            bmask, wbits;

  assign s_axil_awready = !aw_got_q;
  assign s_axil_wready  = !w_got_q;
  assign s_axil_bvalid  = bvalid_q;
  assign s_axil_bresp   = bresp_q;

  assign aw_fire   = s_axil_awvalid && s_axil_awready;
  assign w_fire    = s_axil_wvalid && s_axil_wready;
  // address and data both held and no response owed: the write happens in this cycle
  assign do_write  = aw_got_q && w_got_q && !bvalid_q;
  assign aw_got_d  = !do_write && (aw_got_q || aw_fire);
  assign w_got_d   = !do_write && (w_got_q || w_fire);
  assign bvalid_d  = do_write || (bvalid_q && !s_axil_bready);
  assign wr_mapped = mapped(aw_addr_q);
  assign wr_word   = word_of(aw_addr_q);
  assign bresp_d   = wr_mapped && !wr_refused ? RESP_OKAY : RESP_SLVERR;
  // the bytes a write replaces (WSTRB), and the bits it sets to 1 among them
  assign bmask     = {{8{w_strb_q[3]}}, {8{w_strb_q[2]}}, {8{w_strb_q[1]}}, {8{w_strb_q[0]}}};
  assign wbits     = w_data_q & bmask;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      aw_got_q <= 1'b0;
      w_got_q  <= 1'b0;
      bvalid_q <= 1'b0;
    end else begin
      aw_got_q <= aw_got_d;
      w_got_q  <= w_got_d;
      bvalid_q <= bvalid_d;
    end
  end

  // request payloads: loaded on their handshake, read only behind the *_got flags
  always_ff @(posedge clk) begin
    if (aw_fire) begin
      aw_addr_q <= s_axil_awaddr;
      aw_priv_q <= s_axil_awprot[0];
    end
    if (w_fire) begin
      w_data_q <= s_axil_wdata;
      w_strb_q <= s_axil_wstrb;
    end
    if (do_write) bresp_q <= bresp_d;
  end
"""

FIXED_EVENTS = """
  // commands, interrupt causes, START_REFUSED and irq: the part no field property describes
  xrnpe_coproc_regs_events u_events (
      .ctrl_start       (ctrl_start_pulse),
      .ctrl_soft_reset  (ctrl_soft_reset_pulse),
      .st_busy,
      .job_end,
      .job_end_err,
      .irq_enable       ({irq_enable_error_q, irq_enable_done_q}),
      .irq_status       ({irq_status_error_q, irq_status_done_q}),
      .start,
      .soft_reset,
      .start_refused_set(status_start_refused_set),
      .start_refused_clr(status_start_refused_clr),
      .irq_status_set   ({irq_status_error_set, irq_status_done_set}),
      .irq_status_clr   (irq_status_done_clr),
      .irq
  );
  assign irq_status_error_clr = irq_status_done_clr;
"""

FIXED_READ = """
  logic        rvalid_q, rvalid_d, ar_fire;
  logic [31:0] rdata_q, rdata_d;
  logic [1:0]  rresp_q, rresp_d;
  assign s_axil_arready = !rvalid_q;
  assign s_axil_rvalid  = rvalid_q;
  assign s_axil_rdata   = rdata_q;
  assign s_axil_rresp   = rresp_q;
  assign ar_fire  = s_axil_arvalid && s_axil_arready;
  assign rvalid_d = ar_fire || (rvalid_q && !s_axil_rready);
  assign rdata_d  = mapped(s_axil_araddr) ? rdata : 32'd0;
  assign rresp_d  = mapped(s_axil_araddr) ? RESP_OKAY : RESP_SLVERR;

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) rvalid_q <= 1'b0;
    else rvalid_q <= rvalid_d;
  end
  always_ff @(posedge clk) begin
    if (ar_fire) begin
      rdata_q <= rdata_d;
      rresp_q <= rresp_d;
    end
  end

  // Reads are open to everyone; only AWPROT[0] (privileged) matters for writes.
  logic unused_ok;
  assign unused_ok = &{1'b0, s_axil_awprot[2:1], s_axil_arprot};

  // ---------------------------------------------------------------- invariants
  // B and R held with a stable payload until taken; one write response and one read response
  // at a time; a START is never issued while busy nor with a SOFT_RESET; the lock only sets;
  // a protected register changes only by a privileged write while unlocked.
  logic        b_hold_q, b_hold_d, r_hold_q, r_hold_d;
  logic [1:0]  bresp_prev_q, rresp_prev_q;
  logic [31:0] rdata_prev_q;
  assign b_hold_d = s_axil_bvalid && !s_axil_bready;
  assign r_hold_d = s_axil_rvalid && !s_axil_rready;
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      b_hold_q <= 1'b0;
      r_hold_q <= 1'b0;
    end else begin
      b_hold_q <= b_hold_d;
      r_hold_q <= r_hold_d;
    end
  end
  always_ff @(posedge clk) begin
    bresp_prev_q <= s_axil_bresp;
    rresp_prev_q <= s_axil_rresp;
    rdata_prev_q <= s_axil_rdata;
  end
"""

FIXED_ASSERTS = """\
  `XRNPE_ASSERT(b_stable_until_ready,
                !b_hold_q || (s_axil_bvalid && s_axil_bresp == bresp_prev_q), clk, rst_n)
  `XRNPE_ASSERT(r_stable_until_ready,
                !r_hold_q || (s_axil_rvalid && s_axil_rresp == rresp_prev_q &&
                              s_axil_rdata == rdata_prev_q), clk, rst_n)
  `XRNPE_ASSERT(one_write_response, !(do_write && s_axil_bvalid), clk, rst_n)
  `XRNPE_ASSERT(one_read_response, !(s_axil_arready && s_axil_rvalid), clk, rst_n)
  `XRNPE_ASSERT(resp_okay_or_slverr, (!s_axil_bvalid || s_axil_bresp[0] == 1'b0) &&
                (!s_axil_rvalid || s_axil_rresp[0] == 1'b0), clk, rst_n)
  `XRNPE_ASSERT(start_only_when_idle, !(start && (st_busy || soft_reset)), clk, rst_n)
  `XRNPE_ASSERT(lock_only_sets, !locked || lock_next, clk, rst_n)
  `XRNPE_ASSERT(protected_only_by_privileged_write,
                protected_kept || (do_write && (!CFG_PRIV || aw_priv_q) && !locked), clk, rst_n)
endmodule
`default_nettype wire
"""


def render(top, header: str) -> str:
    regs = fields_of(top)
    outs, ins = _ports(regs)
    fields = [f for r in regs for f in r.fields]
    storage = [f for f in fields if f.kind == "storage"]
    pulses = [f for f in fields if f.kind == "pulse"]
    locks = [f for f in storage if f.lock]
    protected = [r for r in regs if r.protected]
    written = [r for r in regs if any(f.onwrite != "none" or f.kind == "pulse" for f in r.fields)]
    have = {f"{f.sig}_pulse" for f in pulses} | {f"{f.sig}_q" for f in storage}
    have |= {f"{f.sig}_set" for f in storage if f.hwset}
    have |= {f"{f.sig}_clr" for f in storage if f.hwclr}
    missing = [s for s in EVENT_SIGNALS if s not in have]
    if "st_busy" not in {p.name for p in ins}:
        missing.append("st_busy (input)")
    if missing:
        raise RegblockError(f"xrnpe_coproc_regs_events needs {', '.join(missing)}")
    if not locks:
        raise RegblockError("no field has xrnpe_lock")
    prot_fields = [f for r in protected for f in r.fields if f.kind == "storage"]

    o = [
        "// SPDX-License-Identifier: Apache-2.0",
        f"// {header}",
        "// AXI4-Lite slave and register file of the co-processor, written by "
        "scripts/gen_regblock.py:",
        "// decode, storage, reset values and write masks come from the fields of the RDL.  One "
        "read",
        "// and one write in flight at a time, address and data of a write in either order, SLVERR",
        "// for unmapped addresses, OKAY and no effect for writes to read-only registers.  The",
        "// protected registers take a write only when it is privileged (s_axil_awprot[0], if",
        "// CFG_PRIV) and the lock is clear; otherwise SLVERR and no effect.  What no field "
        "property",
        "// says (START refused while busy, interrupt causes, irq) is xrnpe_coproc_regs_events.",
        "// A register is added in spec/xrnpe_regs.rdl, then `make gen` (docs/regmap.md).",
        "`default_nettype none",
        '`include "xrnpe_assert.svh"',
        "module xrnpe_coproc_regs #(",
    ]
    add = o.append
    for i, (typ, name, default, why) in enumerate(PARAMS):
        comma = "," if i < len(PARAMS) - 1 else ""
        add(f"    parameter {typ} {name} = {default}{comma}" + (f"  // {why}" if why else ""))
    add(FIXED_PORTS_AXI)
    o += _port_lines(outs)
    add(FIXED_PORTS_CMD)
    o += _port_lines(ins)
    add(FIXED_PORTS_END)
    for p in outs + ins:
        f = p.slices[0][2]
        if f.enum in ENUM_WIDTH and len(p.slices) == 1:
            pw = ENUM_WIDTH[f.enum]
            add(f"  if ({pw} != {f.width}) begin : g_bad_{p.name}_w")
            add(
                f'    initial $fatal(1, "xrnpe_coproc_regs: {f.label} is {f.width} bits, {pw} is '
                f'%0d",'
            )
            add(f"                   {pw});")
            add("  end")
    add(FIXED_WRITE)

    add("  // ---------------------------------------------------------------- storage")
    for f in storage:
        w = f"[{f.width - 1}:0] " if f.width > 1 else ""
        add(f"  logic {w}{f.sig}_q, {f.sig}_d;")
    hw = [f"{f.sig}_set" for f in storage if f.hwset] + [f"{f.sig}_clr" for f in storage if f.hwclr]
    if hw:
        add("  // set and cleared by xrnpe_coproc_regs_events")
        o += _names("logic", hw)
    add("")
    add("  // ---------------------------------------------------------------- decode")
    add("  // protected registers: privileged writes only (CFG_PRIV), and none while locked")
    add("  logic wr_protected, locked;")
    prot = " ||\n                        ".join(f"is_reg(wr_word, {_addr(r)})" for r in protected)
    add(f"  assign wr_protected = {prot or NO_BIT};")
    add(f"  assign locked       = {' || '.join(f'{f.sig}_q' for f in locks)};")
    add("  assign wr_refused   = wr_protected && ((CFG_PRIV && !aw_priv_q) || locked);")
    add("  assign wr_any       = do_write && wr_mapped && !wr_refused;")
    add("")
    add("  // an accepted write to each register that software can write")
    o += _names("logic", [f"{r.name.lower()}_we" for r in written])
    for r in written:
        o += _assign(f"{r.name.lower()}_we", f"wr_any && is_reg(wr_word, {_addr(r)})")
    if pulses:
        add("")
        add("  // commands: one cycle, when written with 1")
        o += _names("logic", [f"{f.sig}_pulse" for f in pulses])
        for f in pulses:
            o += _assign(f"{f.sig}_pulse", f"{f.reg.lower()}_we && wbits[{f.lsb}]")
    add("")
    add("  // next values: a hardware clear wins over a set, a set over the write")
    for f in storage:
        o += _assign(f"{f.sig}_d", _next(f, f"{f.reg.lower()}_we"))
    add("")
    add("  // reset values of spec/xrnpe_regs.rdl")
    add("  always_ff @(posedge clk or negedge rst_n) begin")
    add("    if (!rst_n) begin")
    for f in storage:
        add(f"      {f.sig}_q <= {f.width}'h{f.reset:X};")
    add("    end else begin")
    for f in storage:
        add(f"      {f.sig}_q <= {f.sig}_d;")
    add("    end")
    add("  end")
    add(FIXED_EVENTS)
    add("  // hardware side of the writable registers")
    for p in outs:
        for msb, lsb, f in sorted(p.slices, key=lambda s: s[1]):
            if len(p.slices) == 1:
                tgt = p.name
            else:
                tgt = f"{p.name}[{lsb}]" if msb == lsb else f"{p.name}[{msb}:{lsb}]"
            add(f"  assign {tgt} = {f.sig}_q;")

    add("")
    add("  // ---------------------------------------------------------------- read channel")
    add("  // each register's read value as one word, then the decode")
    o += _names("logic [31:0]", [f"rd_{r.name.lower()}" for r in regs])
    for r in regs:
        parts = _read_parts(r)
        if len(parts) == 1:
            o += _assign(f"rd_{r.name.lower()}", parts[0])
        else:
            line = f"  assign rd_{r.name.lower()} = {{{', '.join(parts)}}};"
            if len(line) <= 100:
                add(line)
            else:
                add(f"  assign rd_{r.name.lower()} =")
                o += _concat(parts, "      ")
                o[-1] += ";"
    add("""
  // one continuous assign rather than an always_comb: Icarus 11 would take the decode's
  // constant selects in an always_* process as sensitivity to every bit
  logic [RAW-3:0] rd_word;
  logic [31:0]    rdata;
  assign rd_word = word_of(s_axil_araddr);
  assign rdata =""")
    for i, r in enumerate(regs):
        end = ";" if i == len(regs) - 1 else " |"
        add(f"      ({{32{{is_reg(rd_word, {_addr(r)})}}}} & rd_{r.name.lower()}){end}")
    add(FIXED_READ)
    add("  logic lock_next, protected_kept;")
    add(f"  assign lock_next = {' || '.join(f'{f.sig}_d' for f in locks)};")
    if prot_fields:
        add("  assign protected_kept =")
        o += _concat([f"{f.sig}_d" for f in prot_fields], "      ")
        o[-1] += " =="
        o += _concat([f"{f.sig}_q" for f in prot_fields], "      ")
        o[-1] += ";"
    else:
        add("  assign protected_kept = 1'b1;")
    add(FIXED_ASSERTS)
    return "\n".join(o)
