/// One feed to poll: the items of the `feeds` list.
public struct FeedSettings: Sendable, Hashable {
    /// Unique name; it is what the store, the confirmation rule and messages call the feed.
    public var name: String
    public var kind: FeedKind
    /// Validated: `https`, or `http` to loopback when the config allows it; no user info.
    public var url: String
    /// Seconds between polls while the feed is healthy.
    public var interval: Double

    public init(name: String, kind: FeedKind, url: String, interval: Double = 300) {
        self.name = name
        self.kind = kind
        self.url = url
        self.interval = interval
    }
}
