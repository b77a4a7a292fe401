// SPDX-License-Identifier: Apache-2.0
// Native Verilator harness of the co-processor (xrnpe_coprocessor, model class `Vdut`): a C++
// AXI4 memory on the m_axi_* master port and a C++ AXI4-Lite register driver on s_axil_*,
// so a whole job (program the registers, START, run to the interrupt, acknowledge, read the
// counters) runs without Python.  The memory is a window of caller-owned bytes (bus
// addresses mem_base .. mem_base + mem_size, A and Bt laid out by xrnpe.layout); reads
// outside it return zeros like the cocotb engine's sparse 4 GiB RAM, writes outside it are
// counted as errors (the co-processor must write C only).
//
// The memory answers every channel without wait states: AR and AW are always accepted,
// bursts are served in order, one R beat per cycle, W is accepted while an AW is pending,
// one B per burst.  Every AR/AW is checked like the cocotb FaultRam does (INCR, full-width
// SIZE, aligned, at most 256 beats, no 4 KiB crossing, ID 0, LOCK 0, CACHE 0b0011, QOS 0, and
// PROT equal to the PROT register where the register map has one, else 0).
//
// Register offsets and fields come from the register map's generated C header, xrnpe_regs.h
// (sw/include/, written by make gen from spec/xrnpe_regs.rdl): offsets are the fields of its
// xrnpe_regs_t, masks its _bm / _bp macros, the ID its reset value.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <type_traits>

#include "Vdut.h"
#include "harness_common.h"
#include "xrnpe_regs.h"

namespace {

using xrnpe_native::SimError;
using xrnpe_native::format;

// Bus address of a register: its offset in the generated register block layout.
#define REG(name) static_cast<uint32_t>(offsetof(xrnpe_regs_t, name))

constexpr uint64_t kRegTimeout = 10000;  // cycles for one register access
constexpr int kResetCycles = 8;

// Byte access to a bus signal of any width (Verilator: integer up to 64 bits, else VlWide).
template <typename T>
void put_bytes(T &sig, const uint8_t *src, unsigned n) {
    if constexpr (std::is_integral_v<T>) {
        uint64_t v = 0;
        std::memcpy(&v, src, n < sizeof v ? n : sizeof v);
        sig = static_cast<T>(v);
    } else {
        std::memcpy(sig.data(), src, n);
    }
}

template <typename T>
void get_bytes(const T &sig, uint8_t *dst, unsigned n) {
    if constexpr (std::is_integral_v<T>) {
        const uint64_t v = sig;
        std::memcpy(dst, &v, n < sizeof v ? n : sizeof v);
    } else {
        std::memcpy(dst, sig.data(), n);
    }
}

template <typename T>
bool strobe_bit(const T &sig, unsigned i) {
    if constexpr (std::is_integral_v<T>) {
        return (static_cast<uint64_t>(sig) >> i) & 1u;
    } else {
        return (sig.data()[i / 32] >> (i % 32)) & 1u;
    }
}

struct Burst {
    uint64_t addr;
    unsigned beats;
    unsigned beat = 0;
};

struct Coproc {
    VerilatedContext context;
    Vdut top{&context, "dut"};
    unsigned data_bytes = 0;     // bus width in bytes, from CONFIG (probe)
    unsigned expected_prot = 0;  // AxPROT: the PROT register (probe), 0 without one
    // memory window
    uint8_t *mem = nullptr;
    uint64_t mem_base = 0, mem_size = 0;
    // AXI4 slave state
    std::deque<Burst> reads, writes;
    std::deque<uint8_t> write_responses;  // BRESP per finished burst
    uint64_t violations = 0, outside_writes = 0;
    std::string first_violation;
    uint64_t cycles = 0;

    Coproc() {
        context.fatalOnError(true);
        top.clk = 0;
        top.rst_n = 0;
        idle_master();
        drive_slave();
        top.eval();
        for (int i = 0; i < kResetCycles; ++i) cycle();
        top.rst_n = 1;
        cycle();
        cycle();
    }

    void idle_master() {
        top.s_axil_awvalid = 0;
        top.s_axil_awaddr = 0;
        top.s_axil_awprot = 0;
        top.s_axil_wvalid = 0;
        top.s_axil_wdata = 0;
        top.s_axil_wstrb = 0;
        top.s_axil_bready = 0;
        top.s_axil_arvalid = 0;
        top.s_axil_araddr = 0;
        top.s_axil_arprot = 0;
        top.s_axil_rready = 0;
    }

    void violation(const std::string &what) {
        if (violations++ == 0) first_violation = what;
    }

