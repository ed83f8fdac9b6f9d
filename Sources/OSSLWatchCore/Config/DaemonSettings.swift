/// How `osslwatch run` behaves as a service.
public struct DaemonSettings: Sendable, Hashable {
    /// Longest wait for a running step or poll to finish after SIGTERM before the daemon
    /// records what it interrupted and exits.
    public var stopTimeout: Double
    /// Random spread added to each feed's interval, as a fraction of it (0.1 = up to +10 %),
    /// so polls of many feeds and many installations do not fall on the same second.
    public var jitter: Double
    /// Prometheus text file for node_exporter's textfile collector; nil writes none.
    public var metricsFile: String?

    public init(stopTimeout: Double = 20, jitter: Double = 0.1, metricsFile: String? = nil) {
        self.stopTimeout = stopTimeout
        self.jitter = jitter
        self.metricsFile = metricsFile
    }
}
