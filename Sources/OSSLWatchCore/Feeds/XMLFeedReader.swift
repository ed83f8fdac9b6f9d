import Foundation

/// Reads the entries of an Atom 1.0 document (or, for a mailing list, an RSS 2.0 one) with
/// `XMLStreamReader`, keeping only the fields osslwatch needs and bounding what it keeps.
///
/// Before reading, any DTD or entity declaration is refused anywhere in the body (a feed
/// never needs one, and without a DTD there is no entity to expand or fetch), as are
/// control characters and a declared encoding other than UTF-8. While reading, the entry
/// count, nesting depth and the text kept per field are bounded by `FeedLimits`.
struct XMLFeedReader {
    /// The few fields of one Atom `<entry>` or RSS `<item>` osslwatch reads; everything else
    /// is read past.
    struct Entry: Sendable, Hashable {
        /// `<id>`: GitHub's `tag:github.com,2008:Repository/7634677/openssl-3.5.4`.
        var id: String?
        /// `<updated>`, RFC 3339.
        var updated: String?
        var title = ""
        /// `href` of the Atom `<link>` whose `rel` is `alternate` (or absent, which means the
        /// same), or the text of the RSS `<link>`.
        var link: String?
        /// The message text of a mailing list's entry, markup removed when the feed carried HTML.
        var text = ""
    }

    private enum Field {
        case id, updated, title, link, content
    }

    static let atomNamespace = "http://www.w3.org/2005/Atom"
    static let contentNamespace = "http://purl.org/rss/1.0/modules/content/"

    let feed: String
    let limits: FeedLimits
    /// Whether the feed is a mailing list's archive: RSS 2.0 is read besides Atom, and each
    /// entry's text (Atom `content`/`summary`, RSS `description`/`content:encoded`) is kept,
    /// because a pre-announcement's date and severity are only in the prose. A release feed
    /// is Atom, and its entries' content is read past (bounded, never kept).
    var mailingList = false

    func entries(in text: String) throws(FeedError) -> [Entry] {
        try Self.precheck(in: text, feed: feed)
        var entries: [Entry] = []
        var depth = 0
        var isAtom = false
        var entryDepth = 0
        var current: Entry?
        var field: Field?
        var fieldDepth = 0
        var fieldText = ""
        var fieldBytes = 0
        let reader = XMLStreamReader(feed: feed, limits: limits)
        try reader.read(Array(text.utf8)) { (event) throws(FeedError) in
            switch event {
            case .start(let element):
                depth += 1
                let name = element.localName
                if depth == 1 {
                    if element.namespace == Self.atomNamespace, name == "feed" {
                        isAtom = true
                        entryDepth = 2
                    } else if mailingList, element.namespace == nil, name == "rss" {
                        entryDepth = 3
                    } else {
                        throw FeedError(
                            .unexpectedShape, feed: feed,
                            "root element \(FeedBody.printable(element.qualifiedName)) is "
                                + (mailingList ? "neither Atom nor RSS 2.0" : "not an Atom feed"))
                    }
                    return
                }
                if depth == entryDepth, current == nil,
                    isAtom
                        ? (name == "entry" && element.namespace == Self.atomNamespace)
                        : (name == "item" && element.namespace == nil)
                {
                    guard entries.count < limits.maxEntries else {
                        throw FeedError(.tooLarge, feed: feed, "more than \(limits.maxEntries) entries")
                    }
                    current = Entry()
                    return
                }
                guard current != nil, depth == entryDepth + 1, field == nil else { return }
                let ownNamespace = element.namespace == (isAtom ? Self.atomNamespace : nil)
                fieldText = ""
                fieldBytes = 0
                fieldDepth = depth
                switch name {
                case "id" where ownNamespace && !mailingList: field = .id
                case "updated" where ownNamespace && !mailingList: field = .updated
                case "title" where ownNamespace: field = .title
                case "link" where isAtom && ownNamespace:
                    let rel = element.attributes["rel"] ?? "alternate"
                    if rel == "alternate", current?.link == nil, let href = element.attributes["href"] {
                        guard href.utf8.count <= limits.maxTextBytes else {
                            throw FeedError(.tooLarge, feed: feed, "a link is longer than \(limits.maxTextBytes) bytes")
                        }
                        current?.link = href
                    }
                case "link" where ownNamespace: field = .link
                case "content" where isAtom && ownNamespace: field = .content
                case "summary" where isAtom && ownNamespace: field = .content
                case "description" where !isAtom && ownNamespace: field = .content
                case "encoded" where !isAtom && element.namespace == Self.contentNamespace: field = .content
                default: break
                }
            case .text(let run):
                guard let field, current != nil, field == .content || depth == fieldDepth else { return }
                fieldBytes += run.utf8.count
                if field == .content {
                    guard fieldBytes <= limits.maxContentBytes else {
                        throw FeedError(
                            .tooLarge, feed: feed, "entry content is longer than \(limits.maxContentBytes) bytes")
                    }
                    if mailingList { fieldText += run }
                } else {
                    guard fieldBytes <= limits.maxTextBytes else {
                        throw FeedError(
                            .tooLarge, feed: feed, "an entry field is longer than \(limits.maxTextBytes) bytes")
                    }
                    fieldText += run
                }
            case .end:
                if let done = field, depth == fieldDepth {
                    let value = fieldText.trimmingCharacters(in: .whitespacesAndNewlines)
                    switch done {
                    case .id: current?.id = value
                    case .updated: current?.updated = value
                    case .title: current?.title = value
                    case .link: if current?.link == nil, !value.isEmpty { current?.link = value }
                    case .content:
                        // Keep the longest body: RSS may carry both a summary and the full text.
                        let plain = Self.plainText(value)
                        if plain.utf8.count > (current?.text.utf8.count ?? 0) { current?.text = plain }
                    }
                    field = nil
                }
                if depth == entryDepth, let entry = current {
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
    private static func precheck(in text: String, feed: String) throws(FeedError) {
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

    /// Text with HTML tags turned into spaces and the common entities resolved; for HTML
    /// bodies that arrive escaped inside the XML.
    static func plainText(_ html: String) -> String {
        guard html.contains("<") || html.contains("&") else { return html }
        var output = ""
        output.reserveCapacity(html.utf8.count)
        var inTag = false
        for character in html {
            if inTag {
                if character == ">" {
                    inTag = false
                    output.append(" ")
                }
            } else if character == "<" {
                inTag = true
            } else {
                output.append(character)
            }
        }
        return decodingEntities(output)
    }

    /// `text` with the common HTML entities resolved (`&amp;` last, so `&amp;lt;` stays `&lt;`).
    static func decodingEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var output = text
        for (entity, value) in [
            ("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&apos;", "'"),
            ("&amp;", "&"),
        ] {
            output = output.replacingOccurrences(of: entity, with: value)
        }
        return output
    }
}
