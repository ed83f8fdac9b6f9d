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

/// Whether one release is trusted enough to act on, and the evidence, in a form `check` can print.
public struct Confirmation: Sendable, Hashable, Codable {
    /// The release this is about (the verdict's target, or the pending candidate).
    public var version: OpenSSLVersion
    public var isConfirmed: Bool
    /// Names of the feeds that saw it, sorted.
    public var sources: [String]
    public var checksum: Release.Checksum
    /// The policy's `minFeeds`, kept so the summary can say "1 of 2 feeds".
    public var minFeeds: Int

    public init(
        version: OpenSSLVersion, isConfirmed: Bool, sources: [String], checksum: Release.Checksum, minFeeds: Int
    ) {
        self.version = version
        self.isConfirmed = isConfirmed
        self.sources = sources
        self.checksum = checksum
        self.minFeeds = minFeeds
    }

    /// Applies the confirmation rule: enough feeds, or (when allowed) one feed and a matching
    /// checksum. A mismatched checksum never confirms, though enough feeds still do.
    public init(_ release: Release, policy: VerdictPolicy) {
        let minFeeds = max(1, policy.minFeeds)
        var confirmed = release.sources.count >= minFeeds
        if policy.checksumConfirms, !release.sources.isEmpty, case .matched = release.checksum { confirmed = true }
        self.init(
            version: release.version, isConfirmed: confirmed, sources: release.sources.sorted(),
            checksum: release.checksum, minFeeds: minFeeds)
    }

    /// `"2 feeds"`, `"1 feed + sha256"`, `"1 of 2 feeds"`, with a checksum mismatch appended.
    public var summary: String {
        let count = sources.count
        var text: String
        if count >= minFeeds {
            text = count == 1 ? "1 feed" : "\(count) feeds"
        } else if isConfirmed {
            text = (count == 1 ? "1 feed" : "\(count) feeds") + " + sha256"
        } else {
            text = "\(count) of \(minFeeds) feed" + (minFeeds == 1 ? "" : "s")
        }
        if case .mismatched(let reason) = checksum { text += " (sha256 mismatch: \(reason))" }
        return text
    }
}
