import Foundation

/// When the daemon polls each feed next, derived from what the store remembers about it.
///
/// Derived afresh after every round and every reload, so a changed interval applies at once
/// and a restart continues the schedule instead of polling everything again.
enum FeedSchedule {
    /// The next poll of one feed.
    /// - Parameter jitter: the spread for this feed's next poll as a fraction of its interval
    ///   (already scaled by `daemon.jitter`), so polls do not fall on the same second.
    static func due(interval: Double, state: FeedState?, jitter: Double, now: Date) -> Date {
        guard let state, let lastAttempt = state.lastAttempt else { return now }
        if let held = Watcher.holdBack(state, now: now, force: false) { return held }
        if state.errorStreak > 0 { return now }
        return lastAttempt.addingTimeInterval(interval * (1 + jitter))
    }
}
