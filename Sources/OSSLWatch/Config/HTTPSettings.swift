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
    /// The GitHub token file as written; a bare or relative name is looked up in
    /// `$CREDENTIALS_DIRECTORY` first, then beside the config (see `Configuration.githubTokenPath`).
    public var githubTokenFile: String?

    public init(
        connectTimeout: Double = 10, timeout: Double = 60, maxBodyBytes: Int = 8 << 20, maxRedirects: Int = 5,
        caFile: String? = nil, allowHTTPLoopback: Bool = false, githubTokenFile: String? = nil
    ) {
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
        self.maxRedirects = maxRedirects
        self.caFile = caFile
        self.allowHTTPLoopback = allowHTTPLoopback
        self.githubTokenFile = githubTokenFile
    }
}
