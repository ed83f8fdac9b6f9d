public import Foundation

/// When to try a failing feed again: exponential in the error streak, capped, with jitter
/// so several instances do not retry in lockstep, and never before the server's own
/// `Retry-After` / rate-limit reset.
public struct Backoff: Sendable, Hashable {
    /// Delay after the first failure, seconds.
    public var initial: Double
    /// Largest delay the exponential part reaches, seconds.
    public var maximum: Double

    public init(initial: Double = 60, maximum: Double = 3600) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay before attempt `errorStreak + 1`, before jitter:
    /// `min(maximum, initial * 2^(errorStreak - 1))`; 0 when there is no streak.
    public func baseDelay(errorStreak: Int) -> Double {
        guard errorStreak > 0 else { return 0 }
        let exponent = Double(min(errorStreak - 1, 62))
        return min(maximum, initial * pow(2, exponent))
    }

    /// The next poll time after a failure.
    ///
    /// `jitter` (clamped to 0...1, pass a random value in production and a fixed one in
    /// tests) scales the delay between half and all of the base delay. The result is never
    /// earlier than `notBefore` (the server's `Retry-After` or rate-limit reset).
    public func nextPoll(now: Date, errorStreak: Int, notBefore: Date?, jitter: Double) -> Date {
        let fraction = min(max(jitter, 0), 1)
        let delay = baseDelay(errorStreak: errorStreak) * (0.5 + 0.5 * fraction)
        let scheduled = now.addingTimeInterval(delay)
        if let notBefore, notBefore > scheduled {
            return notBefore
        }
        return scheduled
    }
}
