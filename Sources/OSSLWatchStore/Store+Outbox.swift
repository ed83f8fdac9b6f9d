public import Foundation
internal import GRDB
public import OSSLWatchCore

/// The outbox: drafted and sent messages, and the announce steps whose state follows them.
///
/// Every method is one transaction. A row linked to a run's announce step moves that step
/// in the same transaction (drafted: waiting-approval; sending: running with an attempt;
/// sent: done; failed and needs-attention alike), so the run never says something the
/// outbox contradicts.
extension Store {
    /// How one SMTP transaction ended, as `finishSending` records it.
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

    // MARK: - Drafting

    /// Records a draft (and its review copy) unless its key exists; returns the message row and
    /// whether it is new. A run-linked draft waiting for approval puts its step in
    /// waiting-approval in the same transaction.
    public func createDraft(_ draft: OutboxDraft, review: OutboxDraft? = nil, at: Date) throws(StoreError)
        -> (record: OutboxRecord, created: Bool)
    {
        let recipients = try Self.json(draft.recipients)
        let reviewRecipients = try review.map { review throws(StoreError) in try Self.json(review.recipients) }
        let (id, created) = try write { db -> (Int64, Bool) in
            if let existing = try Int64.fetchOne(db, sql: "SELECT id FROM outbox WHERE key = ?", arguments: [draft.key])
            {
                return (existing, false)
            }
            try insert(db, draft, recipients: recipients, at: at)
            let id = db.lastInsertedRowID
            if let review, let reviewRecipients {
                try insert(db, review, recipients: reviewRecipients, at: at)
            }
            if let run = draft.runID, let step = draft.step, draft.state == .drafted {
                try setStepIfNotFinal(
                    db, run: run, step: step, state: .waitingApproval, reason: Self.waitingReason(id: id, run: run),
                    at: at)
            }
            return (id, true)
        }
        guard let record = try outbox(id) else {
            throw StoreError(.notFound, path: path, "outbox row \(id) disappeared")
        }
        return (record, created)
    }

    /// What a run's announce step says while its draft waits.
    static func waitingReason(id: Int64, run: Int64) -> String {
        "draft \(id) waits for approval: `osslwatch drafts show \(id)`, then `osslwatch drafts approve \(id)` "
            + "or `osslwatch approve \(run)`"
    }

