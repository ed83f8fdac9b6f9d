public import Foundation

/// A successful (2xx) or not-modified (304) answer; every other status is an `HTTPError`.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// The decoded body; empty for 304 and for `download`, whose body went to the sink.
    public var body: Data
    /// Header names lower-cased; when a header repeats, the last value wins.
    public var headers: [String: String]
    /// The URL that answered, after redirects.
    public var effectiveURL: String
    /// GitHub's `X-RateLimit-Reset` when this answer used the last request of the budget
    /// (`X-RateLimit-Remaining: 0`): a successful poll that must still not be repeated before
    /// it. Validated by the client (future, at most a day ahead), never the raw header.
    public var serverHold: ServerHold?

    public init(
        status: Int, body: Data, headers: [String: String], effectiveURL: String, serverHold: ServerHold? = nil
    ) {
        self.status = status
        self.body = body
        self.headers = headers
        self.effectiveURL = effectiveURL
        self.serverHold = serverHold
    }

    /// The validator to store and send back as `If-None-Match` next time.
    public var etag: String? { headers["etag"] }
    /// The validator to store and send back as `If-Modified-Since` next time.
    public var lastModified: String? { headers["last-modified"] }
    public var contentType: String? { headers["content-type"] }
    /// True when the stored copy is still current: nothing to parse.
    public var isNotModified: Bool { status == 304 }
}
