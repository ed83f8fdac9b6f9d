/// A feed body that cannot be trusted: the poll fails with this and nothing of the body is kept.
public struct FeedError: Error, Sendable, Hashable, CustomStringConvertible {
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
