public import Foundation
public import OSSLWatchCore
public import OSSLWatchStore

/// What `osslwatch runs` shows: one row per run, newest first, with the step it stands at.
///
/// Built from store records only, so the CLI can show runs while the daemon is down.
public struct RunsReport: Sendable, Encodable {
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

    /// Every run (of `project` when given), newest first, with the step each stands at; one
    /// read, so a run's state always agrees with its steps'.
    public static func load(store: Store, project: String?, now: Date) throws(StoreError) -> RunsReport {
        let rows = try store.runSnapshots(project: project).sorted { $0.run.id > $1.run.id }
            .map { Row(run: $0.run, steps: $0.steps) }
        return RunsReport(generatedAt: now, runs: rows)
    }

    /// The step a run stands at: the first in order that is neither done nor skipped.
    public static func currentStep(of steps: [StepRecord]) -> StepRecord? {
        steps.sorted { $0.index < $1.index }.first { $0.state != .done && $0.state != .skipped }
    }
}

/// What `osslwatch runs show RUN` shows: the run's facts and every step with its attempts,
/// so an operator can tell what ran, when, how it ended and where its output is.
public struct RunsReportDetail: Sendable, Encodable {
    /// One step with the attempts made at it, oldest first; its JSON is the step's with an
    /// `attempts` key.
    @dynamicMemberLookup
    public struct Step: Sendable, Encodable, Hashable {
        public var record: StepRecord
        public var attempts: [AttemptRecord]

        public init(_ step: StepRecord, attempts: [AttemptRecord]) {
            record = step
            self.attempts = attempts.filter { $0.step == step.name }.sorted { $0.number < $1.number }
        }

        public subscript<Value>(dynamicMember field: KeyPath<StepRecord, Value>) -> Value { record[keyPath: field] }

        private enum Key: String, CodingKey { case attempts }

        public func encode(to encoder: any Encoder) throws {
            try record.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(attempts, forKey: .attempts)
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

    /// The run with its steps and attempts as one read saw them, or nil when no run has that id.
    public static func load(store: Store, run id: Int64, now: Date) throws(StoreError) -> RunsReportDetail? {
        guard let snapshot = try store.runSnapshot(id) else { return nil }
        return RunsReportDetail(
            generatedAt: now, run: snapshot.run, steps: snapshot.steps, attempts: snapshot.attempts)
    }
}

/// Turns `RunsReport` and `RunsReportDetail` into terminal text or stable JSON, like
/// `StatusReportRenderer`: sorted keys, ISO 8601 dates, versions as canonical strings.
public enum RunsReportRenderer {
    /// `CheckReportRenderer.json` of a `RunsReport` or a `RunsReportDetail`, ending with a newline.
    public static func json(_ report: some Encodable) throws -> String { try CheckReportRenderer.json(report) + "\n" }

    /// A table: id, project, previous → target, next release, state, current step, updated.
    public static func text(_ report: RunsReport) -> String {
        guard !report.runs.isEmpty else { return "No runs.\n" }
        var rows = [["ID", "PROJECT", "OPENSSL", "NEXT RELEASE", "STATE", "STEP", "UPDATED"]]
        for run in report.runs {
            let step = run.currentStep.map { name in "\(name) (\(run.currentStepState?.rawValue ?? "?"))" } ?? "-"
            rows.append([
                String(run.id), run.project, "\(run.previous) → \(run.target)", run.nextRelease ?? "-",
                run.state.rawValue, step, CheckReportRenderer.timestamp(run.updatedAt),
            ])
        }
        return CheckReportRenderer.table(rows).map(trimmed).joined(separator: "\n") + "\n"
    }

    /// The run's facts, then every step with its attempts, times, exit codes and log paths.
    public static func text(_ detail: RunsReportDetail) -> String {
        let run = detail.run
        var lines = [
            "run \(run.id): \(run.project), OpenSSL \(run.previous) → \(run.target), "
                + "next release \(run.nextRelease ?? "not known yet")"
        ]
        lines.append("state       \(run.state.rawValue)\(run.reason.map { ": \($0)" } ?? "")")
        lines.append("created     \(CheckReportRenderer.timestamp(run.createdAt))\(run.forced ? " (forced)" : "")")
        lines.append("updated     \(CheckReportRenderer.timestamp(run.updatedAt))")
        lines.append("sha256      \(run.sha256 ?? "not verified yet")")
        let advisories = run.advisories.isEmpty ? "none" : run.advisories.joined(separator: " ")
        lines.append("advisories  \(advisories)\(run.isSecurity ? " (security release)" : "")")
        if let newer = run.supersededBy { lines.append("superseded  by run \(newer)") }
        lines.append("")
        lines.append("Steps")
        for step in detail.steps {
            var head = "  \(step.index + 1). \(step.name) [\(step.kind.rawValue)] \(step.state.rawValue)"
            if let reason = step.reason { head += ": \(reason)" }
            lines.append(head)
            if let approved = step.approvedAt {
                lines.append("       approved \(CheckReportRenderer.timestamp(approved))")
            }
            for attempt in step.attempts {
                let end = attempt.finishedAt.map(CheckReportRenderer.timestamp) ?? "not finished"
                var line =
                    "       attempt \(attempt.number): \(CheckReportRenderer.timestamp(attempt.startedAt)) → \(end)"
                if let outcome = attempt.outcome { line += ", \(outcome.rawValue)" }
                if let code = attempt.exitCode { line += ", exit \(code)" }
                lines.append(line)
                if let path = attempt.stdoutPath { lines.append("         stdout \(path)") }
                if let path = attempt.stderrPath { lines.append("         stderr \(path)") }
            }
        }
        return lines.map(trimmed).joined(separator: "\n") + "\n"
    }

    private static func trimmed(_ line: String) -> String {
        line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
    }
}
