public import Foundation
public import OSSLWatchCore
public import OSSLWatchStore

/// What `osslwatch runs` shows: one row per run, newest first, with the step it stands at.
///
/// Built from store records only, so the CLI can show runs while the daemon is down.
public struct RunsReport: Sendable, Encodable {
    /// One run in the list.
    public struct Row: Sendable, Encodable, Hashable {
        public var id: Int64
        public var project: String
        public var previous: OpenSSLVersion
        public var target: OpenSSLVersion
        public var nextRelease: String?
        public var state: RunState
        public var reason: String?
        /// The first step that is neither done nor skipped; nil once every step is.
        public var currentStep: String?
        public var currentStepState: StepState?
        public var updatedAt: Date

        public init(run: RunRecord, steps: [StepRecord]) {
            id = run.id
            project = run.project
            previous = run.previous
            target = run.target
            nextRelease = run.nextRelease
            state = run.state
            reason = run.reason
            let current = RunsReport.currentStep(of: steps)
            currentStep = current?.name
            currentStepState = current?.state
            updatedAt = max(run.updatedAt, steps.map(\.updatedAt).max() ?? run.updatedAt)
        }
    }

    public var generatedAt: Date
    public var runs: [Row]

    public init(generatedAt: Date, runs: [Row]) {
        self.generatedAt = generatedAt
        self.runs = runs
    }

    /// Every run (of `project` when given), newest first, with the step each stands at.
    public static func load(store: Store, project: String? = nil, now: Date = Date()) throws(StoreError) -> RunsReport {
        var rows: [Row] = []
        for run in try store.runs(project: project).sorted(by: { $0.id > $1.id }) {
            rows.append(Row(run: run, steps: try store.steps(run: run.id)))
        }
        return RunsReport(generatedAt: now, runs: rows)
    }

    /// The step a run stands at: the first in order that is neither done nor skipped.
    public static func currentStep(of steps: [StepRecord]) -> StepRecord? {
        steps.sorted { $0.index < $1.index }.first { $0.state != .done && $0.state != .skipped }
    }
}
