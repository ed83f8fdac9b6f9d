#ifndef COSSLWATCH_EARLY_H
#define COSSLWATCH_EARLY_H

#include <stdbool.h>
#include <sys/types.h>

/// How many of each daemon signal arrived since the last osslwatch_signals_wait, and the
/// last process that sent one (0 if unknown).
struct osslwatch_signal_counts {
    unsigned int usr1;
    unsigned int hup;
    unsigned int term;
    unsigned int interrupt;
    pid_t last_sender;
};

/// Blocks SIGUSR1, SIGHUP, SIGTERM and SIGINT in the calling thread and installs handlers that
/// count them and wake osslwatch_signals_wait. Idempotent. The executable's pre-init function
/// calls it for `osslwatch run` before anything else runs; a later call is the fallback.
/// Returns false if the wake-up pipe or a handler could not be set up.
bool osslwatch_signals_install(void);

/// True once osslwatch_signals_install succeeded.
bool osslwatch_signals_installed(void);

/// True when the install happened in the pre-init function, before any other code of the process.
bool osslwatch_signals_installed_early(void);

/// CLOCK_MONOTONIC in nanoseconds when the handlers were installed (0 if they are not).
long long osslwatch_signals_installed_at_ns(void);

/// Blocks until at least one signal was counted, then takes all counts (resetting them).
/// Returns false if the handlers are not installed.
bool osslwatch_signals_wait(struct osslwatch_signal_counts *counts);

#endif
