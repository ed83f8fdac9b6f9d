import Foundation
import Logging
import OSSLWatch
import OSSLWatchCore
import OSSLWatchStore

/// The daemon's side of a `PollRound`: the round itself, with the metrics file of `osslwatch
/// run`, and its summary turned into the `STATUS=` line the loop sends to systemd (`DaemonStatus`).
struct DaemonRound: Sendable {
    let round: PollRound
    let logger: Logger

    init(watcher: Watcher, logger: Logger) {
        round = PollRound(watcher: watcher, metricsFile: watcher.configuration.daemon.metricsFile)
        self.logger = logger
    }

    /// Polls `feeds` and re-derives every verdict; never throws: what fails is logged.
    func perform(feeds: [FeedSettings], force: Bool, requests: [Int64]) async -> DaemonRoundSummary {
        summary(await round.perform(feeds: feeds, force: force, answering: requests))
    }

    /// Derives every verdict from what the store holds, polling nothing (`PollRound.derive`).
    func rederive(reason: String) async -> DaemonRoundSummary {
        summary(await round.derive(reason: reason))
    }

    private func summary(_ summary: PollRound.Summary) -> DaemonRoundSummary {
        let status = DaemonStatus.line(
            projects: summary.projects, feeds: round.configuration.feeds,
            states: (try? summary.feedStates.get()) ?? [], now: round.watcher.surroundings.now())
        logger.info("status after the round", metadata: ["status": "\(status)"])
        return DaemonRoundSummary(outcomes: summary.outcomes, status: status)
    }
}

/// What one poll round did, handed from the round's task back to the loop.
struct DaemonRoundSummary: Sendable, Hashable {
    /// The feeds polled, in configuration order.
    var outcomes: [FeedPollOutcome]
    /// The `STATUS=` line after the round.
    var status: String
}

/// The `STATUS=` line `systemctl status` shows: per project what it links and what it should
/// move to, how urgent that is, then the feeds' health.
enum DaemonStatus {
    /// e.g. "cryptography: linked 3.5.3, upstream 3.5.4 (patch-update, fixes High); 5 feeds ok".
    static func line(
        projects: [CheckReport.ProjectReport], feeds: [FeedSettings], states: [FeedState], now: Date
    ) -> String {
        var parts = projects.map { projectPart($0, now: now) }
        parts.append(feedPart(feeds: feeds, states: states))
        return parts.joined(separator: "; ")
    }

    static func projectPart(_ project: CheckReport.ProjectReport, now: Date) -> String {
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
