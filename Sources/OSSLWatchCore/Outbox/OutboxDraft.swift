/// A message about to enter the outbox: what `Store.createDraft` records.
public struct OutboxDraft: Sendable, Hashable {
    public var key: String
    public var role: OutboxRecord.Role
    public var kind: String
    public var project: String
    public var runID: Int64?
    public var step: String?
    public var messageID: String
    public var subject: String
    public var maildirFile: String
    public var envelopeFrom: String
    public var recipients: [String]
    /// The exact bytes (CRLF line ends) that are drafted and later sent.
    public var message: [UInt8]
    /// `approved` (sent without a human) or `drafted` (waits for approval).
    public var state: OutboxState
    /// Why it waits or was withheld (a dry run's drafts say so).
    public var reason: String?

    public init(
        key: String, role: OutboxRecord.Role = .message, kind: String, project: String, runID: Int64? = nil,
        step: String? = nil, messageID: String, subject: String, maildirFile: String, envelopeFrom: String,
        recipients: [String], message: [UInt8], state: OutboxState, reason: String? = nil
    ) {
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
        self.message = message
        self.state = state
        self.reason = reason
    }
}
