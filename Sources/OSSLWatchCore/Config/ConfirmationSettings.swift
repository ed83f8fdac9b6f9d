import Foundation

/// When a release counts as real enough to act on: the `confirmation` section of the config.
public struct ConfirmationSettings: Sendable, Hashable {
    /// The default tarball location, GitHub's release asset.
    public static let defaultTarballURL =
        "https://github.com/openssl/openssl/releases/download/{tag}/openssl-{version}.tar.gz"

    /// How many distinct feeds must see a release for it to be confirmed by sightings alone.
    public var minFeeds: Int
    /// Whether one sighting plus a tarball matching its published `.sha256` also confirms.
    public var checksum: Bool
    /// Where the tarball is; `{version}` (`3.5.4`) and `{tag}` (`openssl-3.5.4`) are substituted.
    /// The `.sha256` lives at the same URL with `.sha256` appended.
    public var tarballURL: String
    /// Largest tarball streamed through SHA-256.
    public var maxTarballBytes: Int

    public init(
        minFeeds: Int = 2, checksum: Bool = true, tarballURL: String = Self.defaultTarballURL,
        maxTarballBytes: Int = 64 << 20
    ) {
        self.minFeeds = minFeeds
        self.checksum = checksum
        self.tarballURL = tarballURL
        self.maxTarballBytes = maxTarballBytes
    }

    /// The tarball URL of one release.
    public func tarballURL(for version: OpenSSLVersion) -> String {
        Self.expand(tarballURL, version: version.description, tag: version.tag)
    }

    package static func expand(_ template: String, version: String, tag: String) -> String {
        template.replacingOccurrences(of: "{version}", with: version).replacingOccurrences(of: "{tag}", with: tag)
    }
}
