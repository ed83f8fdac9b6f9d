import Foundation
import OSSLWatch
import OSSLWatchCore
import OSSLWatchStore
import Testing

/// Every transition of the run machine, legal and refused, for every state: no database.
@Suite struct RunMachineTests {
    typealias Step = RunMachine.Step

    @Test("an attempt records the state its step or message ended in as that state's own word")
    func attemptOutcomeWords() {
        for state in StepState.allCases { #expect(AttemptOutcome(state).rawValue == state.rawValue) }
        for state in OutboxState.allCases { #expect(AttemptOutcome(state).rawValue == state.rawValue) }
    }

    /// A run whose step `name` (of `kind`) is in `state`, after a done first step.
    static func machine(
        _ state: StepState, kind: StepKind = .approval, run: RunState = .active, draft: Int64? = nil,
        idempotent: Bool = true
    ) -> RunMachine {
        RunMachine(
            run: 7, state: run,
            steps: [
                Step(name: "verify", kind: .verifyTarball, state: .done),
                Step(name: "gate", kind: kind, state: state, idempotent: idempotent, draft: draft),
                Step(name: "after", kind: .command, state: .pending),
            ])
    }

    static let openRunStates = RunState.allCases.filter { !$0.isFinal }
    static let finalRunStates = RunState.allCases.filter(\.isFinal)

    // MARK: - approve

    @Test(
        "approve --step: legal only on a waiting step, which becomes done and approved", arguments: StepState.allCases)
    func approveNamed(state: StepState) throws {
        var machine = Self.machine(state)
        let action = machine.approve(step: "gate")
        guard state == .waitingApproval else {
            #expect(action.refusal == .notWaiting(run: 7, step: "gate", state: state))
            #expect(action.refusal?.message == "run 7: step gate is \(state.rawValue), not waiting for approval")
            #expect(machine == Self.machine(state))
            return
        }
        let writes = try #require(action.writes)
        #expect(writes.steps == [RunMachine.StepWrite(name: "gate", state: .done, approved: true)])
        #expect(writes.run?.state == .active && writes.approveDraft == nil)
        #expect(machine.steps[1].state == .done && machine.state == .active)
    }

    @Test("approve without a step takes the first waiting one; with none waiting it is refused")
    func approveFirstWaiting() throws {
        var none = Self.machine(.pending)
        #expect(none.approve(step: nil).refusal == .nothingWaiting(run: 7))
        var waiting = Self.machine(.waitingApproval, run: .waitingApproval)
        let writes = try #require(waiting.approve(step: nil).writes)
        #expect(writes.steps.map(\.name) == ["gate"] && writes.run?.state == .active)
        var unknown = Self.machine(.waitingApproval)
        #expect(unknown.approve(step: "nope").refusal == .noSuchStep(run: 7, step: "nope"))
    }

    @Test("approving an announce step with a draft approves the draft; the step is pending until sent")
    func approveAnnounce() throws {
        var machine = Self.machine(.waitingApproval, kind: .announce, run: .waitingApproval, draft: 12)
        let writes = try #require(machine.approve(step: nil).writes)
        #expect(writes.approveDraft == 12)
        #expect(writes.steps == [RunMachine.StepWrite(name: "gate", state: .pending, approved: true)])
        #expect(machine.steps[1].draft == nil && machine.state == .active)
        var withoutDraft = Self.machine(.waitingApproval, kind: .announce)
        #expect(withoutDraft.approve(step: "gate").writes?.steps.first?.state == .done)
    }

    // MARK: - retry and skip

    @Test("retry: legal on a failed or needs-attention step, which becomes pending", arguments: StepState.allCases)
    func retry(state: StepState) throws {
        var machine = Self.machine(state, run: .failed)
        let action = machine.retry(step: "gate")
        guard state == .failed || state == .needsAttention else {
            #expect(action.refusal == .notRetryable(run: 7, step: "gate", state: state))
            return
        }
        let writes = try #require(action.writes)
        #expect(writes.steps == [RunMachine.StepWrite(name: "gate", state: .pending)])
        #expect(writes.run?.state == .active && writes.run?.reason == nil)
    }

    @Test("skip: legal on a pending, failed, needs-attention or waiting step", arguments: StepState.allCases)
    func skip(state: StepState) throws {
        var machine = Self.machine(state)
        let action = machine.skip(step: "gate")
        guard RunMachine.skippable.contains(state) else {
            #expect(action.refusal == .notSkippable(run: 7, step: "gate", state: state))
            #expect(action.refusal?.message == "run 7: step gate is \(state.rawValue) and cannot be skipped")
            return
        }
        let writes = try #require(action.writes)
        #expect(writes.steps == [RunMachine.StepWrite(name: "gate", state: .skipped, reason: .skippedByOperator)])
        #expect(machine.steps[1].reasonCode == .skippedByOperator)
        #expect(machine.steps[1].reason == "skipped by operator")
    }

    @Test("retry and skip name an unknown step")
    func unknownStep() {
        var machine = Self.machine(.failed)
        #expect(machine.retry(step: "x").refusal == .noSuchStep(run: 7, step: "x"))
        #expect(machine.skip(step: "x").refusal == .noSuchStep(run: 7, step: "x"))
    }

    // MARK: - cancel and final runs

    @Test("cancel: legal on every run that is not final", arguments: RunState.allCases)
    func cancel(run: RunState) throws {
        var machine = Self.machine(.pending, run: run)
        let action = machine.cancel()
        guard !run.isFinal else {
            #expect(action.refusal == .final(run: 7, state: run, operation: .cancel))
            #expect(action.refusal?.message == "cannot cancel run 7: it is \(run.rawValue)")
            return
        }
        let writes = try #require(action.writes)
        #expect(writes.run?.state == .cancelled && writes.run?.reason == "cancelled by operator")
        #expect(writes.steps.isEmpty && machine.state == .cancelled)
    }

    @Test("a final run refuses every operator and runner event", arguments: RunState.allCases.filter(\.isFinal))
    func finalRunRefuses(run: RunState) {
        var machine = Self.machine(.waitingApproval, run: run)
        #expect(machine.approve(step: nil).refusal == .final(run: 7, state: run, operation: .approve))
        #expect(machine.retry(step: "gate").refusal == .final(run: 7, state: run, operation: .retry))
        #expect(machine.skip(step: "gate").refusal == .final(run: 7, state: run, operation: .skip))
        #expect(
            machine.mark(step: "after", as: .skipped, reason: nil).refusal
                == .final(run: 7, state: run, operation: .mark))
        #expect(machine.complete().refusal == .final(run: 7, state: run, operation: .finish))
        #expect(
            machine.supersede(by: 8, target: "3.5.5", now: true).refusal
                == .final(run: 7, state: run, operation: .supersede))
        #expect(machine.reopenSecuritySteps().action.refusal == .final(run: 7, state: run, operation: .addAdvisories))
        #expect(machine.begin(step: "after").refusal == .notActive(run: 7, state: run))
        #expect(machine.follow(step: "gate", .init(state: .done)).writes?.isEmpty == true)
        #expect(machine == Self.machine(.waitingApproval, run: run))
    }

