public import Foundation
public import OSSLWatchCore

/// A transfer that did not produce a usable response, with enough detail to log one line
/// and to schedule the next attempt. Never contains the GitHub token: it travels only in a
/// request header, and URLs are shown without user-info.
public struct HTTPError: CodedError {
    public enum Code: String, Sendable, Hashable {
        /// The URL does not parse.
        case invalidURL
        /// The URL (first or a redirect hop) uses a scheme or host the policy refuses.
        case refusedURL
        /// More redirects than `maxRedirects`.
        case tooManyRedirects
        /// The host name (or proxy name) did not resolve.
        case resolveFailed
        /// Nothing accepted the connection.
        case connectFailed
        /// The connect or total timeout expired.
        case timedOut
        /// The TLS handshake failed or the certificate did not verify.
        case tlsFailed
        /// The body (after decoding) exceeded the byte cap.
        case bodyTooLarge
        /// The server answered with a status that is neither 2xx, 304 nor a followed redirect.
        case httpStatus
        /// The `download` sink threw; the transfer was stopped.
        case sinkFailed
        /// The calling task was cancelled.
        case cancelled
        /// Any other libcurl failure.
        case transferFailed
    }

    public var code: Code
    /// The URL the failing hop asked for, without user-info.
    public var url: String
    /// One line a human can act on.
    public var message: String
    /// The HTTP status, when the server answered.
    public var status: Int?
    /// The earliest time the server allows another request (`Retry-After`, GitHub's
    /// `X-RateLimit-Reset` when `X-RateLimit-Remaining` is 0); `Backoff` never polls before it.
    /// Always validated: in the future and at most a day ahead (see `ServerHold`).
    public var retryAfter: Date?
    /// The header `retryAfter` came from and whether it was clamped, for the log line.
    public var hold: ServerHold?

    public init(
        _ code: Code, url: String, _ message: String, status: Int? = nil, retryAfter: Date? = nil,
        hold: ServerHold? = nil
    ) {
        self.code = code
        self.url = url
        self.message = message
        self.status = status
        self.retryAfter = hold?.until ?? retryAfter
        self.hold = hold
    }

    public var description: String { "GET \(url): \(message)" }
}
