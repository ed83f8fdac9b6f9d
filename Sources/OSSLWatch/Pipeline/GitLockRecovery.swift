import Foundation
import Logging
import OSSLWatchCore
import OSSLWatchTransport

#if canImport(Glibc)
    // libc's structs (stat, timespec, flock, sockaddr_un) reach Swift through whichever of these
    // C module copies the compiler met first, which differs between debug and whole-module
    // builds; MemberImportVisibility wants the one it picked imported by name.
    import CDispatch
    import CoreFoundation
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Removes the git lock files a killed or timed-out git of osslwatch left in its checkout,
/// when and only when they are provably osslwatch's own and no git it started can still
/// hold them; any other lock is someone else's (a person's `git commit` with its editor
/// open, an IDE's fetch) and is left alone, failing the step with what to check.
///
/// git takes a lock by creating `<file>.lock` and renames or deletes it when done; killed in
/// between (the daemon SIGKILLed while `update-ref` ran), the file stays and every later
/// command that needs the same lock fails with "File exists". Which locks: those the
/// update-pin commands take, `index.lock` and `HEAD.lock` (checkout), ref locks under
/// `refs/heads/osslwatch/` (update-ref) and under `refs/remotes/<remote>/` (fetch of the
/// base), `packed-refs.lock` and `config.lock`. Nothing else in the git dir is touched. The
/// osslwatch branch namespace gets no blanket pass: update-pin checks its branch out, so a
/// person amending the bump there takes `refs/heads/osslwatch/<name>.lock` too.
///
/// Ours is proven by `GitAttemptJournal`: the lock's mtime falls within the last journaled
/// git command (from its start to its end, or to this daemon's start when the daemon died
/// during it). Stale is proven by `ChildLock`: taken exclusively, no child of any osslwatch
/// process is alive, and none starts while it is held. When children do run (a git
/// orphaned by a killed daemon), recovery waits for them up to the git timeout, or until the
/// daemon stops, then leaves the files alone.
struct GitLockRecovery {
    /// The checkout, for messages.
    let repository: String
    /// The repository's git dir (`index.lock`, `HEAD.lock`) and common dir (refs, config).
    let gitDirectory: String
    let commonDirectory: String
    /// The remote the base is fetched from, whose tracking refs fetch locks.
    let remote: String?
    let childLockPath: String
    /// When osslwatch's last git command in this checkout could have made a lock, read
    /// before this attempt ran any journaled command; `nil` when none is journaled.
    let window: GitAttemptJournal.Window?
    /// The daemon's stop flag, which ends the wait for old children.
    let stop: CancellationFlag?
    let logger: Logger?

    /// The lock files of ours that exist now.
    func presentLocks() -> [String] {
        var paths = [
            (gitDirectory, "index.lock"), (gitDirectory, "HEAD.lock"), (commonDirectory, "packed-refs.lock"),
            (commonDirectory, "config.lock"),
        ].map { ($0 as NSString).appendingPathComponent($1) }
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

    /// Removes the present locks once they are shown to be ours and no osslwatch child runs
    /// (waiting until `timeout` for them), logging each removal; returns the removed paths.
    /// Throws, touching nothing, when a present lock is not provably ours.
    func recover(timeout: Double) async throws(StepError) -> [String] {
        let present = presentLocks()
        guard !present.isEmpty else { return [] }
        for lock in present {
            guard let made = GitAttemptJournal.modified(lock) else { continue }
            if let window, window.contains(made) { continue }
            throw foreign(lock, made: made)
        }
        let path = childLockPath
        let deadline = ContinuousClock.now + SpawnedProcess.seconds(timeout)
        let stop = self.stop
        let held = await DedicatedThread.run(name: "osslwatch-gitlock") { cancellation in
            ChildLock.holdExclusive(path, until: deadline, cancellation: cancellation, stop: stop)
        }
        guard let fd = try held.get() else {
            if Task.isCancelled || stop?.isCancelled == true {
                throw StepError(.cancelled, "stopped while waiting for osslwatch's children to leave \(repository)")
            }
            logger?.warning(
                "git lock files left in place: a program osslwatch started still runs",
                metadata: ["repository_git_dir": "\(gitDirectory)", "locks": "\(presentLocks())"])
            return []
        }
        defer { close(fd) }
        var removed: [String] = []
        for lock in presentLocks() {
            guard let made = GitAttemptJournal.modified(lock), window?.contains(made) == true else {
                throw foreign(lock, made: GitAttemptJournal.modified(lock) ?? 0)
            }
            guard unlink(lock) == 0 else {
                throw StepError(.io, "cannot remove the stale git lock \(lock): \(String(cString: strerror(errno)))")
            }
            removed.append(lock)
            logger?.warning(
                "removed a stale git lock: made by a git of osslwatch that is no longer alive",
                metadata: ["lock": "\(lock)"])
        }
        return removed
    }

    /// The error for a lock osslwatch cannot show to be its own.
    private func foreign(_ lock: String, made: Int64) -> StepError {
        let when = Self.describe(made)
        let why: String
        if let window {
            let end = window.interrupted ? "this daemon started" : "it ended"
            why =
                "it was made at \(when), outside osslwatch's last git command there (started \(Self.describe(window.from)), until \(end) at \(Self.describe(window.through)))"
        } else {
            why = "it was made at \(when) and osslwatch has no git command of its own journaled there"
        }
        return StepError(
            .repositoryState,
            "git lock \(lock) exists and is not osslwatch's: \(why). Another git may be using \(repository) (a person, an editor or IDE): check that none runs there (ps -C git -o pid,args; fuser \(lock)), then remove the file with rm \(lock) and retry the step"
        )
    }

    private static func describe(_ nanoseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(nanoseconds) / 1e9))
    }
}

