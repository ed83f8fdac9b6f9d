/// Where one step of a run stands. The store commits `running` before a step's effect and
/// the outcome after it, so a `running` step found at start-up was interrupted.
public enum StepState: String, Sendable, Codable, CaseIterable {
    /// Not yet reached (or reset by `osslwatch retry`).
    case pending
    /// Its effect may be under way: committed before the effect starts.
    case running
    /// Its effect happened; it never runs again.
    case done
    /// Its effect failed; the run stopped here.
    case failed
    /// An approval step waiting for `osslwatch approve`.
    case waitingApproval = "waiting-approval"
    /// Interrupted while running and not idempotent: it may or may not have taken effect.
    case needsAttention = "needs-attention"
    /// Not run: a `when: security` step of a non-security run, or skipped by an operator.
    case skipped

    /// Whether the run may move past this step.
    public var isSettled: Bool { self == .done || self == .skipped }
}
