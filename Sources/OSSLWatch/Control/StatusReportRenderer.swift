import Foundation
import OSSLWatchCore

/// Turns a `StatusReport` into terminal text or stable JSON, like `CheckReportRenderer`.
public enum StatusReportRenderer {
    /// JSON for scripts: sorted keys, ISO 8601 dates, versions as canonical strings.
    public static func json(_ report: StatusReport) throws -> String { try CheckReportRenderer.json(report) + "\n" }

    /// Daemon line, feed table, one line per project, pending requests.
    public static func text(_ report: StatusReport) -> String {
        var lines = ["osslwatch status at \(CheckReportRenderer.timestamp(report.generatedAt))"]
        let daemon = report.daemon
        if daemon.running, let pid = daemon.pid {
            lines.append("daemon     running (pid \(pid), \(daemon.pidFile))")
        } else {
            lines.append("daemon     not running (\(daemon.pidFile): \(daemon.detail ?? "no pid file"))")
        }
        lines.append("state      \(report.stateDirectory)")
        lines.append("")
        lines.append("Feeds")
        var rows = [["FEED", "HEALTH", "LAST SUCCESS", "STATUS", "ERRORS", "NEXT POLL", "NOTE"]]
        for feed in report.feeds {
            let next = [feed.nextPoll, feed.notBefore].compactMap { $0 }.max()
            rows.append([
                feed.name, feed.health.rawValue, feed.lastSuccess.map(CheckReportRenderer.timestamp) ?? "never",
                feed.lastStatus.map(String.init) ?? "-", String(feed.errorStreak),
                next.map(CheckReportRenderer.timestamp) ?? "-", feed.lastError ?? "",
            ])
        }
        lines += CheckReportRenderer.table(rows).map {
            ("  " + $0).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        lines.append("")
        lines.append("Projects")
        for project in report.projects {
            guard let verdict = project.verdict, let at = project.computedAt else {
                lines.append("  \(project.name): no verdict yet (run `osslwatch check` or start the daemon)")
                continue
            }
            lines.append(
                "  \(project.name): \(verdict.kind.rawValue), linked \(verdict.linked): \(verdict.message) "
                    + "(as of \(CheckReportRenderer.timestamp(at)))")
            lines += CheckReportRenderer.securityLines(
                verdict, series: report.series, knownAdvisories: report.knownAdvisories, now: report.generatedAt,
                withSupport: false
            )
            .map { "    " + $0 }
        }
        lines.append("")
        if report.pendingRequests.isEmpty {
            lines.append("Pending requests: none")
        } else {
            lines.append("Pending requests")
            for request in report.pendingRequests {
                let what =
                    request.kind == .run
                    ? "run \(request.project ?? "?") \(request.version?.description ?? "?")" : "poll"
                lines.append(
                    "  #\(request.id)  \(what)  since \(CheckReportRenderer.timestamp(request.createdAt))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