    // MARK: - Runner events

    @Test("begin: legal on a pending step of an active run; it runs with a new attempt", arguments: StepState.allCases)
    func begin(state: StepState) throws {
        var machine = Self.machine(state)
        let action = machine.begin(step: "gate")
        guard state == .pending else {
            #expect(action.refusal == .notInState(run: 7, step: "gate", state: state, expected: .pending))
            return
        }
        let writes = try #require(action.writes)
        #expect(writes.steps == [RunMachine.StepWrite(name: "gate", state: .running, attempt: .start)])
        #expect(writes.run?.state == .active)
    }

    @Test("begin is refused unless the run is active", arguments: RunState.allCases.filter { $0 != .active })
    func beginNotActive(run: RunState) {
        var machine = Self.machine(.pending, run: run)
        #expect(machine.begin(step: "gate").refusal == .notActive(run: 7, state: run))
    }

    @Test("finish: legal on a running step, with an outcome only", arguments: StepState.allCases, StepState.allCases)
    func finish(state: StepState, outcome: StepState) throws {
        var machine = Self.machine(state)
        let action = machine.finish(step: "gate", as: outcome, reason: "why")
        guard RunMachine.outcomes.contains(outcome) else {
            #expect(action.refusal == .notAnOutcome(run: 7, state: outcome))
            return
        }
        guard state == .running else {
            #expect(action.refusal == .notInState(run: 7, step: "gate", state: state, expected: .running))
            return
        }
        let writes = try #require(action.writes)
        let write = RunMachine.StepWrite(
            name: "gate", state: outcome, reason: .words("why"), attempt: .finish(outcome: AttemptOutcome(outcome)))
        #expect(writes.steps == [write])
        let expected: RunState =
            switch outcome {
            case .failed: .failed
            case .needsAttention: .needsAttention
            default: .active
            }
        #expect(writes.run?.state == expected)
    }

    @Test("a dry-run finish records the attempt as a dry run")
    func finishDryRun() throws {
        var machine = Self.machine(.running)
        let writes = try #require(machine.finish(step: "gate", as: .done, reason: "dry run", dryRun: true).writes)
        #expect(writes.steps.first?.attempt == .finish(outcome: .dryRun))
        #expect(writes.steps.first?.attempt?.outcome == .dryRun)
    }

