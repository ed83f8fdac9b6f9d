public import Foundation

/// What the store remembers about one URL a templated feed expanded to (`secadv/20250930.txt`
/// for `{date}`, `CVE-2025-9230.json` for `{cve}`): its validators and the last answer.
///
/// Kept apart from `FeedState` so each configured feed has one health row, while every
/// expanded URL still gets its own conditional request.
public struct FeedURLState: Sendable, Hashable, Codable {
    /// The configured feed name.
    public var feed: String
    /// What filled the template: `20250930` or `CVE-2025-9230`.
    public var key: String
    public var url: String
    public var etag: String?
    public var lastModified: String?
    /// The last HTTP status: 200, 304, or 404 for "not published yet".
    public var lastStatus: Int?
    public var lastAttempt: Date
    /// The last 200 or 304.
    public var lastSuccess: Date?

    public init(
        feed: String, key: String, url: String, etag: String? = nil, lastModified: String? = nil,
        lastStatus: Int? = nil, lastAttempt: Date, lastSuccess: Date? = nil
    ) {
        self.feed = feed
        self.key = key
        self.url = url
        self.etag = etag
        self.lastModified = lastModified
        self.lastStatus = lastStatus
        self.lastAttempt = lastAttempt
        self.lastSuccess = lastSuccess
    }

    /// True once the URL answered with a body (200, or 304 for one held).
    public var isPublished: Bool { lastSuccess != nil }
}
