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

/// Writes header fields folded at word boundaries: lines stay within 78 characters where the
/// words allow it and never exceed 998 (a longer word is only possible in unstructured text,
/// which is then RFC 2047 encoded in short words instead).
struct HeaderWriter {
    static let softLimit = 78
    static let hardLimit = 998

    private(set) var bytes: [UInt8] = []

    /// Adds `name: word word ...`, folding before a word when the line would pass 78 characters.
    /// Empty words (runs of spaces) are kept but never folded before, so no line is only
    /// whitespace. Words must be free of CR and LF (callers build them from validated parts).
    mutating func add(_ name: String, words: [String]) {
        var line = name + ":"
        for word in words {
            if !word.isEmpty, line.utf8.count + 1 + word.utf8.count > Self.softLimit, line != name + ":" {
                bytes += Array(line.utf8) + [13, 10]
                line = ""
            }
            line += " " + word
        }
        bytes += Array(line.utf8) + [13, 10]
    }

    /// Adds an address list; addresses are separated by commas and folded between words.
    mutating func add(_ name: String, addresses: [MailAddress]) {
        var words: [String] = []
        for (index, address) in addresses.enumerated() {
            var addressWords = address.headerWords
            if index < addresses.count - 1 { addressWords[addressWords.count - 1] += "," }
            words += addressWords
        }
        add(name, words: words)
    }

    /// Adds unstructured text (Subject and extra headers). Control characters become spaces;
    /// leading and trailing spaces are dropped.
    /// ASCII text is folded at its spaces; text that is not ASCII, that contains something a
    /// reader would take for an encoded word (`=?`), or that has a word too long to fold within
    /// 998 characters, is written as RFC 2047 encoded words.
    mutating func addUnstructured(_ name: String, _ value: String) {
        var text = ""
        for scalar in value.unicodeScalars {
            text.unicodeScalars.append(MailAddress.isControl(scalar) ? " " : scalar)
        }
        text = text.trimmingSpaces
        let words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let foldable =
            text.unicodeScalars.allSatisfy(\.isASCII) && !text.contains("=?")
            && words.allSatisfy { $0.utf8.count + name.utf8.count + 2 <= Self.hardLimit }
        if foldable && !text.isEmpty {
            add(name, words: words)
        } else if text.isEmpty {
            bytes += Array("\(name):".utf8) + [13, 10]
        } else {
            add(name, words: EncodedWord.encode(text, maxWordLength: 68))
        }
    }
}

/// RFC 2047 encoded words (`=?utf-8?Q?...?=`, `=?utf-8?B?...?=`) for header text that is not
/// plain ASCII. Each word stays within the limit given (at most 75 characters, RFC 2047 2.) and
/// never splits a UTF-8 sequence, so every word decodes on its own.
enum EncodedWord {
    /// Encodes all of `text` as words separated where a header may fold; whitespace is carried
    /// inside the words (a decoder drops the space between adjacent encoded words). Picks Q when
    /// that is shorter (mostly-ASCII text stays readable), B otherwise.
    static func encode(_ text: String, maxWordLength: Int = 75) -> [String] {
        let q = encode(text, maxWordLength: maxWordLength, base64: false)
        let b = encode(text, maxWordLength: maxWordLength, base64: true)
        return q.reduce(0) { $0 + $1.count } <= b.reduce(0) { $0 + $1.count } ? q : b
    }

    static func encode(_ text: String, maxWordLength: Int, base64: Bool) -> [String] {
        let prefix = base64 ? "=?utf-8?B?" : "=?utf-8?Q?"
        let budget = max(maxWordLength - prefix.count - 2, 8)
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if !chunk.isEmpty, encodedLength(chunk + bytes, base64: base64) > budget {
                words.append(prefix + encodePayload(chunk, base64: base64) + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty {
            words.append(prefix + encodePayload(chunk, base64: base64) + "?=")
        }
        return words
    }

    private static func encodedLength(_ bytes: [UInt8], base64: Bool) -> Int {
        if base64 { return (bytes.count + 2) / 3 * 4 }
        return bytes.reduce(0) { $0 + (isQLiteral($1) || $1 == 0x20 ? 1 : 3) }
    }

    /// Characters left as they are in Q encoding: safe in every header context RFC 2047 allows
    /// encoded words in (unstructured text and phrases, 5.(3)).
    private static func isQLiteral(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "!"), UInt8(ascii: "*"), UInt8(ascii: "+"),
            UInt8(ascii: "-"), UInt8(ascii: "/"):
            true
        default: false
        }
    }

    private static func encodePayload(_ bytes: [UInt8], base64: Bool) -> String {
        if base64 { return Data(bytes).base64EncodedString() }
        var out = ""
        for byte in bytes {
            if isQLiteral(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else if byte == 0x20 {
                out += "_"
            } else {
                out += "=" + Hex.byte(byte)
            }
        }
        return out
    }
}

/// Upper-case hex as quoted-printable and Q encoding want it.
enum Hex {
    private static let digits = Array("0123456789ABCDEF")

    static func byte(_ byte: UInt8) -> String {
        String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}

/// RFC 2045 quoted-printable for a body of CRLF-separated lines: `=` and every byte outside
/// printable ASCII become `=XX`, a space or tab ending a line is encoded, and long lines get soft
/// breaks (`=` CRLF) so no encoded line exceeds 76 characters.
enum QuotedPrintable {
    static let maxLineLength = 76

    /// Encodes `lines` (raw bytes, without line ends) and returns the body with CRLF line ends,
    /// ending with CRLF.
    static func encode(lines: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        for line in lines {
            var current: [UInt8] = []
            for (index, byte) in line.enumerated() {
                let isLast = index == line.count - 1
                let token = encode(byte, atLineEnd: isLast)
                // A line that continues needs room for the soft break's `=`.
                let limit = isLast ? maxLineLength : maxLineLength - 1
                if current.count + token.count > limit {
                    out += current + [UInt8(ascii: "="), 13, 10]
                    current = []
                }
                current += token
            }
            out += current + [13, 10]
        }
        return out
    }

    private static func encode(_ byte: UInt8, atLineEnd: Bool) -> [UInt8] {
        switch byte {
        case 33...60, 62...126:
            return [byte]
        case 32 where !atLineEnd, 9 where !atLineEnd:
            return [byte]
        default:
            return Array(("=" + Hex.byte(byte)).utf8)
        }
    }
}
