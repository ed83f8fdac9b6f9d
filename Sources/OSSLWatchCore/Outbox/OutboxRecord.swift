public import Foundation

/// One message of the outbox as the store holds it: its bytes, where its draft lies, who
/// it goes to and how delivery went.
public struct OutboxRecord: Sendable, Hashable, Codable {
    /// What the row delivers.
    public enum Role: String, Sendable, Codable {
        /// The message itself, to its recipients.
        case message
        /// The same bytes to `mail.review` as soon as the draft exists.
        case review
    }

    /// The draft id the CLI shows.
    public var id: Int64
    /// Unique per message and role: `run:3:announce`, `notice:cryptography:new-series:3.6`
    /// (a review copy adds `:review`); the same key never yields a second draft.
    public var key: String
    public var role: Role
    /// `announcement`, `security-announcement` or `notice`.
    public var kind: String
    public var project: String
    public var runID: Int64?
    /// The announce step the row belongs to.
    public var step: String?
    /// Without angle brackets.
    public var messageID: String
    public var subject: String
    /// The draft's file name (in `new/`, or in `cur/` once a mail client read it).
    public var maildirFile: String
    public var envelopeFrom: String
    public var recipients: [String]
    public var state: OutboxState
    /// SMTP transactions started.
    public var attempts: Int
    public var nextAttempt: Date?
    public var replyCode: Int?
    public var replyText: String?
    /// Why it waits, failed or needs attention.
    public var reason: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var approvedAt: Date?
    public var sentAt: Date?

    public init(
        id: Int64, key: String, role: Role, kind: String, project: String, runID: Int64?, step: String?,
        messageID: String, subject: String, maildirFile: String, envelopeFrom: String, recipients: [String],
        state: OutboxState, attempts: Int = 0, nextAttempt: Date? = nil, replyCode: Int? = nil,
        replyText: String? = nil, reason: String? = nil, createdAt: Date, updatedAt: Date, approvedAt: Date? = nil,
        sentAt: Date? = nil
    ) {
        self.id = id
        self.key = key
        self.role = role
        self.kind = kind
        self.project = project
        self.runID = runID
        self.step = step
        self.messageID = messageID
        self.subject = subject
        self.maildirFile = maildirFile
        self.envelopeFrom = envelopeFrom
        self.recipients = recipients
        self.state = state
        self.attempts = attempts
        self.nextAttempt = nextAttempt
        self.replyCode = replyCode
        self.replyText = replyText
        self.reason = reason
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.approvedAt = approvedAt
        self.sentAt = sentAt
    }
}

/// A message about to enter the outbox, what `Store.createDraft` records: the row it becomes
/// (the store numbers and dates it) and its bytes. Reads and writes of the row's fields go
/// straight through (`draft.key`).
@dynamicMemberLookup
public struct OutboxDraft: Sendable, Hashable {
    public var row: OutboxRecord
    /// The exact bytes (CRLF line ends) that are drafted and later sent.
    public var message: [UInt8]

    /// `state` is `approved` (sent without a human) or `drafted` (waits for approval); `reason`
    /// says why it waits or was withheld (a dry run's drafts say so).
    public init(
        key: String, role: OutboxRecord.Role = .message, kind: String, project: String, runID: Int64? = nil,
        step: String? = nil, messageID: String, subject: String, maildirFile: String, envelopeFrom: String,
        recipients: [String], message: [UInt8], state: OutboxState, reason: String? = nil
    ) {
        row = OutboxRecord(
            id: 0, key: key, role: role, kind: kind, project: project, runID: runID, step: step, messageID: messageID,
            subject: subject, maildirFile: maildirFile, envelopeFrom: envelopeFrom, recipients: recipients,
            state: state, reason: reason, createdAt: .distantPast, updatedAt: .distantPast)
        self.message = message
    }

    public subscript<Value>(dynamicMember field: WritableKeyPath<OutboxRecord, Value>) -> Value {
        get { row[keyPath: field] }
        set { row[keyPath: field] = newValue }
    }
}
