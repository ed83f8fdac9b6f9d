import Foundation
import OSSLWatchCore

/// Turns a `CheckReport` into what a person reads in a terminal, or into stable JSON.
public enum CheckReportRenderer {
    /// JSON for scripts, the form every command's `--json` has: sorted keys, ISO 8601 dates,
    /// versions as canonical strings.
    public static func json(_ report: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }

    /// A plain-text report: a feed table, then a block per project.
    public static func text(_ report: CheckReport) -> String {
        var lines = ["osslwatch check at \(timestamp(report.checkedAt))", "", "Feeds"]
        var rows = [["FEED", "KIND", "RESULT", "LAST SUCCESS", "ERRORS", "NOTE"]]
        for outcome in report.feeds {
            let state = report.feedStates.first { $0.name == outcome.feed }
            rows.append([
                outcome.feed,
                outcome.kind.rawValue,
                resultText(outcome),
                state?.lastSuccess.map(timestamp) ?? "never",
                String(state?.errorStreak ?? 0),
                note(for: outcome),
            ])
        }
        lines += table(rows).map { "  " + $0 }
        for project in report.projects {
            lines.append("")
            lines.append("Project \(project.name)")
            guard let linked = project.linked, let verdict = project.verdict else {
                lines.append("  linked     unreadable: \(project.linkedError ?? "unknown error")")
                continue
            }
            lines.append("  linked     \(linked.version) (\(linked.origin))")
            lines.append("  verdict    \(verdict.kind.rawValue): \(verdict.message)")
            let others = verdict.findings.filter { $0 != verdict.kind && $0 != .upToDate }
            if !others.isEmpty {
                lines.append("  also       \(others.map(\.rawValue).joined(separator: ", "))")
            }
            if let confirmation = verdict.confirmation {
                lines.append("  confirmed  \(confirmation.summary)")
            }
            let latest = verdict.latestPerSeries.sorted { $0.key > $1.key }.prefix(6)
                .map { "\($0.key): \($0.value)" }
            if !latest.isEmpty {
                lines.append("  latest     \(latest.joined(separator: "  "))")
            }
            lines += securityLines(
                verdict, series: report.series, knownAdvisories: report.knownAdvisories, now: report.checkedAt,
                withSupport: true
            )
            .map { "  " + $0 }
        }
        lines.append("")
        lines.append("exit \(report.exitCode.rawValue): \(report.exitCode.meaning)")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func resultText(_ outcome: FeedPollOutcome) -> String {
        (outcome.status.map { "\($0) " } ?? "") + outcome.result.rawValue
    }

    private static func note(for outcome: FeedPollOutcome) -> String {
        switch outcome.result {
        case .updated:
            let shown = outcome.newVersions.sorted(by: >).prefix(6).map(\.description).joined(separator: " ")
            let more = outcome.newVersions.count > 6 ? " and \(outcome.newVersions.count - 6) more" : ""
            let new = outcome.newVersions.isEmpty ? "" : ", new: \(shown)\(more)"
            return "\(outcome.observations) entries\(new)"
        case .unchanged:
            return "not modified"
        case .failed, .backingOff:
            let next = outcome.nextPoll.map { " (next try \(timestamp($0)))" } ?? ""
            return (outcome.error ?? "error") + next
        }
    }

    /// Left-aligned columns two spaces apart; the last column is never padded.
    public static func table(_ rows: [[String]]) -> [String] {
        guard let columns = rows.map(\.count).max() else { return [] }
        var widths = Array(repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() where index < columns - 1 {
                widths[index] = max(widths[index], cell.count)
            }
        }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return formatter.string(from: date)
    }
}

/// The lines about security that `check` and `status` share: known CVEs of the linked version,
/// what the target fixes, the support state of the series, and any pre-announced release.
extension CheckReportRenderer {
    /// Lines labelled in an 11-column field ("cves       ..."), without the leading indent.
    /// - Parameters:
    ///   - knownAdvisories: how many advisories the store holds; with none, the report says so
    ///     instead of a reassuring "none known".
    ///   - withSupport: include the `support` line even when the series is not near its end.
    static func securityLines(
        _ verdict: Verdict, series: [SeriesInfo], knownAdvisories: Int, now: Date, withSupport: Bool
    ) -> [String] {
        var lines: [String] = []
        let label = { (name: String) in name.padding(toLength: 11, withPad: " ", startingAt: 0) }
        if verdict.vulnerabilities.isEmpty {
            if knownAdvisories == 0 {
                lines.append(label("cves") + "none known: no advisories stored (configure a secadv or cve-json feed)")
            } else {
                lines.append(label("cves") + "none known for \(verdict.linked) (\(knownAdvisories) advisories stored)")
            }
        } else {
            let rows = verdict.vulnerabilities.map { vulnerability in
                [
                    vulnerability.cve, vulnerability.severity?.rawValue ?? "severity unknown",
                    vulnerability.fixedBy.map { "fixed in \($0)\(vulnerability.premiumOnly ? " (premium only)" : "")" }
                        ?? "no fix named for \(verdict.linked.series)",
                    vulnerability.title,
                ]
            }
            for (index, row) in table(rows).enumerated() {
                lines.append(label(index == 0 ? "cves" : "") + row)
            }
        }
        if let target = verdict.target, !verdict.fixes.isEmpty {
            let highest = verdict.severity.map { ", highest \($0.rawValue)" } ?? ""
            let all = Set(verdict.fixes) == Set(verdict.vulnerabilities.map(\.cve))
            let which =
                all && verdict.fixes.count > 1
                ? (verdict.fixes.count == 2 ? "both above" : "all \(verdict.fixes.count) above")
                : verdict.fixes.joined(separator: ", ")
            lines.append(label("fixes") + "\(target) fixes \(which)\(highest): a security release")
        }
        if let support = supportLine(verdict, series: series, now: now, always: withSupport) {
            lines.append(label("support") + support)
        }
        if let expected = verdict.expectedRelease {
            let severity = expected.highestSeverity.map { ", highest severity \($0.rawValue)" } ?? ""
            let versions =
                expected.versions.isEmpty ? "" : " (\(expected.versions.map(\.description).joined(separator: ", ")))"
            lines.append(
                label("expected")
                    + "security release on \(VerdictEngine.day(expected.expected))\(severity)\(versions): "
                    + expected.title)
        }
        return lines
    }

