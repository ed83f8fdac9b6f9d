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
    /// How the attempt ended: `done`, `failed`, `interrupted`, `dry run`.
    public var outcome: String?

    public init(
        runID: Int64, step: String, number: Int, startedAt: Date, finishedAt: Date? = nil, exitCode: Int32? = nil,
        stdoutPath: String? = nil, stderrPath: String? = nil, outcome: String? = nil
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
