public import Foundation
import Logging
public import OSSLWatchCore
public import OSSLWatchStore

/// One poll round, the same for `osslwatch check` and the daemon: poll the feeds, confirm lone
/// sightings by checksum, evaluate every project and save the verdicts (where the release
/// pipeline finds the runs to create), write the metrics file when there is one, mark the
/// requests the round answers handled, and log one line.
///
/// `check` runs it once over every feed and prints the summary; the daemon runs it over the
/// due feeds (every feed when forced) and turns the summary into its `STATUS=` line. Every
/// time it records or judges by comes from the watcher's `Surroundings`.
public struct PollRound: Sendable {
    public var watcher: Watcher
    /// The Prometheus textfile written after the round (`daemon.metrics_file` of `osslwatch
    /// run`); nil writes none, as for `check`, which may run on another state directory.
    public var metricsFile: String?

    public var store: Store { watcher.store }
    public var configuration: Configuration { watcher.configuration }
    var logger: Logger { watcher.logger }
    var surroundings: Surroundings { watcher.surroundings }

    public init(watcher: Watcher, metricsFile: String? = nil) {
        self.watcher = watcher
        self.metricsFile = metricsFile
    }

    public struct Summary: Sendable {
        /// When the round began (by the watcher's clock).
        public var startedAt: Date
        /// The feeds polled, in configuration order, follow-ups last.
        public var outcomes: [FeedPollOutcome]
        /// Every project's linked version and verdict; empty when `failure` is set or the round was cancelled.
        public var projects: [CheckReport.ProjectReport] = []
        /// Why the verdicts were not derived or not saved (a store that fails or a row that
        /// does not read back); nil when they were.
        public var failure: (any Error)? = nil
        /// The feeds' stored health after the round, or why it could not be read.
        public var feedStates: Result<[FeedState], StoreError> = .success([])
        /// Whether the round was cancelled (the daemon stopping) before it derived the verdicts.
        public var cancelled: Bool
        public var durationSeconds: Double = 0
    }

    /// Polls `feeds` (every configured feed by default) concurrently, CVE-record feeds after
    /// the advisory texts, and re-derives every verdict; never throws: what fails is logged
    /// and in the summary.
    /// - Parameters:
    ///   - force: poll feeds even while they back off (never before a server's `Retry-After`).
    ///   - requests: the poll requests this round answers, marked handled at its end.
    public func perform(feeds only: [FeedSettings]? = nil, force: Bool = false, answering requests: [Int64] = [])
        async -> Summary
    {
        let started = surroundings.uptime()
        let startedAt = surroundings.now()
        let feeds = only ?? configuration.feeds
        var outcomes = await watcher.pollAll(feeds, now: startedAt, force: force)
        outcomes += await followUp(outcomes, polled: feeds, force: force)
        let cancelled = Task.isCancelled
        var summary = Summary(startedAt: startedAt, outcomes: outcomes, cancelled: cancelled)
        if !cancelled { await deriveVerdicts(into: &summary) }
        summary.feedStates = Result { () throws(StoreError) in try store.feedStates() }
        if !cancelled { writeMetrics(states: try? summary.feedStates.get()) }
        for id in requests {
            do {
                try store.markHandled(id, at: surroundings.now(), note: "polled \(feeds.count) feeds")
            } catch {
                logger.error("request not marked handled", metadata: ["request": "\(id)", "error": "\(error)"])
            }
        }
        summary.durationSeconds = surroundings.seconds(since: started)
        let count = { (result: FeedPollOutcome.Result) in outcomes.filter { $0.result == result }.count }
        logger.notice(
            "poll round finished",
            metadata: [
                "feeds": "\(feeds.map(\.name).joined(separator: ","))", "forced": "\(force)",
                "updated": "\(count(.updated))", "unchanged": "\(count(.unchanged))", "failed": "\(count(.failed))",
                "backing_off": "\(count(.backingOff))",
                "new": "\(Set(outcomes.flatMap(\.newVersions)).sorted().map(\.description).joined(separator: ","))",
                "duration": "\(String(format: "%.3f", summary.durationSeconds))s", "cancelled": "\(cancelled)",
                "verdicts": "\(summary.failure == nil ? "\(summary.projects.count) saved" : "not updated")",
            ])
        return summary
    }

    /// Derives every verdict from what the store holds, polling nothing: the daemon at start,
    /// since a round saves its polls and its verdicts in separate transactions, and a daemon
    /// killed between them left feeds that are not due again for their interval and no verdict
    /// for the pipeline to create a run from; and after a reload.
    public func derive(reason: String) async -> Summary {
        let started = surroundings.uptime()
        var summary = Summary(startedAt: surroundings.now(), outcomes: [], cancelled: false)
        await deriveVerdicts(into: &summary)
        summary.feedStates = Result { () throws(StoreError) in try store.feedStates() }
        summary.cancelled = Task.isCancelled
        summary.durationSeconds = surroundings.seconds(since: started)
        logger.info(
            "verdicts derived from the store",
            metadata: [
                "reason": "\(reason)", "projects": "\(summary.projects.count)",
                "duration": "\(String(format: "%.3f", summary.durationSeconds))s",
            ])
        return summary
    }

    /// New advisory texts name CVEs whose records a templated CVE-record feed fetches: when an
    /// advisory feed changed and such a feed was not among the polled ones (the daemon polls
    /// only the due feeds), it is polled now rather than at its own next turn, so the records
    /// arrive in the same round.
    func followUp(_ outcomes: [FeedPollOutcome], polled feeds: [FeedSettings], force: Bool) async -> [FeedPollOutcome] {
        guard outcomes.contains(where: { $0.kind == .secadv && $0.result == .updated }) else { return [] }
        let polled = Set(feeds.map(\.name))
        let followers = configuration.feeds.filter {
            $0.kind == .cveJSON && $0.isTemplated && !polled.contains($0.name)
        }
        guard !followers.isEmpty else { return [] }
        return await watcher.pollAll(followers, now: surroundings.now(), force: force)
    }

    /// Confirms lone sightings by checksum, evaluates every project and saves the verdicts, in
    /// which the release pipeline finds the runs to create; a failure is logged and kept.
    private func deriveVerdicts(into summary: inout Summary) async {
        do {
            let linked = watcher.readLinked()
            try await watcher.confirmByChecksum(linked: linked)
            let now = surroundings.now()
            let projects = try watcher.evaluate(linked: linked, now: now)
            try store.saveVerdicts(projects.compactMap(\.verdict), at: now)
            summary.projects = projects
        } catch {
            logger.error("verdicts not updated", metadata: ["error": "\(error)"])
            summary.failure = error
        }
    }

    /// `states` nil when they could not be read: the writer then reads (and reports) them itself.
    private func writeMetrics(states: [FeedState]?) {
        guard let path = metricsFile else { return }
        do {
            try MetricsWriter(path: path).write(
                configuration: configuration, store: store, now: surroundings.now(), feedStates: states)
        } catch {
            logger.warning("metrics not written", metadata: ["file": "\(path)", "error": "\(error)"])
        }
    }
}
