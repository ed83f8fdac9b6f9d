/// An additional header for a `MailMessage` (`Reply-To`, `X-OSSLWatch-Run`, ...).
///
/// The name is checked against the RFC 5322 field-name grammar and may not be one the message
/// writes itself; the value is unstructured text, written like the subject (control characters
/// become spaces, RFC 2047 when not ASCII), so it can never start another header.
public struct MailHeader: Sendable, Hashable, Codable {
    public let name: String
    public let value: String

    /// Headers `MailMessage.rfc5322()` writes from its own fields.
    static let reserved: Set<String> = [
        "date", "message-id", "from", "to", "cc", "bcc", "subject", "mime-version", "content-type",
        "content-transfer-encoding", "sender", "reply-to-all",
    ]

    public init(name: String, value: String) throws(MailError) {
        guard (1...76).contains(name.utf8.count),
            name.utf8.allSatisfy({ (33...126).contains($0) && $0 != UInt8(ascii: ":") })
        else {
            throw MailError(.invalidHeader, "header name \(MailAddress.shown(name)) is not printable ASCII without `:`")
        }
        guard !Self.reserved.contains(name.lowercased()) else {
            throw MailError(.invalidHeader, "header \(name) is written by the message itself")
        }
        self.name = name
        self.value = value
    }
}
