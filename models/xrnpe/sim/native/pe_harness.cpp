// SPDX-License-Identifier: Apache-2.0
// Native Verilator harness of a processing element (any design with the PE ports of
// docs/pe.md: pe_rmmec, pe_baseline, pe_wide, ...).  The model class is always `Vdut`
// (verilator --prefix Vdut), so one source serves every design.
//
// xrnpe_pe_stream() drives one 16-bit operand word pair per cycle (II = 1, out_ready held
// high), each word a whole dot product (in_first = in_last = 1), and compares every result
// with the expected code and NaR flag the caller computed (the Python reference model: the
// RTL never supplies an expected value).  Words come in groups of `group` (one operand pair
// in each SIMD lane, say); a group with any mismatching result counts once, and the first
// mismatching word of each of the first `max_report` such groups is returned with the code
// and the NaR flag the RTL produced.  Nothing else (no Python, no allocation) runs per cycle.
#include <cstdint>
#include <memory>

#include "Vdut.h"
#include "harness_common.h"

namespace {

constexpr uint64_t kDrainCycles = 64;  // far above the PE latency (11) for the tail results

struct Pe {
    VerilatedContext context;
    Vdut top{&context, "dut"};
    uint64_t cycles = 0;

    Pe() {
        context.fatalOnError(true);
        top.clk = 0;
        top.rst_n = 0;
        top.in_valid = 0;
        top.out_ready = 1;
        top.in_a = 0;
        top.in_b = 0;
        top.in_fmt = 0;
        top.in_out_fmt = 0;
        top.in_first = 0;
        top.in_last = 0;
        top.eval();
        for (int i = 0; i < 4; ++i) tick();
        top.rst_n = 1;
        top.eval();
        tick();
    }

    // One clock cycle: rising edge (outputs then hold the new register values), falling edge.
    void tick() {
        top.clk = 1;
        top.eval();
        top.clk = 0;
        top.eval();
        ++cycles;
    }
};

}  // namespace

// Returns the number of groups with a mismatching result (>= 0), or -1 on a simulation error
// (message in xrnpe_native_error()).  a, b: n operand words; expected: n result codes
// (out_data); expected_nar: n flags (out_nar); group: words per group (divides n);
// mismatch_index / mismatch_got / mismatch_nar: room for max_report entries; cycles:
// simulated clock cycles (out).
XRNPE_EXPORT int64_t xrnpe_pe_stream(const uint16_t *a, const uint16_t *b, uint64_t n,
                                     uint32_t fmt, uint32_t out_fmt, const uint32_t *expected,
                                     const uint8_t *expected_nar, uint64_t group,
                                     uint64_t *mismatch_index,
                                     uint32_t *mismatch_got, uint8_t *mismatch_nar,
                                     uint64_t max_report, uint64_t *cycles) {
    return xrnpe_guard([&]() -> int64_t {
        auto pe = std::make_unique<Pe>();
        Vdut &top = pe->top;
        top.in_fmt = fmt;
        top.in_out_fmt = out_fmt;
        top.in_first = 1;
        top.in_last = 1;
        if (group == 0 || n % group != 0)
            throw xrnpe_native::SimError("group must divide the number of words");
        uint64_t sent = 0, received = 0, mismatches = 0, idle = 0;
        uint64_t last_group = UINT64_MAX;  // group of the last counted mismatch
        while (received < n) {
            const bool drive = sent < n;
            top.in_valid = drive;
            if (drive) {
                top.in_a = a[sent];
                top.in_b = b[sent];
            }
            // the inputs settle while the clock is low, as in hardware: a clock gate's latch
            // (open while clk is low) must see the enables they produce before the edge
            top.eval();
            const bool accepted = drive && top.in_ready;
            top.clk = 1;
            top.eval();
            if (top.out_valid) {
                if (received >= n)
                    throw xrnpe_native::SimError("the PE produced more results than words");
                const uint32_t got = top.out_data;
                const uint8_t got_nar = top.out_nar;
                const uint64_t this_group = received / group;
                if ((got != expected[received] || got_nar != expected_nar[received]) &&
                    this_group != last_group) {
                    if (mismatches < max_report) {
                        mismatch_index[mismatches] = received;
                        mismatch_got[mismatches] = got;
                        mismatch_nar[mismatches] = got_nar;
                    }
                    ++mismatches;
                    last_group = this_group;
                }
                ++received;
                idle = 0;
            } else if (!drive && ++idle > kDrainCycles) {
                throw xrnpe_native::SimError(xrnpe_native::format(
                    "the PE returned %llu results for %llu words",
                    static_cast<unsigned long long>(received), static_cast<unsigned long long>(n)));
            }
            if (accepted) ++sent;
            top.clk = 0;
            top.eval();
            ++pe->cycles;
        }
        *cycles = pe->cycles;
        return static_cast<int64_t>(mismatches);
    });
}
