/// The daemon's pid file could not be written.
///
/// Nothing reads the file to find the daemon (the commands ask the kernel who holds the state
/// directory's `StateLock`), so writing is the only thing that can fail.
public struct PIDFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// Writing or renaming the file failed.
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

    public var description: String { "\(path): \(message)" }
}
