import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The daemon's pid file, for people and tools that look for it (systemd's `PIDFile=`, scripts).
///
/// The daemon writes it atomically at start and removes it at exit. The commands that signal
/// the daemon do not trust it: they ask the kernel who holds the state directory's
/// `StateLock`, since a file left by a killed daemon may name a pid that now belongs to
/// anything, even to a process that is also called osslwatch.
public struct PIDFile: Sendable {
    /// The file name inside the runtime directory.
    public static let fileName = "osslwatch.pid"
    /// Where the pid file lives without systemd's `RuntimeDirectory=`.
    public static let fallbackPath = "/run/osslwatch/osslwatch.pid"
    /// The process name the pid must carry (`/proc/<pid>/comm`, or the executable's base name).
    public static let processName = "osslwatch"

    public let path: String

    /// `$RUNTIME_DIRECTORY/osslwatch.pid` (systemd sets it, colon-separated when the unit lists
    /// several: the first one is ours), else `/run/osslwatch/osslwatch.pid`.
    public static func defaultPath(environment: [String: String]) -> String {
        let first = environment["RUNTIME_DIRECTORY"]?.split(separator: ":").first.map(String.init) ?? ""
        guard !first.isEmpty else { return fallbackPath }
        return (first as NSString).appendingPathComponent(fileName)
    }

    public init(path: String) {
        self.path = path
    }

    /// Writes `pid` through a temporary file in the same directory and a rename, mode 0644, so
    /// a reader sees either the old content or the whole new one.
    public func write(pid: pid_t) throws(PIDFileError) {
        do {
            try AtomicFile.write(Array("\(pid)\n".utf8), to: path, mode: 0o644)
        } catch {
            throw PIDFileError(.io, path: path, error.message)
        }
    }

    /// Removes the file, but only while it still holds this process's pid: a newer daemon's
    /// file is left alone.
    public func remove() {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            Self.parse(text) == getpid()
        else { return }
        unlink(path)
    }

    /// The pid of the running daemon, or why there is none to signal.
    public func read() throws(PIDFileError) -> pid_t {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            if access(path, F_OK) != 0, errno == ENOENT {
                throw PIDFileError(.missing, path: path, "no pid file")
            }
            throw PIDFileError(.io, path: path, "cannot read the pid file: \(error.localizedDescription)")
        }
        guard let pid = Self.parse(text) else {
            let shown = String(text.prefix(40)).debugDescription
            throw PIDFileError(.garbage, path: path, "the pid file does not hold a pid: \(shown)")
        }
        try Self.check(pid, path: path)
        return pid
    }

    /// Checks that `pid` is a live osslwatch process; `path` names the source in errors.
    public static func check(_ pid: pid_t, path: String) throws(PIDFileError) {
        // kill(0 or negative) would signal a whole process group.
        guard pid > 0 else { throw PIDFileError(.garbage, path: path, "\(pid) is not a process id") }
        if kill(pid, 0) != 0, errno == ESRCH {
            throw PIDFileError(.stale, path: path, "process \(pid) is gone (a stale pid file)")
        }
        guard let name = processName(of: pid) else {
            throw PIDFileError(.stale, path: path, "process \(pid) is gone (a stale pid file)")
        }
        guard name == processName else {
            throw PIDFileError(
                .notOsslwatch, path: path,
                "process \(pid) is \(name.debugDescription), not osslwatch (a recycled pid)")
        }
    }

    /// One positive decimal pid, optionally followed by a newline; nothing else.
    static func parse(_ text: String) -> pid_t? {
        var digits = Substring(text)
        if digits.hasSuffix("\n") { digits = digits.dropLast() }
        guard (1...10).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let value = Int32(digits), value > 0
        else { return nil }
        return value
    }

    /// The name the kernel knows the process by: `/proc/<pid>/comm` (at most 15 bytes), or the
    /// base name of `argv[0]` from `/proc/<pid>/cmdline` when comm is unreadable.
    static func processName(of pid: pid_t) -> String? {
        if let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8) {
            return comm.hasSuffix("\n") ? String(comm.dropLast()) : comm
        }
        guard let cmdline = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")),
            let first = cmdline.split(separator: 0, omittingEmptySubsequences: false).first
        else { return nil }
        return (String(decoding: first, as: UTF8.self) as NSString).lastPathComponent
    }
}
