/// A strict, non-validating reader for the XML that feeds use: elements, attributes,
/// namespaces, character data, CDATA, comments and processing instructions.
///
/// Written because FoundationXML's `XMLParser` on Linux crashes on hostile input (fuzzing
/// found NULL dereferences for `<?x?>` and for `abortParsing()` from the error callback).
/// This reader never loads anything, refuses every `<!` declaration (DOCTYPE, ENTITY, ...)
/// and every entity reference other than XML's five predefined ones and character
/// references, stops at the first well-formedness error, and bounds depth, name length,
/// the length of a single text run and the namespace declarations (per element and per
/// document). Its work is linear in the document: namespace bindings live in
/// `XMLNamespaceScope`, never copied per element. It reads valid UTF-8 only (the caller checks).
struct XMLStreamReader {
    /// One thing the document says, in order.
    enum Event {
        case start(Element)
        case end
        /// Character data (entity references and CDATA resolved), one run between markup.
        case text(String)
    }

    struct Element {
        /// The name without its prefix.
        var localName: String
        /// The name as written, `media:thumbnail`.
        var qualifiedName: String
        /// The namespace URI the prefix (or default namespace) resolves to.
        var namespace: String?
        /// Attributes by qualified name, values with references resolved.
        var attributes: [String: String]
    }

    static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"
    static let maxNameBytes = 256

    let feed: String
    let limits: FeedLimits

    /// Reads `bytes` and hands every event to `handle`; throws on the first problem, which
    /// can come from the document or from `handle`.
    func read(_ bytes: [UInt8], _ handle: (Event) throws(FeedError) -> Void) throws(FeedError) {
        var steps = 0
        try read(bytes, namespaceSteps: &steps, handle)
    }

    /// `read`, adding to `namespaceSteps` the namespace bindings it pushed, popped or looked
    /// up, also when it throws: tests bound this count to prove the work stays linear in the
    /// document.
    func read(
        _ bytes: [UInt8], namespaceSteps: inout Int, _ handle: (Event) throws(FeedError) -> Void
    ) throws(FeedError) {
        var cursor = Cursor(bytes: bytes, feed: feed)
        var open: [String] = []
        var scope = XMLNamespaceScope(feed: feed, limits: limits)
        defer { namespaceSteps += scope.steps }
        var sawRoot = false
        var text: [UInt8] = []

        func flushText() throws(FeedError) {
            guard !text.isEmpty else { return }
            if !open.isEmpty { try handle(.text(String(decoding: text, as: UTF8.self))) }
            text.removeAll(keepingCapacity: true)
        }
        func appendText(_ slice: ArraySlice<UInt8>) throws(FeedError) {
            text.append(contentsOf: slice)
            guard text.count <= limits.maxContentBytes else {
                throw FeedError(.tooLarge, feed: feed, "a text run is longer than \(limits.maxContentBytes) bytes")
            }
        }

        while !cursor.atEnd {
            let byte = cursor.peek
            if byte == UInt8(ascii: "<") {
                if cursor.skip("<![CDATA[") {
                    guard !open.isEmpty else { throw cursor.malformed("CDATA outside the root element") }
                    try appendText(try cursor.take(through: "]]>", what: "CDATA section"))
                    continue
                }
                try flushText()
                if cursor.skip("<?") {
                    try cursor.processingInstruction()
                } else if cursor.skip("<!--") {
                    try cursor.skip(through: "-->", what: "comment")
                } else if cursor.skip("<!") {
                    throw FeedError(
                        .forbiddenConstruct, feed: feed, "document contains a <! declaration; feeds never need one")
                } else if cursor.skip("</") {
                    let name = try cursor.name()
                    cursor.skipSpaces()
                    guard cursor.skip(">") else { throw cursor.malformed("end tag </\(name) is not closed") }
                    guard let top = open.last, top == name else {
                        throw cursor.malformed("end tag </\(name)> does not match the open element")
                    }
                    open.removeLast()
                    scope.close()
                    try handle(.end)
                } else {
                    cursor.index += 1
                    guard open.isEmpty ? !sawRoot : true else { throw cursor.malformed("a second root element") }
                    guard open.count < limits.maxDepth else {
                        throw FeedError(.tooLarge, feed: feed, "elements nested deeper than \(limits.maxDepth)")
                    }
                    let (qualifiedName, attributes, selfClosing) = try cursor.startTag()
                    try scope.open(attributes: attributes)
                    let prefix: String
                    let localName: String
                    if let colon = qualifiedName.firstIndex(of: ":") {
                        prefix = String(qualifiedName[..<colon])
                        localName = String(qualifiedName[qualifiedName.index(after: colon)...])
                    } else {
                        prefix = ""
                        localName = qualifiedName
                    }
                    let bound = scope.lookup(prefix)
                    guard bound != nil || prefix.isEmpty else {
                        throw cursor.malformed("namespace prefix of <\(qualifiedName)> is not declared")
                    }
                    let namespace = bound.flatMap { $0.isEmpty ? nil : $0 }
                    sawRoot = true
                    try handle(
                        .start(
                            Element(
                                localName: localName, qualifiedName: qualifiedName, namespace: namespace,
                                attributes: attributes)))
                    if selfClosing {
                        scope.close()
                        try handle(.end)
                    } else {
                        open.append(qualifiedName)
                    }
                }
            } else if byte == UInt8(ascii: "&") {
                guard !open.isEmpty else { throw cursor.malformed("a reference outside the root element") }
                try appendText(try cursor.reference()[...])
            } else {
                let run = cursor.textRun()
                if open.isEmpty {
                    guard run.allSatisfy(Cursor.isSpace) else {
                        throw cursor.malformed("text outside the root element")
                    }
                } else {
                    try appendText(run)
                }
            }
        }
        guard open.isEmpty else { throw cursor.malformed("document ends inside <\(open[open.count - 1])>") }
        guard sawRoot else { throw cursor.malformed("no root element") }
    }

