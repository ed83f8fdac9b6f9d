import Foundation

/// The checks every parser runs before reading a body: size, declared media type, encoding.
///
/// Done once here so that every feed kind rejects the same hostile inputs the same way.
struct FeedBody {
    /// Media types (lower case, without parameters) a parser accepts; `nil` or empty headers always pass.
    struct MediaTypes {
        let accepted: Set<String>
        /// What the feed should be, for the error message.
        let expected: String

        static let atom = MediaTypes(
            accepted: ["application/atom+xml", "application/xml", "text/xml"], expected: "an Atom feed")
        /// raw.githubusercontent.com serves JSON as `text/plain`, so that passes too.
        static let json = MediaTypes(accepted: ["application/json", "text/plain"], expected: "JSON")
        static let html = MediaTypes(accepted: ["text/html", "application/xhtml+xml"], expected: "an HTML page")
    }

    /// The body's text, BOM removed, known to be valid UTF-8.
    let text: String

    /// Validates `data` and decodes it; throws the first problem found.
    init(
        _ data: Data, contentType: String?, mediaTypes: MediaTypes, feed: String, limits: FeedLimits
    ) throws(FeedError) {
        guard data.count <= limits.maxBodyBytes else {
            throw FeedError(
                .tooLarge, feed: feed, "body is \(data.count) bytes, more than the \(limits.maxBodyBytes) accepted")
        }
        try Self.checkContentType(contentType, mediaTypes: mediaTypes, feed: feed)
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw FeedError(.encoding, feed: feed, "body is not valid UTF-8")
        }
        self.text = text
    }

    private static func checkContentType(
        _ contentType: String?, mediaTypes: MediaTypes, feed: String
    ) throws(FeedError) {
        guard let contentType else { return }
        let parts = contentType.split(separator: ";", omittingEmptySubsequences: false)
        let mediaType = (parts.first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        if mediaType.isEmpty { return }
        guard mediaTypes.accepted.contains(mediaType) else {
            throw FeedError(
                .wrongContentType, feed: feed,
                "server sent Content-Type \(Self.printable(mediaType)), expected \(mediaTypes.expected)")
        }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" else {
                continue
            }
            let charset = pair[1].trimmingCharacters(in: .whitespaces.union(["\""])).lowercased()
            guard ["utf-8", "utf8", "us-ascii"].contains(charset) else {
                throw FeedError(
                    .encoding, feed: feed, "server declared charset \(Self.printable(charset)); only UTF-8 is read")
            }
        }
    }

    /// A header value made safe for a one-line log message: short, printable ASCII only.
    static func printable(_ value: some StringProtocol) -> String {
        let cleaned = value.unicodeScalars.prefix(80).map { scalar in
            scalar.isASCII && scalar.value >= 0x20 && scalar.value < 0x7F ? Character(scalar) : "?"
        }
        return "\"" + String(cleaned) + (value.unicodeScalars.count > 80 ? "…" : "") + "\""
    }
}

extension FeedBody {
    /// Refuses C0 control characters other than tab, line feed, carriage return and form feed.
    ///
    /// Text and JSON never carry them raw; their presence means another encoding (UTF-16 of
    /// ASCII text is valid UTF-8 full of NULs) or a binary body, and a decoder that guesses
    /// encodings must not get the chance to.
    static func refuseControlCharacters(in text: String, feed: String) throws(FeedError) {
        var offset = 0
        for byte in text.utf8 {
            if byte < 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D, byte != 0x0C {
                throw FeedError(
                    .encoding, feed: feed,
                    "control character 0x\(String(byte, radix: 16)) at byte \(offset); the body is not UTF-8 text")
            }
            offset += 1
        }
    }
}
