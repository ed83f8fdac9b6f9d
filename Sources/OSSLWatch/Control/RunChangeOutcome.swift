public import OSSLWatchCore

/// What a run change did: the run as recorded, and whether the daemon was told.
public struct RunChangeOutcome: Sendable {
    public var action: RunChange.Action
    public var run: RunRecord
    public var delivery: TriggerOutcome.Delivery

    public init(action: RunChange.Action, run: RunRecord, delivery: TriggerOutcome.Delivery) {
        self.action = action
        self.run = run
        self.delivery = delivery
    }

    /// 0 when the daemon was signalled or is not running (the change waits in the store for
    /// its next start); the delivery failure's status (69, 77) when a daemon may run but
    /// could not be signalled.
    public var exitStatus: Int32 {
        if case .failed(_, let status) = delivery { return status }
        return 0
    }

    /// What to tell the operator, one fact per line.
    public var lines: [String] {
        var what = "run \(run.id): \(action.verb) recorded"
        switch action {
        case .approve(let step?), .retry(let step), .skip(let step): what += " for step \(step)"
        case .approve(nil), .cancel: break
        }
        what += "; run is \(run.state.rawValue)"
        switch delivery {
        case .signalled(let pid):
            return [what, "sent SIGUSR1 to the osslwatch daemon (pid \(pid)); it acts on the change now"]
        case .notRunning(let reason):
            return [what, "the daemon is not running (\(reason)); the change applies when `osslwatch run` next starts"]
        case .failed(let reason, _):
            return [what, "could not signal the daemon: \(reason); it sees the change at its next round or start"]
        }
    }
}
