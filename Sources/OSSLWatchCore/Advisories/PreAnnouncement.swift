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

/// Decides which pre-announced releases are still awaited: the verdict shows them, the daemon
/// polls fast for them from their date on. Pure, so both agree and the tests can pin dates.
///
/// A pre-announcement is done once a release it names has been seen by any feed; when it names
/// none, once any stable release first seen from the day before the announced date on. Past
/// `grace` after the date it is dropped even if nothing came, so a cancelled or renamed release
/// cannot keep the daemon polling fast for ever.
public enum ExpectedReleases {
    /// Releases seen up to a day early still count: the announced day is a UTC date, and feeds
    /// in other zones, or a release published late the evening before, should not be missed.
    static let earlySlack: TimeInterval = 86_400

    /// The pre-announcements not yet matched by a seen release and not past their grace, earliest first.
    public static func pending(
        _ announcements: [PreAnnouncement], releases: [Release], now: Date,
        grace: TimeInterval = AdvisorySettings.preAnnouncementGrace
    ) -> [PreAnnouncement] {
        announcements.filter { announcement in
            now < announcement.expected.addingTimeInterval(grace) && !isSeen(announcement, releases: releases)
        }
        .sorted { ($0.expected, $0.title) < ($1.expected, $1.title) }
    }

    /// The earliest pending pre-announcement that concerns `series` and whose release for it is not seen yet.
    public static func expected(
        for series: Series, _ announcements: [PreAnnouncement], releases: [Release], now: Date,
        grace: TimeInterval = AdvisorySettings.preAnnouncementGrace
    ) -> PreAnnouncement? {
        announcements.filter { announcement in
            now < announcement.expected.addingTimeInterval(grace) && concerns(announcement, series)
                && !isSeen(announcement, series: series, releases: releases)
        }
        .min { ($0.expected, $0.title) < ($1.expected, $1.title) }
    }

    /// Whether the announcement may be about `series`: it names a version of it, or names none.
    public static func concerns(_ announcement: PreAnnouncement, _ series: Series) -> Bool {
        announcement.versions.isEmpty || announcement.versions.contains { $0.series == series }
    }

    /// Whether a release the announcement stands for has been seen; with `series`, its release for that series.
    public static func isSeen(_ announcement: PreAnnouncement, series: Series? = nil, releases: [Release]) -> Bool {
        let inSeries = { (version: OpenSSLVersion) in series.map { version.series == $0 } ?? true }
        let seen = releases.filter { !$0.sources.isEmpty && inSeries($0.version) }
        let named = Set(announcement.versions.filter(inSeries))
        if !named.isEmpty { return seen.contains { named.contains($0.version) } }
        let from = announcement.expected.addingTimeInterval(-earlySlack)
        return seen.contains { !$0.version.isPrerelease && $0.firstSeen >= from }
    }
}
