/// The daemon's pid file could not be written or does not name a live osslwatch.
///
/// `trigger` turns `missing`, `stale` and `notOsslwatch` into "the daemon is not running"
/// (exit 69); `garbage` and `io` are reported as they are.
public struct PIDFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// No pid file: the daemon is not running (or uses another runtime directory).
        case missing
        /// The file exists but does not hold one positive decimal pid.
        case garbage
        /// The pid names no process: the daemon died without removing its file.
        case stale
        /// The pid names a live process that is not osslwatch: the pid was recycled.
        case notOsslwatch
        /// Reading, writing or renaming the file failed.
        case io
    }

    public let code: Code
    /// The pid file concerned.
    public let path: String
    public let message: String

    public init(_ code: Code, path: String, _ message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    /// True when the error means no daemon is there to signal.
    public var meansNotRunning: Bool { code == .missing || code == .stale || code == .notOsslwatch }

    public var description: String { "\(path): \(message)" }
}