    /// The byte-level scanning, with positions for error messages.
    private struct Cursor {
        let bytes: [UInt8]
        let feed: String
        var index = 0

        var atEnd: Bool { index >= bytes.count }
        var peek: UInt8 { bytes[index] }

        static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

        func malformed(_ what: String) -> FeedError {
            FeedError(.malformed, feed: feed, "not well-formed XML at byte \(index): \(what)")
        }

        func starts(with literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard bytes.count - index >= count else { return false }
            let pointer = literal.utf8Start
            for offset in 0..<count where bytes[index + offset] != pointer[offset] { return false }
            return true
        }

        mutating func skip(_ literal: StaticString) -> Bool {
            guard starts(with: literal) else { return false }
            index += literal.utf8CodeUnitCount
            return true
        }

        mutating func skipSpaces() {
            while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
        }

        /// The bytes up to `terminator`, moving past it.
        mutating func take(through terminator: StaticString, what: String) throws(FeedError) -> ArraySlice<UInt8> {
            let start = index
            let first = terminator.utf8Start.pointee
            while let candidate = bytes[index...].firstIndex(of: first) {
                index = candidate
                if starts(with: terminator) {
                    let content = bytes[start..<index]
                    index += terminator.utf8CodeUnitCount
                    return content
                }
                index += 1
            }
            index = start
            throw malformed("\(what) is not closed")
        }

        mutating func skip(through terminator: StaticString, what: String) throws(FeedError) {
            _ = try take(through: terminator, what: what)
        }

        /// After `<?`: a target name, then anything up to `?>`. `<?xml` is allowed only as the first bytes.
        mutating func processingInstruction() throws(FeedError) {
            let start = index - 2
            let target = try name()
            if target.lowercased() == "xml", start != 0 {
                throw malformed("XML declaration not at the start of the document")
            }
            try skip(through: "?>", what: "processing instruction")
        }

