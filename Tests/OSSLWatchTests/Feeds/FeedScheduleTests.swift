import Foundation
import Testing

@testable import OSSLWatchCore

/// Fast polling of the release feeds after an urgent advisory and from a pre-announced day,
/// decided with explicit dates.
@Suite struct FeedScheduleFastPollTests {
    /// 9 Jun 2026 00:00 UTC: the day of the June 2026 advisory.
    let day = Date(timeIntervalSince1970: 1_780_963_200)
    let settings = AdvisorySettings()
    let releases = FeedSettings(name: "releases", kind: .githubReleasesAtom, url: "https://x/releases.atom")
    let secadv = FeedSettings(name: "secadv", kind: .secadv, url: "https://x/secadv/{date}.txt", interval: 3600)

    func hours(_ count: Double) -> Date { day.addingTimeInterval(count * 3600) }

    func advisory(_ severity: Severity, published: Date?) -> Advisory {
        Advisory(cve: "CVE-2026-45447", title: "t", severity: severity, published: published, fixedIn: [:])
    }

    func announcement(versions: [String] = []) -> PreAnnouncement {
        PreAnnouncement(
            expected: day, highestSeverity: .high, versions: versions.compactMap(OpenSSLVersion.init), title: "t",
            link: nil, feed: "announce")
    }

    func plan(
        advisories: [Advisory] = [], announcements: [PreAnnouncement] = [], releases: [Release] = [], at now: Date,
        settings: AdvisorySettings? = nil
    ) -> FastPollPlan {
        FeedSchedule.plan(
            advisories: advisories, preAnnouncements: announcements, releases: releases,
            settings: settings ?? self.settings, now: now)
    }

    /// The next poll of `feed` last polled at `lastAttempt`, under `plan`, without jitter.
    func due(_ feed: FeedSettings, lastAttempt: Date, now: Date, plan: FastPollPlan) -> Date {
        let state = FeedState(name: feed.name, lastAttempt: lastAttempt, lastSuccess: lastAttempt)
        return FeedSchedule.due(feed, state: state, jitter: 0, now: now, plan: plan)
    }