    void check_address(const char *channel, uint64_t addr, unsigned len, unsigned size,
                       unsigned burst, uint64_t id, unsigned lock, unsigned cache, unsigned prot,
                       unsigned qos) {
        const unsigned bytes = 1u << size;
        if (burst != 1) violation(format("%s burst type %u, not INCR", channel, burst));
        if (bytes != data_bytes)
            violation(format("%s size %u bytes, the bus is %u", channel, bytes, data_bytes));
        if ((addr & 0xFFFull) + static_cast<uint64_t>(len + 1) * bytes > 4096)
            violation(format("%s at 0x%llx, %u beats, crosses a 4 KiB boundary", channel,
                             static_cast<unsigned long long>(addr), len + 1));
        if (addr % bytes) violation(format("%s address 0x%llx not aligned to the bus", channel,
                                           static_cast<unsigned long long>(addr)));
        if (id != 0) violation(format("%s id %llu, not 0", channel, static_cast<unsigned long long>(id)));
        if (lock != 0 || cache != 0x3 || prot != expected_prot || qos != 0)
            violation(format("%s lock %u cache 0x%x prot %u qos %u", channel, lock, cache, prot, qos));
    }

    // Slave outputs from the memory state (set before the settling eval of a cycle).
    void drive_slave() {
        top.m_axi_arready = 1;
        top.m_axi_awready = 1;
        top.m_axi_wready = !writes.empty();
        if (!reads.empty()) {
            const Burst &r = reads.front();
            uint8_t beat[128] = {0};
            const uint64_t addr = r.addr + static_cast<uint64_t>(r.beat) * data_bytes;
            for (unsigned i = 0; i < data_bytes; ++i) {
                const uint64_t a = addr + i;
                if (a >= mem_base && a - mem_base < mem_size) beat[i] = mem[a - mem_base];
            }
            put_bytes(top.m_axi_rdata, beat, data_bytes);
            top.m_axi_rvalid = 1;
            top.m_axi_rlast = r.beat + 1 == r.beats;
            top.m_axi_rresp = 0;
            top.m_axi_rid = 0;
        } else {
            top.m_axi_rvalid = 0;
            top.m_axi_rlast = 0;
        }
        top.m_axi_bvalid = !write_responses.empty();
        top.m_axi_bresp = write_responses.empty() ? 0 : write_responses.front();
        top.m_axi_bid = 0;
    }

    // One clock cycle.  On entry the inputs are set and settled (clk low); handshakes are
    // sampled, the rising edge is evaluated, the memory state advances, and the new slave
    // outputs settle with clk low.
    void cycle() {
        const bool ar = top.m_axi_arvalid && top.m_axi_arready;
        const bool r = top.m_axi_rvalid && top.m_axi_rready;
        const bool aw = top.m_axi_awvalid && top.m_axi_awready;
        const bool w = top.m_axi_wvalid && top.m_axi_wready;
        const bool b = top.m_axi_bvalid && top.m_axi_bready;
        Burst new_read{0, 0}, new_write{0, 0};
        if (ar) {
            check_address("AR", top.m_axi_araddr, top.m_axi_arlen, top.m_axi_arsize,
                          top.m_axi_arburst, top.m_axi_arid, top.m_axi_arlock, top.m_axi_arcache,
                          top.m_axi_arprot, top.m_axi_arqos);
            new_read = Burst{static_cast<uint64_t>(top.m_axi_araddr), top.m_axi_arlen + 1u};
        }
        if (aw) {
            check_address("AW", top.m_axi_awaddr, top.m_axi_awlen, top.m_axi_awsize,
                          top.m_axi_awburst, top.m_axi_awid, top.m_axi_awlock, top.m_axi_awcache,
                          top.m_axi_awprot, top.m_axi_awqos);
            new_write = Burst{static_cast<uint64_t>(top.m_axi_awaddr), top.m_axi_awlen + 1u};
        }
        if (w) write_beat();
        top.clk = 1;
        top.eval();
        if (r) {
            Burst &front = reads.front();
            if (++front.beat == front.beats) reads.pop_front();
        }
        if (b) write_responses.pop_front();
        if (ar) reads.push_back(new_read);
        if (aw) writes.push_back(new_write);
        drive_slave();
        top.clk = 0;
        top.eval();
        ++cycles;
    }

