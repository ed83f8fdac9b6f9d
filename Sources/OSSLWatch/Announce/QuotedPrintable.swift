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
