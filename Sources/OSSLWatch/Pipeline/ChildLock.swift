import Foundation
import OSSLWatchCore

#if canImport(Glibc)
    import Glibc
#endif

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

    /// `<state directory>/children.lock`.
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