    void write_beat() {
        Burst &wb = writes.front();
        uint8_t data[128];
        get_bytes(top.m_axi_wdata, data, data_bytes);
        const uint64_t addr = wb.addr + static_cast<uint64_t>(wb.beat) * data_bytes;
        for (unsigned i = 0; i < data_bytes; ++i) {
            if (!strobe_bit(top.m_axi_wstrb, i)) continue;
            const uint64_t a = addr + i;
            if (a >= mem_base && a - mem_base < mem_size) {
                mem[a - mem_base] = data[i];
            } else {
                ++outside_writes;
            }
        }
        const bool last = wb.beat + 1 == wb.beats;
        if (static_cast<bool>(top.m_axi_wlast) != last)
            violation(format("WLAST %u on beat %u of %u", static_cast<unsigned>(top.m_axi_wlast),
                             wb.beat + 1, wb.beats));
        if (++wb.beat == wb.beats) {
            writes.pop_front();
            write_responses.push_back(0);
        }
    }

    // ------------------------------------------------------------ AXI4-Lite register driver
    uint32_t read_reg(uint32_t addr) {
        top.s_axil_araddr = addr;
        top.s_axil_arvalid = 1;
        top.s_axil_rready = 1;
        top.eval();
        bool addr_done = false;
        for (uint64_t t = 0; t < kRegTimeout; ++t) {
            const bool ar = top.s_axil_arvalid && top.s_axil_arready;
            const bool r = top.s_axil_rvalid && top.s_axil_rready;
            const uint32_t data = top.s_axil_rdata;
            const unsigned resp = top.s_axil_rresp;
            cycle();
            if (ar) {
                addr_done = true;
                top.s_axil_arvalid = 0;
            }
            if (r && addr_done) {
                top.s_axil_rready = 0;
                top.eval();
                if (resp != 0)
                    throw SimError(format("register read at 0x%02x answered %s", addr,
                                          resp == 2 ? "SLVERR" : resp == 3 ? "DECERR" : "EXOKAY"));
                return data;
            }
            top.eval();
        }
        throw SimError(format("co-processor timeout: register read at 0x%02x got no response", addr));
    }

    void write_reg(uint32_t addr, uint32_t value) {
        top.s_axil_awaddr = addr;
        top.s_axil_awvalid = 1;
        top.s_axil_wdata = value;
        top.s_axil_wstrb = 0xF;
        top.s_axil_wvalid = 1;
        top.s_axil_bready = 1;
        top.eval();
        bool aw_done = false, w_done = false;
        for (uint64_t t = 0; t < kRegTimeout; ++t) {
            const bool aw = top.s_axil_awvalid && top.s_axil_awready;
            const bool w = top.s_axil_wvalid && top.s_axil_wready;
            const bool b = top.s_axil_bvalid && top.s_axil_bready;
            const unsigned resp = top.s_axil_bresp;
            cycle();
            if (aw) {
                aw_done = true;
                top.s_axil_awvalid = 0;
            }
            if (w) {
                w_done = true;
                top.s_axil_wvalid = 0;
            }
            if (b && aw_done && w_done) {
                top.s_axil_bready = 0;
                top.eval();
                if (resp != 0)
                    throw SimError(format("register write at 0x%02x answered %s", addr,
                                          resp == 2 ? "SLVERR" : resp == 3 ? "DECERR" : "EXOKAY"));
                return;
            }
            top.eval();
        }
        throw SimError(format("co-processor timeout: register write at 0x%02x got no response", addr));
    }
};

// The job registers, in the order the Python side passes their values (and the order the
// driver writes them): FORMAT, M, N, K, A_BASE, A_STRIDE, B_BASE, B_STRIDE, C_BASE, C_STRIDE.
constexpr uint32_t kJobRegs[] = {REG(FORMAT), REG(M),        REG(N),      REG(K),
                                 REG(A_BASE), REG(A_STRIDE), REG(B_BASE), REG(B_STRIDE),
                                 REG(C_BASE), REG(C_STRIDE)};
constexpr unsigned kNumJobRegs = sizeof kJobRegs / sizeof kJobRegs[0];

}  // namespace

// A new co-processor out of reset, or nullptr (message in xrnpe_native_error()).
XRNPE_EXPORT void *xrnpe_coproc_open() {
    Coproc *made = nullptr;
    const int64_t rc = xrnpe_guard([&]() -> int64_t {
        made = new Coproc();
        return 0;
    });
    if (rc < 0) {
        delete made;
        return nullptr;
    }
    return made;
}

XRNPE_EXPORT void xrnpe_coproc_close(void *handle) { delete static_cast<Coproc *>(handle); }

