import COSSLWatchSystem
import Foundation
package import Logging
import OSSLWatchCore

#if canImport(Glibc)
    import Glibc
#endif

/// Makes this process the reaper of its orphaned descendants (`PR_SET_CHILD_SUBREAPER`), and
/// in the daemon reaps those no one else waits for.
///
/// A command's background grandchild outlives its parent; without this it goes to PID 1,
/// which in a container may never reap it, so its group would look alive forever. As the
/// subreaper, osslwatch can reap the members of a command's group itself and know when the
/// group is gone. But every orphaned descendant comes back, also one that left its command's
/// group (`setsid`, `setpgid`), which the group wait never sees: when it exits it would stay
/// the daemon's zombie for good. The daemon therefore runs a reaper thread
/// (`adoptOrphans`) that reaps any exited child whose pid no `SpawnedProcess` is waiting
/// for. Spawning and registering a pid happen under the same lock as the reaper's check, so
/// the reaper never takes the exit status of a command's own process. Nothing else in the
/// daemon starts processes (libcurl does not fork; git, gpgv and commands go through
/// `SpawnedProcess`), so no other wait can lose a status to it. Only the daemon turns it on:
/// a host process that starts children of its own (a test using Foundation's `Process`)
/// must not have them reaped behind its back.
package enum Subreaper {
    /// Set on first use; whether the kernel accepted it.
    static let enabled: Bool = osw_set_child_subreaper() == 0

    private static let state = NSCondition()
    /// Leaders some `SpawnedProcess` waits for by pid; guarded by `state`.
    nonisolated(unsafe) private static var waited = Set<pid_t>()
    /// Whether the reaper thread runs; guarded by `state`.
    nonisolated(unsafe) private static var adopting = false

    /// Starts the reaper thread once; `logger` gets a debug line per reaped orphan.
    package static func adoptOrphans(logger: Logger) {
        _ = enabled
        state.lock()
        defer { state.unlock() }
        guard !adopting else { return }
        adopting = true
        let thread = Thread { reapForever(logger: logger) }
        thread.name = "osslwatch-reaper"
        thread.start()
    }

    /// Runs `spawn` (which returns the new child's pid, or nil when none started) and
    /// registers the pid before the reaper can look at it. Call `collected` once the pid
    /// has been waited for.
    static func spawnWaited(_ spawn: () -> pid_t?) -> pid_t? {
        state.lock()
        defer { state.unlock() }
        let pid = spawn()
        if let pid {
            waited.insert(pid)
            state.broadcast()
        }
        return pid
    }

    /// `pid` was reaped (or given up on) by its waiter.
    static func collected(_ pid: pid_t) {
        state.lock()
        waited.remove(pid)
        state.unlock()
    }

    /// Waits for any child to exit (without reaping it), then reaps it when it is not a
    /// registered leader. With no child at all, sleeps until the next spawn.
    private static func reapForever(logger: Logger) {
        _ = osw_set_current_thread_name("osslwatch-reaper")
        while true {
            var info = siginfo_t()
            if waitid(P_ALL, 0, &info, WEXITED | WNOWAIT) != 0 {
                if errno == ECHILD {
                    state.lock()
                    _ = state.wait(until: Date().addingTimeInterval(1))
                    state.unlock()
                }
                continue
            }
            let pid = info._sifields._sigchld.si_pid
            state.lock()
            let registered = waited.contains(pid)
            var status: Int32 = 0
            let reaped = registered ? 0 : waitpid(pid, &status, WNOHANG)
            state.unlock()
            if reaped == pid {
                logger.debug("reaped an orphaned descendant", metadata: ["pid": "\(pid)", "status": "\(status)"])
            } else {
                // A leader whose waiter polls for it, or one a group wait just took: let it.
                usleep(10_000)
            }
        }
    }
}

/// Proof that no program osslwatch started is still alive, so a git lock file it finds can
/// only be stale.
///
/// Every child osslwatch spawns inherits, as fd 3, a descriptor holding a shared `flock` on
/// one file of the state directory (`children.lock`); git and whatever a command starts
/// inherit it in turn. The lock lives as long as any of those processes keeps the descriptor,
/// whether or not the osslwatch that started them still runs (a SIGKILLed daemon's orphans
/// keep it). Whoever takes the lock exclusively therefore knows that none of them is alive,
/// and while it holds it no new child can start (spawning waits for the shared lock).
enum ChildLock {
    /// The descriptor number the lock has in every child.
    static let childDescriptor: Int32 = 3

    static func path(stateDirectory: String) -> String {
        (stateDirectory as NSString).appendingPathComponent("children.lock")
    }

    /// Opens the lock file and takes the shared lock, waiting for an exclusive holder (a
    /// lock recovery, which is short). Blocking: call it on a dedicated thread. The
    /// descriptor is close-on-exec and never `childDescriptor`, so the spawn's `dup2` clears
    /// close-on-exec on the child's copy.
    static func holdShared(_ path: String) -> Result<Int32, StepError> {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            return .failure(StepError(.io, "cannot open the child lock \(path): \(String(cString: strerror(errno)))"))
        }
        var held = fd
        if fd <= childDescriptor {
            held = fcntl(fd, F_DUPFD_CLOEXEC, childDescriptor + 1)
            close(fd)
            guard held >= 0 else {
                return .failure(
                    StepError(.io, "cannot move the child lock \(path): \(String(cString: strerror(errno)))"))
            }
        }
        while flock(held, LOCK_SH) != 0 {
            guard errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(held)
                return .failure(StepError(.io, "cannot lock \(path): \(reason)"))
            }
        }
        return .success(held)
    }

    /// Takes the lock exclusively if no child of any osslwatch process holds it, retrying
    /// until `deadline` (a git orphaned by a killed daemon finishes on its own) or until
    /// `cancellation` or `stop` (the daemon stopping) is set. Returns the descriptor to close
    /// when done, or `nil` when it gave up. Blocking: call it on a dedicated thread.
    static func holdExclusive(
        _ path: String, until deadline: ContinuousClock.Instant, cancellation: CancellationFlag,
        stop: CancellationFlag? = nil
    ) -> Result<Int32?, StepError> {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            return .failure(StepError(.io, "cannot open the child lock \(path): \(String(cString: strerror(errno)))"))
        }
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return .success(fd) }
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(fd)
                return .failure(StepError(.io, "cannot lock \(path): \(reason)"))
            }
            if ContinuousClock.now >= deadline || cancellation.isCancelled || stop?.isCancelled == true {
                close(fd)
                return .success(nil)
            }
            usleep(20_000)
        }
    }
}