    @Test("mark: a pending step takes a state without an attempt", arguments: StepState.allCases, StepState.allCases)
    func mark(state: StepState, target: StepState) throws {
        var machine = Self.machine(state)
        let action = machine.mark(step: "gate", as: target, reason: .notSecurity)
        guard RunMachine.marks.contains(target) else {
            #expect(action.refusal == .notAMark(run: 7, state: target))
            return
        }
        guard state == .pending else {
            #expect(action.refusal == .notInState(run: 7, step: "gate", state: state, expected: .pending))
            return
        }
        let writes = try #require(action.writes)
        #expect(writes.steps == [RunMachine.StepWrite(name: "gate", state: target, reason: .notSecurity)])
        #expect(machine.steps[1].reasonCode == .notSecurity)
    }

    @Test("complete: done once every step is done or skipped; refused before")
    func complete() throws {
        var unsettled = Self.machine(.skipped)
        #expect(unsettled.complete().refusal == .unsettled(run: 7))
        var settled = RunMachine(
            run: 7, state: .active,
            steps: [Step(name: "a", kind: .command, state: .done), Step(name: "b", kind: .command, state: .skipped)])
        let writes = try #require(settled.complete().writes)
        #expect(writes.run?.state == .done && settled.state == .done)
    }

    @Test("complete: the runner finishes a run as done only", arguments: RunState.allCases.filter { $0 != .done })
    func completeAsAnotherState(state: RunState) {
        var machine = RunMachine(run: 7, state: .active, steps: [Step(name: "a", kind: .command, state: .done)])
        let action = machine.complete(as: state)
        #expect(action.refusal == .notAnEnd(run: 7, state: state))
        #expect(action.refusal?.message == "run 7: the runner cannot finish a run as \(state.rawValue)")
        #expect(machine.state == .active)
    }