    /// "3.0 LTS until 07 Sep 2026: eol-soon (in 40 days); move to 3.5 LTS or 4.0"; `nil` when the
    /// series is unknown, or when it is not near its end and `always` is off.
    static func supportLine(_ verdict: Verdict, series: [SeriesInfo], now: Date, always: Bool) -> String? {
        let linkedSeries = verdict.linked.series
        let info = series.first { $0.series == linkedSeries }
        guard let eol = verdict.eol ?? info?.eol else { return nil }
        let lts = info?.lts == true ? " LTS" : ""
        let move = verdict.supportedSeries.map { candidate in
            candidate.description + (series.first { $0.series == candidate }?.lts == true ? " LTS" : "")
        }
        let moveText = move.isEmpty ? "" : "; move to \(move.joined(separator: " or "))"
        if verdict.findings.contains(.linkedSeriesEOL) {
            return "\(linkedSeries)\(lts) ended \(eol): \(VerdictKind.linkedSeriesEOL.rawValue)\(moveText)"
        }
        if verdict.findings.contains(.eolSoon) {
            let days = Int((eol.start.timeIntervalSince(now) / 86_400).rounded(.up))
            return "\(linkedSeries)\(lts) until \(eol): \(VerdictKind.eolSoon.rawValue) (in \(days) days)\(moveText)"
        }
        return always ? "\(linkedSeries)\(lts) until \(eol)" : nil
    }
}
