/// One GET, with the validators stored from the previous successful poll of the same feed.
public struct HTTPRequest: Sendable, Hashable {
    public var url: String
    /// Sent as `If-None-Match`; a matching server answers 304 and no body travels.
    public var etag: String?
    /// Sent as `If-Modified-Since`.
    public var lastModified: String?
    /// Sent as `Accept`, for APIs that pick a representation from it (GitHub's REST API).
    public var accept: String?

    public init(url: String, etag: String? = nil, lastModified: String? = nil, accept: String? = nil) {
        self.url = url
        self.etag = etag
        self.lastModified = lastModified
        self.accept = accept
    }
}
