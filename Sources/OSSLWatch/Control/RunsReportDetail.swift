public import Foundation
public import OSSLWatchCore
public import OSSLWatchStore

/// What `osslwatch runs show RUN` shows: the run's facts and every step with its attempts,
/// so an operator can tell what ran, when, how it ended and where its output is.
public struct RunsReportDetail: Sendable, Encodable {
    /// One step with the attempts made at it, oldest first.
    public struct Step: Sendable, Encodable, Hashable {
        public var index: Int
        public var name: String
        public var kind: StepKind
        public var state: StepState
        public var idempotent: Bool
        public var reason: String?
        public var approvedAt: Date?
        public var updatedAt: Date
        public var attempts: [AttemptRecord]

        public init(_ step: StepRecord, attempts: [AttemptRecord]) {
            index = step.index
            name = step.name
            kind = step.kind
            state = step.state
            idempotent = step.idempotent
            reason = step.reason
            approvedAt = step.approvedAt
            updatedAt = step.updatedAt
            self.attempts = attempts.filter { $0.step == step.name }.sorted { $0.number < $1.number }
        }
    }

    public var generatedAt: Date
    public var run: RunRecord
    public var currentStep: String?
    public var steps: [Step]

    public init(generatedAt: Date, run: RunRecord, steps: [StepRecord], attempts: [AttemptRecord]) {
        self.generatedAt = generatedAt
        self.run = run
        currentStep = RunsReport.currentStep(of: steps)?.name
        self.steps = steps.sorted { $0.index < $1.index }.map { Step($0, attempts: attempts) }
    }

    /// The run with its steps and attempts, or nil when no run has that id.
    public static func load(store: Store, run id: Int64, now: Date = Date()) throws(StoreError) -> RunsReportDetail? {
        guard let run = try store.run(id) else { return nil }
        return RunsReportDetail(
            generatedAt: now, run: run, steps: try store.steps(run: id), attempts: try store.attempts(run: id))
    }
}
