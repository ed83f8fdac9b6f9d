public import OSSLWatchCore

/// The limits and trust settings every transfer of one `HTTPClient` obeys.
///
/// The defaults are the safe ones: https only, TLS verification on (there is no switch to
/// turn it off), bounded bodies, redirects and time. Proxies come from the usual
/// `http_proxy`, `https_proxy` and `no_proxy` environment variables, which libcurl reads on
/// its own; nothing here overrides them.
public struct HTTPClientConfiguration: Sendable {
    /// Seconds to establish the TCP and TLS connection; a dead host fails after this.
    public var connectTimeout: Double
    /// Seconds for the whole transfer of one hop, so a stalled server cannot hold a poll.
    public var totalTimeout: Double
    /// Largest body `get` accepts, counted after content decoding (a gzip bomb hits it too).
    public var maxBodyBytes: Int
    /// Most redirects followed; every hop is checked against the same scheme rules.
    public var maxRedirects: Int
    /// Extra trust anchor (PEM) used instead of the system store, e.g. a test CA.
    public var caFile: String?
    /// Allows plain `http://` to loopback hosts only (127.0.0.0/8, ::1, localhost); for tests.
    public var allowHTTPLoopback: Bool
    /// Sent as a bearer token to `https://api.github.com` only, never anywhere else, never logged.
    public var githubToken: String?
    public var userAgent: String
    /// The longest a `Retry-After` or `X-RateLimit-Reset` may hold a feed back, seconds; never
    /// more than `ServerHold.maximumDelay` (a day), whatever the server asks.
    public var maxServerHold: Double

    public init(
        connectTimeout: Double = 10,
        totalTimeout: Double = 60,
        maxBodyBytes: Int = 8 << 20,
        maxRedirects: Int = 5,
        caFile: String? = nil,
        allowHTTPLoopback: Bool = false,
        githubToken: String? = nil,
        userAgent: String = "osslwatch/\(OSSLWatchVersion.current)",
        maxServerHold: Double = ServerHold.maximumDelay
    ) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.maxBodyBytes = maxBodyBytes
        self.maxRedirects = maxRedirects
        self.caFile = caFile
        self.allowHTTPLoopback = allowHTTPLoopback
        self.githubToken = githubToken
        self.userAgent = userAgent
        self.maxServerHold = min(maxServerHold, ServerHold.maximumDelay)
    }
}

extension HTTPSettings {
    /// The client settings these stand for; the token is passed in because it is read only at use.
    public func clientConfiguration(githubToken: String? = nil) -> HTTPClientConfiguration {
        HTTPClientConfiguration(
            connectTimeout: connectTimeout, totalTimeout: timeout, maxBodyBytes: maxBodyBytes,
            maxRedirects: maxRedirects, caFile: caFile, allowHTTPLoopback: allowHTTPLoopback, githubToken: githubToken,
            maxServerHold: maxRetryAfter)
    }
}
