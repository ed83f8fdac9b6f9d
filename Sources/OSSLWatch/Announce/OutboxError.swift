public import OSSLWatchCore

/// Why a message could not be drafted or handed to the sender: one line naming the file,
/// template or credential at fault.
public typealias OutboxError = OneLineError<OutboxErrorCode>

/// The codes of `OutboxError`, for the callers that branch on them.
public enum OutboxErrorCode: String, Sendable, Hashable {
    /// The Maildir could not be created or written.
    case io
    /// The template or the message could not be rendered (the `MailError` says where).
    case render
    /// A run fact or a configured address is unusable for a message.
    case invalidInput = "invalid-input"
    /// The SMTP password could not be read.
    case credential
    /// The store refused or failed.
    case store
}
