public import Foundation
internal import GRDB
public import OSSLWatchCore

/// The outbox: drafted and sent messages, and the announce steps whose state follows them.
///
/// Every method is one transaction: it loads the row's `OutboxMachine`, sends it one event
/// and writes the result; where the machine says so (drafted, approved, retried, withheld),
/// a run's message moves its announce step through the run's `RunMachine` in the same
/// transaction, so the run never says something the outbox contradicts. Sending is the
/// mail's own journal: the announce step's attempt is `beginStep`/`finishStep`, as for every
/// step. The rules and the words are the machines'.
extension Store {
    /// How one SMTP transaction ended, as `finishSending` records it.
    public typealias SendOutcome = OutboxMachine.SendOutcome

    // MARK: - Drafting

    /// Records a draft (and its review copy) unless its key exists; returns the message row and
    /// whether it is new. A run-linked draft waiting for approval puts its step in
    /// waiting-approval in the same transaction.
    public func createDraft(_ draft: OutboxDraft, review: OutboxDraft? = nil, at: Date) throws(StoreError)
        -> (record: OutboxRecord, created: Bool)
    {
        try write { db in
            if let existing = try OutboxRow.filter({ $0.key == draft.key }).record(db) { return (existing, false) }
            try insert(db, draft, at: at)
            let id = db.lastInsertedRowID
            if let review { try insert(db, review, at: at) }
            let machine = OutboxMachine(try requireRow(db, id))
            if let effect = machine.drafted() { try follow(db, machine.record, effect, at: at) }
            return (try requireRow(db, id), true)
        }
    }

    private func insert(_ db: Database, _ draft: OutboxDraft, at: Date) throws {
        let record = OutboxRecord(
            id: 0, key: draft.key, role: draft.role, kind: draft.kind, project: draft.project, runID: draft.runID,
            step: draft.step, messageID: draft.messageID, subject: draft.subject, maildirFile: draft.maildirFile,
            envelopeFrom: draft.envelopeFrom, recipients: draft.recipients, state: draft.state, reason: draft.reason,
            createdAt: at, updatedAt: at, approvedAt: draft.state == .approved ? at : nil)
        var row = OutboxRow(record: record)
        row.message = draft.message
        try row.insert(db)
    }

    // MARK: - Reading

    public func outbox(_ id: Int64) throws(StoreError) -> OutboxRecord? {
        try read { db in try OutboxRow.filter(key: id).record(db) }
    }

    public func outbox(key: String) throws(StoreError) -> OutboxRecord? {
        try read { db in try OutboxRow.filter { $0.key == key }.record(db) }
    }

    /// Every row, oldest first; only those in `state` when given (the runner's look for drafted
    /// rows at every advance need not read every message ever sent).
    public func outboxRecords(state: OutboxState? = nil) throws(StoreError) -> [OutboxRecord] {
        try read { db in
            let all = OutboxRow.order { $0.id }
            guard let state else { return try all.records(db) }
            return try all.filter { $0.state == state.rawValue }.records(db)
        }
    }

    /// The exact bytes drafted (and sent).
    public func outboxMessage(_ id: Int64) throws(StoreError) -> [UInt8]? {
        let data = try read { db in try OutboxRow.filter(key: id).select({ $0.message }, as: Data.self).fetchOne(db) }
        return data.map { [UInt8]($0) }
    }

    /// Rows that may be sent now (`OutboxMachine.isDue`): approved ones, and retry-wait ones
    /// whose time has come.
    public func dueOutbox(now: Date) throws(StoreError) -> [OutboxRecord] {
        let states = [OutboxState.approved.rawValue, OutboxState.retryWait.rawValue]
        return try read { db in try OutboxRow.filter { states.contains($0.state) }.order { $0.id }.records(db) }
            .filter { OutboxMachine($0).isDue(at: now) }
    }

    /// The earliest retry of a message waiting after a temporary failure, for the daemon's wake-up.
    public func nextOutboxAttempt() throws(StoreError) -> Date? {
        try read { db in
            try OutboxRow.filter { $0.state == OutboxState.retryWait.rawValue }
                .select({ min($0.nextAttempt) }, as: Date.self).fetchOne(db)
        }
    }

    // MARK: - Operator transitions

    /// `osslwatch drafts approve ID`: `OutboxMachine.approve`, with the run's and step's state read.
    public func approveDraft(_ id: Int64, at: Date) throws(StoreError) -> OutboxRecord {
        try write { db in
            var machine = OutboxMachine(try requireRow(db, id))
            let owner = machine.record.runID.flatMap { run in try? runMachine(db, run: run) }
            let stepState = owner?.steps.first { $0.name == machine.record.step }?.state
            try apply(db, machine.approve(at: at, runState: owner?.state, stepState: stepState), at: at)
            return try requireRow(db, id)
        }
    }

    /// Called by the run machine's writes when `approve RUN` approves an announce step that
    /// waits on this draft: the step has moved already; the draft becomes approved.
    func approveDraftOfStep(_ db: Database, _ id: Int64, at: Date) throws {
        try apply(db, to: try requireRow(db, id), at: at) { $0.approveWithStep(at: at) }
    }

