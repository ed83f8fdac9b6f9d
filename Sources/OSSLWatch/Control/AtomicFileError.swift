/// A file could not be replaced atomically: creating, writing or renaming its temporary failed.
public struct AtomicFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The temporary file could not be created (missing directory, no permission).
        case create
        /// Writing, setting the mode of or closing the temporary file failed (full disk).
        case write
        /// The rename over the target failed; the target is unchanged.
        case rename
    }

    public let code: Code
    /// The target file.
    public let path: String
    public let message: String

    public init(_ code: Code, path: String, _ message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
