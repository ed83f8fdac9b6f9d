/// The rules of one run, as a value: which step transitions are legal, what an operator's
/// approve, retry, skip or cancel does in each state (and why it is refused), when a run is
/// superseded, and the run's state derived from its steps.
///
/// Each event mutates the machine and returns an `Action`: what the caller must write
/// (`.write`) or why nothing may change (`.refuse`). The machine does no I/O; the store loads
/// it from the rows, sends it one event and applies the writes in the same transaction, so the
/// rule "the row is written before the effect" stays the store's and the rules stay here,
/// testable without a database.
public struct RunMachine: Sendable, Hashable {
    /// One step as the machine needs it.
    public struct Step: Sendable, Hashable {
        public var name: String
        public var kind: StepKind
        public var state: StepState
        public var idempotent: Bool
        public var reason: String?
        public var reasonCode: StepReason.Code?
        /// The drafted message an announce step waits on, if any: approving the step approves it.
        public var draft: Int64?

        public init(
            name: String, kind: StepKind, state: StepState = .pending, idempotent: Bool = true, reason: String? = nil,
            reasonCode: StepReason.Code? = nil, draft: Int64? = nil
        ) {
            self.name = name
            self.kind = kind
            self.state = state
            self.idempotent = idempotent
            self.reason = reason
            self.reasonCode = reasonCode
            self.draft = draft
        }
    }

    /// What happens to a step's attempt row with a step write.
    public enum AttemptWrite: Sendable, Hashable {
        /// A new attempt starts (its row is written with the step's `running`).
        case start
        /// The running attempt ended so.
        case finish(outcome: AttemptOutcome)
        /// The running attempt was cut short by a crash.
        case interrupt

        /// What the attempt row's `outcome` says; nil while it runs.
        public var outcome: AttemptOutcome? {
            switch self {
            case .start: nil
            case .finish(let outcome): outcome
            case .interrupt: .interrupted
            }
        }
    }

    /// One step row to write.
    public struct StepWrite: Sendable, Hashable {
        public var name: String
        public var state: StepState
        public var reason: StepReason?
        /// Sets `approved_at` to now.
        public var approved: Bool
        /// Clears `approved_at` (a withdrawn announcement must be approved again).
        public var clearsApproval: Bool
        public var attempt: AttemptWrite?

        public init(
            name: String, state: StepState, reason: StepReason? = nil, approved: Bool = false,
            clearsApproval: Bool = false, attempt: AttemptWrite? = nil
        ) {
            self.name = name
            self.state = state
            self.reason = reason
            self.approved = approved
            self.clearsApproval = clearsApproval
            self.attempt = attempt
        }
    }

    /// Everything one event changes, written in one transaction, in this order.
    public struct Writes: Sendable, Hashable {
        public var steps: [StepWrite] = []
        /// The run's state and reason, when the event changed or re-derived them.
        public var run: (state: RunState, reason: String?)? {
            get { runState.map { ($0, runReason) } }
            set {
                runState = newValue?.state
                runReason = newValue?.reason
            }
        }
        /// The newer run that replaces this one.
        public var supersededBy: Int64?
        /// The drafted message an approved announce step releases (the outbox machine approves it).
        public var approveDraft: Int64?

        private var runState: RunState?
        private var runReason: String?

        public var isEmpty: Bool { steps.isEmpty && runState == nil && supersededBy == nil && approveDraft == nil }
    }

    /// What the caller must do after an event.
    public enum Action: Sendable, Hashable {
        /// Write these rows.
        case write(Writes)
        /// Nothing changes, for this reason.
        case refuse(RunRefusal)
    }

    public let run: Int64
    public private(set) var state: RunState
    public private(set) var steps: [Step]

    public init(run: Int64, state: RunState, steps: [Step]) {
        self.run = run
        self.state = state
        self.steps = steps
    }

    // MARK: - Operator events

    /// `osslwatch approve`: the waiting approval step (or the named one) becomes done; an
    /// announce step with a drafted message becomes pending, approved, and releases the draft.
    public mutating func approve(step name: String?) -> Action {
        if let refusal = refuseIfFinal(.approve) { return .refuse(refusal) }
        let index: Int
        if let name {
            guard let found = position(of: name) else { return .refuse(.noSuchStep(run: run, step: name)) }
            guard steps[found].state == .waitingApproval else {
                return .refuse(.notWaiting(run: run, step: name, state: steps[found].state))
            }
            index = found
        } else {
            guard let found = steps.firstIndex(where: { $0.state == .waitingApproval }) else {
                return .refuse(.nothingWaiting(run: run))
            }
            index = found
        }
        var writes = Writes()
        if steps[index].kind == .announce, let draft = steps[index].draft {
            writes.approveDraft = draft
            set(index, StepWrite(name: steps[index].name, state: .pending, approved: true), into: &writes)
        } else {
            set(index, StepWrite(name: steps[index].name, state: .done, approved: true), into: &writes)
        }
        return .write(settled(writes))
    }

