import Foundation

/// Reads the entries of an Atom 1.0 document with `XMLStreamReader`, keeping only the
/// fields osslwatch needs and bounding what it keeps.
///
/// Before reading, any DTD or entity declaration is refused anywhere in the body (a feed
/// never needs one, and without a DTD there is no entity to expand or fetch), as are
/// control characters and a declared encoding other than UTF-8. While reading, the entry
/// count, nesting depth and the text kept per field are bounded.
struct AtomDocumentReader {
    static let atomNamespace = "http://www.w3.org/2005/Atom"

    private enum Field {
        case id, updated, title, content
    }

    let feed: String
    let limits: FeedLimits

    func entries(in text: String) throws(FeedError) -> [AtomEntry] {
        try Self.precheck(in: text, feed: feed)
        var entries: [AtomEntry] = []
        var depth = 0
        var current: AtomEntry?
        var field: Field?
        var fieldText = ""
        var contentBytes = 0
        let reader = XMLStreamReader(feed: feed, limits: limits)
        try reader.read(Array(text.utf8)) { (event) throws(FeedError) in
            switch event {
            case .start(let element):
                depth += 1
                let isAtom = element.namespace == Self.atomNamespace
                switch depth {
                case 1:
                    guard isAtom, element.localName == "feed" else {
                        throw FeedError(
                            .unexpectedShape, feed: feed,
                            "root element \(FeedBody.printable(element.qualifiedName)) is not an Atom feed")
                    }
                case 2 where isAtom && element.localName == "entry":
                    guard entries.count < limits.maxEntries else {
                        throw FeedError(.tooLarge, feed: feed, "more than \(limits.maxEntries) entries")
                    }
                    current = AtomEntry()
                case 3 where isAtom && current != nil:
                    fieldText = ""
                    contentBytes = 0
                    switch element.localName {
                    case "id": field = .id
                    case "updated": field = .updated
                    case "title": field = .title
                    case "content", "summary": field = .content
                    case "link":
                        let rel = element.attributes["rel"] ?? "alternate"
                        if rel == "alternate", current?.link == nil, let href = element.attributes["href"] {
                            guard href.utf8.count <= limits.maxTextBytes else {
                                throw FeedError(
                                    .tooLarge, feed: feed, "a link is longer than \(limits.maxTextBytes) bytes")
                            }
                            current?.link = href
                        }
                    default: break
                    }
                default: break
                }
            case .text(let run):
                guard depth >= 3, let field, current != nil else { break }
                if field == .content {
                    contentBytes += run.utf8.count
                    guard contentBytes <= limits.maxContentBytes else {
                        throw FeedError(
                            .tooLarge, feed: feed, "entry content is longer than \(limits.maxContentBytes) bytes")
                    }
                } else if depth == 3 {
                    guard fieldText.utf8.count + run.utf8.count <= limits.maxTextBytes else {
                        throw FeedError(
                            .tooLarge, feed: feed, "an entry field is longer than \(limits.maxTextBytes) bytes")
                    }
                    fieldText += run
                }
            case .end:
                if depth == 3, let done = field {
                    let value = fieldText.trimmingCharacters(in: .whitespacesAndNewlines)
                    switch done {
                    case .id: current?.id = value
                    case .updated: current?.updated = value
                    case .title: current?.title = value
                    case .content: break
                    }
                    field = nil
                    fieldText = ""
                }
                if depth == 2, let entry = current {
                    entries.append(entry)
                    current = nil
                }
                depth -= 1
            }
        }
        return entries
    }

    /// Refuses control characters XML 1.0 does not allow (NUL included), `<!DOCTYPE`/`<!ENTITY`
    /// anywhere, and an XML declaration naming another encoding than the UTF-8 the bytes were
    /// checked to be.
    static func precheck(in text: String, feed: String) throws(FeedError) {
        let bytes = Array(text.utf8)
        if let index = bytes.firstIndex(where: { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) {
            throw FeedError(.malformed, feed: feed, "not well-formed XML: control character at byte \(index)")
        }
        for marker in ["<!doctype", "<!entity"] where containsCaseInsensitive(bytes, marker) {
            throw FeedError(
                .forbiddenConstruct, feed: feed,
                "document contains a \(marker.dropFirst(2).uppercased()) declaration; feeds never need one")
        }
        guard bytes.starts(with: Array("<?xml".utf8)), let end = text.range(of: "?>") else { return }
        let declaration = text[..<end.lowerBound]
        guard let encoding = declaration.range(of: "encoding") else { return }
        let value = declaration[encoding.upperBound...].drop(while: {
            $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'"
        })
        .prefix(while: { $0 != "\"" && $0 != "'" && $0 != " " }).lowercased()
        guard ["utf-8", "utf8", "us-ascii"].contains(value) else {
            throw FeedError(
                .encoding, feed: feed,
                "XML declaration names encoding \(FeedBody.printable(value)); only UTF-8 is read")
        }
    }

    private static func containsCaseInsensitive(_ bytes: [UInt8], _ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard bytes.count >= pattern.count else { return false }
        var index = 0
        while index <= bytes.count - pattern.count {
            if bytes[index] == UInt8(ascii: "<") {
                var matched = true
                for offset in 1..<pattern.count where bytes[index + offset] | 0x20 != pattern[offset] | 0x20 {
                    matched = false
                    break
                }
                if matched { return true }
            }
            index += 1
        }
        return false
    }
}

/// The few fields of one Atom `<entry>` osslwatch reads; everything else is read past.
struct AtomEntry: Sendable, Hashable {
    /// `<id>`: GitHub's `tag:github.com,2008:Repository/7634677/openssl-3.5.4`.
    var id: String?
    /// `<updated>`, RFC 3339.
    var updated: String?
    var title: String?
    /// `href` of the `<link>` whose `rel` is `alternate` (or absent, which means the same).
    var link: String?
}
