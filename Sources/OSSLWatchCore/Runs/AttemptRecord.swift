public import Foundation

/// One execution of a step: the row is written before the effect starts and completed after
/// it, so an attempt without `finishedAt` is one a crash interrupted.
public struct AttemptRecord: Sendable, Hashable, Codable {
    public var runID: Int64
    public var step: String
    /// 1 for the first attempt of the step in this run.
    public var number: Int
    public var startedAt: Date
    public var finishedAt: Date?
    /// A command's exit status; nil for other kinds or when it did not exit normally.
    public var exitCode: Int32?
    public var stdoutPath: String?
    public var stderrPath: String?
    /// How the attempt ended; nil while it runs.
    public var outcome: AttemptOutcome?

    public init(
        runID: Int64, step: String, number: Int, startedAt: Date, finishedAt: Date? = nil, exitCode: Int32? = nil,
        stdoutPath: String? = nil, stderrPath: String? = nil, outcome: AttemptOutcome? = nil
    ) {
        self.runID = runID
        self.step = step
        self.number = number
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.exitCode = exitCode
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
        self.outcome = outcome
    }
}

/// How an attempt ended, as the `outcome` column of its row holds it (the raw value).
public enum AttemptOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// The effect happened.
    case done
    /// The effect failed; for an announce step, the server refused the message for good.
    case failed
    /// The effect may or may not have happened; a person checks.
    case needsAttention = "needs-attention"
    /// The effect did not happen; the step runs again.
    case pending
    /// The effect was only printed (`--dry-run`).
    case dryRun = "dry run"
    /// A crash cut the attempt short.
    case interrupted
    /// An announce step's message was accepted by the server.
    case sent
    /// An announce step's message met a temporary failure and is tried again.
    case retryWait = "retry-wait"
    /// An announce step's send could not start (the SMTP password was unreadable).
    case notStarted = "not started"
    // The other words of a step's or a message's state, so that every state an attempt can end
    // in is recorded as its own word (a test checks both enums map onto this one).
    case running, skipped, drafted, approved, sending, cancelled
    case waitingApproval = "waiting-approval"

    /// What a step's attempt that ended in `state` (one of `RunMachine.outcomes`) records.
    public init(_ state: StepState) { self = Self(rawValue: state.rawValue) ?? .failed }

    /// What an announce step's attempt records for the state its message was left in by the
    /// sender (sent, retry-wait, failed or needs-attention; any state is its own word).
    public init(_ state: OutboxState) { self = Self(rawValue: state.rawValue) ?? .pending }
}
