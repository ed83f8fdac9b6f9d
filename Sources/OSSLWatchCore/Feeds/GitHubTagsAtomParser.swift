public import Foundation

/// `https://github.com/openssl/openssl/tags.atom`: the newest tags, which can show a
/// release before its GitHub release page is published. Same Atom shape as the releases feed.
public struct GitHubTagsAtomParser: FeedParser {
    /// Bounds on this parser's input; `.standard` unless a test needs tighter ones.
    public var limits: FeedLimits

    public init(limits: FeedLimits = .standard) {
        self.limits = limits
    }

    public func parse(_ body: Data, contentType: String?, feed: String) throws(FeedError) -> FeedContent {
        try GitHubAtomObservations.parse(body, contentType: contentType, feed: feed, limits: limits)
    }
}
