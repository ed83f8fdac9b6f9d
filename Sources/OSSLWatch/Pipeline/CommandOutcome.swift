public import OSSLWatchCore

/// What one attempt of a command did, with everything `osslwatch runs show` needs to
/// explain it: how it ended, how long it took and where its output is.
public struct CommandOutcome: Sendable, Hashable {
    /// How the attempt ended.
    public enum Termination: Sendable, Hashable, CustomStringConvertible {
        /// The program exited with this status.
        case exited(Int32)
        /// The program was killed by this signal (not by the runner).
        case signaled(Int32)
        /// The runner stopped it at its timeout (SIGTERM, then SIGKILL to the process group).
        case timedOut
        /// The runner stopped it because the calling task was cancelled.
        case cancelled
        /// Dry run: nothing was started.
        case notRun

        public var description: String {
            switch self {
            case .exited(let status): return "exit status \(status)"
            case .signaled(let signal): return "killed by signal \(signal)"
            case .timedOut: return "timed out"
            case .cancelled: return "cancelled"
            case .notRun: return "not run (dry run)"
            }
        }
    }

    public var argv: [String]
    /// The complete environment the program got (or would get, in a dry run).
    public var environment: [String: String]
    public var workingDirectory: String?
    public var termination: Termination
    public var duration: Duration
    /// `<log directory>/<step>-attempt<N>.out`; `nil` in a dry run.
    public var stdoutPath: String?
    /// `<log directory>/<step>-attempt<N>.err`; `nil` in a dry run.
    public var stderrPath: String?

    public init(
        argv: [String], environment: [String: String], workingDirectory: String?, termination: Termination,
        duration: Duration, stdoutPath: String?, stderrPath: String?
    ) {
        self.argv = argv
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.termination = termination
        self.duration = duration
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
    }

    /// Whether the command exited 0 (a dry run counts as success: it did what was asked).
    public var succeeded: Bool {
        termination == .exited(0) || termination == .notRun
    }

    /// Throws a `StepError` naming the program, how it ended and where its stderr is, unless it succeeded.
    public func requireSuccess() throws(StepError) {
        guard !succeeded else { return }
        let program = argv.first ?? "command"
        let logs = stderrPath.map { " (stderr in \($0))" } ?? ""
        switch termination {
        case .timedOut: throw StepError(.timedOut, "\(program) timed out and was stopped\(logs)")
        case .cancelled: throw StepError(.cancelled, "\(program) was stopped because the run was cancelled\(logs)")
        default: throw StepError(.commandFailed, "\(program) failed: \(termination)\(logs)")
        }
    }
}
