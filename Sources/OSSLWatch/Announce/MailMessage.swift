public import Foundation
public import OSSLWatchCore

/// A plain-text mail ready to be written to a Maildir or handed to SMTP.
///
/// `rfc5322()` is the only way to bytes, and it cannot produce a header injection: addresses
/// are validated `MailAddress`es, the subject and extra header values are unstructured text whose
/// control characters become spaces (and which is RFC 2047 encoded when not ASCII), and the
/// Message-ID is checked when the message is made.
public struct MailMessage: Sendable, Hashable {
    public var from: MailAddress
    public var to: [MailAddress]
    public var cc: [MailAddress]
    /// Unencoded; any CR, LF or other control character is written as a space.
    public var subject: String
    /// Written as `Date:` in UTC; the caller fixes it so a re-render is byte-identical.
    public var date: Date
    /// `<id@domain>`, see `messageID(run:kind:domain:)`.
    public let messageID: String
    /// Unencoded text; LF, CRLF and lone CR all end a line.
    public var body: String
    public var extraHeaders: [MailHeader]

    public init(
        from: MailAddress, to: [MailAddress], cc: [MailAddress] = [], subject: String, date: Date, messageID: String,
        body: String, extraHeaders: [MailHeader] = []
    ) throws(MailError) {
        guard Self.isMessageID(messageID) else {
            throw MailError(.invalidHeader, "Message-ID \(MailAddress.shown(messageID)) is not <dot-atom@domain>")
        }
        self.from = from
        self.to = to
        self.cc = cc
        self.subject = subject
        self.date = date
        self.messageID = messageID
        self.body = body
        self.extraHeaders = extraHeaders
    }

    /// The Message-ID for one run's message of one kind, `<osslwatch.run-12.announcement@domain>`:
    /// the same every time the draft is rendered, so a re-sent or re-drafted message is
    /// recognisably the same message. `domain` should be the sender's domain; if it is not a
    /// host name, `localhost` is used instead.
    public static func messageID(run: Int64, kind: MessageKind, domain: String) -> String {
        let host = MailAddress.isHostName(domain) ? domain.lowercased() : "localhost"
        return "<osslwatch.run-\(run).\(kind.rawValue)@\(host)>"
    }

    /// The message as RFC 5322 bytes with CRLF line ends: headers, a blank line, the body in
    /// 7bit when it is ASCII with lines of at most 998 octets, quoted-printable otherwise.
    public func rfc5322() -> [UInt8] {
        let lines = Self.bodyLines(body)
        let sevenBit = lines.allSatisfy { line in line.count <= 998 && line.allSatisfy { $0 < 0x80 && $0 != 0 } }
        var header = HeaderWriter()
        header.add("Date", words: [Self.rfc5322Date(date)])
        header.add("Message-ID", words: [messageID])
        header.add("From", words: from.headerWords)
        if !to.isEmpty { header.add("To", addresses: to) }
        if !cc.isEmpty { header.add("Cc", addresses: cc) }
        header.addUnstructured("Subject", subject)
        for extra in extraHeaders { header.addUnstructured(extra.name, extra.value) }
        header.add("MIME-Version", words: ["1.0"])
        header.add("Content-Type", words: ["text/plain;", "charset=utf-8"])
        header.add("Content-Transfer-Encoding", words: [sevenBit ? "7bit" : "quoted-printable"])
        var out = header.bytes
        out += [13, 10]
        if sevenBit {
            for line in lines { out += line + [13, 10] }
        } else {
            out += QuotedPrintable.encode(lines: lines)
        }
        return out
    }

    /// The body split into lines at LF, CRLF or lone CR; a final line end does not add an
    /// empty line, and a body without one gets one.
    static func bodyLines(_ body: String) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var previousCR = false
        for byte in body.utf8 {
            switch byte {
            case 13:
                lines.append(current)
                current = []
                previousCR = true
            case 10:
                if !previousCR {
                    lines.append(current)
                    current = []
                }
                previousCR = false
            default:
                current.append(byte)
                previousCR = false
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// `Tue, 30 Sep 2025 14:05:00 +0000`, always UTC.
    public static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String {
            let value = value ?? 0
            return value < 10 ? "0\(value)" : "\(value)"
        }
        return "\(days[(parts.weekday ?? 1) - 1]), \(parts.day ?? 1) \(months[(parts.month ?? 1) - 1]) "
            + "\(parts.year ?? 1970) \(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) +0000"
    }

    static func isMessageID(_ text: String) -> Bool {
        guard text.hasPrefix("<"), text.hasSuffix(">"), text.utf8.count <= 250 else { return false }
        let inner = text.dropFirst().dropLast()
        let parts = inner.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && MailAddress.isDotAtom(String(parts[0])) && MailAddress.isHostName(String(parts[1]))
    }
}
