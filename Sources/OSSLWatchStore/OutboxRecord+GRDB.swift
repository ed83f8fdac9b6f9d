import Foundation
internal import GRDB
import OSSLWatchCore

/// An outbox message read from its `outbox` row, as `RunRecord+GRDB` reads a run. The
/// message bytes are not part of the record (`Store.outboxMessage` reads them).
/// Internal, so that GRDB stays inside the store: the core type it carries knows nothing of it.
struct OutboxRow: RecordRow, TableRecord {
    let record: OutboxRecord

    static let databaseTableName = "outbox"

    /// The columns of `outbox`.
    enum Columns {
        static let id = Column("id")
        static let key = Column("key")
        static let role = Column("role")
        static let kind = Column("kind")
        static let project = Column("project")
        static let runID = Column("run_id")
        static let step = Column("step")
        static let messageID = Column("message_id")
        static let subject = Column("subject")
        static let maildirFile = Column("maildir_file")
        static let envelopeFrom = Column("envelope_from")
        static let recipients = Column("recipients")
        static let state = Column("state")
        static let attempts = Column("attempts")
        static let nextAttempt = Column("next_attempt")
        static let replyCode = Column("reply_code")
        static let replyText = Column("reply_text")
        static let reason = Column("reason")
        static let createdAt = Column("created_at")
        static let updatedAt = Column("updated_at")
        static let approvedAt = Column("approved_at")
        static let sentAt = Column("sent_at")
        /// The exact bytes; read only by the sender and `drafts show`.
        static let message = Column("message")

        /// What the record reads: every column but the message bytes, so the per-advance
        /// looks need not load them.
        static let record: [Column] = [
            id, key, role, kind, project, runID, step, messageID, subject, maildirFile, envelopeFrom, recipients,
            state, attempts, nextAttempt, replyCode, replyText, reason, createdAt, updatedAt, approvedAt, sentAt,
        ]
    }

    init(row: Row) throws {
        let stored = StoredRow(row, table: Self.databaseTableName, keyColumns: Columns.id.name, path: "")
        let id: Int64 = try stored.value(Columns.id.name)
        let roleText: String = try stored.value(Columns.role.name)
        let stateText: String = try stored.value(Columns.state.name)
        let recipientsText: String = try stored.value(Columns.recipients.name)
        guard let role = OutboxRecord.Role(rawValue: roleText), let state = OutboxState(rawValue: stateText),
            let recipients = try? JSONDecoder().decode([String].self, from: Data(recipientsText.utf8))
        else { throw StoreError(.corrupt, path: "", "outbox row \(id) has an unknown role, state or recipients") }
        record = OutboxRecord(
            id: id, key: try stored.value(Columns.key.name), role: role, kind: try stored.value(Columns.kind.name),
            project: try stored.value(Columns.project.name), runID: try stored.value(Columns.runID.name),
            step: try stored.value(Columns.step.name), messageID: try stored.value(Columns.messageID.name),
            subject: try stored.value(Columns.subject.name), maildirFile: try stored.value(Columns.maildirFile.name),
            envelopeFrom: try stored.value(Columns.envelopeFrom.name), recipients: recipients, state: state,
            attempts: try stored.value(Columns.attempts.name),
            nextAttempt: try stored.optionalDate(Columns.nextAttempt.name),
            replyCode: try stored.value(Columns.replyCode.name), replyText: try stored.value(Columns.replyText.name),
            reason: try stored.value(Columns.reason.name), createdAt: try stored.date(Columns.createdAt.name),
            updatedAt: try stored.date(Columns.updatedAt.name),
            approvedAt: try stored.optionalDate(Columns.approvedAt.name),
            sentAt: try stored.optionalDate(Columns.sentAt.name))
    }
}