        private static func isNameByte(_ byte: UInt8, first: Bool) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"),
                UInt8(ascii: ":"), 0x80...0xFF:
                return true
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."):
                return !first
            default:
                return false
            }
        }

        mutating func name() throws(FeedError) -> String {
            let start = index
            guard index < bytes.count, Self.isNameByte(bytes[index], first: true) else {
                throw malformed("expected a name")
            }
            while index < bytes.count, Self.isNameByte(bytes[index], first: false) {
                index += 1
                guard index - start <= XMLStreamReader.maxNameBytes else { throw malformed("a name is too long") }
            }
            let name = String(decoding: bytes[start..<index], as: UTF8.self)
            // Bytes from 0x80 up are taken whole above; the characters they encode must be ones
            // XML allows in names, since errors quote names and must stay one printable line.
            for (offset, scalar) in name.unicodeScalars.enumerated()
            where !Self.isNameCharacter(scalar.value, first: offset == 0) {
                index = start
                throw malformed(
                    "a name holds U+\(String(scalar.value, radix: 16, uppercase: true)), not a name character")
            }
            return name
        }

        /// XML 1.0's NameStartChar and NameChar above ASCII (the ASCII ones are `isNameByte`'s).
        private static func isNameCharacter(_ value: UInt32, first: Bool) -> Bool {
            if value < 0x80 { return true }
            let start: [ClosedRange<UInt32>] = [
                0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF, 0x370...0x37D, 0x37F...0x1FFF, 0x200C...0x200D,
                0x2070...0x218F, 0x2C00...0x2FEF, 0x3001...0xD7FF, 0xF900...0xFDCF, 0xFDF0...0xFFFD, 0x10000...0xEFFFF,
            ]
            if start.contains(where: { $0.contains(value) }) { return true }
            return !first && (value == 0xB7 || (0x300...0x36F).contains(value) || (0x203F...0x2040).contains(value))
        }

        /// After `<`: the name, the attributes and whether the tag ends with `/>`.
        mutating func startTag() throws(FeedError) -> (String, [String: String], Bool) {
            let qualifiedName = try name()
            var attributes: [String: String] = [:]
            while true {
                let hadSpace = index < bytes.count && Self.isSpace(bytes[index])
                skipSpaces()
                if skip("/>") { return (qualifiedName, attributes, true) }
                if skip(">") { return (qualifiedName, attributes, false) }
                guard !atEnd else { throw malformed("start tag <\(qualifiedName) is not closed") }
                guard hadSpace else { throw malformed("attributes of <\(qualifiedName)> need spaces between them") }
                let attribute = try name()
                skipSpaces()
                guard skip("=") else { throw malformed("attribute \(attribute) has no value") }
                skipSpaces()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'")
                else { throw malformed("attribute \(attribute) is not quoted") }
                let quote = bytes[index]
                index += 1
                var value: [UInt8] = []
                while true {
                    guard index < bytes.count else { throw malformed("attribute \(attribute) is not closed") }
                    let byte = bytes[index]
                    if byte == quote {
                        index += 1
                        break
                    }
                    if byte == UInt8(ascii: "<") { throw malformed("'<' inside attribute \(attribute)") }
                    if byte == UInt8(ascii: "&") {
                        value.append(contentsOf: try reference())
                    } else {
                        value.append(Self.isSpace(byte) ? 0x20 : byte)
                        index += 1
                    }
                }
                guard attributes.updateValue(String(decoding: value, as: UTF8.self), forKey: attribute) == nil else {
                    throw malformed("attribute \(attribute) appears twice")
                }
            }
        }

        /// At `&`: one of the five predefined entities or a character reference, as UTF-8.
        mutating func reference() throws(FeedError) -> [UInt8] {
            let start = index
            index += 1
            var body: [UInt8] = []
            while index < bytes.count, bytes[index] != UInt8(ascii: ";") {
                body.append(bytes[index])
                index += 1
                guard body.count <= 10 else { throw malformed("a reference is not closed by ';'") }
            }
            guard index < bytes.count else { throw malformed("a reference is not closed by ';'") }
            index += 1
            switch body {
            case Array("lt".utf8): return [UInt8(ascii: "<")]
            case Array("gt".utf8): return [UInt8(ascii: ">")]
            case Array("amp".utf8): return [UInt8(ascii: "&")]
            case Array("quot".utf8): return [UInt8(ascii: "\"")]
            case Array("apos".utf8): return [UInt8(ascii: "'")]
            default: break
            }
            guard body.first == UInt8(ascii: "#") else {
                index = start
                throw FeedError(
                    .forbiddenConstruct, feed: feed,
                    "document refers to an entity other than XML's predefined five (byte \(start))")
            }
            let digits = body.dropFirst()
            let hex = digits.first == UInt8(ascii: "x")
            let text = String(decoding: hex ? digits.dropFirst() : digits, as: UTF8.self)
            guard !text.isEmpty, text.allSatisfy({ hex ? $0.isHexDigit : ($0.isASCII && $0.isNumber) }),
                let value = UInt32(text, radix: hex ? 16 : 10), Self.isXMLCharacter(value),
                let scalar = Unicode.Scalar(value)
            else { throw malformed("invalid character reference") }
            return Array(String(Character(scalar)).utf8)
        }

        private static func isXMLCharacter(_ value: UInt32) -> Bool {
            value == 0x9 || value == 0xA || value == 0xD || (0x20...0xD7FF).contains(value)
                || (0xE000...0xFFFD).contains(value) || (0x10000...0x10FFFF).contains(value)
        }

        /// Character data up to the next `<` or `&`.
        mutating func textRun() -> ArraySlice<UInt8> {
            let start = index
            index = bytes[start...].firstIndex { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") } ?? bytes.count
            return bytes[start..<index]
        }
    }
}

