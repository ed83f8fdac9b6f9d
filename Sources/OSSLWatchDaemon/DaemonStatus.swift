import Foundation
import OSSLWatch
import OSSLWatchCore

/// The `STATUS=` line `systemctl status` shows: per project what it links and what it should
/// move to, how urgent that is, then the feeds' health.
enum DaemonStatus {
    /// e.g. "cryptography: linked 3.5.3, upstream 3.5.4 (patch-update, fixes High); 5 feeds ok".
    static func line(
        projects: [CheckReport.ProjectReport], feeds: [FeedSettings], states: [FeedState], now: Date = Date()
    ) -> String {
        var parts = projects.map { projectPart($0, now: now) }
        parts.append(feedPart(feeds: feeds, states: states))
        return parts.joined(separator: "; ")
    }

    static func projectPart(_ project: CheckReport.ProjectReport, now: Date = Date()) -> String {
        guard let verdict = project.verdict else {
            return "\(project.name): linked version unreadable"
        }
        var text = "\(project.name): linked \(verdict.linked)"
        if let target = verdict.target { text += ", upstream \(target)" }
        var notes = [verdict.kind.rawValue]
        if verdict.kind == .unknown {
            // Blind, not reassured: say for how long.
            notes.append(
                verdict.lastGoodRead.map {
                    "no good release-feed read for \(ReleaseEvidence.age(now.timeIntervalSince($0)))"
                } ?? "no release feed read yet")
        }
        notes += urgency(verdict)
        return text + " (\(notes.joined(separator: ", ")))"
    }

    /// At most three short notes an operator glancing at `systemctl status` must not miss: how
    /// severe what the update fixes is, High or Critical CVEs in the linked version that the
    /// update does not fix, and a pre-announced release.
    static func urgency(_ verdict: Verdict) -> [String] {
        var notes: [String] = []
        if !verdict.fixes.isEmpty {
            notes.append("fixes " + (verdict.severity?.rawValue ?? cves(verdict.fixes.count)))
        }
        let fixed = Set(verdict.fixes)
        let open = verdict.vulnerabilities.filter { ($0.severity ?? .low) >= .high && !fixed.contains($0.cve) }
        if let worst = open.compactMap(\.severity).max() {
            notes.append(
                "affected by "
                    + (open.count == 1 ? "a \(worst.rawValue) CVE" : "\(open.count) CVEs up to \(worst.rawValue)"))
        }
        if let expected = verdict.expectedRelease {
            notes.append(
                "release expected \(VerdictEngine.day(expected.expected))"
                    + (expected.highestSeverity.map { " fixing \($0.rawValue)" } ?? ""))
        }
        return notes
    }

    static func cves(_ count: Int) -> String { count == 1 ? "1 CVE" : "\(count) CVEs" }

    static func feedPart(feeds: [FeedSettings], states: [FeedState]) -> String {
        let byName = Dictionary(states.map { ($0.name, $0) }) { first, _ in first }
        let failing = feeds.filter { byName[$0.name]?.isFailing ?? false }.map(\.name)
        let unpolled = feeds.filter { byName[$0.name]?.lastAttempt == nil }.count
        let ok = feeds.count - failing.count - unpolled
        var text = ok == feeds.count ? "\(ok) feeds ok" : "\(ok) of \(feeds.count) feeds ok"
        if !failing.isEmpty { text += " (failing: \(failing.joined(separator: ", ")))" }
        if unpolled > 0 { text += " (\(unpolled) not polled yet)" }
        return text
    }
}
