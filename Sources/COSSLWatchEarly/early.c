// The daemon's signals, made harmless before anything else in the process runs.
//
// osslwatch_preinit sits in .preinit_array: the dynamic loader runs it in the main executable
// before the initialisers of every shared library (the Swift runtime, Foundation, libcurl), so
// no thread exists yet. Only `osslwatch run` wants this; every other command keeps the default
// actions, so Ctrl-C still ends `osslwatch check`.
//
// The dynamic loader's work before this function takes milliseconds, so the `osslwatch`
// launcher (Sources/OSSLWatchLauncher, static) blocks these signals before it execs this
// executable: the mask and any signal pending meanwhile survive the exec, blocking again here
// is harmless, and the pending ones reach the handlers once the main thread unblocks them.
//
// A sigwaitinfo thread alone is not enough here: Swift's async main ends in libdispatch's
// dispatch_main, which parks the main thread in sigsuspend with an empty mask, so every signal
// is delivered to it and the default action would kill the process. So the signals get
// handlers that only count them (lock-free atomics) and write one byte to a pipe; they stay
// blocked in every other thread, so only that parked main thread is ever interrupted. A
// listener thread reads the pipe and takes the counts: none is lost (the count is raised
// before the byte is written), and a burst costs one wake-up.
#define _GNU_SOURCE
#include "COSSLWatchEarly.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

static atomic_uint count_usr1;
static atomic_uint count_hup;
static atomic_uint count_term;
static atomic_uint count_int;
static atomic_int last_sender;
static atomic_bool installed;
static bool installed_early;
static long long installed_at_ns;
static int wake_pipe[2] = {-1, -1};

static void osslwatch_signal_handler(int signal, siginfo_t *info, void *context) {
    (void)context;
    int saved_errno = errno;
    switch (signal) {
    case SIGUSR1: atomic_fetch_add(&count_usr1, 1); break;
    case SIGHUP: atomic_fetch_add(&count_hup, 1); break;
    case SIGTERM: atomic_fetch_add(&count_term, 1); break;
    case SIGINT: atomic_fetch_add(&count_int, 1); break;
    default: break;
    }
    if (info != NULL) {
        atomic_store(&last_sender, info->si_pid);
    }
    char byte = (char)signal;
    // A full pipe already holds a wake-up; the count above is what matters.
    ssize_t ignored = write(wake_pipe[1], &byte, 1);
    (void)ignored;
    errno = saved_errno;
}

bool osslwatch_signals_install(void) {
    if (atomic_load(&installed)) {
        return true;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0) {
        return false;
    }
    if (pipe2(wake_pipe, O_CLOEXEC) != 0) {
        return false;
    }
    int flags = fcntl(wake_pipe[1], F_GETFL);
    fcntl(wake_pipe[1], F_SETFL, flags | O_NONBLOCK);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = osslwatch_signal_handler;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    action.sa_mask = set;
    int signals[] = {SIGUSR1, SIGHUP, SIGTERM, SIGINT};
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        if (sigaction(signals[i], &action, NULL) != 0) {
            return false;
        }
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    installed_at_ns = (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
    atomic_store(&installed, true);
    return true;
}

static void osslwatch_preinit(int argc, char **argv, char **envp) {
    (void)envp;
    // Installed as osslwatch-daemon behind the `osslwatch` launcher: keep the process name the
    // launcher had, which `ps`, the journal and the pid file's name check all know it by. Only
    // that executable is renamed (the kernel cut its name to 15 bytes): this library is also
    // linked into other programs, the test runner among them, which must keep their own names.
    char name[17] = {0};
    if (prctl(PR_GET_NAME, name, 0, 0, 0) == 0 && strcmp(name, "osslwatch-daemo") == 0) {
        prctl(PR_SET_NAME, "osslwatch", 0, 0, 0);
    }
    if (argc < 2 || argv == NULL || argv[1] == NULL || strcmp(argv[1], "run") != 0) {
        return;
    }
    installed_early = osslwatch_signals_install();
}

__attribute__((section(".preinit_array"), used)) static void (*const osslwatch_preinit_entry)(int, char **, char **) =
    osslwatch_preinit;

bool osslwatch_signals_installed(void) { return atomic_load(&installed); }

bool osslwatch_signals_installed_early(void) { return installed_early; }

long long osslwatch_signals_installed_at_ns(void) { return installed_at_ns; }

bool osslwatch_signals_wait(struct osslwatch_signal_counts *counts) {
    if (!atomic_load(&installed)) {
        return false;
    }
    for (;;) {
        char buffer[64];
        ssize_t got = read(wake_pipe[0], buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        counts->usr1 = atomic_exchange(&count_usr1, 0);
        counts->hup = atomic_exchange(&count_hup, 0);
        counts->term = atomic_exchange(&count_term, 0);
        counts->interrupt = atomic_exchange(&count_int, 0);
        counts->last_sender = atomic_load(&last_sender);
        if (counts->usr1 + counts->hup + counts->term + counts->interrupt > 0) {
            return true;
        }
        if (got <= 0) {
            return false;
        }
    }
}