    /// `osslwatch drafts retry ID` (`OutboxMachine.retry`): the message is sent at the next advance.
    public func retryDraft(_ id: Int64, at: Date) throws(StoreError) -> OutboxRecord {
        try transition(id, at: at) { $0.retry(at: at) }
    }

    // MARK: - Sender transitions

    /// `OutboxMachine.beginSending`: refused unless the row is approved or its retry is due.
    public func beginSending(_ id: Int64, at: Date) throws(StoreError) -> OutboxRecord {
        try transition(id, at: at) { $0.beginSending(at: at) }
    }

    /// Commits the transaction's outcome after it.
    public func finishSending(_ id: Int64, _ outcome: SendOutcome, at: Date) throws(StoreError) -> OutboxRecord {
        try transition(id, at: at) { $0.finishSending(outcome, at: at) }
    }

    /// At start (and before each advance, when nothing may be sending): every row still
    /// `sending` was interrupted in its SMTP transaction and becomes needs-attention (its
    /// announce step, recovered as pending, follows it at the next drive). Returns the rows changed.
    public func recoverSending(at: Date) throws(StoreError) -> [OutboxRecord] {
        try write { db in
            let sending = try OutboxRow.filter { $0.state == OutboxState.sending.rawValue }.order { $0.id }.records(db)
            for record in sending { try apply(db, to: record, at: at) { $0.interrupted(at: at) } }
            return try sending.map { try requireRow(db, $0.id) }
        }
    }

    /// Brings a pending announce step in line with its message (`OutboxMachine.announceStep`);
    /// returns the step state set, or nil when the step may go on (approved, retry-wait).
    public func syncAnnounceStep(_ record: OutboxRecord, at: Date) throws(StoreError) -> StepState? {
        guard let effect = OutboxMachine(record).announceStep else { return nil }
        try write { db in try follow(db, record, effect, at: at) }
        return effect.state
    }

    /// Withdraws what a cancelled or superseded run had not sent yet (its draft, an approved
    /// or waiting message, its review copy): such a run's announcement must never go out.
    /// Returns the rows changed.
    public func cancelDraftsOfClosedRuns(at: Date) throws(StoreError) -> [Int64] {
        try write { db in
            let closing = OutboxMachine.closingRunStates.map(\.rawValue).sorted()
            let unsent = OutboxMachine.withdrawable.map(\.rawValue).sorted()
            let closed = RunRow.filter { closing.contains($0.state) }.select { $0.id }
            let unsentOfClosed = OutboxRow.filter { unsent.contains($0.state) && closed.contains($0.runID) }
            var ids: [Int64] = []
            for record in try unsentOfClosed.order({ $0.id }).records(db) {
                guard let runState = try RunRow.filter(key: record.runID).record(db)?.state else { continue }
                let action = try apply(db, to: record, at: at) { $0.closeWithRun(runState, at: at) }
                if case .write = action { ids.append(record.id) }
            }
            return ids
        }
    }

    // MARK: - Dry run

    /// The reason every message a dry run drafts but does not send carries.
    public static var dryRunReason: String { OutboxMachine.dryRunReason }

    /// A dry run reached a due row (approved, or waiting for a retry): nothing is sent, the row
    /// stays as it is and says why. Returns the row and whether its reason changed.
    public func holdForDryRun(_ id: Int64, at: Date) throws(StoreError) -> (record: OutboxRecord, changed: Bool) {
        try write { db in
            let action = try apply(db, to: try requireRow(db, id), at: at) { $0.holdForDryRun(at: at) }
            return (try requireRow(db, id), action != .none)
        }
    }

    /// A dry run's approved announcement: the draft was written and reviewed, and is never
    /// sent. The row is cancelled (with its unsent review copies) and its announce step done,
    /// as a dry-run command step is, so the run goes on.
    public func finishDryRun(_ id: Int64, at: Date) throws(StoreError) -> OutboxRecord {
        try write { db in
            var machine = OutboxMachine(try requireRow(db, id))
            try apply(db, machine.finishDryRun(at: at), at: at)
            guard machine.record.role == .message, let run = machine.record.runID, let step = machine.record.step
            else { return try requireRow(db, id) }
            let unsent = OutboxMachine.withdrawable.map(\.rawValue).sorted()
            let reviews = OutboxRow.filter { $0.runID == run && $0.step == step }
                .filter { $0.role == OutboxRecord.Role.review.rawValue && unsent.contains($0.state) }
            for record in try reviews.order({ $0.id }).records(db) {
                try apply(db, to: record, at: at) { $0.finishDryRun(at: at) }
            }
            return try requireRow(db, id)
        }
    }

    // MARK: - Late advisories

