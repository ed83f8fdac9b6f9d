public import Foundation

/// Turns one fetched feed body into what the store keeps.
///
/// A parser sees only bytes and the server's `Content-Type`; it never fetches, so hostile
/// input can cost at most one bounded pass over the body. Anything it cannot trust is a
/// `FeedError`, and an error means nothing of the body is kept.
public protocol FeedParser: Sendable {
    /// - Parameters:
    ///   - body: the raw response body, as received (already size-capped by the HTTP layer).
    ///   - contentType: the response's `Content-Type` header, if any.
    ///   - feed: the configured feed name, copied into every observation and error.
    func parse(_ body: Data, contentType: String?, feed: String) throws(FeedError) -> FeedContent
}

/// A feed body that cannot be trusted: the poll fails with this and nothing of the body is kept.
public struct FeedError: CodedError, Hashable {
    public enum Code: String, Sendable, Hashable {
        /// The body is not well-formed in its format (XML, JSON, HTML).
        case malformed
        /// The body is well-formed but not the expected document (wrong root, wrong shape).
        case unexpectedShape
        /// The server said the body is something else (`Content-Type`).
        case wrongContentType
        /// The body is not valid UTF-8.
        case encoding
        /// A limit was hit: document size, element size, nesting, entry count.
        case tooLarge
        /// DTDs, entities or other constructs a feed never needs.
        case forbiddenConstruct
    }

    public let code: Code
    /// The configured feed name.
    public let feed: String
    /// One line a human can act on.
    public let message: String

    public init(_ code: Code, feed: String, _ message: String) {
        self.code = code
        self.feed = feed
        self.message = message
    }

    public var description: String { "feed \(feed): \(message)" }
}

/// The one place that maps a configured feed kind to its parser.
public enum FeedParsers {
    /// The parser for `kind` with standard limits. Relative links (source listing only) are
    /// resolved against `baseURL`, normally the configured feed URL, so a mirror or a test
    /// server works too, else against `https://openssl-library.org/source/`; the announce list
    /// reads titles with `titlePattern`, else with its default.
    public static func parser(for kind: FeedKind, baseURL: String? = nil, titlePattern: String? = nil)
        -> any FeedParser
    {
        switch kind {
        case .githubReleasesAtom, .githubTagsAtom: GitHubAtomParser()
        case .githubReleasesJSON: GitHubReleasesJSONParser()
        case .sourceListing: SourceListingParser(baseURL: baseURL ?? SourceListingParser.defaultBaseURL)
        case .releaseMetadata: ReleaseMetadataParser()
        case .secadv: SecurityAdvisoryParser()
        case .cveJSON: CVERecordParser()
        case .announceList: AnnounceListParser(titlePattern: titlePattern ?? AnnounceListParser.defaultTitlePattern)
        }
    }

    /// The parser for a configured feed: its kind, with the feed's own settings (the announce
    /// list's title pattern) and relative links resolved against `baseURL`.
    public static func parser(for feed: FeedSettings, baseURL: String?) -> any FeedParser {
        parser(for: feed.kind, baseURL: baseURL, titlePattern: feed.titlePattern)
    }
}

/// What a feed body yields: release sightings, series support facts, advisories,
/// pre-announcements, or a mix.
public struct FeedContent: Sendable, Hashable {
    public var observations: [Observation]
    public var series: [SeriesInfo]
    public var advisories: [Advisory]
    public var preAnnouncements: [PreAnnouncement]

    public init(
        observations: [Observation] = [], series: [SeriesInfo] = [], advisories: [Advisory] = [],
        preAnnouncements: [PreAnnouncement] = []
    ) {
        self.observations = observations
        self.series = series
        self.advisories = advisories
        self.preAnnouncements = preAnnouncements
    }
}

/// Bounds every parser enforces on its own, whatever the HTTP layer already capped, so a
/// hostile body fails fast with `.tooLarge` instead of costing memory or time.
struct FeedLimits: Sendable, Hashable {
    /// Largest body accepted at all; twice the HTTP layer's default cap.
    var maxBodyBytes = 16 << 20
    /// Largest text kept for one XML element or JSON string field worth reading (ids, titles, dates, links).
    var maxTextBytes = 64 << 10
    /// Largest text of an Atom `content`/`summary` element, which is read past, never kept.
    var maxContentBytes = 1 << 20
    /// Most entries (Atom entries, JSON releases, HTML links, metadata series) in one body.
    var maxEntries = 1000
    /// Deepest element nesting in an Atom document.
    var maxDepth = 32
    /// Most namespace declarations (`xmlns`, `xmlns:p`) in one XML document. Real feeds
    /// declare a handful on the root, or one per entry (an XHTML `div` in each `content`), so
    /// four per entry allowed is ample; a document over it is hostile and refused.
    var maxNamespaceDeclarations = 4096
    /// Most namespace declarations on one XML element; real feeds need a few.
    var maxNamespaceDeclarationsPerElement = 64

    /// The limits every parser uses unless a test asks for others.
    static let standard = FeedLimits()
}
