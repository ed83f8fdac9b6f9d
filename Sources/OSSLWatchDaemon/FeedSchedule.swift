import Foundation
import OSSLWatch
import OSSLWatchCore

/// When the daemon polls each feed next, derived from what the store remembers about it.
///
/// Derived afresh after every round and every reload, so a changed interval applies at once
/// and a restart continues the schedule instead of polling everything again. While an urgent
/// advisory is fresh, or from a pre-announced release day until that release is seen, the
/// release feeds use the urgent interval (`FastPollPlan`).
enum FeedSchedule {
    /// The next poll of one feed.
    /// - Parameter jitter: the spread for this feed's next poll as a fraction of its interval
    ///   (already scaled by `daemon.jitter`), so polls do not fall on the same second.
    static func due(interval: Double, state: FeedState?, jitter: Double, now: Date) -> Date {
        guard let state, let lastAttempt = state.lastAttempt else { return now }
        if let held = Watcher.holdBack(state, now: now, force: false) { return held }
        if state.errorStreak > 0 { return now }
        return lastAttempt.addingTimeInterval(interval * (1 + jitter))
    }

    /// The next poll of `feed` under `plan`: release feeds follow the fast interval while the
    /// plan is active, and are due at the start of a coming fast window at the latest.
    static func due(_ feed: FeedSettings, state: FeedState?, jitter: Double, now: Date, plan: FastPollPlan) -> Date {
        let normal = due(interval: feed.interval, state: state, jitter: jitter, now: now)
        guard isReleaseFeed(feed.kind), plan.interval < feed.interval else { return normal }
        let fast = due(interval: plan.interval, state: state, jitter: jitter, now: now)
        if plan.isActive { return fast }
        if let start = plan.nextStart, start < normal { return max(start, fast) }
        return normal
    }

    /// The interval `feed` is polled at right now: the fast one for a release feed while the plan is active.
    static func interval(of feed: FeedSettings, plan: FastPollPlan) -> Double {
        guard isReleaseFeed(feed.kind), plan.isActive else { return feed.interval }
        return min(feed.interval, plan.interval)
    }

    /// The kinds that report releases (the observations a verdict counts): the ones worth
    /// polling fast while a security release is due. Advisory, announcement and metadata feeds
    /// keep their own interval.
    static func isReleaseFeed(_ kind: FeedKind) -> Bool { kind.showsReleases }

    /// Why the release feeds are (or are about to be) polled fast at `now`.
    static func plan(
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
    static func ending(_ reason: FastPollReason, releases: [Release], now: Date) -> String {
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
