import Foundation

/// Reads the entries of a mailing-list archive feed, Atom 1.0 or RSS 2.0, with their text.
///
/// Unlike `AtomDocumentReader`, which reads release feeds and skips entry content, this
/// keeps the message text (Atom `content`/`summary`, RSS `description`/`content:encoded`)
/// because the pre-announcement's date and severity are only in the prose. The same
/// `XMLStreamReader` and precheck refuse DTDs, entities and foreign encodings; entry count,
/// depth, field and content sizes are bounded by `FeedLimits`.
struct AnnounceFeedReader {
    /// One message of the list.
    struct Item: Sendable, Hashable {
        var title = ""
        var link: String?
        /// Body text, markup removed when the feed carried HTML.
        var text = ""
    }

    private enum Field {
        case title, link, content
    }

    static let contentNamespace = "http://purl.org/rss/1.0/modules/content/"

    let feed: String
    let limits: FeedLimits

    func items(in text: String) throws(FeedError) -> [Item] {
        try AtomDocumentReader.precheck(in: text, feed: feed)
        var items: [Item] = []
        var depth = 0
        var isAtom = false
        var itemDepth = 0
        var current: Item?
        var field: Field?
        var fieldDepth = 0
        var fieldText = ""
        let reader = XMLStreamReader(feed: feed, limits: limits)
        try reader.read(Array(text.utf8)) { (event) throws(FeedError) in
            switch event {
            case .start(let element):
                depth += 1
                let name = element.localName
                if depth == 1 {
                    if element.namespace == AtomDocumentReader.atomNamespace, name == "feed" {
                        isAtom = true
                        itemDepth = 2
                    } else if element.namespace == nil, name == "rss" {
                        itemDepth = 3
                    } else {
                        throw FeedError(
                            .unexpectedShape, feed: feed,
                            "root element \(FeedBody.printable(element.qualifiedName)) is neither Atom nor RSS 2.0")
                    }
                    return
                }
                if depth == 2, !isAtom, name != "channel" || element.namespace != nil {
                    return
                }
                if depth == itemDepth, current == nil,
                    isAtom
                        ? (name == "entry" && element.namespace == AtomDocumentReader.atomNamespace)
                        : (name == "item" && element.namespace == nil)
                {
                    guard items.count < limits.maxEntries else {
                        throw FeedError(.tooLarge, feed: feed, "more than \(limits.maxEntries) entries")
                    }
                    current = Item()
                    return
                }
                guard current != nil, depth == itemDepth + 1, field == nil else { return }
                let ownNamespace =
                    isAtom
                    ? element.namespace == AtomDocumentReader.atomNamespace
                    : element.namespace == nil
                fieldText = ""
                fieldDepth = depth
                switch name {
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
                guard let field, current != nil else { return }
                let cap = field == .content ? limits.maxContentBytes : limits.maxTextBytes
                guard fieldText.utf8.count + run.utf8.count <= cap else {
                    throw FeedError(.tooLarge, feed: feed, "an entry field is longer than \(cap) bytes")
                }
                if field == .content || depth == fieldDepth { fieldText += run }
            case .end:
                if let done = field, depth == fieldDepth {
                    let value = fieldText.trimmingCharacters(in: .whitespacesAndNewlines)
                    switch done {
                    case .title: current?.title = value
                    case .link: if current?.link == nil, !value.isEmpty { current?.link = value }
                    case .content:
                        // Keep the longest body: RSS may carry both a summary and the full text.
                        let plain = Self.plainText(value)
                        if plain.utf8.count > (current?.text.utf8.count ?? 0) { current?.text = plain }
                    }
                    field = nil
                }
                if depth == itemDepth, let item = current {
                    items.append(item)
                    current = nil
                }
                depth -= 1
            }
        }
        return items
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
        for (entity, value) in [
            ("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&apos;", "'"),
            ("&amp;", "&"),
        ] {
            output = output.replacingOccurrences(of: entity, with: value)
        }
        return output
    }
}
