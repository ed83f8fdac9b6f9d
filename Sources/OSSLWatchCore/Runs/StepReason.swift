/// Why a step is where it is, when the run machine decided it: a stable code the store keeps
/// in its own column (so a query asks for the code, never for the wording) and the one place
/// the words an operator reads are written.
public enum StepReason: Sendable, Hashable {
    /// A `when: security` step of a run that is not a security release.
    case notSecurity
    /// `osslwatch skip`.
    case skippedByOperator
    /// A step that is not idempotent was running when the process died.
    case interrupted
    /// Words from elsewhere (an executor's outcome, a configured approval message).
    case words(String)

    /// What the store keeps in `steps.reason_code`; nil for free text.
    public var code: Code? {
        switch self {
        case .notSecurity: .notSecurity
        case .skippedByOperator: .skippedByOperator
        case .interrupted: .interrupted
        case .words: nil
        }
    }

    /// What the operator reads (`osslwatch runs`, the log).
    public var text: String {
        switch self {
        case .notSecurity: "not a security release"
        case .skippedByOperator: "skipped by operator"
        case .interrupted: "interrupted while running; it may or may not have taken effect: retry or skip"
        case .words(let words): words
        }
    }

    /// The stored code of a reason the machine decided: the value of the `reason_code` column.
    public enum Code: String, Sendable, Hashable, Codable, CaseIterable {
        case notSecurity = "not-security"
        case skippedByOperator = "skipped-by-operator"
        case interrupted
    }
}
