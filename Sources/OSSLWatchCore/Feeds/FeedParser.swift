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

/// The one place that maps a configured feed kind to its parser.
public enum FeedParsers {
    /// The parser for `kind` with standard limits; the source listing resolves links
    /// against `https://openssl-library.org/source/`.
    public static func parser(for kind: FeedKind) -> any FeedParser {
        parser(for: kind, baseURL: nil)
    }

    /// The parser for `kind`, with relative links (source listing only) resolved against
    /// `baseURL`, normally the configured feed URL, so a mirror or a test server works too.
    public static func parser(for kind: FeedKind, baseURL: String?) -> any FeedParser {
        switch kind {
        case .githubReleasesAtom, .githubTagsAtom: GitHubAtomParser()
        case .githubReleasesJSON: GitHubReleasesJSONParser()
        case .sourceListing: SourceListingParser(baseURL: baseURL ?? SourceListingParser.defaultBaseURL)
        case .releaseMetadata: ReleaseMetadataParser()
        case .secadv: SecurityAdvisoryParser()
        case .cveJSON: CVERecordParser()
        case .announceList: AnnounceListParser()
        }
    }

    /// The parser for a configured feed: its kind, with the feed's own settings (the announce
    /// list's title pattern) and relative links resolved against `baseURL`.
    public static func parser(for feed: FeedSettings, baseURL: String?) -> any FeedParser {
        switch feed.kind {
        case .announceList:
            AnnounceListParser(titlePattern: feed.titlePattern ?? AnnounceListParser.defaultTitlePattern)
        default: parser(for: feed.kind, baseURL: baseURL)
        }
    }
}