/// The evidence that a git lock file in a checkout was left by a git osslwatch started: when
/// its git commands in that checkout ran, and whether the last one was cut off.
///
/// Before each git command that can take a lock, `running` is created (its mtime is when
/// the command started); after the command is gone, `ended` is touched and `running` is
/// renamed to `started`. So `running` still present means the daemon died during that
/// command, which can have left locks made between its start and the start of this daemon;
/// otherwise a lock of the last command can only date from between `started` and `ended`
/// (a git SIGKILLed at its timeout). A lock made at any other time belongs to someone else
/// (a person's git, an IDE) and must not be touched. Times are file mtimes set by the same
/// kernel clock that stamps the lock files, so they compare without conversion.
///
/// One directory per checkout under `<state directory>/git-journal/`, named by a hash of the
/// checkout's path.
struct GitAttemptJournal {
    let directory: String

    /// When a lock of ours can have been made, in nanoseconds since the epoch, and whether
    /// the command was cut off by the daemon's end.
    struct Window {
        let from: Int64
        let through: Int64
        let interrupted: Bool

        /// Strictly before `through`: file times come from the kernel's coarse clock (a tick of
        /// a few milliseconds), so a lock a person's git takes in the same tick as our command's
        /// end (or the daemon's start) would otherwise pass for ours; a lock of ours that ties
        /// is left for a human, the safe side.
        func contains(_ time: Int64) -> Bool { from <= time && time < through }
    }

    static func directory(stateDirectory: String) -> String {
        (stateDirectory as NSString).appendingPathComponent("git-journal")
    }

    init(root: String, repository: String) {
        let key = (repository as NSString).standardizingPath
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        directory = (root as NSString).appendingPathComponent(String(format: "%016llx", hash))
    }

    private var running: String { (directory as NSString).appendingPathComponent("running") }
    private var started: String { (directory as NSString).appendingPathComponent("started") }
    private var ended: String { (directory as NSString).appendingPathComponent("ended") }

    /// The window of the last git command journaled here, or `nil` when none was. Read it
    /// before this attempt runs a journaled command.
    func window(processStart: Int64) -> Window? {
        if let from = Self.modified(running) {
            return Window(from: from, through: processStart, interrupted: true)
        }
        guard let from = Self.modified(started), let through = Self.modified(ended) else { return nil }
        return Window(from: from, through: through, interrupted: false)
    }

    /// Marks a git command as started.
    func begin() throws(StepError) {
        try PipelineFiles.makeDirectory(directory, kind: "git journal")
        try Self.touch(running)
    }

    /// Marks the command `begin` announced as gone.
    func end() throws(StepError) {
        try Self.touch(ended)
        guard rename(running, started) == 0 else {
            throw StepError(.io, "cannot rename \(running): \(String(cString: strerror(errno)))")
        }
    }

    /// A file's mtime in nanoseconds since the epoch, or `nil` when it does not exist.
    static func modified(_ path: String) -> Int64? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    }

    /// Creates `path` if needed and sets its mtime to now.
    private static func touch(_ path: String) throws(StepError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StepError(.io, "cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard futimens(fd, nil) == 0 else {
            throw StepError(.io, "cannot stamp \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// When this process started, in nanoseconds since the epoch (from `/proc/self/stat`,
    /// to a clock tick): a lock made after that cannot be one a previous daemon left.
    static let processStart: Int64 = {
        var now = timespec()
        var boot = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        clock_gettime(CLOCK_BOOTTIME, &boot)
        let nowNs = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nowNs }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // Field 22 of the whole line, the 20th after the command name: start time in ticks since boot.
        guard fields.count > 19, let ticks = Int64(fields[19]) else { return nowNs }
        let hertz = Int64(sysconf(Int32(_SC_CLK_TCK)))
        let sinceBoot = ticks * (1_000_000_000 / max(hertz, 1))
        let bootNs = Int64(boot.tv_sec) * 1_000_000_000 + Int64(boot.tv_nsec)
        return nowNs - (bootNs - sinceBoot)
    }()
}
