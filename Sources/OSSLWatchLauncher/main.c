// `osslwatch`: the command users run, a few kilobytes of statically linked C in front of the
// Swift executable (osslwatch-daemon, installed beside it).
//
// Why it exists: the Swift executable installs its signal handlers in a pre-init function, but
// that runs only after the dynamic loader mapped and relocated it and its libraries, several
// milliseconds after the exec; a SIGTERM in that window would kill `osslwatch run` outright.
// This program has no dynamic loader to wait for: for `run` it blocks the daemon's signals
// before anything else, and execve keeps the mask and any signal pending meanwhile. The
// daemon's pre-init function then installs the handlers and the pending signals are counted
// once its main thread unblocks them. Every other command gets the mask it was started with,
// so Ctrl-C still ends `osslwatch check`.
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char daemon_name[] = "osslwatch-daemon";

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "run") == 0) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGUSR1);
        sigaddset(&set, SIGHUP);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        sigprocmask(SIG_BLOCK, &set, NULL);
    }
    // The real executable sits in the same directory as this one (symbolic links resolved).
    char path[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", path, sizeof path - 1);
    if (length <= 0) {
        fprintf(stderr, "osslwatch: cannot find its own executable: %s\n", strerror(errno));
        return 71;  // EX_OSERR
    }
    path[length] = '\0';
    char *slash = strrchr(path, '/');
    size_t directory_length = slash == NULL ? 0 : (size_t)(slash - path + 1);
    if (directory_length + sizeof daemon_name > sizeof path) {
        fprintf(stderr, "osslwatch: path too long: %s\n", path);
        return 71;  // EX_OSERR
    }
    memcpy(path + directory_length, daemon_name, sizeof daemon_name);
    execv(path, argv);
    fprintf(stderr, "osslwatch: cannot run %s: %s\n", path, strerror(errno));
    return errno == ENOENT ? 69 : 71;  // EX_UNAVAILABLE, EX_OSERR
}
