/// One reply of an SMTP server: the three-digit code and the text after it. `send` returns
/// the server's final reply to DATA (e.g. `250` "2.0.0 OK queued as 12"), which the outbox
/// records as proof of delivery.
public struct SMTPReply: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The reply code, 200...599.
    public var code: Int
    /// The text after the code; the lines of a multi-line reply joined with "\n".
    public var text: String

    /// `code text`, as the server wrote it (first line only for multi-line replies).
    public var description: String {
        let first = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return first.isEmpty ? "\(code)" : "\(code) \(first)"
    }
}
