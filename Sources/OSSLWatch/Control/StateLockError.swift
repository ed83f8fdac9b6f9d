/// The state directory's lock is held by another daemon, or could not be taken or read.
public struct StateLockError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// Another process holds the lock: a daemon already runs on this store.
        case held
        /// Creating, opening, locking or querying the file failed.
        case io
    }

    public let code: Code
    /// The lock file (or the directory it would be in).
    public let path: String
    public let message: String
    /// The pid holding the lock, for `.held` when the kernel named it.
    public let holder: Int32?

    public init(_ code: Code, path: String, _ message: String, holder: Int32? = nil) {
        self.code = code
        self.path = path
        self.message = message
        self.holder = holder
    }

    public var description: String { code == .held ? message : "\(path): \(message)" }

    /// sysexits: EX_TEMPFAIL (75) while another daemon runs, so a supervisor may try later;
    /// EX_CANTCREAT (73) when the file cannot be made.
    public var exitStatus: Int32 { code == .held ? 75 : 73 }
}
