import Foundation
import OSSLWatchCore

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

    /// `<state directory>/git-journal`.
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
