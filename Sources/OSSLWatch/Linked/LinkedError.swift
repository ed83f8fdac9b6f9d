public import OSSLWatchCore

/// Why the linked version could not be read: one line naming the file and, for pin files,
/// the pattern, so the config can be fixed without guessing.
public typealias LinkedError = OneLineError<LinkedErrorCode>

/// The codes of `LinkedError`.
public enum LinkedErrorCode: String, Sendable, Hashable {
    /// The configured file does not exist.
    case missingFile = "missing-file"
    /// The file exists but cannot be read (permissions, a directory, an I/O error, too large).
    case unreadable
    /// The pattern does not compile or lacks the `version` group.
    case badPattern = "bad-pattern"
    /// The pattern matched nothing, or the binary/wheel holds no OpenSSL version.
    case noMatch = "no-match"
    /// Several different versions (or hashes) were found; the source does not say which is linked.
    case ambiguous
    /// A wheel's SBOM and the version text in its extension modules name different
    /// OpenSSL versions; the wheel itself does not say which one is linked.
    case disagreement
    /// A match was found but its text is not an OpenSSL version (or not a SHA-256).
    case notAVersion = "not-a-version"
    /// The wheel is not a readable zip archive.
    case notAZip = "not-a-zip"
    /// A wheel member is larger than the reader accepts (a zip bomb or not a wheel).
    case tooLarge = "too-large"
}

extension LinkedError {
    /// A source file that is absent is `missingFile`; any other problem with it is `unreadable`.
    static func file(_ problem: PipelineFiles.FileProblem, _ message: String) -> LinkedError {
        LinkedError(problem == .absent ? .missingFile : .unreadable, message)
    }
}