    private func insert(_ db: Database, _ draft: OutboxDraft, recipients: String, at: Date) throws {
        try db.execute(
            sql: """
                INSERT INTO outbox (key, role, kind, project, run_id, step, message_id, subject, maildir_file,
                                    message, envelope_from, recipients, state, reason, created_at, updated_at,
                                    approved_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                draft.key, draft.role.rawValue, draft.kind, draft.project, draft.runID, draft.step, draft.messageID,
                draft.subject, draft.maildirFile, Data(draft.message), draft.envelopeFrom, recipients,
                draft.state.rawValue, draft.reason, at, at, draft.state == .approved ? at : nil,
            ])
    }

    // MARK: - Reading

    public func outbox(_ id: Int64) throws(StoreError) -> OutboxRecord? {
        let row = try read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.outboxColumns) FROM outbox WHERE id = ?", arguments: [id])
        }
        return try row.map { row throws(StoreError) in try outboxRecord(row) }
    }

    public func outbox(key: String) throws(StoreError) -> OutboxRecord? {
        let row = try read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.outboxColumns) FROM outbox WHERE key = ?", arguments: [key])
        }
        return try row.map { row throws(StoreError) in try outboxRecord(row) }
    }

    /// Every row, oldest first; only those in `state` when given (the runner's look for drafted
    /// rows at every advance need not read every message ever sent).
    public func outboxRecords(state: OutboxState? = nil) throws(StoreError) -> [OutboxRecord] {
        let rows = try read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.outboxColumns) FROM outbox WHERE ? IS NULL OR state = ? ORDER BY id",
                arguments: [state?.rawValue, state?.rawValue])
        }
        return try rows.map { row throws(StoreError) in try outboxRecord(row) }
    }

    /// The exact bytes drafted (and sent).
    public func outboxMessage(_ id: Int64) throws(StoreError) -> [UInt8]? {
        let data = try read { db in
            try Data.fetchOne(db, sql: "SELECT message FROM outbox WHERE id = ?", arguments: [id])
        }
        return data.map { [UInt8]($0) }
    }

    /// Rows that may be sent now: approved ones, and retry-wait ones whose time has come.
    public func dueOutbox(now: Date) throws(StoreError) -> [OutboxRecord] {
        let rows = try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.outboxColumns) FROM outbox WHERE state = 'approved' OR (state = 'retry-wait' AND next_attempt <= ?)
                    ORDER BY id
                    """,
                arguments: [now])
        }
        return try rows.map { row throws(StoreError) in try outboxRecord(row) }
    }

    /// The earliest retry of a message waiting after a temporary failure, for the daemon's wake-up.
    public func nextOutboxAttempt() throws(StoreError) -> Date? {
        try read { db in
            try Date.fetchOne(db, sql: "SELECT MIN(next_attempt) FROM outbox WHERE state = 'retry-wait'")
        }
    }

    // MARK: - Operator transitions

    /// `osslwatch drafts approve ID`: a drafted message may be sent. A run's announcement is
    /// approved only while its step waits (not after the run was cancelled or the step skipped).
    public func approveDraft(_ id: Int64, at: Date) throws(StoreError) -> OutboxRecord {
        try write { db in
            let row = try requireRow(db, id)
            guard row.state == .drafted else {
                throw outboxIllegal("draft \(id) is \(row.state.rawValue); only a drafted message can be approved")
            }
            if let run = row.runID, let step = row.step {
                let state = try String.fetchOne(
                    db, sql: "SELECT state FROM steps WHERE run_id = ? AND name = ?", arguments: [run, step])
                let runState = try String.fetchOne(db, sql: "SELECT state FROM runs WHERE id = ?", arguments: [run])
                guard let runState, !(RunState(rawValue: runState)?.isFinal ?? true) else {
                    throw outboxIllegal("draft \(id) belongs to run \(run), which is \(runState ?? "gone")")
                }
                guard state == StepState.waitingApproval.rawValue || state == StepState.pending.rawValue else {
                    throw outboxIllegal("draft \(id): step \(step) of run \(run) is \(state ?? "gone"), not waiting")
                }
                try markApproved(db, id, at: at)
                try setStepIfNotFinal(db, run: run, step: step, state: .pending, reason: nil, at: at, approved: true)
            } else {
                try markApproved(db, id, at: at)
            }
        }
        guard let record = try outbox(id) else { throw StoreError(.notFound, path: path, "no draft \(id)") }
        return record
    }

    /// Called by `approve(run:step:)` inside its transaction: approving an announce step
    /// approves its draft and puts the step back to pending (the runner sends, then marks it
    /// done). Returns false when the step is not an announce step with a drafted message.
    func approveAnnouncement(_ db: Database, run: Int64, step: String, at: Date) throws -> Bool {
        let kind = try String.fetchOne(
            db, sql: "SELECT kind FROM steps WHERE run_id = ? AND name = ?", arguments: [run, step])
        guard kind == StepKind.announce.rawValue,
            let id = try Int64.fetchOne(
                db,
                sql: "SELECT id FROM outbox WHERE run_id = ? AND step = ? AND role = 'message' AND state = 'drafted'",
                arguments: [run, step])
        else { return false }
        try markApproved(db, id, at: at)
        try setStepIfNotFinal(db, run: run, step: step, state: .pending, reason: nil, at: at, approved: true)
        return true
    }

    /// `osslwatch drafts retry ID`: a failed or needs-attention message is sent again at the
    /// next advance. For needs-attention the operator has checked it was not delivered.
    public func retryDraft(_ id: Int64, at: Date) throws(StoreError) -> OutboxRecord {
        try write { db in
            let row = try requireRow(db, id)
            guard row.state == .failed || row.state == .needsAttention else {
                throw outboxIllegal(
                    "draft \(id) is \(row.state.rawValue); only a failed or needs-attention message can be retried")
            }
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'approved', attempts = 0, next_attempt = NULL, reason = NULL,
                                      updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [at, id])
            if let run = row.runID, let step = row.step {
                try setStepIfNotFinal(db, run: run, step: step, state: .pending, reason: nil, at: at)
            }
        }
        guard let record = try outbox(id) else { throw StoreError(.notFound, path: path, "no draft \(id)") }
        return record
    }

    // MARK: - Sender transitions

    /// Commits `sending` (and the announce step `running` with a new attempt) before the
    /// SMTP transaction. Refused unless the row is approved or its retry is due.
    public func beginSending(_ id: Int64, at: Date) throws(StoreError) -> OutboxRecord {
        try write { db in
            let row = try requireRow(db, id)
            let due = row.state == .approved || (row.state == .retryWait && (row.nextAttempt ?? at) <= at)
            guard due else { throw outboxIllegal("draft \(id) is \(row.state.rawValue), not due for sending") }
            try db.execute(
                sql: "UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ?",
                arguments: [at, id])
            if let run = row.runID, let step = row.step, row.role == .message {
                let number =
                    try Int.fetchOne(
                        db, sql: "SELECT COALESCE(MAX(number), 0) + 1 FROM attempts WHERE run_id = ? AND step = ?",
                        arguments: [run, step]) ?? 1
                try db.execute(
                    sql: "INSERT INTO attempts (run_id, step, number, started_at) VALUES (?, ?, ?, ?)",
                    arguments: [run, step, number, at])
                try setStepIfNotFinal(db, run: run, step: step, state: .running, reason: nil, at: at)
            }
        }
        guard let record = try outbox(id) else { throw StoreError(.notFound, path: path, "no draft \(id)") }
        return record
    }

    /// Commits the transaction's outcome after it (and the announce step's).
    public func finishSending(_ id: Int64, _ outcome: SendOutcome, at: Date) throws(StoreError) -> OutboxRecord {
        try write { db in
            let row = try requireRow(db, id)
            guard row.state == .sending else {
                throw outboxIllegal("draft \(id) is \(row.state.rawValue), not sending")
            }
            let state: OutboxState
            let stepState: StepState
            var code: Int?
            var text: String
            var next: Date?
            var sentAt: Date?
            let reason: String?
            switch outcome {
            case .sent(let replyCode, let replyText):
                (state, stepState, code, text, sentAt) = (.sent, .done, replyCode, replyText, at)
                reason = nil
            case .retry(let replyCode, let replyText, let nextAttempt):
                (state, stepState, code, text, next) = (.retryWait, .pending, replyCode, replyText, nextAttempt)
                reason = "\(Self.reply(code, text)); try \(row.attempts + 1) at \(Self.iso(nextAttempt))"
            case .failed(let replyCode, let replyText):
                (state, stepState, code, text) = (.failed, .failed, replyCode, replyText)
                reason = Self.reply(code, text)
            case .unknown(let replyText):
                (state, stepState, text) = (.needsAttention, .needsAttention, replyText)
                reason =
                    "\(replyText); it may or may not have been delivered: check, then `osslwatch drafts retry \(id)`"
            }
            text = String(text.split(whereSeparator: \.isNewline).joined(separator: " ").prefix(1000))
            try db.execute(
                sql: """
                    UPDATE outbox SET state = ?, reply_code = ?, reply_text = ?, next_attempt = ?, reason = ?,
                                      sent_at = COALESCE(?, sent_at), updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [state.rawValue, code, text, next, reason, sentAt, at, id])
            if let run = row.runID, let step = row.step, row.role == .message {
                let stepReason =
                    state == .sent
                    ? "sent to \(row.recipients.count) recipients as <\(row.messageID)>: \(Self.reply(code, text))"
                    : reason
                try db.execute(
                    sql: """
                        UPDATE attempts SET finished_at = ?, outcome = ?
                        WHERE run_id = ? AND step = ? AND finished_at IS NULL
                        """,
                    arguments: [at, state.rawValue, run, step])
                try setStepIfNotFinal(db, run: run, step: step, state: stepState, reason: stepReason, at: at)
            }
        }
        guard let record = try outbox(id) else { throw StoreError(.notFound, path: path, "no draft \(id)") }
        return record
    }

    /// At start (and before each advance, when nothing may be sending): every row still
    /// `sending` was interrupted in its SMTP transaction and becomes needs-attention, with its
    /// announce step. Returns the rows changed.
    public func recoverSending(at: Date) throws(StoreError) -> [OutboxRecord] {
        let ids = try write { db -> [Int64] in
            let rows = try Row.fetchAll(
                db, sql: "SELECT \(Self.outboxColumns) FROM outbox WHERE state = 'sending' ORDER BY id")
            var ids: [Int64] = []
            for row in rows {
                let record = try outboxRecord(row)
                let reason =
                    "interrupted during the SMTP transaction; it may or may not have been delivered: "
                    + "check the list, then `osslwatch drafts retry \(record.id)` to send it again"
                try db.execute(
                    sql: "UPDATE outbox SET state = 'needs-attention', reason = ?, updated_at = ? WHERE id = ?",
                    arguments: [reason, at, record.id])
                if let run = record.runID, let step = record.step, record.role == .message {
                    try db.execute(
                        sql: """
                            UPDATE attempts SET finished_at = ?, outcome = 'interrupted'
                            WHERE run_id = ? AND step = ? AND finished_at IS NULL
                            """,
                        arguments: [at, run, step])
                    try setStepIfNotFinal(db, run: run, step: step, state: .needsAttention, reason: reason, at: at)
                }
                ids.append(record.id)
            }
            return ids
        }
        var records: [OutboxRecord] = []
        for id in ids {
            if let record = try outbox(id) { records.append(record) }
        }
        return records
    }

    /// Brings a pending announce step in line with its message: waiting while drafted, done
    /// once sent, failed or needs-attention like the message. Returns the step state set, or
    /// nil when the step may go on (approved, retry-wait).
    public func syncAnnounceStep(_ record: OutboxRecord, at: Date) throws(StoreError) -> StepState? {
        guard let run = record.runID, let step = record.step else { return nil }
        let target: (StepState, String?)?
        switch record.state {
        case .drafted: target = (.waitingApproval, Self.waitingReason(id: record.id, run: run))
        case .sent:
            target = (.done, "sent as <\(record.messageID)>: \(Self.reply(record.replyCode, record.replyText ?? ""))")
        case .failed:
            target = (
                .failed,
                (record.reason ?? record.replyText ?? "failed")
                    + "; `osslwatch drafts retry \(record.id)` sends it again"
            )
        case .needsAttention, .sending:
            target = (
                .needsAttention,
                (record.reason ?? "the message may have been sent")
                    + "; after checking: `osslwatch drafts retry \(record.id)` sends it again, "
                    + "`osslwatch skip \(run) \(step)` goes on without it"
            )
        case .cancelled: target = (.failed, "draft \(record.id) was cancelled")
        case .approved, .retryWait: target = nil
        }
        guard let (state, reason) = target else { return nil }
        try write { db in try setStepIfNotFinal(db, run: run, step: step, state: state, reason: reason, at: at) }
        return state
    }

    /// Withdraws what a cancelled or superseded run had not sent yet (its draft, an approved
    /// or waiting message, its review copy): such a run's announcement must never go out.
    /// Returns the rows changed.
    public func cancelDraftsOfClosedRuns(at: Date) throws(StoreError) -> [Int64] {
        try write { db in
            let ids = try Int64.fetchAll(
                db,
                sql: """
                    SELECT o.id FROM outbox o JOIN runs r ON r.id = o.run_id
                    WHERE r.state IN ('cancelled', 'superseded') AND o.state IN ('drafted', 'approved', 'retry-wait')
                    ORDER BY o.id
                    """)
            for id in ids {
                try db.execute(
                    sql: """
                        UPDATE outbox SET state = 'cancelled', updated_at = ?,
                            reason = 'run ' || run_id || ' is ' || (SELECT state FROM runs WHERE id = outbox.run_id)
                        WHERE id = ?
                        """,
                    arguments: [at, id])
            }
            return ids
        }
    }

    // MARK: - Dry run

    /// The reason every message a dry run drafts but does not send carries.
    public static let dryRunReason = "dry run: not sent"

    /// A dry run reached a due row (approved, or waiting for a retry): nothing is sent, the row
    /// stays as it is and says why. Returns the row and whether its reason changed.
    public func holdForDryRun(_ id: Int64, at: Date) throws(StoreError) -> (record: OutboxRecord, changed: Bool) {
        let changed = try write { db -> Bool in
            let row = try requireRow(db, id)
            guard row.state == .approved || row.state == .retryWait, row.reason != Self.dryRunReason else {
                return false
            }
            try db.execute(
                sql: "UPDATE outbox SET reason = ?, updated_at = ? WHERE id = ?",
                arguments: [Self.dryRunReason, at, id])
            return true
        }
        guard let record = try outbox(id) else { throw StoreError(.notFound, path: path, "no draft \(id)") }
        return (record, changed)
    }

    /// A dry run's approved announcement: the draft was written and reviewed, and is never
    /// sent. The row is cancelled (with its unsent review copies) and its announce step done,
    /// as a dry-run command step is, so the run goes on.
    public func finishDryRun(_ id: Int64, at: Date) throws(StoreError) -> OutboxRecord {
        try write { db in
            let row = try requireRow(db, id)
            guard [.drafted, .approved, .retryWait].contains(row.state) else {
                throw outboxIllegal("draft \(id) is \(row.state.rawValue); a dry run only withholds an unsent message")
            }
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'cancelled', reason = ?, next_attempt = NULL, updated_at = ?
                    WHERE id = ? OR (run_id IS ? AND step IS ? AND role = 'review'
                                     AND state IN ('drafted', 'approved', 'retry-wait') AND ? = 'message')
                    """,
                arguments: [Self.dryRunReason, at, id, row.runID, row.step, row.role.rawValue])
            if let run = row.runID, let step = row.step, row.role == .message {
                try setStepIfNotFinal(
                    db, run: run, step: step, state: .done,
                    reason: "dry run: draft \(id) written to the Maildir, not sent", at: at)
            }
        }
        guard let record = try outbox(id) else { throw StoreError(.notFound, path: path, "no draft \(id)") }
        return record
    }

    // MARK: - Late advisories

    /// What became of a run's announce step when the run turned out to be a security release.
    enum LateSecurity: Equatable {
        /// Nothing drafted yet (the security variant is drafted when the step is reached).
        case untouched
        /// The unsent plain announcement with this id was withdrawn; the step is pending.
        case withdrawn(Int64)
        /// The plain announcement is out, or may be, or the step passed without mail.
        case alreadyOut
        /// An unsent security announcement (this id) drafted with fewer CVEs; left as it is.
        case stale(Int64)
    }

    /// Called by `addAdvisories` inside its transaction. An unsent plain announcement
    /// (drafted, approved, waiting for a retry, or failed) is cancelled with the reason, its
    /// key and its review copies' keys freed (suffixed `:withdrawn-ID`) so the step drafts the
    /// security variant under the run's key; the step goes back to pending without approval.
    /// A message that is sending, sent or needs attention is never touched.
    func withdrawPlainAnnouncement(_ db: Database, run: Int64, step: String, cves: [String], at: Date) throws
        -> LateSecurity
    {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT \(Self.outboxColumns) FROM outbox WHERE run_id = ? AND step = ? AND role = 'message' AND state != 'cancelled'
                    ORDER BY id DESC LIMIT 1
                    """,
                arguments: [run, step])
        else {
            let state = try String.fetchOne(
                db, sql: "SELECT state FROM steps WHERE run_id = ? AND name = ?", arguments: [run, step])
            return state == StepState.done.rawValue || state == StepState.running.rawValue ? .alreadyOut : .untouched
        }
        let record = try outboxRecord(row)
        switch record.state {
        case .sending, .sent, .needsAttention, .cancelled:
            return .alreadyOut
        case .drafted, .approved, .retryWait, .failed:
            guard record.kind == MessageKind.announcement.rawValue else { return .stale(record.id) }
        }
        let reason =
            "withdrawn: run \(run) became a security release (\(cves.joined(separator: ", "))); "
            + "the security announcement is drafted instead"
        let suffix = ":withdrawn-\(record.id)"
        try db.execute(
            sql: """
                UPDATE outbox SET state = 'cancelled', reason = ?, key = key || ?, next_attempt = NULL, updated_at = ?
                WHERE id = ?
                """,
            arguments: [reason, suffix, at, record.id])
        let reviews = try Row.fetchAll(
            db, sql: "SELECT id, key, state FROM outbox WHERE role = 'review' AND key = ?",
            arguments: [record.key + ":review"])
        for row in reviews {
            let review = StoredRow(row, table: "outbox", keyColumns: "id", path: path)
            let reviewID: Int64 = try review.value("id")
            let unsent = ["drafted", "approved", "retry-wait", "failed"].contains(
                try review.value("state", as: String.self))
            try db.execute(
                sql: """
                    UPDATE outbox SET key = ?, state = CASE WHEN ? THEN 'cancelled' ELSE state END,
                                      reason = CASE WHEN ? THEN ? ELSE reason END, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [record.key + suffix + ":review", unsent, unsent, reason, at, reviewID])
        }
        try db.execute(
            sql: """
                UPDATE steps SET state = 'pending', reason = NULL, approved_at = NULL, updated_at = ?
                WHERE run_id = ? AND name = ?
                """,
            arguments: [at, run, step])
        return .withdrawn(record.id)
    }

    // MARK: - Internals

    private func markApproved(_ db: Database, _ id: Int64, at: Date) throws {
        try db.execute(
            sql: "UPDATE outbox SET state = 'approved', approved_at = ?, reason = NULL, updated_at = ? WHERE id = ?",
            arguments: [at, at, id])
    }

    /// Moves an announce step (of a run that is not final) and settles the run.
    private func setStepIfNotFinal(
        _ db: Database, run: Int64, step: String, state: StepState, reason: String?, at: Date, approved: Bool = false
    ) throws {
        guard let text = try String.fetchOne(db, sql: "SELECT state FROM runs WHERE id = ?", arguments: [run]),
            let runState = RunState(rawValue: text), !runState.isFinal
        else { return }
        try db.execute(
            sql: """
                UPDATE steps SET state = ?, reason = ?, updated_at = ?,
                                 approved_at = CASE WHEN ? THEN ? ELSE approved_at END
                WHERE run_id = ? AND name = ?
                """,
            arguments: [state.rawValue, reason, at, approved, at, run, step])
        try settle(db, run: run, at: at)
    }

    private func requireRow(_ db: Database, _ id: Int64) throws -> OutboxRecord {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT \(Self.outboxColumns) FROM outbox WHERE id = ?", arguments: [id])
        else {
            throw StoreError(.notFound, path: path, "no draft \(id) (`osslwatch drafts` lists them)")
        }
        return try outboxRecord(row)
    }

    private func outboxIllegal(_ message: String) -> StoreError {
        StoreError(.illegalTransition, path: path, message)
    }

    static func reply(_ code: Int?, _ text: String) -> String {
        guard let code else { return text }
        return text.hasPrefix(String(code)) ? text : "\(code) \(text)"
    }

    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// What `outboxRecord` reads: every column but the message bytes, which only the sender
    /// and `drafts show` need (`outboxMessage`); the per-advance looks need not load them.
    private static let outboxColumns =
        "id, key, role, kind, project, run_id, step, message_id, subject, maildir_file, envelope_from, recipients, "
        + "state, attempts, next_attempt, reply_code, reply_text, reason, created_at, updated_at, approved_at, sent_at"

    private func outboxRecord(_ row: Row) throws(StoreError) -> OutboxRecord {
        let stored = StoredRow(row, table: "outbox", keyColumns: "id", path: path)
        let id: Int64 = try stored.value("id")
        let roleText: String = try stored.value("role")
        let stateText: String = try stored.value("state")
        let recipientsText: String = try stored.value("recipients")
        guard let role = OutboxRecord.Role(rawValue: roleText), let state = OutboxState(rawValue: stateText),
            let recipients = try? JSONDecoder().decode([String].self, from: Data(recipientsText.utf8))
        else { throw StoreError(.corrupt, path: path, "outbox row \(id) has an unknown role, state or recipients") }
        return OutboxRecord(
            id: id, key: try stored.value("key"), role: role, kind: try stored.value("kind"),
            project: try stored.value("project"), runID: try stored.value("run_id"), step: try stored.value("step"),
            messageID: try stored.value("message_id"), subject: try stored.value("subject"),
            maildirFile: try stored.value("maildir_file"), envelopeFrom: try stored.value("envelope_from"),
            recipients: recipients, state: state, attempts: try stored.value("attempts"),
            nextAttempt: try stored.optionalDate("next_attempt"), replyCode: try stored.value("reply_code"),
            replyText: try stored.value("reply_text"), reason: try stored.value("reason"),
            createdAt: try stored.date("created_at"), updatedAt: try stored.date("updated_at"),
            approvedAt: try stored.optionalDate("approved_at"), sentAt: try stored.optionalDate("sent_at"))
    }
}