/// The namespace bindings in scope while `XMLStreamReader` reads, kept so that every
/// declaration, element end and lookup costs one step whatever else is in scope: each prefix
/// has its own stack of URIs (the top is in scope), and each open element remembers only
/// the prefixes it declared, to pop them at its end.
///
/// Copying the whole scope for every element that declares a namespace made a feed of many
/// declarations cost its size squared (30 s of CPU for 1.8 MB); bounding the declarations
/// per element and per document (`FeedLimits`) also keeps the memory small.
struct XMLNamespaceScope {
    /// Prefix ("" for the default namespace) to the URIs declared for it, innermost last.
    private var bindings: [String: [String]] = ["xml": [XMLStreamReader.xmlNamespace]]
    /// For every open element, the prefixes it declared.
    private var declaredByElement: [[String]] = []
    /// Declarations read so far in the document.
    private(set) var declarations = 0
    /// Bindings pushed, popped or looked up so far: the reader's namespace work, which tests
    /// bound to prove it stays linear in the document.
    private(set) var steps = 0

    let feed: String
    let limits: FeedLimits

    init(feed: String, limits: FeedLimits) {
        self.feed = feed
        self.limits = limits
    }

    /// Opens an element with its attributes: every `xmlns` and `xmlns:p` among them binds
    /// until the matching `close`.
    mutating func open(attributes: [String: String]) throws(FeedError) {
        var declared: [String] = []
        for (name, value) in attributes {
            let prefix: String
            if name == "xmlns" {
                prefix = ""
            } else if name.hasPrefix("xmlns:") {
                prefix = String(name.dropFirst("xmlns:".count))
            } else {
                continue
            }
            guard declared.count < limits.maxNamespaceDeclarationsPerElement else {
                throw FeedError(
                    .tooLarge, feed: feed,
                    "an element declares more than \(limits.maxNamespaceDeclarationsPerElement) namespaces")
            }
            guard declarations < limits.maxNamespaceDeclarations else {
                throw FeedError(
                    .tooLarge, feed: feed,
                    "the document declares more than \(limits.maxNamespaceDeclarations) namespaces")
            }
            declarations += 1
            steps += 1
            bindings[prefix, default: []].append(value)
            declared.append(prefix)
        }
        declaredByElement.append(declared)
    }

    /// Ends the innermost open element: the bindings it declared go out of scope.
    mutating func close() {
        guard let declared = declaredByElement.popLast() else { return }
        for prefix in declared {
            steps += 1
            bindings[prefix]?.removeLast()
            if bindings[prefix]?.isEmpty == true { bindings[prefix] = nil }
        }
    }

    /// The URI `prefix` is bound to in the innermost scope, nil when it is not declared
    /// ("" when the default namespace was undeclared with `xmlns=""`).
    mutating func lookup(_ prefix: String) -> String? {
        steps += 1
        return bindings[prefix]?.last
    }
}
