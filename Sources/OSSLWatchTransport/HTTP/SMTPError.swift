public import OSSLWatchCore

/// Why a message was not (or may not have been) delivered over SMTP, with the server's own
/// reply when it gave one, so the outbox can retry a temporary failure, fail a permanent one
/// with the server's words, and never resend a message the server may already hold.
///
/// Never contains the password: it travels only inside libcurl's AUTH exchange, which is not
/// captured.
public struct SMTPError: CodedError, Hashable {
    public enum Code: String, Sendable, Hashable, Codable {
        /// The server answered 4xx (other than to AUTH): try again later.
        case temporary
        /// The server answered 5xx (other than to AUTH): the message will not be accepted as is.
        case permanent
        /// TLS is required but the server does not offer STARTTLS (or plain text was asked for
        /// to a host that is not loopback).
        case tlsRequired
        /// The TLS handshake failed or the server's certificate did not verify.
        case tls
        /// Authentication failed (wrong user or password, or no usable mechanism offered).
        case auth
        /// The host did not resolve or nothing accepted the connection.
        case connect
        /// The connect timeout or the total timeout expired.
        case timeout
        /// The settings, envelope or message are unusable; refused before connecting.
        case invalidInput
        /// The calling task was cancelled.
        case cancelled
        /// Any other failure of the SMTP conversation (connection dropped, unexpected reply).
        case transfer
    }

    public var code: Code
    /// One line a human can act on (includes the server's reply when there was one).
    public var message: String
    /// The code of the server's last reply, when it sent one that explains the failure.
    public var replyCode: Int?
    /// The text of that reply (after the code), e.g. "5.1.1 no such user".
    public var serverText: String?
    /// True when the message's last byte had been handed over and the server's final reply
    /// never arrived (timeout, cancellation, dropped connection): the server may hold the
    /// message, so sending it again could deliver it twice.
    public var mayHaveBeenDelivered: Bool

    public init(
        _ code: Code,
        _ message: String,
        replyCode: Int? = nil,
        serverText: String? = nil,
        mayHaveBeenDelivered: Bool = false
    ) {
        self.code = code
        self.message = message
        self.replyCode = replyCode
        self.serverText = serverText
        self.mayHaveBeenDelivered = mayHaveBeenDelivered
    }

    /// Whether sending the same message again later may succeed without risking a duplicate:
    /// 4xx replies, connection failures, timeouts and dropped connections, but only while the
    /// server cannot already hold the message.
    public var isTemporary: Bool {
        if mayHaveBeenDelivered { return false }
        switch code {
        case .temporary, .connect, .timeout, .transfer:
            return true
        case .auth:
            return replyCode.map { (400..<500).contains($0) } ?? false
        case .permanent, .tlsRequired, .tls, .invalidInput, .cancelled:
            return false
        }
    }

    public var description: String { "SMTP: \(message)" }
}
