/// Where one outbox message stands. The row goes `sending` (committed) before the SMTP
/// transaction and leaves it only with the server's answer, so a `sending` row found when
/// the daemon starts may or may not have been delivered: it becomes `needs-attention` and
/// is never sent again without a human.
public enum OutboxState: String, Sendable, Codable, CaseIterable {
    /// Written to the Maildir; waits for `osslwatch drafts approve` (or the run's `approve`).
    case drafted
    /// May be sent at the next pipeline advance.
    case approved
    /// The SMTP transaction may be under way.
    case sending
    /// The server accepted it (its reply is recorded).
    case sent
    /// A temporary (4xx) failure; tried again at `nextAttempt`.
    case retryWait = "retry-wait"
    /// A permanent failure (5xx, or temporary ones past `mail.retry.attempts`).
    case failed
    /// Interrupted during the SMTP transaction: delivered or not, a human checks.
    case needsAttention = "needs-attention"
    /// Withdrawn; never sent.
    case cancelled
}
