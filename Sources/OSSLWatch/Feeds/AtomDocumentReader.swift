import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Reads the entries of an Atom 1.0 document with FoundationXML's `XMLParser` (libxml2 on
/// Linux), wrapped in the checks a hostile feed needs.
///
/// libxml2 is driven here in recovery mode with entity substitution on, so the reader does
/// not rely on it for safety: any DTD or entity declaration is refused before parsing (a
/// feed never needs one, and without a DTD there is no entity to expand or fetch), every
/// reported error fails the whole document, and text, depth and entry count are bounded
/// while parsing, aborting as soon as a bound is crossed.
struct AtomDocumentReader {
    static let atomNamespace = "http://www.w3.org/2005/Atom"

    let feed: String
    let limits: FeedLimits

    func entries(in text: String) throws(FeedError) -> [AtomEntry] {
        try Self.refuseDeclarations(in: text, feed: feed)
        let parser = XMLParser(data: Data(text.utf8))
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = true
        parser.shouldReportNamespacePrefixes = false
        let delegate = AtomParserDelegate(feed: feed, limits: limits)
        parser.delegate = delegate
        let finished = parser.parse()
        if let error = delegate.failure { throw error }
        if let error = parser.parserError {
            throw FeedError(
                .malformed, feed: feed,
                "not well-formed XML (libxml2 error \((error as NSError).code) at line \(parser.lineNumber))")
        }
        guard finished, delegate.sawRoot else {
            throw FeedError(.malformed, feed: feed, "not well-formed XML: no root element")
        }
        return delegate.entries
    }

    /// Refuses `<!DOCTYPE`/`<!ENTITY` anywhere, and an XML declaration naming another encoding
    /// than the UTF-8 the bytes were checked to be.
    static func refuseDeclarations(in text: String, feed: String) throws(FeedError) {
        let bytes = Array(text.utf8)
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

/// `XMLParserDelegate` must be an `NSObject`; it lives only for one synchronous `parse()`.
private final class AtomParserDelegate: NSObject, XMLParserDelegate {
    private enum Field {
        case id, updated, title, content
    }

    let feed: String
    let limits: FeedLimits
    private(set) var entries: [AtomEntry] = []
    private(set) var failure: FeedError?
    private(set) var sawRoot = false

    private var depth = 0
    private var current: AtomEntry?
    private var field: Field?
    private var fieldText = ""
    /// Text bytes seen in the innermost open element, kept or not.
    private var elementTextBytes = 0

    init(feed: String, limits: FeedLimits) {
        self.feed = feed
        self.limits = limits
    }

    private func fail(_ parser: XMLParser, _ error: FeedError) {
        if failure == nil { failure = error }
        parser.abortParsing()
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        guard failure == nil else { return }
        depth += 1
        elementTextBytes = 0
        guard depth <= limits.maxDepth else {
            return fail(parser, FeedError(.tooLarge, feed: feed, "elements nested deeper than \(limits.maxDepth)"))
        }
        let isAtom = namespaceURI == AtomDocumentReader.atomNamespace
        switch depth {
        case 1:
            sawRoot = true
            guard isAtom, elementName == "feed" else {
                let name = FeedBody.printable(qualifiedName ?? elementName)
                return fail(parser, FeedError(.unexpectedShape, feed: feed, "root element \(name) is not an Atom feed"))
            }
        case 2 where isAtom && elementName == "entry":
            guard entries.count < limits.maxEntries else {
                return fail(parser, FeedError(.tooLarge, feed: feed, "more than \(limits.maxEntries) entries"))
            }
            current = AtomEntry()
        case 3 where isAtom && current != nil:
            switch elementName {
            case "id": field = .id
            case "updated": field = .updated
            case "title": field = .title
            case "content", "summary": field = .content
            case "link":
                let rel = attributes["rel"] ?? "alternate"
                if rel == "alternate", current?.link == nil, let href = attributes["href"] {
                    guard href.utf8.count <= limits.maxTextBytes else {
                        return fail(parser, FeedError(.tooLarge, feed: feed, "a link is longer than allowed"))
                    }
                    current?.link = href
                }
            default: break
            }
            fieldText = ""
        default: break
        }
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
    ) {
        guard failure == nil else { return }
        if depth == 3, let field, current != nil {
            let text = fieldText.trimmingCharacters(in: .whitespacesAndNewlines)
            switch field {
            case .id: current?.id = text
            case .updated: current?.updated = text
            case .title: current?.title = text
            case .content: break
            }
            self.field = nil
            fieldText = ""
        }
        if depth == 2, let entry = current {
            entries.append(entry)
            current = nil
        }
        depth -= 1
        elementTextBytes = 0
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        take(parser, string)
    }

    func parser(_ parser: XMLParser, foundCDATA block: Data) {
        take(parser, String(decoding: block, as: UTF8.self))
    }

    private func take(_ parser: XMLParser, _ string: String) {
        guard failure == nil else { return }
        elementTextBytes += string.utf8.count
        let limit = field == .content ? limits.maxContentBytes : limits.maxTextBytes
        guard elementTextBytes <= limit else {
            return fail(parser, FeedError(.tooLarge, feed: feed, "an element's text is longer than \(limit) bytes"))
        }
        if depth == 3, let field, field != .content {
            guard fieldText.utf8.count + string.utf8.count <= limits.maxTextBytes else {
                return fail(
                    parser,
                    FeedError(.tooLarge, feed: feed, "an entry field is longer than \(limits.maxTextBytes) bytes"))
            }
            fieldText += string
        }
    }

    func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
        fail(parser, FeedError(.forbiddenConstruct, feed: feed, "document declares an entity"))
    }

    func parser(
        _ parser: XMLParser, foundExternalEntityDeclarationWithName name: String, publicID: String?, systemID: String?
    ) {
        fail(parser, FeedError(.forbiddenConstruct, feed: feed, "document declares an external entity"))
    }

    func parser(_ parser: XMLParser, resolveExternalEntityName name: String, systemID: String?) -> Data? {
        fail(
            parser,
            FeedError(.forbiddenConstruct, feed: feed, "document refers to an entity other than XML's predefined five"))
        return nil
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        let code = (parseError as NSError).code
        fail(
            parser,
            FeedError(
                .malformed, feed: feed, "not well-formed XML (libxml2 error \(code) at line \(parser.lineNumber))"))
    }
}
