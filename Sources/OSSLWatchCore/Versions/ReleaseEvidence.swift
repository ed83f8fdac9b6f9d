public import Foundation

/// Whether the release feeds have spoken recently enough for "no newer release" to be believed.
///
/// Only release feeds count (GitHub releases and tags Atom, the releases JSON, the source
/// listing): they are the ones that would show a new release of any series. Advisory,
/// announce and metadata feeds say nothing about whether a release exists. One release
/// feed read successfully within `staleAfter` of its interval is enough evidence; when none
/// is, a verdict that would say `up-to-date` says `unknown` instead.
public struct ReleaseEvidence: Sendable, Hashable, Codable {
    /// A release feed is stale once its last good read is older than this many of its intervals.
    public static let staleAfterIntervals: Double = 3
    /// And never sooner than this (seconds): a short interval alone must not make one slow
    /// answer look like blindness.
    public static let minimumAllowance: Double = 3600

    /// The newest successful read of any release feed; nil when none was ever read.
    public var lastGoodRead: Date?
    /// True when at least one release feed was read successfully within its allowance.
    public var isFresh: Bool
    /// Why the evidence is not enough, with the age of the last good read; nil when fresh.
    public var reason: String?

    /// Evidence that needs no feeds: for callers (tests, tools) that judge releases alone.
    public static let assumed = ReleaseEvidence(lastGoodRead: nil, isFresh: true, reason: nil)

    /// Judges the configured release feeds by what the store remembers of them.
    /// - Parameter feeds: every configured feed, with its kind and interval; non-release kinds are ignored.
    public static func assess(feeds: [FeedSettings], states: [FeedState], now: Date) -> ReleaseEvidence {
        let byName = Dictionary(states.map { ($0.name, $0) }) { first, _ in first }
        let release = feeds.filter { $0.kind.showsReleases }
        let reads = release.compactMap { feed in byName[feed.name]?.lastSuccess.map { (feed, $0) } }
        let lastGoodRead = reads.map(\.1).max()
        let fresh = reads.contains { feed, read in
            now.timeIntervalSince(read) <= max(staleAfterIntervals * feed.interval, minimumAllowance)
        }
        if fresh { return ReleaseEvidence(lastGoodRead: lastGoodRead, isFresh: true, reason: nil) }
        let reason: String
        if release.isEmpty {
            reason = "no release feed is configured"
        } else if let lastGoodRead {
            reason =
                "no release feed read successfully within its expected interval; "
                + "last good read \(age(now.timeIntervalSince(lastGoodRead))) ago"
        } else {
            reason = "no release feed has ever been read successfully"
        }
        return ReleaseEvidence(lastGoodRead: lastGoodRead, isFresh: false, reason: reason)
    }

    /// "3d 4h", "2h 5m", "7m", "12s": how long ago, short enough for a status line.
    public static func age(_ seconds: Double) -> String {
        let total = max(0, Int(seconds))
        let (days, hours, minutes) = (total / 86_400, total % 86_400 / 3600, total % 3600 / 60)
        if days > 0 { return "\(days)d \(hours)h" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        if minutes > 0 { return "\(minutes)m" }
        return "\(total)s"
    }
}
