/// Where a run stands. `done`, `cancelled` and `superseded` are final; `failed` stops the run
/// until an operator retries or skips the failed step.
public enum RunState: String, Sendable, Codable, CaseIterable {
    /// Steps are being executed (or will be at the next advance).
    case active
    /// An approval step holds the run until `osslwatch approve`.
    case waitingApproval = "waiting-approval"
    /// A step was interrupted and cannot safely re-run; an operator must retry or skip it.
    case needsAttention = "needs-attention"
    /// A step failed; nothing after it runs until it is retried or skipped.
    case failed
    /// Every step is done or skipped.
    case done
    /// An operator cancelled the run.
    case cancelled
    /// A newer target for the same project replaced this run.
    case superseded

    /// Whether nothing can ever happen to the run again.
    public var isFinal: Bool { self == .done || self == .cancelled || self == .superseded }
}
