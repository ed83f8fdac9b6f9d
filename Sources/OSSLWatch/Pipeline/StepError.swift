public import OSSLWatchCore

/// Why a pipeline step could not do its work: one line a human can act on, and a code the
/// run state machine can branch on (stop the run, retry later, wait for attention).
public typealias StepError = OneLineError<StepErrorCode>

/// The codes of `StepError`, for the callers that branch on them.
public enum StepErrorCode: String, Sendable, Hashable, Codable {
    /// A value handed to a step breaks its grammar (a next release that is not digits and
    /// dots, a CVE id that is not one, a step name unfit for a file name).
    case invalidInput = "invalid-input"
    /// A file the step needs does not exist or cannot be read (keyring, pin file, artifact).
    case missingFile = "missing-file"
    /// A pattern does not compile, lacks its named group, or matches nothing usable.
    case badPattern = "bad-pattern"
    /// A file could not be fetched (network, HTTP status, size cap).
    case downloadFailed = "download-failed"
    /// The published `.sha256` is unusable or differs from the tarball's digest.
    case checksumMismatch = "checksum-mismatch"
    /// gpgv did not report a good signature by the expected key.
    case badSignature = "bad-signature"
    /// The program could not be started (not found, not executable, spawn failed).
    case spawnFailed = "spawn-failed"
    /// The program ran and exited non-zero or was killed.
    case commandFailed = "command-failed"
    /// The program ran longer than its timeout and was stopped.
    case timedOut = "timed-out"
    /// The git checkout is not in a state the step may change (dirty, conflicting branch).
    case repositoryState = "repository-state"
    /// The change a step would make is already there outside its own branch (the pin
    /// already names the target and digest); there is nothing to commit.
    case alreadyCurrent = "already-current"
    /// A built artifact does not link the target OpenSSL version.
    case artifactMismatch = "artifact-mismatch"
    /// A local file operation failed (cannot create a directory, write a file).
    case io
    /// The calling task was cancelled.
    case cancelled
}
