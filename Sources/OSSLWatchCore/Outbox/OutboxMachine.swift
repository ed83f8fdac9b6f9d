public import Foundation

/// The rules of one outbox message, as a value: drafted, approved, sending, sent, waiting for a
/// retry, failed, needs-attention, withdrawn (cancelled); which event is legal in which state;
/// the words its reason carries; and what the run's announce step does alongside.
///
/// Each event mutates the machine's record and returns an `Action`: the row to write (and, for
/// a drafted, approved, retried or withheld announcement, the announce step's move, which the
/// run machine applies), or why nothing may change. The store writes both in one transaction,
/// `sending` before the SMTP transaction starts, so a message is never handed over twice
/// without a human. The announce step itself is journaled like every other step (`beginStep`
/// before the sender, `finishStep` with `attemptResult` after); the row is the mail's own
/// journal.
public struct OutboxMachine: Sendable, Hashable {
    /// What a run's announce step does when its message moves.
    public struct StepEffect: Sendable, Hashable {
        public var state: StepState
        public var reason: String?
        /// Sets the step's `approved_at`.
        public var approved: Bool
        public var attempt: RunMachine.AttemptWrite?

        public init(
            state: StepState, reason: String? = nil, approved: Bool = false, attempt: RunMachine.AttemptWrite? = nil
        ) {
            self.state = state
            self.reason = reason
            self.approved = approved
            self.attempt = attempt
        }
    }

    /// One event's result: the row as it must be written, and the announce step's move.
    public struct Write: Sendable, Hashable {
        public var record: OutboxRecord
        /// Set only for a run's message row (never for a review copy or a notice).
        public var step: StepEffect?
    }

    /// What the caller must do after an event.
    public enum Action: Sendable, Hashable {
        case write(Write)
        /// The event is legal and changes nothing (a dry run's reason already says so).
        case none
        case refuse(OutboxRefusal)
    }

    /// How one SMTP transaction ended.
    public enum SendOutcome: Sendable, Hashable {
        /// The server accepted the message with this final reply.
        case sent(code: Int, text: String)
        /// A temporary failure: try again at `next`.
        case retry(code: Int?, text: String, next: Date)
        /// A permanent failure (or the tries are used up); the text says why.
        case failed(code: Int?, text: String)
        /// Delivered or not, nobody knows (the reply to the message never came).
        case unknown(text: String)
    }

    /// What became of a run's announce step when the run turned out to be a security release.
    public enum LateSecurity: Sendable, Hashable {
        /// Nothing drafted yet (the security variant is drafted when the step is reached).
        case untouched
        /// The unsent plain announcement with this id was withdrawn; the step is pending.
        case withdrawn(Int64)
        /// The plain announcement is out, or may be, or the step passed without mail.
        case alreadyOut
        /// An unsent security announcement (this id) drafted with fewer CVEs; left as it is.
        case stale(Int64)
    }

    public private(set) var record: OutboxRecord

    public init(_ record: OutboxRecord) { self.record = record }

    /// The states a withdrawn (cancelled) run's messages are taken back from: never sent,
    /// never possibly sent.
    public static let withdrawable: Set<OutboxState> = [.drafted, .approved, .retryWait]
    /// Run states whose unsent messages must never go out.
    public static let closingRunStates: Set<RunState> = [.cancelled, .superseded]
    /// The reason every message a dry run drafts but does not send carries.
    public static let dryRunReason = "dry run: not sent"

    /// Whether the sender may start the SMTP transaction at `now`.
    public func isDue(at now: Date) -> Bool {
        record.state == .approved || (record.state == .retryWait && (record.nextAttempt ?? now) <= now)
    }

    private var isRunMessage: Bool { record.runID != nil && record.step != nil && record.role == .message }

    // MARK: - Drafting

    /// What a new run-linked draft does to its step: a drafted message makes it wait.
    public func drafted() -> StepEffect? {
        guard let run = record.runID, record.step != nil, record.state == .drafted else { return nil }
        return StepEffect(state: .waitingApproval, reason: Self.waitingReason(id: record.id, run: run))
    }