    @Test("late advisories: a run gains the CVEs new to it, in order, and is a security release; never once final")
    func addingAdvisories() throws {
        let version = try #require(OpenSSLVersion.parse(bare: "3.5.4"))
        let created = Date(timeIntervalSince1970: 0)
        let later = Date(timeIntervalSince1970: 60)
        let run = RunRecord(
            id: 7, project: "p", previous: version, target: version, advisories: ["CVE-2025-1"], createdAt: created,
            updatedAt: created)
        let (security, added) = try #require(
            run.addingAdvisories(["CVE-2025-2", "CVE-2025-1", "CVE-2025-2"], at: later))
        #expect(added == ["CVE-2025-2"])
        #expect(security.advisories == ["CVE-2025-1", "CVE-2025-2"] && security.isSecurity)
        #expect(security.updatedAt == later && security.createdAt == created)
        #expect(run.addingAdvisories(["CVE-2025-1"], at: later) == nil)
        for state in RunState.allCases where state.isFinal {
            var final = run
            final.state = state
            #expect(final.addingAdvisories(["CVE-2025-3"], at: later) == nil)
        }
    }

    // MARK: - Supersede

    @Test(
        "supersede: noted at once, final now or at the next gate", arguments: RunState.allCases.filter { !$0.isFinal })
    func supersede(run: RunState) throws {
        var later = Self.machine(.pending, run: run)
        let noted = try #require(later.supersede(by: 8, target: "3.5.5", now: false).writes)
        #expect(noted.supersededBy == 8 && noted.run == nil && later.state == run)
        var now = Self.machine(.pending, run: run)
        let final = try #require(now.supersede(by: 8, target: "3.5.5", now: true).writes)
        #expect(final.supersededBy == 8 && final.run?.state == .superseded)
        #expect(final.run?.reason == "superseded by run 8 (OpenSSL 3.5.5)")
    }

    @Test("a noted run is superseded at a gate: not while active, never once final", arguments: RunState.allCases)
    func supersedesAtGate(run: RunState) {
        let expected = run != .active && !run.isFinal
        #expect(RunMachine.supersedesAtGate(state: run, supersededBy: 8) == expected)
        #expect(!RunMachine.supersedesAtGate(state: run, supersededBy: nil))
    }

    // MARK: - Recovery, late advisories, the announce step

    @Test("an interrupted step: idempotent runs again, any other needs attention", arguments: [true, false])
    func recoverInterrupted(idempotent: Bool) throws {
        var machine = Self.machine(.running, idempotent: idempotent)
        let writes = try #require(machine.recoverInterrupted().writes)
        let expected =
            idempotent
            ? RunMachine.StepWrite(name: "gate", state: .pending, attempt: .interrupt)
            : RunMachine.StepWrite(name: "gate", state: .needsAttention, reason: .interrupted, attempt: .interrupt)
        #expect(writes.steps == [expected])
        #expect(writes.steps.first?.attempt?.outcome == .interrupted)
        #expect(writes.run?.state == (idempotent ? .active : .needsAttention))
        var idle = Self.machine(.pending)
        #expect(idle.recoverInterrupted().writes?.isEmpty == true)
        // An announce step runs again whatever its setting: its message row says what happened.
        var announce = Self.machine(.running, kind: .announce, idempotent: false)
        #expect(announce.recoverInterrupted().writes?.steps.first?.state == .pending)
    }

    @Test("late advisories reopen the steps skipped as not a security release, by code only")
    func reopen() throws {
        var machine = RunMachine(
            run: 7, state: .active,
            steps: [
                Step(
                    name: "a", kind: .command, state: .skipped, reason: "not a security release",
                    reasonCode: .notSecurity),
                Step(
                    name: "b", kind: .command, state: .skipped, reason: "skipped by operator",
                    reasonCode: .skippedByOperator),
                Step(name: "c", kind: .command, state: .skipped, reason: "not a security release"),
            ])
        let (reopened, action) = machine.reopenSecuritySteps()
        #expect(reopened == ["a"])
        #expect(action.writes?.steps == [RunMachine.StepWrite(name: "a", state: .pending)])
        #expect(machine.steps.map(\.state) == [.pending, .skipped, .skipped])
    }

    @Test("a withdrawn announcement puts its step back to pending, its approval cleared")
    func withdrawAnnouncement() throws {
        var machine = Self.machine(.waitingApproval, kind: .announce, run: .waitingApproval, draft: 3)
        let writes = try #require(machine.withdrawAnnouncement(step: "gate").writes)
        #expect(writes.steps == [RunMachine.StepWrite(name: "gate", state: .pending, clearsApproval: true)])
        #expect(writes.run?.state == .active)
        #expect(machine.withdrawAnnouncement(step: "x").refusal == .noSuchStep(run: 7, step: "x"))
    }

    @Test("an announce step follows its message in any state of an open run", arguments: StepState.allCases)
    func follow(state: StepState) throws {
        var machine = Self.machine(.pending, kind: .announce)
        let effect = OutboxMachine.StepEffect(state: state, reason: "r", approved: true, attempt: .start)
        let writes = try #require(machine.follow(step: "gate", effect).writes)
        #expect(
            writes.steps == [
                RunMachine.StepWrite(name: "gate", state: state, reason: .words("r"), approved: true, attempt: .start)
            ])
        #expect(machine.steps[1].state == state)
        #expect(machine.follow(step: "x", effect).refusal == .noSuchStep(run: 7, step: "x"))
    }

    @Test("a skipped announce step stays skipped whatever becomes of its message", arguments: StepState.allCases)
    func skippedStepIgnoresItsMessage(effect state: StepState) throws {
        var machine = Self.machine(.skipped, kind: .announce)
        let writes = try #require(machine.follow(step: "gate", .init(state: state)).writes)
        #expect(writes.steps.isEmpty && writes.run == nil)
        #expect(machine.steps[1].state == .skipped)
    }

    // MARK: - The run's state from its steps

    @Test("the first step not done or skipped decides the run's state", arguments: StepState.allCases)
    func derivedState(state: StepState) {
        let steps = [
            Step(name: "a", kind: .command, state: .done), Step(name: "b", kind: .command, state: state, reason: "r"),
            Step(name: "c", kind: .command, state: .failed, reason: "later"),
        ]
        let derived = RunMachine.derivedState(of: steps)
        switch state {
        case .failed: #expect(derived.state == .failed && derived.reason == "step b failed: r")
        case .needsAttention: #expect(derived.state == .needsAttention && derived.reason == "step b needs attention: r")
        case .waitingApproval:
            #expect(derived.state == .waitingApproval && derived.reason == "step b waits for approval: r")
        case .pending, .running: #expect(derived.state == .active && derived.reason == nil)
        case .done, .skipped: #expect(derived.state == .failed && derived.reason == "step c failed: later")
        }
        #expect(RunMachine.derivedState(of: []).state == .active)
    }

    @Test("step reasons: each code has its words, free words have no code")
    func reasons() {
        for code in StepReason.Code.allCases {
            let reason: StepReason =
                switch code {
                case .notSecurity: .notSecurity
                case .skippedByOperator: .skippedByOperator
                case .interrupted: .interrupted
                }
            #expect(reason.code == code && !reason.text.isEmpty)
        }
        #expect(StepReason.words("x").code == nil && StepReason.words("x").text == "x")
        #expect(Store.interruptedReason == StepReason.interrupted.text)
    }
}

extension RunMachine.Action {
    var writes: RunMachine.Writes? {
        if case .write(let writes) = self { return writes }
        return nil
    }

    var refusal: RunRefusal? {
        if case .refuse(let refusal) = self { return refusal }
        return nil
    }
}
