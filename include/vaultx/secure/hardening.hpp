// Process hardening applied once at start-up, before any secret is read.
#pragma once

#include <vaultx/error.hpp>

namespace vaultx::secure {

// Initialises libsodium. Safe to call more than once; fails only if the
// system has no usable randomness.
Status initialize_sodium();

// Turns core dumps off (RLIMIT_CORE 0), marks the process non-dumpable
// (PR_SET_DUMPABLE 0: no ptrace attach and no /proc/PID/mem or environ for
// other processes of the same user) and sets umask 077 so that nothing vaultx
// creates is readable by others.
Status harden_process();

}  // namespace vaultx::secure