    /// `OutboxMachine.withdrawForSecurity` on the step's latest message, its review copies
    /// following; called inside `addAdvisories`' transaction, which moves the step.
    func withdrawPlainAnnouncement(_ db: Database, run: Int64, step: RunMachine.Step, cves: [String], at: Date)
        throws -> OutboxMachine.LateSecurity
    {
        let messages = OutboxRow.filter { $0.runID == run && $0.step == step.name }
            .filter { $0.role == OutboxRecord.Role.message.rawValue && $0.state != OutboxState.cancelled.rawValue }
        guard let latest = try messages.order({ $0.id.desc }).record(db) else {
            return OutboxMachine.lateSecurityWithoutMessage(stepState: step.state)
        }
        var machine = OutboxMachine(latest)
        let original = machine.record.key
        let result = machine.withdrawForSecurity(
            cves: cves, plainKind: MessageKind.announcement.rawValue, at: at)
        guard case .withdrawn = result else { return result }
        try OutboxRow(record: machine.record).update(db)
        let reviews = OutboxRow.filter {
            $0.role == OutboxRecord.Role.review.rawValue && $0.key == original + ":review"
        }
        for record in try reviews.records(db) {
            try apply(db, to: record, at: at) { $0.followWithdrawal(of: machine.record, at: at) }
        }
        return result
    }

    // MARK: - Applying the machine

    /// One event for one row in one transaction; returns the row as written.
    private func transition(_ id: Int64, at: Date, _ event: (inout OutboxMachine) -> OutboxMachine.Action)
        throws(StoreError) -> OutboxRecord
    {
        try write { db in
            try apply(db, to: try requireRow(db, id), at: at, event)
            return try requireRow(db, id)
        }
    }

    /// Sends `record`'s machine one event and writes its action; returns the action.
    @discardableResult
    private func apply(
        _ db: Database, to record: OutboxRecord, at: Date, _ event: (inout OutboxMachine) -> OutboxMachine.Action
    ) throws -> OutboxMachine.Action {
        var machine = OutboxMachine(record)
        let action = event(&machine)
        try apply(db, action, at: at)
        return action
    }

    /// Writes an outbox machine's action (or throws its refusal), moving a run's announce step
    /// alongside through the run machine.
    private func apply(_ db: Database, _ action: OutboxMachine.Action, at: Date) throws {
        switch action {
        case .none: return
        case .refuse(let refusal): throw StoreError(.illegalTransition, path: path, refusal.message)
        case .write(let write):
            try OutboxRow(record: write.record).update(db)
            if let effect = write.step { try follow(db, write.record, effect, at: at) }
        }
    }

    /// The announce step of `record`'s run follows its message (nothing happens to a final run).
    private func follow(_ db: Database, _ record: OutboxRecord, _ effect: OutboxMachine.StepEffect, at: Date) throws {
        guard let run = record.runID, let step = record.step, try RunRow.exists(db, key: run) else { return }
        var machine = try runMachine(db, run: run)
        try apply(db, run: run, machine.follow(step: step, effect), at: at)
    }

    private func requireRow(_ db: Database, _ id: Int64) throws -> OutboxRecord {
        guard let record = try OutboxRow.filter(key: id).record(db) else {
            throw StoreError(.notFound, path: path, "no draft \(id)")
        }
        return record
    }
}

/// An outbox message as its `outbox` row holds it. The message bytes are not part of the
/// record: reads leave them out (`databaseSelection`), so the per-advance looks need not load
/// them; only a new row writes them, and `Store.outboxMessage` reads them.
struct OutboxRow: RecordRow, PersistableRecord {
    let record: OutboxRecord
    /// The exact bytes, for a row being inserted; nil: an update leaves them as they are.
    var message: [UInt8]?

    init(record: OutboxRecord) {
        self.record = record
    }

    static let databaseTableName = "outbox"
    static var databaseSelection: [any SQLSelectable] { Columns.allCases.filter { $0 != .message } }

    enum Columns: String, RecordColumn, CaseIterable {
        case id, key, role, kind, project, runID, step, messageID, subject, maildirFile, envelopeFrom, recipients,
            state, attempts, nextAttempt, replyCode, replyText, reason, createdAt, updatedAt, approvedAt, sentAt
        /// The exact bytes; read only by the sender and `drafts show`.
        case message
    }

    static func decode(_ row: StoredRow<Columns>) throws -> OutboxRecord {
        OutboxRecord(
            id: try row[.id], key: try row[.key], role: try row.text(.role, OutboxRecord.Role.init(rawValue:)),
            kind: try row[.kind], project: try row[.project], runID: try row[.runID], step: try row[.step],
            messageID: try row[.messageID], subject: try row[.subject], maildirFile: try row[.maildirFile],
            envelopeFrom: try row[.envelopeFrom], recipients: try row.json(.recipients),
            state: try row.text(.state, OutboxState.init(rawValue:)), attempts: try row[.attempts],
            nextAttempt: try row[.nextAttempt], replyCode: try row[.replyCode], replyText: try row[.replyText],
            reason: try row[.reason], createdAt: try row[.createdAt], updatedAt: try row[.updatedAt],
            approvedAt: try row[.approvedAt], sentAt: try row[.sentAt])
    }

    func encode(to container: inout PersistenceContainer) throws {
        try encodeRecord(to: &container)
        if let message { container[Columns.message] = Data(message) }
    }
}
