// SPDX-License-Identifier: Apache-2.0
// Shared by the native Verilator harnesses (pe_harness.cpp, coproc_harness.cpp): the error
// channel to Python and the Verilator fatal/stop/finish hooks.
//
// The harnesses are loaded into a Python process (ctypes), so a $fatal in the RTL (an
// `XRNPE_ASSERT that fails) must not abort() the interpreter: the library is built with
// VL_USER_FATAL / VL_USER_STOP / VL_USER_FINISH and these hooks record the message and unwind
// to the entry point with a C++ exception, which the entry point turns into a negative
// return value and an error string (xrnpe_native_error()).
#ifndef XRNPE_HARNESS_COMMON_H
#define XRNPE_HARNESS_COMMON_H

#include <cstdarg>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "verilated.h"

#define XRNPE_EXPORT extern "C" __attribute__((visibility("default")))

namespace xrnpe_native {

// Raised by the Verilator hooks and by harness checks; caught at every entry point.
struct SimError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

inline std::string &last_error() {
    static thread_local std::string message;
    return message;
}

inline std::string format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
inline std::string format(const char *fmt, ...) {
    char buf[512];
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, args);
    va_end(args);
    return std::string(buf);
}

}  // namespace xrnpe_native

// Runs `body` (a lambda returning int64_t) and maps exceptions to -1 plus an error message.
template <typename Body>
int64_t xrnpe_guard(Body body) {
    try {
        xrnpe_native::last_error().clear();
        return body();
    } catch (const std::exception &e) {
        xrnpe_native::last_error() = e.what();
    } catch (...) {
        xrnpe_native::last_error() = "unknown C++ exception";
    }
    return -1;
}

#endif  // XRNPE_HARNESS_COMMON_H
