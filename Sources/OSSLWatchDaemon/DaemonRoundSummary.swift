import Foundation
public import OSSLWatch

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
