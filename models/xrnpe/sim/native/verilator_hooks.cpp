// SPDX-License-Identifier: Apache-2.0
// Verilator's fatal hook for the in-process harnesses, and the error message accessor every
// harness library exports.  The library is built with
// -DVL_USER_FATAL, so a $fatal in the RTL (a failed `XRNPE_ASSERT) or an internal Verilator
// error throws xrnpe_native::SimError instead of exiting the Python process that loaded us.
// $stop and $fatal reach here through Verilator's own vl_stop (fatalOnError is on).
#include "harness_common.h"

void vl_fatal(const char *filename, int linenum, const char *hier, const char *msg) {
    (void)hier;
    Verilated::threadContextp()->gotError(true);
    Verilated::threadContextp()->gotFinish(true);
    throw xrnpe_native::SimError(
        xrnpe_native::format("RTL simulation stopped at %s:%d: %s", filename ? filename : "?",
                             linenum, msg ? msg : ""));
}

// The message of the last failed entry point of this thread (empty if none).
XRNPE_EXPORT const char *xrnpe_native_error() { return xrnpe_native::last_error().c_str(); }
