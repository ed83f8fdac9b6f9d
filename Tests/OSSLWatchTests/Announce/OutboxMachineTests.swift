import Foundation
import OSSLWatch
import OSSLWatchCore
import Testing

/// Every transition of the outbox machine, legal and refused, for every state: no database.
@Suite struct OutboxMachineTests {
    static let now = Date(timeIntervalSince1970: 1_759_226_400)

    /// A run's announcement (or, `run: nil`, a notice) in `state`.
    static func record(
        _ state: OutboxState, run: Int64? = 4, role: OutboxRecord.Role = .message, kind: String = "announcement",
        attempts: Int = 1, nextAttempt: Date? = nil
    ) -> OutboxRecord {
        OutboxRecord(
            id: 9, key: run.map { "run:\($0):announce" } ?? "notice:p:new-series:3.6", role: role, kind: kind,
            project: "cryptography", runID: run, step: run.map { _ in "announce" }, messageID: "m@example.org",
            subject: "s", maildirFile: "f", envelopeFrom: "from@example.org",
            recipients: ["a@example.org", "b@example.org"], state: state, attempts: attempts, nextAttempt: nextAttempt,
            createdAt: now, updatedAt: now)
    }

    // MARK: - Drafting

    @Test("a run's new draft makes its step wait; an approved draft or a notice moves no step")
    func drafted() {
        let effect = OutboxMachine(Self.record(.drafted)).drafted()
        #expect(effect?.state == .waitingApproval)
        #expect(effect?.reason == OutboxMachine.waitingReason(id: 9, run: 4))
        #expect(effect?.reason?.contains("`osslwatch drafts approve 9`") == true)
        #expect(OutboxMachine(Self.record(.approved)).drafted() == nil)
        #expect(OutboxMachine(Self.record(.drafted, run: nil)).drafted() == nil)
    }

    // MARK: - approve

    @Test("approve: legal on a drafted message only", arguments: OutboxState.allCases)
    func approve(state: OutboxState) throws {
        var machine = OutboxMachine(Self.record(state))
        let action = machine.approve(at: Self.now, runState: .waitingApproval, stepState: .waitingApproval)
        guard state == .drafted else {
            #expect(action.refusal == .notDrafted(id: 9, state: state))
            #expect(action.refusal?.message == "draft 9 is \(state.rawValue); only a drafted message can be approved")
            return
        }
        let write = try #require(action.write)
        #expect(write.record.state == .approved && write.record.approvedAt == Self.now && write.record.reason == nil)
        #expect(write.step == OutboxMachine.StepEffect(state: .pending, approved: true))
    }

    @Test("approve: a run's draft needs an open run", arguments: RunState.allCases)
    func approveRunState(run: RunState) {
        var machine = OutboxMachine(Self.record(.drafted))
        let action = machine.approve(at: Self.now, runState: run, stepState: .waitingApproval)
        #expect((action.refusal == nil) == !run.isFinal)
        if run.isFinal { #expect(action.refusal == .runClosed(id: 9, run: 4, state: run)) }
        var gone = OutboxMachine(Self.record(.drafted))
        #expect(gone.approve(at: Self.now).refusal?.message == "draft 9 belongs to run 4, which is gone")
    }

    @Test("approve: a run's draft needs its step waiting or pending", arguments: StepState.allCases)
    func approveStepState(step: StepState) {
        var machine = OutboxMachine(Self.record(.drafted))
        let action = machine.approve(at: Self.now, runState: .active, stepState: step)
        let legal = step == .waitingApproval || step == .pending
        #expect((action.refusal == nil) == legal)
        if !legal { #expect(action.refusal == .stepNotWaiting(id: 9, run: 4, step: "announce", state: step)) }
    }

    @Test(
        "approve RUN on the step approves its draft alone (the run machine moved the step)",
        arguments: OutboxState.allCases)
    func approveWithStep(state: OutboxState) throws {
        var machine = OutboxMachine(Self.record(state))
        let action = machine.approveWithStep(at: Self.now)
        guard state == .drafted else {
            #expect(action == .none && machine.record == Self.record(state))
            return
        }
        let write = try #require(action.write)
        #expect(write.record.state == .approved && write.record.approvedAt == Self.now && write.record.reason == nil)
        #expect(write.step == nil)
    }

    @Test("approving a notice moves no step")
    func approveNotice() {
        var machine = OutboxMachine(Self.record(.drafted, run: nil))
        #expect(machine.approve(at: Self.now).write?.step == nil)
    }

    // MARK: - retry

    @Test(
        "retry: legal on a failed or needs-attention message; the step is pending again",
        arguments: OutboxState.allCases)
    func retry(state: OutboxState) throws {
        var machine = OutboxMachine(Self.record(state, attempts: 3, nextAttempt: Self.now))
        let action = machine.retry(at: Self.now)
        guard state == .failed || state == .needsAttention else {
            #expect(action.refusal == .notRetryable(id: 9, state: state))
            return
        }
        let write = try #require(action.write)
        #expect(write.record.state == .approved && write.record.attempts == 0 && write.record.nextAttempt == nil)
        #expect(write.step == OutboxMachine.StepEffect(state: .pending))
    }

    @Test("approving or retrying a run's review copy moves no step: only the run's own message does")
    func reviewCopyMovesNoStep() throws {
        var failed = OutboxMachine(Self.record(.failed, role: .review))
        #expect(try #require(failed.retry(at: Self.now).write).step == nil)
        var drafted = OutboxMachine(Self.record(.drafted, role: .review))
        let approved = try #require(
            drafted.approve(at: Self.now, runState: .waitingApproval, stepState: .waitingApproval).write)
        #expect(approved.step == nil && approved.record.state == .approved)
    }

    // MARK: - Sending

    @Test(
        "beginSending: legal when approved or a retry is due; the step's attempt is the runner's",
        arguments: OutboxState.allCases)
    func beginSending(state: OutboxState) throws {
        var machine = OutboxMachine(Self.record(state, nextAttempt: Self.now))
        let action = machine.beginSending(at: Self.now)
        guard state == .approved || state == .retryWait else {
            #expect(action.refusal == .notDue(id: 9, state: state))
            return
        }
        let write = try #require(action.write)
        #expect(write.record.state == .sending && write.record.attempts == 2)
        #expect(write.step == nil)
    }

    @Test("a retry not yet due is refused")
    func notDue() {
        var early = OutboxMachine(Self.record(.retryWait, nextAttempt: Self.now + 60))
        #expect(!early.isDue(at: Self.now) && early.isDue(at: Self.now + 60))
        #expect(early.beginSending(at: Self.now).refusal == .notDue(id: 9, state: .retryWait))
    }

    @Test("finishSending: refused unless sending", arguments: OutboxState.allCases.filter { $0 != .sending })
    func finishNotSending(state: OutboxState) {
        var machine = OutboxMachine(Self.record(state))
        #expect(
            machine.finishSending(.sent(code: 250, text: "ok"), at: Self.now).refusal
                == .notSending(id: 9, state: state))
        #expect(machine.interrupted(at: Self.now).refusal == .notSending(id: 9, state: state))
    }