// ID, VERSION, CONFIG, ABUF_WORDS, BBUF_WORDS -> out[0..4]; 0 or -1.
XRNPE_EXPORT int64_t xrnpe_coproc_probe(void *handle, uint32_t *out) {
    return xrnpe_guard([&]() -> int64_t {
        Coproc &c = *static_cast<Coproc *>(handle);
        out[0] = c.read_reg(REG(ID));
        if (out[0] != XRNPE_REGS__ID__VALUE_reset)
            throw SimError(format("no XR-NPE co-processor: ID reads 0x%08x", out[0]));
        out[1] = c.read_reg(REG(VERSION));
        out[2] = c.read_reg(REG(CONFIG));
        out[3] = c.read_reg(REG(ABUF_WORDS));
        out[4] = c.read_reg(REG(BBUF_WORDS));
        c.data_bytes =
            (out[2] & XRNPE_REGS__CONFIG__DATA_BYTES_bm) >> XRNPE_REGS__CONFIG__DATA_BYTES_bp;
#ifdef XRNPE_REGS__PROT__PRIVILEGED_bm
        c.expected_prot = c.read_reg(REG(PROT)) &  // AxPROT follows PROT
                          (XRNPE_REGS__PROT__PRIVILEGED_bm | XRNPE_REGS__PROT__NONSECURE_bm |
                           XRNPE_REGS__PROT__INSTRUCTION_bm);
#endif
        if (c.data_bytes == 0 || c.data_bytes > 128 || c.data_bytes > sizeof(c.top.m_axi_rdata))
            throw SimError(format("CONFIG.DATA_BYTES = %u does not match the bus", c.data_bytes));
        return 0;
    });
}

// One job: program the registers (values in kJobRegs order), START, run until the interrupt
// (at most `budget` cycles), acknowledge IRQ_STATUS, read the counters.  `mem` holds bus
// addresses mem_base .. mem_base + mem_size - 1 (A and Bt in, C out).  result[0..7]: STATUS,
// IRQ_STATUS, CYCLES, MACS, simulated cycles, AXI violations, writes outside the window,
// 1 if the interrupt came.  Returns 0, or -1 with a message (timeouts, bus errors, $fatal).
XRNPE_EXPORT int64_t xrnpe_coproc_job(void *handle, const uint32_t *regs, uint8_t *mem,
                                      uint64_t mem_base, uint64_t mem_size, uint64_t budget,
                                      uint64_t *result) {
    return xrnpe_guard([&]() -> int64_t {
        Coproc &c = *static_cast<Coproc *>(handle);
        if (c.data_bytes == 0) throw SimError("probe the co-processor before a job");
        c.mem = mem;
        c.mem_base = mem_base;
        c.mem_size = mem_size;
        const uint64_t start_cycles = c.cycles;
        for (unsigned i = 0; i < kNumJobRegs; ++i) c.write_reg(kJobRegs[i], regs[i]);
        c.write_reg(REG(IRQ_STATUS),
                    XRNPE_REGS__IRQ_STATUS__DONE_bm | XRNPE_REGS__IRQ_STATUS__ERROR_bm);
        c.write_reg(REG(IRQ_ENABLE),
                    XRNPE_REGS__IRQ_ENABLE__DONE_bm | XRNPE_REGS__IRQ_ENABLE__ERROR_bm);
        c.write_reg(REG(CTRL), XRNPE_REGS__CTRL__START_bm);
        uint64_t waited = 0;
        while (!c.top.irq && waited < budget) {
            c.cycle();
            ++waited;
        }
        const bool irq = c.top.irq;
        const uint32_t status = c.read_reg(REG(STATUS));
        if (!irq)
            throw SimError(format("co-processor timeout: no interrupt within %llu cycles "
                                  "(STATUS 0x%08x)", static_cast<unsigned long long>(budget), status));
        if (status & XRNPE_REGS__STATUS__BUSY_bm)
            throw SimError(format("co-processor timeout: irq raised while STATUS.BUSY is still set "
                                  "(STATUS 0x%08x)", status));
        const uint32_t irq_status = c.read_reg(REG(IRQ_STATUS));
        c.write_reg(REG(IRQ_STATUS), irq_status);  // acknowledge (write 1 to clear)
        const uint64_t cycles_lo = c.read_reg(REG(CYCLES_LO));
        const uint64_t cycles_hi = c.read_reg(REG(CYCLES_HI));
        const uint64_t macs_lo = c.read_reg(REG(MACS_LO));
        const uint64_t macs_hi = c.read_reg(REG(MACS_HI));
        result[0] = status;
        result[1] = irq_status;
        result[2] = (cycles_hi << 32) | cycles_lo;
        result[3] = (macs_hi << 32) | macs_lo;
        result[4] = c.cycles - start_cycles;
        result[5] = c.violations;
        result[6] = c.outside_writes;
        result[7] = irq;
        c.mem = nullptr;
        c.mem_size = 0;
        return 0;
    });
}

// The first AXI protocol violation seen (empty if none).
XRNPE_EXPORT const char *xrnpe_coproc_violation(void *handle) {
    return static_cast<Coproc *>(handle)->first_violation.c_str();
}
