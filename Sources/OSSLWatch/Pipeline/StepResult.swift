public import OSSLWatchCore

/// How one execution of a step ended, as the runner records it after the effect.
public struct StepResult: Sendable, Hashable {
    /// `done` or `failed`; nil when the step was stopped by the daemon stopping: its row stays
    /// `running` and the recovery rule decides at the next start.
    public var state: StepState?
    public var reason: String?
    public var exitCode: Int32?
    public var stdoutPath: String?
    public var stderrPath: String?
    /// The digest verify-tarball proved, recorded on the run.
    public var sha256: String?

    public init(
        state: StepState?, reason: String? = nil, exitCode: Int32? = nil, stdoutPath: String? = nil,
        stderrPath: String? = nil, sha256: String? = nil
    ) {
        self.state = state
        self.reason = reason
        self.exitCode = exitCode
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
        self.sha256 = sha256
    }

    /// Whether the effect was only printed (`--dry-run`): the attempt records "dry run".
    var isDryRun: Bool { state == .done && reason == "dry run" }

    static func failed(_ error: StepError) -> StepResult {
        StepResult(state: .failed, reason: error.message)
    }
}
