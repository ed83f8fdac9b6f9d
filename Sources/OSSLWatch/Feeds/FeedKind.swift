/// The formats osslwatch can read; the config names one per feed.
public enum FeedKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// `https://github.com/openssl/openssl/releases.atom`
    case githubReleasesAtom = "github-releases-atom"
    /// `https://github.com/openssl/openssl/tags.atom`
    case githubTagsAtom = "github-tags-atom"
    /// `https://api.github.com/repos/openssl/openssl/releases?per_page=100`
    case githubReleasesJSON = "github-releases-json"
    /// `https://openssl-library.org/source/`: tarball names in an HTML listing.
    case sourceListing = "source-listing"
    /// openssl/release-metadata `data.json`: series, release and end-of-life dates, LTS.
    case releaseMetadata = "release-metadata"
}
