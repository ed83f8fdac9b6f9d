/// How long a failing feed waits before its next try: the `backoff` section of the config.
public struct BackoffSettings: Sendable, Hashable {
    /// Seconds to wait after the first failure; doubled per further failure.
    public var initial: Double
    /// The cap on the wait, in seconds.
    public var maximum: Double

    public init(initial: Double = 60, maximum: Double = 6 * 3600) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The backoff policy these settings configure.
    public var policy: Backoff { Backoff(initial: initial, maximum: maximum) }
}
