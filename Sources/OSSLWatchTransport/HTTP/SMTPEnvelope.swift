/// The checked envelope of one SMTP transaction. Every value that becomes part of an SMTP
/// command is validated here, before libcurl sees it, so no input can inject a command (CR,
/// LF, NUL) or bend the `<...>` syntax of MAIL FROM / RCPT TO.
///
/// Addresses are deliberately strict: a dot-atom local part and an LDH domain, ASCII only,
/// no quoted local parts, source routes or address literals. The message must be CRLF text
/// with lines of at most 998 octets and end with CRLF, so the server stores exactly the
/// bytes given (libcurl only dot-stuffs, which the server undoes).
struct SMTPEnvelope: Sendable {
    let from: String
    let recipients: [String]

    /// Most recipients in one transaction.
    static let maxRecipients = 100
    /// Largest message accepted (bytes).
    static let maxMessageBytes = 25 << 20

    init(from: String, recipients: [String], message: [UInt8]) throws(SMTPError) {
        guard Self.isAddress(from) else {
            throw SMTPError(.invalidInput, "invalid envelope sender \(Self.quoted(from))")
        }
        guard !recipients.isEmpty else {
            throw SMTPError(.invalidInput, "no envelope recipients")
        }
        var unique: [String] = []
        var seen = Set<String>()
        for recipient in recipients {
            guard Self.isAddress(recipient) else {
                throw SMTPError(.invalidInput, "invalid envelope recipient \(Self.quoted(recipient))")
            }
            if seen.insert(recipient.lowercased()).inserted {
                unique.append(recipient)
            }
        }
        guard unique.count <= Self.maxRecipients else {
            throw SMTPError(.invalidInput, "more than \(Self.maxRecipients) envelope recipients")
        }
        try Self.checkMessage(message)
        self.from = from
        self.recipients = unique
    }

    /// No CR, LF, NUL or other C0/DEL control characters.
    static func isClean(_ text: String) -> Bool {
        !text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }

    /// `local@domain` with a dot-atom local part (at most 64 octets) and an LDH domain; at
    /// most 254 octets in all.
    static func isAddress(_ address: String) -> Bool {
        guard address.utf8.count <= 254, let at = address.lastIndex(of: "@") else { return false }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        return isDotAtom(local) && isDomain(domain)
    }

    private static let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~")

    private static func isDotAtom(_ local: Substring) -> Bool {
        guard (1...64).contains(local.utf8.count) else { return false }
        let atoms = local.split(separator: ".", omittingEmptySubsequences: false)
        return atoms.allSatisfy { atom in !atom.isEmpty && atom.allSatisfy { atext.contains($0) } }
    }

    /// Letters, digits and hyphens in dot-separated labels of 1...63 octets, no label starting
    /// or ending with a hyphen.
    static func isDomain(_ domain: Substring) -> Bool {
        guard (1...253).contains(domain.utf8.count) else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    private static func checkMessage(_ message: [UInt8]) throws(SMTPError) {
        guard !message.isEmpty else {
            throw SMTPError(.invalidInput, "the message is empty")
        }
        guard message.count <= maxMessageBytes else {
            throw SMTPError(.invalidInput, "the message is larger than \(maxMessageBytes) bytes")
        }
        var lineLength = 0
        var line = 1
        var index = 0
        while index < message.count {
            let byte = message[index]
            switch byte {
            case 0:
                throw SMTPError(.invalidInput, "the message contains a NUL byte (line \(line))")
            case 0x0D:
                guard index + 1 < message.count, message[index + 1] == 0x0A else {
                    throw SMTPError(.invalidInput, "the message has a bare CR (line \(line)); use CRLF")
                }
                index += 2
                lineLength = 0
                line += 1
                continue
            case 0x0A:
                throw SMTPError(.invalidInput, "the message has a bare LF (line \(line)); use CRLF")
            default:
                lineLength += 1
                if lineLength > 998 {
                    throw SMTPError(.invalidInput, "line \(line) of the message is longer than 998 octets")
                }
            }
            index += 1
        }
        guard message.count >= 2, message[message.count - 2] == 0x0D, message[message.count - 1] == 0x0A else {
            throw SMTPError(.invalidInput, "the message must end with CRLF")
        }
    }

    /// The value for an error message: control characters escaped, truncated.
    private static func quoted(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars.prefix(80) {
            escaped += scalar.value < 0x20 || scalar.value == 0x7F ? scalar.escaped(asASCII: true) : String(scalar)
        }
        return "\"\(escaped)\""
    }
}
