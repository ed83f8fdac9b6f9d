import Foundation

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
