import Foundation
import Logging
import OSSLWatch
import OSSLWatchCore
import OSSLWatchStore

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
        let cancelled = Task.isCancelled
        let projects = cancelled ? [] : await deriveVerdicts()
        // Read once for the metrics and the status line: nothing below changes them.
        let states = Result { () throws(StoreError) in try store.feedStates() }
        if !cancelled { writeMetrics(states: try? states.get()) }
        for id in requests {
            do {
                try store.markHandled(id, at: Date(), note: "polled \(feeds.count) feeds")
            } catch {
                logger.error("request not marked handled", metadata: ["request": "\(id)", "error": "\(error)"])
            }
        }
        let status = DaemonStatus.line(
            projects: projects, feeds: configuration.feeds, states: (try? states.get()) ?? [])
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

    /// Derives every verdict from what the store holds, polling nothing: at start, since a
    /// round saves its polls and its verdicts in separate transactions, and a daemon killed
    /// between them left feeds that are not due again for their interval and no verdict for the
    /// pipeline to create a run from.
    func rederive(reason: String) async -> DaemonRoundSummary {
        let started = ContinuousClock.now
        let projects = await deriveVerdicts()
        let states = (try? store.feedStates()) ?? []
        let status = DaemonStatus.line(projects: projects, feeds: configuration.feeds, states: states)
        let duration = (ContinuousClock.now - started).seconds
        logger.info(
            "verdicts derived from the store",
            metadata: [
                "reason": "\(reason)", "projects": "\(projects.count)",
                "duration": "\(String(format: "%.3f", duration))s", "status": "\(status)",
            ])
        return DaemonRoundSummary(outcomes: [], status: status, cancelled: Task.isCancelled, durationSeconds: duration)
    }

    /// Confirms lone sightings by checksum, evaluates every project and saves the verdicts, in
    /// which the release pipeline finds the runs to create; logs a failure and returns what it has.
    private func deriveVerdicts() async -> [CheckReport.ProjectReport] {
        do {
            let linked = watcher.readLinked()
            try await watcher.confirmByChecksum(linked: linked)
            let projects = try watcher.evaluate(linked: linked, now: Date())
            try store.saveVerdicts(projects.compactMap(\.verdict), at: Date())
            return projects
        } catch {
            logger.error("verdicts not updated", metadata: ["error": "\(error)"])
            return []
        }
    }

    /// `states` nil when they could not be read: the writer then reads (and reports) them itself.
    private func writeMetrics(states: [FeedState]?) {
        guard let path = configuration.daemon.metricsFile else { return }
        do {
            try MetricsWriter(path: path).write(
                configuration: configuration, store: store, now: Date(), feedStates: states)
        } catch {
            logger.warning("metrics not written", metadata: ["file": "\(path)", "error": "\(error)"])
        }
    }
}
