public import Foundation

/// What the store knows about one OpenSSL release across all feeds: the input of the
/// confirmation rule and of every verdict.
public struct Release: Sendable, Hashable, Codable {
    /// Whether the release tarball was checked against its published `.sha256`.
    public enum Checksum: Sendable, Hashable, Codable {
        case unchecked
        /// The streamed SHA-256 of the tarball equals the published digest (lower-case hex).
        case matched(sha256: String)
        /// Downloaded and different, or the published file was unusable: never confirms.
        case mismatched(reason: String)
    }

    public var version: OpenSSLVersion
    /// Configured names of the feeds that saw it (drafts never count).
    public var sources: Set<String>
    public var firstSeen: Date
    public var checksum: Checksum

    public init(version: OpenSSLVersion, sources: Set<String>, firstSeen: Date, checksum: Checksum = .unchecked) {
        self.version = version
        self.sources = sources
        self.firstSeen = firstSeen
        self.checksum = checksum
    }
}
