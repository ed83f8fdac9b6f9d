import Foundation
internal import GRDB
import OSSLWatchCore

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
