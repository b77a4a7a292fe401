// SPDX-License-Identifier: Apache-2.0
// Bare-metal example: one matrix multiply on the XR-NPE co-processor, polling STATUS.
//
// The co-processor's AXI4-Lite window is at XRNPE_BASE; A, Bt and C are already laid out in
// memory the co-processor's AXI4 master can reach (docs/coprocessor.md, "Memory layout":
// A and Bt rows packed into 16-bit words, bases and strides multiples of CONFIG.DATA_BYTES).
// Register layout and field macros come from the generated headers (spec/xrnpe_regs.rdl).
// Build (freestanding, as `make test` does):
//   gcc -std=c11 -ffreestanding -Wall -Wextra -Werror -Isw/include -c sw/examples/xrnpe_matmul_poll.c
#include <stdint.h>

#include "xrnpe_regs.h"
#include "xrnpe_regs_enums.h"

#ifndef XRNPE_BASE
#define XRNPE_BASE 0x40000000u
#endif

#define XRNPE ((volatile xrnpe_regs_t *)(uintptr_t)XRNPE_BASE)
#define FIELD_GET(reg, f) (((reg) & XRNPE_REGS__##f##_bm) >> XRNPE_REGS__##f##_bp)

struct xrnpe_job {
    uint32_t in_fmt, out_fmt;        // enum xrnpe_fmt_e
    uint32_t m, n, k;
    uint32_t a_base, a_stride;       // bus addresses and strides in bytes
    uint32_t b_base, b_stride;       // Bt = B transposed
    uint32_t c_base, c_stride;
};

// Returns 0 on success, the co-processor's error code (enum xrnpe_err_code_e, e.g.
// XRNPE_ERR_C_OVERLAP; after XRNPE_ERR_BUS_TIMEOUT or XRNPE_ERR_BUS_PROTOCOL reset the
// interconnect before the next job) on an error, or -1 when the ID does not match or the job
// does not end within `max_polls` reads.
int xrnpe_matmul_poll(const struct xrnpe_job *job, uint32_t max_polls, uint64_t *cycles) {
    if (XRNPE->ID != XRNPE_REGS__ID__VALUE_reset) {
        return -1;
    }
    XRNPE->FORMAT = (job->in_fmt << XRNPE_REGS__FORMAT__IN_FMT_bp) |
                    (job->out_fmt << XRNPE_REGS__FORMAT__OUT_FMT_bp);
    XRNPE->M = job->m;
    XRNPE->N = job->n;
    XRNPE->K = job->k;
    XRNPE->A_BASE = job->a_base;
    XRNPE->A_STRIDE = job->a_stride;
    XRNPE->B_BASE = job->b_base;
    XRNPE->B_STRIDE = job->b_stride;
    XRNPE->C_BASE = job->c_base;
    XRNPE->C_STRIDE = job->c_stride;
    XRNPE->IRQ_STATUS = XRNPE_REGS__IRQ_STATUS__DONE_bm | XRNPE_REGS__IRQ_STATUS__ERROR_bm;
    XRNPE->CTRL = XRNPE_REGS__CTRL__START_bm;

    uint32_t status = XRNPE->STATUS;
    for (uint32_t i = 0; (status & XRNPE_REGS__STATUS__BUSY_bm) != 0; i++) {
        if (i == max_polls) {
            XRNPE->CTRL = XRNPE_REGS__CTRL__SOFT_RESET_bm;  // abort; BUSY drops when drained
            return -1;
        }
        status = XRNPE->STATUS;
    }
    if (cycles != 0) {
        *cycles = ((uint64_t)XRNPE->CYCLES_HI << 32) | XRNPE->CYCLES_LO;
    }
    if ((status & XRNPE_REGS__STATUS__ERROR_bm) != 0) {
        return (int)FIELD_GET(status, STATUS__ERR_CODE);
    }
    return XRNPE_ERR_NONE;
}

// Privileged set-up, once after reset and before the device is handed to less trusted code:
// the DMA windows (inclusive limits: A and Bt must lie in the read window, C in the write
// window, or START ends with XRNPE_ERR_READ_WINDOW / XRNPE_ERR_WRITE_WINDOW), AxPROT of the
// DMA, then LOCK, which freezes all of them until the next hardware reset.  Must run in a
// privileged CPU mode (AWPROT[0] = 1) unless the design sets CFG_PRIV = 0; refused writes
// answer SLVERR (a bus error on most CPUs).  Returns 0, or -1 if the values did not stick.
int xrnpe_protect(uint32_t rd_base, uint32_t rd_limit, uint32_t wr_base, uint32_t wr_limit,
                  uint32_t prot) {
    XRNPE->RD_WIN_BASE = rd_base;
    XRNPE->RD_WIN_LIMIT = rd_limit;
    XRNPE->WR_WIN_BASE = wr_base;
    XRNPE->WR_WIN_LIMIT = wr_limit;
    XRNPE->PROT = prot;
    XRNPE->LOCK = XRNPE_REGS__LOCK__LOCKED_bm;
    if (XRNPE->RD_WIN_BASE != rd_base || XRNPE->RD_WIN_LIMIT != rd_limit ||
        XRNPE->WR_WIN_BASE != wr_base || XRNPE->WR_WIN_LIMIT != wr_limit ||
        (XRNPE->LOCK & XRNPE_REGS__LOCK__LOCKED_bm) == 0) {
        return -1;
    }
    return 0;
}
