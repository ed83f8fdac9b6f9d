public import Foundation
public import OSSLWatchCore

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
            throw PIDFileError(.io, path: path, "\(error)")
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

    /// One positive decimal pid, optionally followed by a newline; nothing else.
    static func parse(_ text: String) -> pid_t? {
        var digits = Substring(text)
        if digits.hasSuffix("\n") { digits = digits.dropLast() }
        guard (1...10).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let value = Int32(digits), value > 0
        else { return nil }
        return value
    }
}

/// The daemon's pid file could not be written.
///
/// Nothing reads the file to find the daemon (the commands ask the kernel who holds the state
/// directory's `StateLock`), so writing is the only thing that can fail.
public typealias PIDFileError = PathError<PIDFileErrorCode>

/// The codes of `PIDFileError`, for the callers that branch on them.
public enum PIDFileErrorCode: String, Sendable, Hashable {
    /// Writing or renaming the file failed.
    case io
}
