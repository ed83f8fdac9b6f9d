public import Foundation

/// `https://github.com/openssl/openssl/releases.atom`: the newest published releases.
public struct GitHubReleasesAtomParser: FeedParser {
    /// Bounds on this parser's input; `.standard` unless a test needs tighter ones.
    public var limits: FeedLimits

    public init(limits: FeedLimits = .standard) {
        self.limits = limits
    }

    public func parse(_ body: Data, contentType: String?, feed: String) throws(FeedError) -> FeedContent {
        try GitHubAtomObservations.parse(body, contentType: contentType, feed: feed, limits: limits)
    }
}
