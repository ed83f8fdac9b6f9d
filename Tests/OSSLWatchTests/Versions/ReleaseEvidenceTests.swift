import Foundation
import OSSLWatch
import OSSLWatchCore
import Testing

/// "No newer release" is believed only while a release feed has been read recently.
@Suite struct ReleaseEvidenceTests {
    let now = ReleaseHistory.day("2025-09-20")

    let feeds = [
        FeedSettings(name: "github-releases", kind: .githubReleasesAtom, url: "https://x/releases.atom", interval: 300),
        FeedSettings(name: "source-page", kind: .sourceListing, url: "https://x/source/", interval: 3600),
        FeedSettings(name: "release-metadata", kind: .releaseMetadata, url: "https://x/data.json", interval: 300),
        FeedSettings(name: "secadv", kind: .secadv, url: "https://x/{date}.txt", interval: 300),
    ]

    func verdict(_ evidence: ReleaseEvidence, linked: String = "3.5.3") throws -> Verdict {
        let history = try ReleaseHistory.load()
        return VerdictEngine.verdict(
            project: "p", linked: try #require(OpenSSLVersion(linked)), releases: history.releases(asOf: now),
            series: history.series, policy: VerdictPolicy(), now: now, evidence: evidence)
    }

    @Test("feeds never read: unknown, never up-to-date, saying no release feed was ever read")
    func neverRead() throws {
        let evidence = ReleaseEvidence.assess(feeds: feeds, states: [], now: now)
        #expect(!evidence.isFresh && evidence.lastGoodRead == nil)
        let verdict = try verdict(evidence)
        #expect(verdict.kind == .unknown)
        #expect(!verdict.findings.contains(.upToDate))
        #expect(verdict.message.contains("no release feed has ever been read successfully"), "\(verdict.message)")
    }

    @Test("every release feed failing for longer than three intervals (an hour at least): unknown with the age")
    func stale() throws {
        let states = [
            FeedState(name: "github-releases", lastSuccess: now - 2 * 3600, errorStreak: 20),
            FeedState(name: "source-page", lastSuccess: now - 3 * 3600 - 60, errorStreak: 3),
            // Fresh, but not a release feed: data.json and advisories cannot show a release.
            FeedState(name: "release-metadata", lastSuccess: now - 10),
            FeedState(name: "secadv", lastSuccess: now - 10),
        ]
        let evidence = ReleaseEvidence.assess(feeds: feeds, states: states, now: now)
        #expect(!evidence.isFresh)
        #expect(evidence.lastGoodRead == now - 2 * 3600)
        let verdict = try verdict(evidence)
        #expect(verdict.kind == .unknown)
        #expect(verdict.lastGoodRead == now - 2 * 3600)
        #expect(verdict.message.contains("last good read 2h 0m ago"), "\(verdict.message)")
    }

    @Test("one release feed read within its allowance is enough: up-to-date")
    func oneFreshFeedSuffices() throws {
        let states = [
            FeedState(name: "github-releases", lastSuccess: now - 86_400, errorStreak: 40),
            FeedState(name: "source-page", lastSuccess: now - 2 * 3600),
        ]
        let evidence = ReleaseEvidence.assess(feeds: feeds, states: states, now: now)
        #expect(evidence.isFresh)
        #expect(try verdict(evidence).kind == .upToDate)
    }

    @Test("a confirmed newer release in the store is evidence of its own: patch-update even when the feeds are silent")
    func storedTargetStillActs() throws {
        let evidence = ReleaseEvidence.assess(feeds: feeds, states: [], now: ReleaseHistory.day("2025-10-01"))
        let history = try ReleaseHistory.load()
        let day = ReleaseHistory.day("2025-10-01")
        let verdict = VerdictEngine.verdict(
            project: "p", linked: try #require(OpenSSLVersion("3.5.3")), releases: history.releases(asOf: day),
            series: history.series, policy: VerdictPolicy(), now: day, evidence: evidence)
        #expect(verdict.kind == .patchUpdate)
    }

    @Test("no release feed configured at all: unknown, saying so")
    func noReleaseFeed() {
        let evidence = ReleaseEvidence.assess(feeds: Array(feeds.suffix(2)), states: [], now: now)
        #expect(!evidence.isFresh)
        #expect(evidence.reason == "no release feed is configured")
    }

    @Test("a saved up-to-date read back after the release feeds went stale (status, metrics) is unknown")
    func savedVerdictJudgedAgain() throws {
        let saved = try verdict(.assumed)
        #expect(saved.kind == .upToDate)
        let states = [FeedState(name: "github-releases", lastSuccess: now - 5 * 3600, errorStreak: 9)]
        let judged = saved.judged(by: ReleaseEvidence.assess(feeds: feeds, states: states, now: now))
        #expect(judged.kind == .unknown && !judged.findings.contains(.upToDate))
        #expect(judged.message.hasPrefix("no release feed read successfully within its expected interval"))
        #expect(judged.message.contains("last good read 5h 0m ago"), "\(judged.message)")
        #expect(saved.judged(by: .assumed) == saved)
    }
}
