public import Foundation

/// One sighting of one OpenSSL release by one feed: the unit the store keeps and the
/// confirmation rule counts.
public struct Observation: Sendable, Hashable, Codable {
    /// A file published with a release (the REST feed lists them; the HTML listing links them).
    public struct Asset: Sendable, Hashable, Codable {
        public var name: String
        public var size: Int?
        public var url: String

        public init(name: String, size: Int? = nil, url: String) {
            self.name = name
            self.size = size
            self.url = url
        }
    }

    /// The configured name of the feed that saw the release.
    public var feed: String
    public var version: OpenSSLVersion
    /// The identifier as the feed wrote it (tag, title or file name); kept only when it parsed to `version`.
    public var tag: String
    /// When the feed says the release happened (Atom `updated`, REST `published_at`), if it says.
    public var time: Date?
    /// The release page or file the feed points to, if any.
    public var link: String?
    /// True when the feed flags it (REST `prerelease`) or the version itself is a pre-release.
    public var isPrerelease: Bool
    /// True for unpublished GitHub drafts; such observations never count as a release.
    public var isDraft: Bool
    public var assets: [Asset]

    public init(
        feed: String, version: OpenSSLVersion, tag: String, time: Date? = nil, link: String? = nil,
        isPrerelease: Bool? = nil, isDraft: Bool = false, assets: [Asset] = []
    ) {
        self.feed = feed
        self.version = version
        self.tag = tag
        self.time = time
        self.link = link
        self.isPrerelease = isPrerelease ?? version.isPrerelease
        self.isDraft = isDraft
        self.assets = assets
    }
}