    @Test("a High advisory polls the release feeds every minute for 48 h after its publication, then normally")
    func urgentAdvisory() {
        let high = advisory(.high, published: day)
        let during = plan(advisories: [high], at: hours(3))
        #expect(during.isActive && during.interval == 60)
        #expect(during.reasons.map(\.description) == ["High advisory CVE-2026-45447"])
        #expect(during.reasons.first?.until == hours(48))
        #expect(due(releases, lastAttempt: hours(3), now: hours(3), plan: during) == hours(3).addingTimeInterval(60))
        // The advisory feed itself keeps its own interval.
        #expect(due(secadv, lastAttempt: hours(3), now: hours(3), plan: during) == hours(4))
        let after = plan(advisories: [high], at: hours(48))
        #expect(!after.isActive)
        #expect(due(releases, lastAttempt: hours(48), now: hours(48), plan: after) == hours(48).addingTimeInterval(300))
        #expect(
            FeedSchedule.ending(during.reasons[0], releases: [], now: hours(48))
                == "the urgent window after the advisory has passed")
    }

    @Test("Moderate, Low, unknown severity or no publication date: no fast polling; Critical: fast")
    func notUrgent() {
        for advisory in [
            advisory(.moderate, published: day), advisory(.low, published: day), advisory(.high, published: nil),
        ] {
            #expect(!plan(advisories: [advisory], at: hours(1)).isActive)
        }
        var unknown = advisory(.high, published: day)
        unknown.severity = nil
        #expect(!plan(advisories: [unknown], at: hours(1)).isActive)
        #expect(plan(advisories: [advisory(.critical, published: day)], at: hours(1)).isActive)
        var custom = AdvisorySettings()
        custom.urgent.severities = [.moderate]
        custom.urgent.fastPollInterval = 120
        let moderate = plan(advisories: [advisory(.moderate, published: day)], at: hours(1), settings: custom)
        #expect(moderate.isActive && moderate.interval == 120)
        #expect(!plan(advisories: [advisory(.high, published: day)], at: hours(1), settings: custom).isActive)
    }

    @Test("a feed already polled more often than the urgent interval keeps its own")
    func fasterFeedUnchanged() {
        let quick = FeedSettings(name: "quick", kind: .githubTagsAtom, url: "https://x/tags.atom", interval: 30)
        let during = plan(advisories: [advisory(.high, published: day)], at: hours(1))
        #expect(due(quick, lastAttempt: hours(1), now: hours(1), plan: during) == hours(1).addingTimeInterval(30))
    }

    @Test("before a pre-announced day the release feeds are due at its start at the latest; from it on, fast")
    func preAnnouncedDay() {
        let waiting = plan(announcements: [announcement()], at: hours(-2))
        #expect(!waiting.isActive && waiting.nextStart == day)
        // Last polled 10 min before midnight: normally due 5 min before it, before the start: unchanged.
        let tenBefore = day.addingTimeInterval(-600)
        #expect(due(releases, lastAttempt: tenBefore, now: tenBefore, plan: waiting) == day.addingTimeInterval(-300))
        // Last polled 3 min before midnight: normally due at 00:02, but the fast window starts at 00:00.
        let threeBefore = day.addingTimeInterval(-180)
        #expect(due(releases, lastAttempt: threeBefore, now: threeBefore, plan: waiting) == day)
        // Last polled 1 min before midnight with a 1 h interval: due at midnight, not at 00:59.
        let hourly = FeedSettings(name: "hourly", kind: .sourceListing, url: "https://x/source/", interval: 3600)
        #expect(due(hourly, lastAttempt: hours(-1.0 / 60), now: hours(-1.0 / 60), plan: waiting) == day)
        let dayOf = plan(announcements: [announcement()], at: hours(10))
        #expect(dayOf.isActive)
        #expect(dayOf.reasons.map(\.description) == ["security release expected on 2026-06-09, highest severity High"])
        #expect(due(hourly, lastAttempt: hours(10), now: hours(10), plan: dayOf) == hours(10).addingTimeInterval(60))
    }

    @Test("fast polling for a pre-announcement ends when a release of that day (or a named version) is seen")
    func endsWhenSeen() throws {
        let seenToday = Release(version: try #require(OpenSSLVersion("3.5.7")), sources: ["a"], firstSeen: hours(14))
        let before = plan(announcements: [announcement()], at: hours(13))
        #expect(before.isActive)
        let after = plan(announcements: [announcement()], releases: [seenToday], at: hours(15))
        #expect(!after.isActive)
        #expect(
            FeedSchedule.ending(before.reasons[0], releases: [seenToday], now: hours(15))
                == "the announced release has been seen")
        // An older release seen long before the day does not count.
        let old = Release(version: try #require(OpenSSLVersion("3.5.6")), sources: ["a"], firstSeen: hours(-24 * 30))
        #expect(plan(announcements: [announcement()], releases: [old], at: hours(15)).isActive)
        // Named versions: only those end it.
        let named = announcement(versions: ["3.5.7", "3.0.21"])
        #expect(plan(announcements: [named], releases: [old], at: hours(15)).isActive)
        #expect(!plan(announcements: [named], releases: [seenToday], at: hours(15)).isActive)
        // A release listed but seen by no feed (a draft) does not count.
        var draft = seenToday
        draft.sources = []
        #expect(plan(announcements: [named], releases: [draft], at: hours(15)).isActive)
    }

    @Test("an announced release that never comes stops fast polling after the 7-day grace; the switch turns it off")
    func graceAndSwitch() {
        #expect(plan(announcements: [announcement()], at: hours(24 * 7 - 1)).isActive)
        let late = plan(announcements: [announcement()], at: hours(24 * 7))
        #expect(!late.isActive && late.nextStart == nil)
        var off = AdvisorySettings()
        off.preAnnouncementFastPoll = false
        #expect(!plan(announcements: [announcement()], at: hours(1), settings: off).isActive)
        #expect(plan(announcements: [announcement()], at: hours(-1), settings: off).nextStart == nil)
    }

    @Test("the interval in force: the fast one for release feeds while active, never longer than a feed's own")
    func intervalInForce() {
        let during = plan(advisories: [advisory(.high, published: day)], at: hours(1))
        #expect(FeedSchedule.interval(of: releases, plan: during) == 60)
        #expect(FeedSchedule.interval(of: secadv, plan: during) == 3600)
        let quick = FeedSettings(name: "quick", kind: .githubTagsAtom, url: "https://x/tags.atom", interval: 30)
        #expect(FeedSchedule.interval(of: quick, plan: during) == 30)
        #expect(FeedSchedule.interval(of: releases, plan: .normal) == 300)
    }

    @Test("only the feeds that report releases are release feeds")
    func releaseKinds() {
        #expect(
            FeedKind.allCases.filter(FeedSchedule.isReleaseFeed) == [
                .githubReleasesAtom, .githubTagsAtom, .githubReleasesJSON, .sourceListing,
            ])
    }
}

/// When each feed is due, from what the store remembers about it.
@Suite struct FeedScheduleTests {
    let now = Date(timeIntervalSince1970: 1_759_226_400)

    @Test("a feed never polled is due now")
    func neverPolled() {
        #expect(FeedSchedule.due(interval: 300, state: nil, jitter: 0.05, now: now) == now)
        #expect(FeedSchedule.due(interval: 300, state: FeedState(name: "f"), jitter: 0, now: now) == now)
    }

    @Test("a healthy feed is due one interval plus its jitter after the last attempt")
    func healthyFeed() {
        let state = FeedState(name: "f", lastAttempt: now.addingTimeInterval(-100), lastSuccess: now, errorStreak: 0)
        #expect(
            FeedSchedule.due(interval: 300, state: state, jitter: 0.1, now: now) == now.addingTimeInterval(-100 + 330))
        #expect(FeedSchedule.due(interval: 60, state: state, jitter: 0, now: now) == now.addingTimeInterval(-40))
    }

    @Test("a failing feed waits for its backoff; a server's not-before time holds even for a healthy one")
    func holdBack() {
        let failing = FeedState(
            name: "f", lastAttempt: now, errorStreak: 2, nextPoll: now.addingTimeInterval(120))
        #expect(FeedSchedule.due(interval: 300, state: failing, jitter: 0, now: now) == now.addingTimeInterval(120))
        var over = failing
        over.nextPoll = now.addingTimeInterval(-1)
        #expect(FeedSchedule.due(interval: 300, state: over, jitter: 0, now: now) == now)
        let limited = FeedState(
            name: "f", lastAttempt: now.addingTimeInterval(-400), errorStreak: 0, notBefore: now.addingTimeInterval(900)
        )
        #expect(FeedSchedule.due(interval: 300, state: limited, jitter: 0, now: now) == now.addingTimeInterval(900))
    }
}
