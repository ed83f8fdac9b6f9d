public import Foundation

/// When the daemon polls each feed next, derived from what the store remembers about it.
///
/// Derived afresh after every round and every reload, so a changed interval applies at once
/// and a restart continues the schedule instead of polling everything again. While an urgent
/// advisory is fresh, or from a pre-announced release day until that release is seen, the
/// release feeds use the urgent interval (`FastPollPlan`).
public enum FeedSchedule {
    /// The longest our own backoff may hold a failing feed back, whatever the store says (the
    /// longest interval the config allows).
    public static let longestBackoff = 7 * 86_400.0

    /// Until when a feed must not be polled, if at all: a server's `Retry-After` or rate-limit
    /// reset always holds; our own backoff after errors holds unless forced.
    ///
    /// What the store says is bounded again here, counted from the last attempt: a server hold
    /// by a day (`HTTPSettings.maximumServerHold`), our backoff by `longestBackoff`. So a
    /// far-future time written before holds were validated cannot silence a feed either.
    public static func holdBack(_ state: FeedState, now: Date, force: Bool) -> Date? {
        let from = min(state.lastAttempt ?? now, now)
        var holds: [Date] = []
        if let notBefore = state.notBefore {
            holds.append(min(notBefore, from.addingTimeInterval(HTTPSettings.maximumServerHold)))
        }
        if !force, state.errorStreak > 0, let next = state.nextPoll {
            holds.append(min(next, from.addingTimeInterval(longestBackoff)))
        }
        return holds.filter { $0 > now }.max()
    }

    /// The next poll of one feed.
    /// - Parameter jitter: the spread for this feed's next poll as a fraction of its interval
    ///   (already scaled by `daemon.jitter`), so polls do not fall on the same second.
    public static func due(interval: Double, state: FeedState?, jitter: Double, now: Date) -> Date {
        guard let state, let lastAttempt = state.lastAttempt else { return now }
        if let held = holdBack(state, now: now, force: false) { return held }
        if state.errorStreak > 0 { return now }
        return lastAttempt.addingTimeInterval(interval * (1 + jitter))
    }

    /// The next poll of `feed` under `plan`: release feeds follow the fast interval while the
    /// plan is active, and are due at the start of a coming fast window at the latest.
    public static func due(_ feed: FeedSettings, state: FeedState?, jitter: Double, now: Date, plan: FastPollPlan)
        -> Date
    {
        let normal = due(interval: feed.interval, state: state, jitter: jitter, now: now)
        guard isReleaseFeed(feed.kind), plan.interval < feed.interval else { return normal }
        let fast = due(interval: plan.interval, state: state, jitter: jitter, now: now)
        if plan.isActive { return fast }
        if let start = plan.nextStart, start < normal { return max(start, fast) }
        return normal
    }

    /// The interval `feed` is polled at right now: the fast one for a release feed while the plan is active.
    public static func interval(of feed: FeedSettings, plan: FastPollPlan) -> Double {
        guard isReleaseFeed(feed.kind), plan.isActive else { return feed.interval }
        return min(feed.interval, plan.interval)
    }

    /// The kinds that report releases (the observations a verdict counts): the ones worth
    /// polling fast while a security release is due. Advisory, announcement and metadata feeds
    /// keep their own interval.
    public static func isReleaseFeed(_ kind: FeedKind) -> Bool { kind.showsReleases }

    /// Why the release feeds are (or are about to be) polled fast at `now`.
    public static func plan(
        advisories: [Advisory], preAnnouncements: [PreAnnouncement], releases: [Release], settings: AdvisorySettings,
        now: Date
    ) -> FastPollPlan {
        var active: [FastPollReason] = []
        var starts: [Date] = []
        for advisory in advisories {
            guard let until = settings.fastPollUntil(for: advisory), let from = advisory.published,
                let severity = advisory.severity
            else { continue }
            if from <= now, now < until {
                active.append(
                    FastPollReason(cause: .urgentAdvisory(cve: advisory.cve, severity: severity), until: until))
            } else if from > now {
                starts.append(from)
            }
        }
        if settings.preAnnouncementFastPoll {
            let pending = ExpectedReleases.pending(preAnnouncements, releases: releases, now: now)
            for announcement in pending {
                if announcement.expected <= now {
                    active.append(
                        FastPollReason(
                            cause: .expectedRelease(announcement),
                            until: announcement.expected.addingTimeInterval(AdvisorySettings.preAnnouncementGrace)))
                } else {
                    starts.append(announcement.expected)
                }
            }
        }
        return FastPollPlan(interval: settings.urgent.fastPollInterval, reasons: active, nextStart: starts.min())
    }

    /// Why a reason no longer holds at `now`, for the log line that ends it.
    public static func ending(_ reason: FastPollReason, releases: [Release], now: Date) -> String {
        switch reason.cause {
        case .expectedRelease(let announcement):
            if ExpectedReleases.isSeen(announcement, releases: releases) {
                return "the announced release has been seen"
            }
            if now >= reason.until { return "no release within the grace after the announced day" }
            return "the pre-announcement is no longer pending"
        case .urgentAdvisory:
            if now >= reason.until { return "the urgent window after the advisory has passed" }
            return "the advisory is no longer urgent"
        }
    }
}

/// The fast-polling state of the release feeds at one moment.
public struct FastPollPlan: Sendable, Hashable {
    /// The urgent interval, in seconds.
    public var interval: Double
    /// What makes polling fast now; empty when polling is normal.
    public var reasons: [FastPollReason]
    /// The earliest moment a known reason starts (a pre-announced day), if one lies ahead.
    public var nextStart: Date?

    public var isActive: Bool { !reasons.isEmpty }

    public static let normal = FastPollPlan(interval: .infinity, reasons: [], nextStart: nil)
}

/// One reason for fast polling and how long it lasts at most.
public struct FastPollReason: Sendable, Hashable, CustomStringConvertible {
    public enum Cause: Sendable, Hashable {
        /// An advisory of an urgent severity, within its window after publication.
        case urgentAdvisory(cve: String, severity: Severity)
        /// A pre-announced security release whose day has come and that has not been seen.
        case expectedRelease(PreAnnouncement)
    }

    public var cause: Cause
    public var until: Date

    public var description: String {
        switch cause {
        case .urgentAdvisory(let cve, let severity):
            return "\(severity.rawValue) advisory \(cve)"
        case .expectedRelease(let announcement):
            let severity = announcement.highestSeverity.map { ", highest severity \($0.rawValue)" } ?? ""
            return "security release expected on \(VerdictEngine.day(announcement.expected))\(severity)"
        }
    }
}
