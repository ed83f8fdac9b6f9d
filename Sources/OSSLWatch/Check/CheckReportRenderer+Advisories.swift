import Foundation
import OSSLWatchCore

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
