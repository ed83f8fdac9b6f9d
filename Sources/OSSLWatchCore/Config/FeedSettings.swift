/// One feed to poll: the items of the `feeds` list.
public struct FeedSettings: Sendable, Hashable {
    /// Unique name; it is what the store, the confirmation rule and messages call the feed.
    public var name: String
    public var kind: FeedKind
    /// Validated: `https`, or `http` to loopback when the config allows it; no user info.
    public var url: String
    /// Seconds between polls while the feed is healthy.
    public var interval: Double
    /// `announce-list` only: the regular expression (case-insensitive) a message title must
    /// match to be read as a pre-announcement; `nil` means `AnnounceListParser.defaultTitlePattern`.
    public var titlePattern: String?

    public init(name: String, kind: FeedKind, url: String, interval: Double = 300, titlePattern: String? = nil) {
        self.name = name
        self.kind = kind
        self.url = url
        self.interval = interval
        self.titlePattern = titlePattern
    }

    /// True when the URL holds the kind's placeholder (`{date}`, `{cve}`) and so stands for
    /// many URLs, each fetched with its own validators.
    public var isTemplated: Bool {
        guard let placeholder = kind.urlPlaceholder else { return false }
        return url.contains(placeholder)
    }
}
