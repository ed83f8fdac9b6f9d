public import Foundation

/// "Forthcoming OpenSSL releases" from the announce list: a security release is expected on a day.
public struct PreAnnouncement: Sendable, Hashable, Codable {
    /// Midnight UTC of the announced release day.
    public var expected: Date
    public var highestSeverity: Severity?
    /// The versions the announcement names, when it names them.
    public var versions: [OpenSSLVersion]
    public var title: String
    public var link: String?
    /// The configured name of the feed it came from.
    public var feed: String

    public init(
        expected: Date, highestSeverity: Severity?, versions: [OpenSSLVersion], title: String, link: String?,
        feed: String
    ) {
        self.expected = expected
        self.highestSeverity = highestSeverity
        self.versions = versions
        self.title = title
        self.link = link
        self.feed = feed
    }

    /// A repeated announcement of the same day (`newer`) over this stored one: what it says
    /// replaces, but a severity, versions, title or link it leaves out are kept.
    public func updated(by newer: PreAnnouncement) -> PreAnnouncement {
        PreAnnouncement(
            expected: newer.expected, highestSeverity: newer.highestSeverity ?? highestSeverity,
            versions: newer.versions.isEmpty ? versions : newer.versions,
            title: newer.title.isEmpty ? title : newer.title, link: newer.link ?? link, feed: newer.feed)
    }
}
