/// How feeds and tarballs are fetched: the `http` section of the config.
public struct HTTPSettings: Sendable, Hashable {
    /// Seconds allowed to establish a connection.
    public var connectTimeout: Double
    /// Seconds allowed for a whole transfer.
    public var timeout: Double
    /// Largest body accepted from a feed, also after decompression.
    public var maxBodyBytes: Int
    public var maxRedirects: Int
    /// An extra CA bundle (absolute path); verification itself can never be turned off.
    public var caFile: String?
    /// Permits `http://` to 127.0.0.1, ::1 and localhost: for test configs against a local server.
    public var allowHTTPLoopback: Bool
    /// The GitHub token file, made absolute against the config's directory. It is not read at
    /// load time: `CredentialFile.read(name:environment:)` looks for its file name in
    /// `$CREDENTIALS_DIRECTORY` first (systemd `LoadCredential=`), then reads this path.
    public var githubTokenFile: String?
    /// `max_retry_after`: the longest a server's `Retry-After` or rate-limit reset may hold a
    /// feed back, seconds (1 s to a day, default a day); longer requests are clamped and logged.
    public var maxRetryAfter: Double

    /// The longest a server may hold a feed back: one day. A real rate limit resets within
    /// an hour; anything longer is a misconfigured or hostile server, and the feed's own
    /// backoff still applies on top of this.
    public static let maximumServerHold: Double = 86_400

    public init(
        connectTimeout: Double = 10, timeout: Double = 60, maxBodyBytes: Int = 8 << 20, maxRedirects: Int = 5,
        caFile: String? = nil, allowHTTPLoopback: Bool = false, githubTokenFile: String? = nil,
        maxRetryAfter: Double = HTTPSettings.maximumServerHold
    ) {
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
        self.maxRedirects = maxRedirects
        self.caFile = caFile
        self.allowHTTPLoopback = allowHTTPLoopback
        self.githubTokenFile = githubTokenFile
        self.maxRetryAfter = maxRetryAfter
    }
}
