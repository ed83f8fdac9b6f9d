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
