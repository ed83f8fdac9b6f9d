public import Foundation

/// What the store remembers about one feed between polls: its HTTP validators and its health.
public struct FeedState: Sendable, Hashable, Codable {
    /// The configured feed name.
    public var name: String
    /// Validators from the last successful 200, sent back as `If-None-Match`/`If-Modified-Since`.
    public var etag: String?
    public var lastModified: String?
    /// The last poll of any outcome.
    public var lastAttempt: Date?
    /// The last poll that returned 200 or 304 and, for 200, parsed.
    public var lastSuccess: Date?
    /// The last HTTP status seen, if the poll got as far as a response.
    public var lastStatus: Int?
    /// Consecutive failed polls; 0 after any success. Drives backoff and the health column.
    public var errorStreak: Int
    /// One line about the last failure; cleared by a success.
    public var lastError: String?
    /// When the scheduler should poll next.
    public var nextPoll: Date?
    /// The last time a 200 body was recorded (as opposed to a 304).
    public var lastChanged: Date?
    /// The server's earliest allowed next request (`Retry-After`, `X-RateLimit-Reset`), if it set one.
    public var notBefore: Date?

    public init(
        name: String, etag: String? = nil, lastModified: String? = nil, lastAttempt: Date? = nil,
        lastSuccess: Date? = nil, lastStatus: Int? = nil, errorStreak: Int = 0, lastError: String? = nil,
        nextPoll: Date? = nil, lastChanged: Date? = nil, notBefore: Date? = nil
    ) {
        self.name = name
        self.etag = etag
        self.lastModified = lastModified
        self.lastAttempt = lastAttempt
        self.lastSuccess = lastSuccess
        self.lastStatus = lastStatus
        self.errorStreak = errorStreak
        self.lastError = lastError
        self.nextPoll = nextPoll
        self.lastChanged = lastChanged
        self.notBefore = notBefore
    }

    /// True when the last poll failed.
    public var isFailing: Bool { errorStreak > 0 }
}

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
    /// The last HTTP status: 200, 304, or 404 or 410 for "not published yet".
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

    /// Whether an HTTP status means "not published yet" for an expanded URL.
    public static func notPublished(_ status: Int?) -> Bool { status == 404 || status == 410 }

    /// This fetch's state over what was known of the URL: only a 200 brings validators, and a
    /// URL once published stays published.
    public func recorded(over known: FeedURLState?) -> FeedURLState {
        var state = self
        if lastStatus != 200 {
            state.etag = known?.etag
            state.lastModified = known?.lastModified
        }
        state.lastSuccess = lastSuccess ?? known?.lastSuccess
        return state
    }

    /// Whether the URL is forgotten: never published, it last said "not published yet" before
    /// `cutoff` (a day without an advisory), so the table does not grow by a row per day forever.
    public func isForgotten(notFoundBefore cutoff: Date) -> Bool {
        !isPublished && Self.notPublished(lastStatus) && lastAttempt < cutoff
    }
}
