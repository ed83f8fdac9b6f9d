public import OSSLWatchCore

#if canImport(Glibc)
    public import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// What `osslwatch trigger` did: the request it recorded and whether the daemon was told.
public struct TriggerOutcome: Sendable {
    /// How the SIGUSR1 went.
    public enum Delivery: Sendable, Hashable {
        /// The daemon (this pid) was signalled.
        case signalled(pid_t)
        /// No daemon to signal; the reason says why (no pid file, stale pid, recycled pid).
        case notRunning(String)
        /// A daemon may be there but could not be signalled (unreadable pid file, no permission).
        case failed(String, exitStatus: Int32)
    }

    public var request: ControlRequest
    public var delivery: Delivery

    public init(request: ControlRequest, delivery: Delivery) {
        self.request = request
        self.delivery = delivery
    }

    /// 0 when signalled; 69 (`EX_UNAVAILABLE`) when no daemon runs; the failure's own status otherwise.
    public var exitStatus: Int32 {
        switch delivery {
        case .signalled: 0
        case .notRunning: 69
        case .failed(_, let status): status
        }
    }

    /// What to tell the operator, one fact per line.
    public var lines: [String] {
        var what = "request \(request.id) recorded: "
        switch request.kind {
        case .poll: what += "poll every feed now"
        case .run: what += "run for \(request.project ?? "?") to OpenSSL \(request.version?.description ?? "?")"
        }
        switch delivery {
        case .signalled(let pid):
            return [what, "sent SIGUSR1 to the osslwatch daemon (pid \(pid)); it handles the request now"]
        case .notRunning(let reason):
            return [
                what,
                "the daemon is not running (\(reason)); nothing was signalled",
                "the request stays in the store and is handled when `osslwatch run` next starts",
            ]
        case .failed(let reason, _):
            return [
                what, "could not signal the daemon: \(reason)",
                "the request stays in the store and is handled at the daemon's next poll round or start",
            ]
        }
    }
}
