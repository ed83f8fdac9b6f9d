public import OSSLWatchCore

/// The OpenSSL version a project links, with where it was read, so a verdict can say why.
public struct LinkedVersion: Sendable, Hashable, Codable {
    public var version: OpenSSLVersion
    /// The tarball SHA-256 the pin or SBOM records (lower-case hex), when the source has one.
    public var sha256: String?
    /// Human text naming the source, e.g. `pin file /x/openssl-version.sh (version)`.
    public var origin: String

    public init(version: OpenSSLVersion, sha256: String? = nil, origin: String) {
        self.version = version
        self.sha256 = sha256
        self.origin = origin
    }
}
