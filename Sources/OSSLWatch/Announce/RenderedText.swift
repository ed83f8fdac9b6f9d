/// A template rendered for one context: the subject line and the plain-text body, both still
/// unencoded; `MailMessage` turns them into RFC 5322 bytes.
public struct RenderedText: Sendable, Hashable, Codable {
    /// One line, no CR or LF.
    public var subject: String
    /// Lines separated by LF, ending with one LF.
    public var body: String

    public init(subject: String, body: String) {
        self.subject = subject
        self.body = body
    }
}
