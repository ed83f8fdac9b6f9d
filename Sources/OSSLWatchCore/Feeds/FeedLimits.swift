/// Bounds every parser enforces on its own, whatever the HTTP layer already capped, so a
/// hostile body fails fast with `.tooLarge` instead of costing memory or time.
public struct FeedLimits: Sendable, Hashable {
    /// Largest body accepted at all; twice the HTTP layer's default cap.
    public var maxBodyBytes: Int
    /// Largest text kept for one XML element or JSON string field worth reading (ids, titles, dates, links).
    public var maxTextBytes: Int
    /// Largest text of an Atom `content`/`summary` element, which is read past, never kept.
    public var maxContentBytes: Int
    /// Most entries (Atom entries, JSON releases, HTML links, metadata series) in one body.
    public var maxEntries: Int
    /// Deepest element nesting in an Atom document.
    public var maxDepth: Int
    /// Most namespace declarations (`xmlns`, `xmlns:p`) in one XML document. Real feeds
    /// declare a handful on the root, or one per entry (an XHTML `div` in each `content`), so
    /// four per entry allowed is ample; a document over it is hostile and refused.
    public var maxNamespaceDeclarations: Int
    /// Most namespace declarations on one XML element; real feeds need a few.
    public var maxNamespaceDeclarationsPerElement: Int

    public init(
        maxBodyBytes: Int = 16 << 20, maxTextBytes: Int = 64 << 10, maxContentBytes: Int = 1 << 20,
        maxEntries: Int = 1000, maxDepth: Int = 32, maxNamespaceDeclarations: Int = 4096,
        maxNamespaceDeclarationsPerElement: Int = 64
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.maxTextBytes = maxTextBytes
        self.maxContentBytes = maxContentBytes
        self.maxEntries = maxEntries
        self.maxDepth = maxDepth
        self.maxNamespaceDeclarations = maxNamespaceDeclarations
        self.maxNamespaceDeclarationsPerElement = maxNamespaceDeclarationsPerElement
    }

    /// The limits every parser uses unless a test asks for others.
    public static let standard = FeedLimits()
}
