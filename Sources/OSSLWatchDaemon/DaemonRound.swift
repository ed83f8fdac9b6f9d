import Foundation
import Logging
public import OSSLWatch
import OSSLWatchCore
import OSSLWatchStore

/// The daemon's side of a `PollRound`: the round itself, with the metrics file of `osslwatch
/// run`, and its summary turned into the `STATUS=` line the loop sends to systemd.
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
        return DaemonRoundSummary(
            outcomes: summary.outcomes, status: status, cancelled: summary.cancelled,
            durationSeconds: summary.durationSeconds)
    }
}

/// What one poll round did, handed from the round's task back to the loop.
public struct DaemonRoundSummary: Sendable, Hashable {
    /// The feeds polled, in configuration order.
    public var outcomes: [FeedPollOutcome]
    /// The `STATUS=` line after the round.
    public var status: String
    /// Whether the round was cancelled (the daemon stopping) before it finished.
    public var cancelled: Bool
    public var durationSeconds: Double

    public init(outcomes: [FeedPollOutcome], status: String, cancelled: Bool, durationSeconds: Double) {
        self.outcomes = outcomes
        self.status = status
        self.cancelled = cancelled
        self.durationSeconds = durationSeconds
    }
}