    /// `osslwatch retry`: a failed or needs-attention step goes back to pending.
    public mutating func retry(step name: String) -> Action {
        if let refusal = refuseIfFinal(.retry) { return .refuse(refusal) }
        guard let index = position(of: name) else { return .refuse(.noSuchStep(run: run, step: name)) }
        guard steps[index].state == .failed || steps[index].state == .needsAttention else {
            return .refuse(.notRetryable(run: run, step: name, state: steps[index].state))
        }
        var writes = Writes()
        set(index, StepWrite(name: name, state: .pending), into: &writes)
        return .write(settled(writes))
    }

    /// `osslwatch skip`: a step that is pending, failed, needs attention or waits is skipped.
    public mutating func skip(step name: String) -> Action {
        if let refusal = refuseIfFinal(.skip) { return .refuse(refusal) }
        guard let index = position(of: name) else { return .refuse(.noSuchStep(run: run, step: name)) }
        guard Self.skippable.contains(steps[index].state) else {
            return .refuse(.notSkippable(run: run, step: name, state: steps[index].state))
        }
        var writes = Writes()
        set(index, StepWrite(name: name, state: .skipped, reason: .skippedByOperator), into: &writes)
        return .write(settled(writes))
    }

    /// The step states `skip` applies to: a running step's effect is under way, a done one happened.
    public static let skippable: Set<StepState> = [.pending, .failed, .needsAttention, .waitingApproval]

    /// `osslwatch cancel`: the run stops for good.
    public mutating func cancel() -> Action {
        if let refusal = refuseIfFinal(.cancel) { return .refuse(refusal) }
        state = .cancelled
        var writes = Writes()
        writes.run = (.cancelled, "cancelled by operator")
        return .write(writes)
    }

    // MARK: - Runner events

    /// A pending step of an active run starts: `running` with a new attempt, before its effect.
    public mutating func begin(step name: String) -> Action {
        guard state == .active else { return .refuse(.notActive(run: run, state: state)) }
        guard let index = position(of: name) else { return .refuse(.noSuchStep(run: run, step: name)) }
        guard steps[index].state == .pending else {
            return .refuse(.notInState(run: run, step: name, state: steps[index].state, expected: .pending))
        }
        var writes = Writes()
        set(index, StepWrite(name: name, state: .running, attempt: .start), into: &writes)
        return .write(settled(writes))
    }

    /// The outcome of a running step after its effect: done, failed or needs-attention, or
    /// pending when the effect did not happen and the step runs again (a message waiting for
    /// a retry). `dryRun` says the effect was only printed; the attempt records that.
    /// `attemptOutcome`, when given, is what the attempt row says instead of the step state.
    public mutating func finish(
        step name: String, as outcome: StepState, reason: String?, dryRun: Bool = false,
        attemptOutcome: AttemptOutcome? = nil
    ) -> Action {
        guard Self.outcomes.contains(outcome) else { return .refuse(.notAnOutcome(run: run, state: outcome)) }
        guard let index = position(of: name) else { return .refuse(.noSuchStep(run: run, step: name)) }
        guard steps[index].state == .running else {
            return .refuse(.notInState(run: run, step: name, state: steps[index].state, expected: .running))
        }
        var writes = Writes()
        let attempt = AttemptWrite.finish(outcome: dryRun ? .dryRun : attemptOutcome ?? AttemptOutcome(outcome))
        set(
            index, StepWrite(name: name, state: outcome, reason: reason.map { .words($0) }, attempt: attempt),
            into: &writes)
        return .write(settled(writes))
    }

    /// The states a step's attempt can end in.
    public static let outcomes: Set<StepState> = [.done, .failed, .needsAttention, .pending]

    /// A pending step moves without an effect: skipped (a security step of a plain release),
    /// waiting (an approval step reached), failed or needs-attention (it cannot run).
    public mutating func mark(step name: String, as target: StepState, reason: StepReason?) -> Action {
        guard Self.marks.contains(target) else { return .refuse(.notAMark(run: run, state: target)) }
        if let refusal = refuseIfFinal(.mark) { return .refuse(refusal) }
        guard let index = position(of: name) else { return .refuse(.noSuchStep(run: run, step: name)) }
        guard steps[index].state == .pending else {
            return .refuse(.notInState(run: run, step: name, state: steps[index].state, expected: .pending))
        }
        var writes = Writes()
        set(index, StepWrite(name: name, state: target, reason: reason), into: &writes)
        return .write(settled(writes))
    }

    /// The states a pending step may take without an attempt.
    public static let marks: Set<StepState> = [.skipped, .waitingApproval, .needsAttention, .failed]

    /// Every step settled: the run is done (the runner can finish a run as nothing else).
    public mutating func complete(as target: RunState = .done) -> Action {
        guard target == .done else { return .refuse(.notAnEnd(run: run, state: target)) }
        if let refusal = refuseIfFinal(.finish) { return .refuse(refusal) }
        guard steps.allSatisfy(\.state.isSettled) else { return .refuse(.unsettled(run: run)) }
        state = .done
        var writes = Writes()
        writes.run = (.done, nil)
        return .write(writes)
    }