    /// What a run's announce step says while its draft waits.
    public static func waitingReason(id: Int64, run: Int64) -> String {
        "draft \(id) waits for approval: `osslwatch drafts show \(id)`, then `osslwatch drafts approve \(id)` "
            + "or `osslwatch approve \(run)`"
    }

    // MARK: - Operator events

    /// `osslwatch drafts approve` (or `approve RUN` on its step): a drafted message may be
    /// sent. A run's announcement only while the run is open and its step waits (or is
    /// pending); `runState` and `stepState` are nil when the run or step is gone.
    public mutating func approve(at now: Date, runState: RunState? = nil, stepState: StepState? = nil) -> Action {
        guard record.state == .drafted else { return .refuse(.notDrafted(id: record.id, state: record.state)) }
        var effect: StepEffect?
        if isRunMessage, let run = record.runID, let step = record.step {
            guard let runState, !runState.isFinal else {
                return .refuse(.runClosed(id: record.id, run: run, state: runState))
            }
            guard stepState == .waitingApproval || stepState == .pending else {
                return .refuse(.stepNotWaiting(id: record.id, run: run, step: step, state: stepState))
            }
            effect = StepEffect(state: .pending, approved: true)
        }
        _ = approveWithStep(at: now)
        return .write(Write(record: record, step: effect))
    }

    /// `osslwatch approve RUN` approved the announce step waiting on this draft (the run
    /// machine checked the run and moved the step): the draft is approved; nothing when it is
    /// not drafted.
    public mutating func approveWithStep(at now: Date) -> Action {
        guard record.state == .drafted else { return .none }
        record.state = .approved
        record.approvedAt = now
        record.reason = nil
        record.updatedAt = now
        return .write(Write(record: record))
    }

    /// `osslwatch drafts retry`: a failed or needs-attention message goes back to approved
    /// (for needs-attention the operator has checked it was not delivered).
    public mutating func retry(at now: Date) -> Action {
        guard record.state == .failed || record.state == .needsAttention else {
            return .refuse(.notRetryable(id: record.id, state: record.state))
        }
        record.state = .approved
        record.attempts = 0
        record.nextAttempt = nil
        record.reason = nil
        record.updatedAt = now
        // Only the run's own message moves its announce step; a review copy never does.
        return .write(Write(record: record, step: isRunMessage ? .init(state: .pending) : nil))
    }

    // MARK: - Sender events

    /// `sending`, committed before the SMTP transaction.
    public mutating func beginSending(at now: Date) -> Action {
        guard isDue(at: now) else { return .refuse(.notDue(id: record.id, state: record.state)) }
        record.state = .sending
        record.attempts += 1
        record.updatedAt = now
        return .write(Write(record: record))
    }

    /// The transaction's outcome, committed after it.
    public mutating func finishSending(_ outcome: SendOutcome, at now: Date) -> Action {
        guard record.state == .sending else { return .refuse(.notSending(id: record.id, state: record.state)) }
        var code: Int?
        var text: String
        var next: Date?
        switch outcome {
        case .sent(let replyCode, let replyText):
            (record.state, code, text) = (.sent, replyCode, replyText)
            record.sentAt = now
            record.reason = nil
        case .retry(let replyCode, let replyText, let nextAttempt):
            (record.state, code, text, next) = (.retryWait, replyCode, replyText, nextAttempt)
            record.reason = "\(Self.reply(code, text)); try \(record.attempts + 1) at \(Self.iso(nextAttempt))"
        case .failed(let replyCode, let replyText):
            (record.state, code, text) = (.failed, replyCode, replyText)
            record.reason = Self.reply(code, text)
        case .unknown(let replyText):
            (record.state, text) = (.needsAttention, replyText)
            record.reason =
                "\(replyText); it may or may not have been delivered: check, then `osslwatch drafts retry \(record.id)`"
        }
        text = String(text.split(whereSeparator: \.isNewline).joined(separator: " ").prefix(1000))
        record.replyCode = code
        record.replyText = text
        record.nextAttempt = next
        record.updatedAt = now
        return .write(Write(record: record))
    }