    @Test("finishSending: sent, retry, failed and unknown each set the row, and the step's attempt ends so")
    func finishSending() throws {
        let next = Self.now + 300
        let cases: [(OutboxMachine.SendOutcome, OutboxState, StepState)] = [
            (.sent(code: 250, text: "2.0.0 Ok:\nqueued"), .sent, .done),
            (.retry(code: 451, text: "4.3.0 later", next: next), .retryWait, .pending),
            (.failed(code: 550, text: "5.1.1 no such list"), .failed, .failed),
            (.unknown(text: "connection lost after DATA"), .needsAttention, .needsAttention),
        ]
        for (outcome, state, stepState) in cases {
            var machine = OutboxMachine(Self.record(.sending))
            let write = try #require(machine.finishSending(outcome, at: Self.now).write)
            #expect(write.record.state == state && write.step == nil)
            let result = OutboxMachine(write.record).attemptResult(attemptsBefore: 0)
            #expect(result.state == stepState)
            #expect(result.attempt?.outcome?.rawValue == state.rawValue)
            switch state {
            case .sent:
                #expect(write.record.sentAt == Self.now && write.record.replyText == "2.0.0 Ok: queued")
                #expect(result.reason == "sent to 2 recipients as <m@example.org>: 250 2.0.0 Ok: queued")
            case .retryWait:
                #expect(write.record.nextAttempt == next)
                #expect(write.record.reason?.hasPrefix("451 4.3.0 later; try 2 at ") == true)
            case .failed:
                #expect(write.record.reason == "550 5.1.1 no such list" && result.reason == write.record.reason)
            default:
                #expect(write.record.reason?.contains("`osslwatch drafts retry 9`") == true)
            }
        }
    }

    @Test("a message the sender could not start leaves the step pending, to run again")
    func attemptNotStarted() {
        let result = OutboxMachine(Self.record(.approved, attempts: 1)).attemptResult(attemptsBefore: 1)
        #expect(result.state == .pending && result.attempt == .finish(outcome: .notStarted))
    }

    @Test("a row left sending becomes needs-attention; the step follows it at the next drive")
    func interrupted() throws {
        var machine = OutboxMachine(Self.record(.sending))
        let write = try #require(machine.interrupted(at: Self.now).write)
        #expect(write.record.state == .needsAttention && write.step == nil)
        #expect(write.record.reason?.contains("may or may not have been delivered") == true)
        #expect(OutboxMachine(write.record).announceStep?.state == .needsAttention)
    }

    // MARK: - The announce step