    /// A newer run replaces this one: noted now, and (`now`) final at once.
    public mutating func supersede(by newer: Int64, target: String, now: Bool) -> Action {
        if let refusal = refuseIfFinal(.supersede) { return .refuse(refusal) }
        var writes = Writes()
        writes.supersededBy = newer
        if now {
            state = .superseded
            writes.run = (.superseded, "superseded by run \(newer) (OpenSSL \(target))")
        }
        return .write(writes)
    }

    /// Whether a run noted as superseded is replaced now: once it stopped at a gate (it is
    /// not active and not final), never in the middle of its steps.
    public static func supersedesAtGate(state: RunState, supersededBy: Int64?) -> Bool {
        supersededBy != nil && state != .active && !state.isFinal
    }

    /// The crash-recovery rule: a step still running was interrupted. An idempotent one runs
    /// again (pending); any other needs attention, since its effect may or may not have happened.
    /// An announce step is pending again whatever its setting: its message row is the mail's
    /// own journal (a row left `sending` needs attention, and the step follows it).
    public mutating func recoverInterrupted() -> Action {
        var writes = Writes()
        for index in steps.indices where steps[index].state == .running {
            let write =
                steps[index].idempotent || steps[index].kind == .announce
                ? StepWrite(name: steps[index].name, state: .pending, attempt: .interrupt)
                : StepWrite(name: steps[index].name, state: .needsAttention, reason: .interrupted, attempt: .interrupt)
            set(index, write, into: &writes)
        }
        guard !writes.isEmpty else { return .write(writes) }
        return .write(settled(writes))
    }

    /// The run became a security release: its steps skipped as "not a security release" are
    /// pending again (in the same transaction, announce steps may be withdrawn: `withdraw`).
    /// Returns the names reopened with the writes.
    public mutating func reopenSecuritySteps() -> (reopened: [String], action: Action) {
        if let refusal = refuseIfFinal(.addAdvisories) { return ([], .refuse(refusal)) }
        var writes = Writes()
        for index in steps.indices where steps[index].state == .skipped && steps[index].reasonCode == .notSecurity {
            set(index, StepWrite(name: steps[index].name, state: .pending), into: &writes)
        }
        return (writes.steps.map(\.name), .write(settled(writes)))
    }

    /// An announce step whose plain announcement was withdrawn: pending, to be approved again.
    public mutating func withdrawAnnouncement(step name: String) -> Action {
        guard let index = position(of: name) else { return .refuse(.noSuchStep(run: run, step: name)) }
        var writes = Writes()
        set(index, StepWrite(name: name, state: .pending, clearsApproval: true), into: &writes)
        return .write(settled(writes))
    }

    /// An announce step follows its message (the outbox machine's `StepEffect`). A final run
    /// is left as it is: nothing happens to it again; nor is a skipped step.
    public mutating func follow(step name: String, _ effect: OutboxMachine.StepEffect) -> Action {
        guard !state.isFinal else { return .write(Writes()) }
        guard let index = position(of: name) else { return .refuse(.noSuchStep(run: run, step: name)) }
        guard steps[index].state != .skipped else { return .write(Writes()) }
        var writes = Writes()
        let write = StepWrite(
            name: name, state: effect.state, reason: effect.reason.map { .words($0) }, approved: effect.approved,
            attempt: effect.attempt)
        set(index, write, into: &writes)
        return .write(settled(writes))
    }

    // MARK: - The run's state from its steps

    /// A non-final run's state from its steps: the first step not done or skipped decides.
    /// Failed, needs-attention or waiting, it gives the run that state (with its reason);
    /// pending or running, the run is active, even when a later step waits or failed (a
    /// security step re-opened by late advisories runs before the gate it precedes).
    public static func derivedState(of steps: [Step]) -> (state: RunState, reason: String?) {
        guard let step = steps.first(where: { !$0.state.isSettled }) else { return (.active, nil) }
        switch step.state {
        case .failed:
            return (.failed, "step \(step.name) failed: \(step.reason ?? "no reason recorded")")
        case .needsAttention:
            return (.needsAttention, "step \(step.name) needs attention: \(step.reason ?? "no reason recorded")")
        case .waitingApproval:
            return (.waitingApproval, "step \(step.name) waits for approval" + (step.reason.map { ": \($0)" } ?? ""))
        case .pending, .running, .done, .skipped:
            return (.active, nil)
        }
    }

    // MARK: - Internals

    private func position(of name: String) -> Int? { steps.firstIndex { $0.name == name } }

    private func refuseIfFinal(_ operation: RunRefusal.Operation) -> RunRefusal? {
        state.isFinal ? .final(run: run, state: state, operation: operation) : nil
    }

    private mutating func set(_ index: Int, _ write: StepWrite, into writes: inout Writes) {
        steps[index].state = write.state
        steps[index].reason = write.reason?.text
        steps[index].reasonCode = write.reason?.code
        if write.state != .waitingApproval { steps[index].draft = nil }
        writes.steps.append(write)
    }

    /// Re-derives the run's state after step writes, unless the run is final.
    private mutating func settled(_ writes: Writes) -> Writes {
        var writes = writes
        guard !state.isFinal else { return writes }
        let derived = Self.derivedState(of: steps)
        state = derived.state
        writes.run = derived
        return writes
    }
}