    /// How the announce step's attempt ends once the sender returned this row: done when
    /// sent, failed or needs-attention like the message, pending when it waits for a retry
    /// (the step runs again). The attempt's outcome is the row's state; with no SMTP
    /// transaction started since `attemptsBefore` (the password was unreadable) it is
    /// "not started" and the step is pending.
    public func attemptResult(attemptsBefore: Int) -> StepEffect {
        guard record.attempts > attemptsBefore else {
            return StepEffect(state: .pending, reason: record.reason, attempt: .finish(outcome: .notStarted))
        }
        let outcome = RunMachine.AttemptWrite.finish(outcome: AttemptOutcome(record.state))
        switch record.state {
        case .sent:
            let reply = Self.reply(record.replyCode, record.replyText ?? "")
            return StepEffect(
                state: .done,
                reason: "sent to \(record.recipients.count) recipients as <\(record.messageID)>: \(reply)",
                attempt: outcome)
        case .failed, .needsAttention:
            return StepEffect(
                state: record.state == .failed ? .failed : .needsAttention, reason: record.reason, attempt: outcome)
        case .retryWait, .approved, .drafted, .sending, .cancelled:
            return StepEffect(state: .pending, reason: record.reason, attempt: outcome)
        }
    }

    /// At start: a row still `sending` was interrupted in its SMTP transaction; delivered or
    /// not, a human checks before it is sent again.
    public mutating func interrupted(at now: Date) -> Action {
        guard record.state == .sending else { return .refuse(.notSending(id: record.id, state: record.state)) }
        record.state = .needsAttention
        record.reason =
            "interrupted during the SMTP transaction; it may or may not have been delivered: "
            + "check the list, then `osslwatch drafts retry \(record.id)` to send it again"
        record.updatedAt = now
        return .write(Write(record: record))
    }

    // MARK: - The announce step

    /// Where a pending announce step stands given its message: waiting while drafted, done
    /// once sent, failed or needs-attention like the message; nil when it may go on (approved,
    /// waiting for a retry).
    public var announceStep: StepEffect? {
        guard let run = record.runID, let step = record.step else { return nil }
        let id = record.id
        switch record.state {
        case .drafted:
            return StepEffect(state: .waitingApproval, reason: Self.waitingReason(id: id, run: run))
        case .sent:
            return StepEffect(
                state: .done,
                reason: "sent as <\(record.messageID)>: \(Self.reply(record.replyCode, record.replyText ?? ""))")
        case .failed:
            return StepEffect(
                state: .failed,
                reason: (record.reason ?? record.replyText ?? "failed")
                    + "; `osslwatch drafts retry \(id)` sends it again")
        case .needsAttention, .sending:
            return StepEffect(
                state: .needsAttention,
                reason: (record.reason ?? "the message may have been sent")
                    + "; after checking: `osslwatch drafts retry \(id)` sends it again, "
                    + "`osslwatch skip \(run) \(step)` goes on without it")
        case .cancelled:
            return StepEffect(state: .failed, reason: "draft \(id) was cancelled")
        case .approved, .retryWait:
            return nil
        }
    }

    // MARK: - Withdrawing

    /// The message's run was cancelled or superseded: an unsent message never goes out.
    public mutating func closeWithRun(_ runState: RunState, at now: Date) -> Action {
        guard let run = record.runID, Self.closingRunStates.contains(runState),
            Self.withdrawable.contains(record.state)
        else { return .none }
        record.state = .cancelled
        record.reason = "run \(run) is \(runState.rawValue)"
        record.updatedAt = now
        return .write(Write(record: record))
    }

    /// The run became a security release: an unsent plain announcement (drafted, approved,
    /// waiting for a retry, or failed) is withdrawn and its key freed (suffixed
    /// `:withdrawn-ID`) so the security variant is drafted under the run's key. A message
    /// that is sending, sent or needs attention is never touched.
    public mutating func withdrawForSecurity(cves: [String], plainKind: String, at now: Date) -> LateSecurity {
        switch record.state {
        case .sending, .sent, .needsAttention, .cancelled:
            return .alreadyOut
        case .drafted, .approved, .retryWait, .failed:
            guard record.kind == plainKind else { return .stale(record.id) }
        }
        let run = record.runID.map(String.init) ?? "-"
        let reason =
            "withdrawn: run \(run) became a security release (\(cves.joined(separator: ", "))); "
            + "the security announcement is drafted instead"
        let original = record.key
        record.state = .cancelled
        record.reason = reason
        record.key = original + Self.withdrawnSuffix(record.id)
        record.nextAttempt = nil
        record.updatedAt = now
        return .withdrawn(record.id)
    }