    @Test("the announce step follows its message in every state", arguments: OutboxState.allCases)
    func announceStep(state: OutboxState) {
        let effect = OutboxMachine(Self.record(state)).announceStep
        switch state {
        case .drafted: #expect(effect?.state == .waitingApproval)
        case .sent: #expect(effect?.state == .done)
        case .failed, .cancelled: #expect(effect?.state == .failed)
        case .needsAttention, .sending:
            #expect(effect?.state == .needsAttention && effect?.reason?.contains("`osslwatch skip 4 announce`") == true)
        case .approved, .retryWait: #expect(effect == nil)
        }
        #expect(OutboxMachine(Self.record(state, run: nil)).announceStep == nil)
    }

    // MARK: - Withdrawing

    @Test(
        "a cancelled or superseded run's unsent message is withdrawn", arguments: OutboxState.allCases,
        RunState.allCases)
    func closeWithRun(state: OutboxState, run: RunState) {
        var machine = OutboxMachine(Self.record(state))
        let action = machine.closeWithRun(run, at: Self.now)
        let withdrawn = OutboxMachine.withdrawable.contains(state) && (run == .cancelled || run == .superseded)
        #expect((action.write != nil) == withdrawn)
        if withdrawn {
            #expect(
                action.write?.record.state == .cancelled && action.write?.record.reason == "run 4 is \(run.rawValue)")
        } else {
            #expect(action == .none)
        }
    }

    @Test("late advisories withdraw an unsent plain announcement only", arguments: OutboxState.allCases)
    func withdrawForSecurity(state: OutboxState) {
        var plain = OutboxMachine(Self.record(state))
        let result = plain.withdrawForSecurity(cves: ["CVE-2025-1"], plainKind: "announcement", at: Self.now)
        switch state {
        case .sending, .sent, .needsAttention, .cancelled:
            #expect(result == .alreadyOut && plain.record.state == state)
        case .drafted, .approved, .retryWait, .failed:
            #expect(result == .withdrawn(9) && plain.record.state == .cancelled)
            #expect(
                plain.record.key == "run:4:announce:withdrawn-9" && plain.record.reason?.contains("CVE-2025-1") == true)
            var secure = OutboxMachine(Self.record(state, kind: "security-announcement"))
            #expect(secure.withdrawForSecurity(cves: [], plainKind: "announcement", at: Self.now) == .stale(9))
            var review = OutboxMachine(Self.record(state, role: .review))
            let copy = review.followWithdrawal(of: plain.record, at: Self.now).write?.record
            #expect(copy?.key == "run:4:announce:withdrawn-9:review" && copy?.state == .cancelled)
        }
    }

    @Test("without a message, a step that ran passed without mail", arguments: StepState.allCases)
    func lateSecurityWithoutMessage(step: StepState) {
        let result = OutboxMachine.lateSecurityWithoutMessage(stepState: step)
        #expect(result == (step == .done || step == .running ? .alreadyOut : .untouched))
    }

    @Test("a review copy of a withdrawn message that went out keeps its state")
    func reviewAlreadySent() {
        var plain = OutboxMachine(Self.record(.approved))
        _ = plain.withdrawForSecurity(cves: [], plainKind: "announcement", at: Self.now)
        var review = OutboxMachine(Self.record(.sent, role: .review))
        #expect(review.followWithdrawal(of: plain.record, at: Self.now).write?.record.state == .sent)
    }

    // MARK: - Dry run

    @Test("a dry run holds a due message once, saying why", arguments: OutboxState.allCases)
    func holdForDryRun(state: OutboxState) {
        var machine = OutboxMachine(Self.record(state))
        let action = machine.holdForDryRun(at: Self.now)
        guard state == .approved || state == .retryWait else {
            #expect(action == .none)
            return
        }
        #expect(action.write?.record.reason == OutboxMachine.dryRunReason && action.write?.record.state == state)
        #expect(machine.holdForDryRun(at: Self.now) == .none)
    }

    @Test("a dry run withholds an unsent message for good; the step is done", arguments: OutboxState.allCases)
    func finishDryRun(state: OutboxState) {
        var machine = OutboxMachine(Self.record(state))
        let action = machine.finishDryRun(at: Self.now)
        guard OutboxMachine.withdrawable.contains(state) else {
            #expect(action.refusal == .notWithholdable(id: 9, state: state))
            return
        }
        #expect(action.write?.record.state == .cancelled && action.write?.record.reason == OutboxMachine.dryRunReason)
        #expect(action.write?.step?.state == .done)
        #expect(action.write?.step?.reason == "dry run: draft 9 written to the Maildir, not sent")
    }

    @Test("an SMTP reply names its code once")
    func reply() {
        #expect(OutboxMachine.reply(250, "250 ok") == "250 ok")
        #expect(OutboxMachine.reply(250, "ok") == "250 ok")
        #expect(OutboxMachine.reply(nil, "ok") == "ok")
    }
}

extension OutboxMachine.Action {
    var write: OutboxMachine.Write? {
        if case .write(let write) = self { return write }
        return nil
    }

    var refusal: OutboxRefusal? {
        if case .refuse(let refusal) = self { return refusal }
        return nil
    }
}
