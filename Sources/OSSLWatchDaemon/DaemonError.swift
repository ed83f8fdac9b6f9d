public import OSSLWatch

/// Why `osslwatch run` could not start; the message is one line for the log and the terminal.
public struct DaemonError: Error, CustomStringConvertible, Sendable {
    public enum Code: Sendable, Hashable {
        case cannotOpenStore
        case cannotWritePIDFile
        /// The service group ended with an error instead of a clean stop.
        case stoppedUnexpectedly
        /// Another daemon holds the state directory's lock (or the lock could not be taken).
        case stateLocked(StateLockError)
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// sysexits: EX_TEMPFAIL (75) while another daemon holds the store; EX_SOFTWARE (70) when
    /// the service group failed; otherwise EX_CANTCREAT (73), a file the service needs could not
    /// be created.
    public var exitCode: Int32 {
        switch code {
        case .stateLocked(let error): error.exitStatus
        case .stoppedUnexpectedly: 70
        case .cannotOpenStore, .cannotWritePIDFile: 73
        }
    }
}
