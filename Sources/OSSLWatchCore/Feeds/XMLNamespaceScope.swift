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
