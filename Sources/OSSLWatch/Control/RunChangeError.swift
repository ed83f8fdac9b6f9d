/// Why `osslwatch approve|retry|skip|cancel` changed nothing; the message is one line.
public struct RunChangeError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// No run has that id.
        case unknownRun
        /// The run has no step of that name.
        case unknownStep
        /// The step or run is not in a state the change applies to; the message names the state.
        case illegalTransition
        /// The store could not be read or written.
        case store
    }

    public let code: Code
    public let message: String
    /// A sysexits status: 65 (`EX_DATAERR`) for an unknown run or step or an illegal
    /// transition, the store's own status otherwise.
    public let exitStatus: Int32

    public init(_ code: Code, _ message: String, exitStatus: Int32 = 65) {
        self.code = code
        self.message = message
        self.exitStatus = exitStatus
    }

    public var description: String { message }
}
