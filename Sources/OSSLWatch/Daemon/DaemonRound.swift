import Foundation
import Logging

/// One poll round of the daemon: the due feeds, then checksum confirmation, verdicts saved to
/// the store (where the release pipeline picks up actionable ones), metrics, and the requests
/// the round answers.
struct DaemonRound: Sendable {
    let watcher: Watcher
    let logger: Logger

    var store: Store { watcher.store }
    var configuration: Configuration { watcher.configuration }

    /// Polls `feeds` concurrently (CVE-record feeds after the advisory texts) and re-derives every verdict; never throws: what fails is logged.
    func perform(feeds: [FeedSettings], force: Bool, requests: [Int64]) async -> DaemonRoundSummary {
        let started = ContinuousClock.now
        var outcomes = await watcher.pollAll(feeds, now: Date(), force: force)
        // New advisory texts name CVEs whose records a templated CVE feed fetches: poll it now
        // rather than at its own next turn, so the records arrive in the same round.
        if outcomes.contains(where: { $0.kind == .secadv && $0.result == .updated }) {
            let polled = Set(feeds.map(\.name))
            let followers = configuration.feeds.filter {
                $0.kind == .cveJSON && $0.isTemplated && !polled.contains($0.name)
            }
            if !followers.isEmpty { outcomes += await watcher.pollAll(followers, now: Date(), force: force) }
        }
        var projects: [CheckReport.ProjectReport] = []
        let cancelled = Task.isCancelled
        if !cancelled {
            do {
                let linked = watcher.readLinked()
                try await watcher.confirmByChecksum(linked: linked)
                projects = try watcher.evaluate(linked: linked, now: Date())
                try store.saveVerdicts(projects.compactMap(\.verdict), at: Date())
            } catch {
                logger.error("verdicts not updated", metadata: ["error": "\(error)"])
            }
            writeMetrics()
        }
        for id in requests {
            do {
                try store.markHandled(id, at: Date(), note: "polled \(feeds.count) feeds")
            } catch {
                logger.error("request not marked handled", metadata: ["request": "\(id)", "error": "\(error)"])
            }
        }
        let states = (try? store.feedStates()) ?? []
        let status = DaemonStatus.line(projects: projects, feeds: configuration.feeds, states: states)
        let duration = (ContinuousClock.now - started).seconds
        let count = { (result: FeedPollOutcome.Result) in outcomes.filter { $0.result == result }.count }
        logger.notice(
            "poll round finished",
            metadata: [
                "feeds": "\(feeds.map(\.name).joined(separator: ","))", "forced": "\(force)",
                "updated": "\(count(.updated))", "unchanged": "\(count(.unchanged))", "failed": "\(count(.failed))",
                "backing_off": "\(count(.backingOff))",
                "new": "\(Set(outcomes.flatMap(\.newVersions)).sorted().map(\.description).joined(separator: ","))",
                "duration": "\(String(format: "%.3f", duration))s", "cancelled": "\(cancelled)",
                "status": "\(status)",
            ])
        return DaemonRoundSummary(outcomes: outcomes, status: status, cancelled: cancelled, durationSeconds: duration)
    }

    private func writeMetrics() {
        guard let path = configuration.daemon.metricsFile else { return }
        do {
            try MetricsWriter(path: path).write(configuration: configuration, store: store, now: Date())
        } catch {
            logger.warning("metrics not written", metadata: ["file": "\(path)", "error": "\(error)"])
        }
    }
}
