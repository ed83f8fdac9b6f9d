/// Why the run machine changed nothing, as a value; `message` is the one place its words
/// (the line `osslwatch approve|retry|skip|cancel` prints) are written.
public enum RunRefusal: Sendable, Hashable, CustomStringConvertible {
    /// What was asked of a final run, for the message.
    public enum Operation: String, Sendable, Hashable {
        case approve, retry, skip, cancel
        case mark = "mark a step of"
        case finish, supersede
        case addAdvisories = "add advisories to"
    }

    /// The run is done, cancelled or superseded: nothing happens to it again.
    case final(run: Int64, state: RunState, operation: Operation)
    /// A step can start only while the run is active.
    case notActive(run: Int64, state: RunState)
    /// The run has no step of that name.
    case noSuchStep(run: Int64, step: String)
    /// `approve --step` on a step that does not wait.
    case notWaiting(run: Int64, step: String, state: StepState)
    /// `approve` on a run with no waiting step.
    case nothingWaiting(run: Int64)
    /// `retry` on a step that neither failed nor needs attention.
    case notRetryable(run: Int64, step: String, state: StepState)
    /// `skip` on a running or done (or already skipped) step.
    case notSkippable(run: Int64, step: String, state: StepState)
    /// A runner transition from the wrong state.
    case notInState(run: Int64, step: String, state: StepState, expected: StepState)
    /// `finish` with a state that is not an outcome.
    case notAnOutcome(run: Int64, state: StepState)
    /// `mark` with a state a step cannot take without an attempt.
    case notAMark(run: Int64, state: StepState)
    /// `complete` while a step is not done or skipped.
    case unsettled(run: Int64)
    /// `complete` as another state than done.
    case notAnEnd(run: Int64, state: RunState)

    /// One line naming the current state and, where there is one, what the operator can do.
    public var message: String {
        switch self {
        case .final(let run, let state, let operation):
            "cannot \(operation.rawValue) run \(run): it is \(state.rawValue)"
        case .notActive(let run, let state):
            "run \(run) is \(state.rawValue), not active"
        case .noSuchStep(let run, let step):
            "run \(run) has no step \(step.debugDescription)"
        case .notWaiting(let run, let step, let state):
            "run \(run): step \(step) is \(state.rawValue), not waiting for approval"
        case .nothingWaiting(let run):
            "run \(run) has no step waiting for approval"
        case .notRetryable(let run, let step, let state):
            "run \(run): step \(step) is \(state.rawValue); only a failed or needs-attention step can be retried"
        case .notSkippable(let run, let step, let state):
            "run \(run): step \(step) is \(state.rawValue) and cannot be skipped"
        case .notInState(let run, let step, let state, let expected):
            "run \(run): step \(step) is \(state.rawValue), not \(expected.rawValue)"
        case .notAnOutcome(let run, let state):
            "run \(run): a step cannot finish as \(state.rawValue)"
        case .notAMark(let run, let state):
            "run \(run): a step cannot be marked \(state.rawValue) without an attempt"
        case .unsettled(let run):
            "run \(run) still has steps that are not done or skipped"
        case .notAnEnd(let run, let state):
            "run \(run): the runner cannot finish a run as \(state.rawValue)"
        }
    }

    public var description: String { message }
}
