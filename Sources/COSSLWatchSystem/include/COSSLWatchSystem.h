#ifndef COSSLWATCH_SYSTEM_H
#define COSSLWATCH_SYSTEM_H

// Linux calls Swift cannot make directly: prctl is variadic, so it is not imported.

#ifdef __linux__
#include <sys/prctl.h>
#endif

// Names the calling thread for the kernel (/proc/<pid>/task/<tid>/comm, ps, debuggers), which
// Foundation's Thread.name does not do on Linux. At most 15 bytes are kept.
static inline int osw_set_current_thread_name(const char *name) {
#ifdef __linux__
    return prctl(PR_SET_NAME, name, 0, 0, 0);
#else
    (void)name;
    return 0;
#endif
}

// Makes the calling process the reaper of its orphaned descendants (PR_SET_CHILD_SUBREAPER),
// so it can wait for every member of a command's process group. prctl is variadic.
static inline int osw_set_child_subreaper(void) {
#ifdef __linux__
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
#else
    return 0;
#endif
}

#endif
