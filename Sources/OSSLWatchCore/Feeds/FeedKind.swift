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
    /// `https://openssl-library.org/news/secadv/{date}.txt`: a security advisory text; the URL
    /// may hold `{date}` (YYYYMMDD), filled with the days an advisory may have appeared.
    case secadv
    /// openssl/release-metadata `secjson/{cve}.json`: a CVE JSON 5.x record; the URL may hold
    /// `{cve}`, filled with every CVE the advisory texts named that has no record yet.
    case cveJSON = "cve-json"
    /// An Atom or RSS feed of the openssl-announce list, read for pre-announcements.
    case announceList = "announce-list"

    /// The kinds that report releases (the observations a verdict counts): only their silence
    /// can make "no newer release" unbelievable, and only they are polled fast when a release is due.
    public var showsReleases: Bool {
        switch self {
        case .githubReleasesAtom, .githubTagsAtom, .githubReleasesJSON, .sourceListing: true
        default: false
        }
    }

    /// The placeholder a URL of this kind may contain, filled in at each poll.
    public var urlPlaceholder: String? {
        switch self {
        case .secadv: "{date}"
        case .cveJSON: "{cve}"
        default: nil
        }
    }
}
