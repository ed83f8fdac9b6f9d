import Foundation
import OSSLWatchCore

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