    /// An announce step without a message when the run became a security release: a step that
    /// ran or is done passed without mail (announced by hand); any other drafts the security variant.
    public static func lateSecurityWithoutMessage(stepState: StepState) -> LateSecurity {
        stepState == .done || stepState == .running ? .alreadyOut : .untouched
    }

    /// The key suffix of a withdrawn message (and its review copies).
    public static func withdrawnSuffix(_ id: Int64) -> String { ":withdrawn-\(id)" }

    /// A review copy of a withdrawn message: it takes the withdrawn key and, unless it went
    /// out (or may have), is withdrawn with the same reason.
    public mutating func followWithdrawal(of message: OutboxRecord, at now: Date) -> Action {
        record.key = message.key + ":review"
        if [.drafted, .approved, .retryWait, .failed].contains(record.state) {
            record.state = .cancelled
            record.reason = message.reason
        }
        record.updatedAt = now
        return .write(Write(record: record))
    }

    // MARK: - Dry run

    /// A dry run reached a due row: nothing is sent, the row stays as it is and says why.
    public mutating func holdForDryRun(at now: Date) -> Action {
        guard record.state == .approved || record.state == .retryWait, record.reason != Self.dryRunReason else {
            return .none
        }
        record.reason = Self.dryRunReason
        record.updatedAt = now
        return .write(Write(record: record))
    }

    /// A dry run's draft (or its review copy) is withheld for good: cancelled, and a run's
    /// announce step done, as a dry-run command step is.
    public mutating func finishDryRun(at now: Date) -> Action {
        guard Self.withdrawable.contains(record.state) else {
            return .refuse(.notWithholdable(id: record.id, state: record.state))
        }
        record.state = .cancelled
        record.reason = Self.dryRunReason
        record.nextAttempt = nil
        record.updatedAt = now
        let effect = StepEffect(state: .done, reason: "dry run: draft \(record.id) written to the Maildir, not sent")
        return .write(Write(record: record, step: isRunMessage ? effect : nil))
    }

    // MARK: - Words

    /// An SMTP reply as one phrase: the code once, then the text.
    public static func reply(_ code: Int?, _ text: String) -> String {
        guard let code else { return text }
        return text.hasPrefix(String(code)) ? text : "\(code) \(text)"
    }

    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

/// Why the outbox machine changed nothing, as a value; `message` is the one place its words
/// (the line `osslwatch drafts approve|retry` prints) are written.
public enum OutboxRefusal: Sendable, Hashable, CustomStringConvertible {
    case notDrafted(id: Int64, state: OutboxState)
    /// The draft's run is final or gone (`state` nil).
    case runClosed(id: Int64, run: Int64, state: RunState?)
    /// The draft's step does not wait for it (`state` nil: the step is gone).
    case stepNotWaiting(id: Int64, run: Int64, step: String, state: StepState?)
    case notRetryable(id: Int64, state: OutboxState)
    case notDue(id: Int64, state: OutboxState)
    case notSending(id: Int64, state: OutboxState)
    case notWithholdable(id: Int64, state: OutboxState)

    public var message: String {
        switch self {
        case .notDrafted(let id, let state):
            "draft \(id) is \(state.rawValue); only a drafted message can be approved"
        case .runClosed(let id, let run, let state):
            "draft \(id) belongs to run \(run), which is \(state?.rawValue ?? "gone")"
        case .stepNotWaiting(let id, let run, let step, let state):
            "draft \(id): step \(step) of run \(run) is \(state?.rawValue ?? "gone"), not waiting"
        case .notRetryable(let id, let state):
            "draft \(id) is \(state.rawValue); only a failed or needs-attention message can be retried"
        case .notDue(let id, let state):
            "draft \(id) is \(state.rawValue), not due for sending"
        case .notSending(let id, let state):
            "draft \(id) is \(state.rawValue), not sending"
        case .notWithholdable(let id, let state):
            "draft \(id) is \(state.rawValue); a dry run only withholds an unsent message"
        }
    }

    public var description: String { message }
}
