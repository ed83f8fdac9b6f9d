import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Removes the git lock files a killed osslwatch left in its checkout, when and only when no
/// git that osslwatch started can still hold them.
///
/// git takes a lock by creating `<file>.lock` and renames or deletes it when done; killed in
/// between (the daemon SIGKILLed while `update-ref` ran), the file stays and every later
/// command that needs the same lock fails with "File exists". Which locks: those the
/// update-pin commands take, `index.lock` and `HEAD.lock` (checkout), ref locks under
/// `refs/heads/osslwatch/` (update-ref) and under `refs/remotes/<remote>/` (fetch of the
/// base), `packed-refs.lock` and `config.lock`. Nothing else in the git dir is touched.
///
/// Stale is proven by `ChildLock`: taken exclusively, no child of any osslwatch process is
/// alive, and none starts while it is held. When children do run (a git orphaned by a killed
/// daemon), recovery waits for them up to the git timeout, then leaves the files alone.
struct GitLockRecovery {
    /// The repository's git dir (`index.lock`, `HEAD.lock`) and common dir (refs, config).
    let gitDirectory: String
    let commonDirectory: String
    /// The remote the base is fetched from, whose tracking refs fetch locks.
    let remote: String?
    let childLockPath: String
    let logger: Logger?

    /// The lock files of ours that exist now.
    func presentLocks() -> [String] {
        var paths = [
            (gitDirectory as NSString).appendingPathComponent("index.lock"),
            (gitDirectory as NSString).appendingPathComponent("HEAD.lock"),
            (commonDirectory as NSString).appendingPathComponent("packed-refs.lock"),
            (commonDirectory as NSString).appendingPathComponent("config.lock"),
        ]
        var trees = ["refs/heads/osslwatch"]
        if let remote { trees.append("refs/remotes/\(remote)") }
        for tree in trees {
            let root = (commonDirectory as NSString).appendingPathComponent(tree)
            guard let walker = FileManager.default.enumerator(atPath: root) else { continue }
            while let relative = walker.nextObject() as? String {
                if relative.hasSuffix(".lock") { paths.append((root as NSString).appendingPathComponent(relative)) }
            }
        }
        return paths.filter { path in
            var info = stat()
            return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
        }
    }

    /// Removes the present locks once no osslwatch child runs (waiting until `timeout` for
    /// them), logging each removal; returns the removed paths.
    func recover(timeout: Double) async throws(StepError) -> [String] {
        guard !presentLocks().isEmpty else { return [] }
        let path = childLockPath
        let deadline = ContinuousClock.now + SpawnedProcess.seconds(timeout)
        let held = await DedicatedThread.run(name: "osslwatch-gitlock") { cancellation in
            ChildLock.holdExclusive(path, until: deadline, cancellation: cancellation)
        }
        guard let fd = try held.get() else {
            logger?.warning(
                "git lock files left in place: a program osslwatch started still runs",
                metadata: ["repository_git_dir": "\(gitDirectory)", "locks": "\(presentLocks())"])
            return []
        }
        defer { close(fd) }
        var removed: [String] = []
        for lock in presentLocks() {
            if unlink(lock) == 0 {
                removed.append(lock)
                logger?.warning(
                    "removed a stale git lock: no git started by osslwatch is alive to hold it",
                    metadata: ["lock": "\(lock)"])
            } else {
                let reason = String(cString: strerror(errno))
                throw StepError(.io, "cannot remove the stale git lock \(lock): \(reason)")
            }
        }
        return removed
    }
}
