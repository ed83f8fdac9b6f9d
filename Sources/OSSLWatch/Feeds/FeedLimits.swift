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

    public init(
        maxBodyBytes: Int = 16 << 20, maxTextBytes: Int = 64 << 10, maxContentBytes: Int = 1 << 20,
        maxEntries: Int = 1000, maxDepth: Int = 32
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.maxTextBytes = maxTextBytes
        self.maxContentBytes = maxContentBytes
        self.maxEntries = maxEntries
        self.maxDepth = maxDepth
    }

    /// The limits every parser uses unless a test asks for others.
    public static let standard = FeedLimits()
}
