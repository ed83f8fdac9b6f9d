import Foundation

/// A mailbox: an ASCII `local@domain` and an optional display name.
///
/// Addresses come from the config and end up in `From`/`To`/`Cc` headers and in the SMTP
/// envelope, so parsing is strict: a dot-atom local part, a host name domain, no quoted local
/// parts, no comments, no groups, and nothing that could end a header line or add a second
/// address (CR, LF, NUL and other control characters, stray `<`, `>`, `,` outside a name).
/// Display names are quoted or RFC 2047 encoded when written, so any printable name is safe.
public struct MailAddress: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The name shown by mail clients, unencoded; `nil` when the address is bare.
    public let displayName: String?
    public let localPart: String
    /// Lower-cased host name.
    public let domain: String

    /// Parses `Name <local@domain>`, `"Name, Jr." <local@domain>`, `<local@domain>` or `local@domain`.
    public init(parsing text: String) throws(MailError) {
        guard !text.unicodeScalars.contains(where: Self.isControl) else {
            throw MailError(
                .invalidAddress, "address \(Self.shown(text)) contains a control character (CR, LF, NUL, TAB)")
        }
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty, trimmed.utf8.count <= 998 else {
            throw MailError(.invalidAddress, "address \(Self.shown(text)) is empty or too long")
        }
        if trimmed.hasSuffix(">") {
            guard let open = trimmed.lastIndex(of: "<") else {
                throw MailError(.invalidAddress, "address \(Self.shown(text)) has `>` without `<`")
            }
            let spec = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            let name = try Self.parseDisplayName(String(trimmed[..<open]).trimmingSpaces, in: text)
            try self.init(displayName: name, addrSpec: spec)
        } else {
            try self.init(displayName: nil, addrSpec: trimmed)
        }
    }

    /// Builds an address from an unencoded display name and an addr-spec, validating both.
    public init(displayName: String?, addrSpec: String) throws(MailError) {
        if let displayName {
            guard !displayName.unicodeScalars.contains(where: Self.isControl), displayName.utf8.count <= 256 else {
                throw MailError(
                    .invalidAddress, "display name \(Self.shown(displayName)) has a control character or is too long")
            }
        }
        let parts = addrSpec.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw MailError(
                .invalidAddress, "address \(Self.shown(addrSpec)) must be local@domain with exactly one `@`")
        }
        let local = String(parts[0])
        let domain = String(parts[1])
        guard Self.isDotAtom(local), local.utf8.count <= 64 else {
            throw MailError(
                .invalidAddress, "local part \(Self.shown(local)) of \(Self.shown(addrSpec)) is not a dot-atom")
        }
        guard Self.isHostName(domain) else {
            throw MailError(
                .invalidAddress, "domain \(Self.shown(domain)) of \(Self.shown(addrSpec)) is not a host name")
        }
        let name = displayName?.trimmingSpaces
        self.displayName = (name?.isEmpty ?? true) ? nil : name
        self.localPart = local
        self.domain = domain.lowercased()
    }

    /// `local@domain`, as the SMTP envelope wants it.
    public var addrSpec: String { "\(localPart)@\(domain)" }

    /// Unencoded, for humans and logs: `Name <local@domain>` or `local@domain`.
    public var description: String {
        guard let displayName else { return addrSpec }
        return "\(displayName) <\(addrSpec)>"
    }

    /// The header form: the display name as atoms, a quoted string, or RFC 2047 encoded words
    /// (when not ASCII), then `<local@domain>`. Never contains CR or LF.
    public var headerValue: String {
        headerWords.joined(separator: " ")
    }

    /// `headerValue` split where a header may be folded.
    var headerWords: [String] {
        guard let displayName else { return [addrSpec] }
        let words: [String]
        if displayName.unicodeScalars.allSatisfy({ $0.isASCII }) {
            if displayName.split(separator: " ", omittingEmptySubsequences: false).allSatisfy(Self.isAtom) {
                words = displayName.split(separator: " ").map(String.init)
            } else {
                let escaped = displayName.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "\"", with: "\\\"")
                words = ["\"\(escaped)\""]
            }
        } else {
            words = EncodedWord.encode(displayName, maxWordLength: 68)
        }
        return words + ["<\(addrSpec)>"]
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private static func parseDisplayName(_ raw: String, in text: String) throws(MailError) -> String? {
        if raw.isEmpty { return nil }
        if raw.hasPrefix("\"") {
            var name = ""
            var escaped = false
            var closed = false
            for character in raw.dropFirst() {
                if closed {
                    throw MailError(.invalidAddress, "address \(shown(text)) has text after the quoted name")
                }
                if escaped {
                    name.append(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    closed = true
                } else {
                    name.append(character)
                }
            }
            guard closed, !escaped else {
                throw MailError(.invalidAddress, "address \(shown(text)) has an unterminated quoted name")
            }
            return name
        }
        guard !raw.contains(where: { "<>\"\\,;:@".contains($0) }) else {
            throw MailError(
                .invalidAddress,
                "display name in \(shown(text)) has one of <>\"\\,;:@ outside quotes; put the name in double quotes")
        }
        return raw
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
    }

    /// An ASCII letter or digit.
    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        let character = Character(Unicode.Scalar(byte))
        return character.isASCII && (character.isLetter || character.isNumber)
    }

    /// RFC 5322 atext.
    static func isAtext(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
    }

    static func isAtom<S: StringProtocol>(_ text: S) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy(isAtext)
    }

    static func isDotAtom(_ text: String) -> Bool {
        text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isAtom)
    }

    static func isHostName(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            guard (1...63).contains(label.utf8.count), label.first != "-", label.last != "-" else { return false }
            return label.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
        }
    }

    /// The value quoted for an error message, with control characters made visible.
    static func shown(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars.prefix(200) {
            if isControl(scalar) {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension String {
    /// Without leading and trailing spaces (the only whitespace an address may carry).
    var trimmingSpaces: String {
        var slice = Substring(self)
        while slice.first == " " { slice = slice.dropFirst() }
        while slice.last == " " { slice = slice.dropLast() }
        return String(slice)
    }
}
