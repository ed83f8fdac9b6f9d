import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore
@testable import OSSLWatchStore

/// The advisory half of the store as the watcher drives it: parse a real body, record it.
struct AdvisoryStoreTests {
    static let at = StoreSamples.start

    static func text(_ name: String) throws -> FeedContent {
        try SecurityAdvisoryParser().parse(
            try FeedFixtures.data("openssl-release-metadata/secadv/\(name)"), contentType: nil, feed: "secadv")
    }

    static func record(_ id: String) throws -> FeedContent {
        try CVERecordParser().parse(
            try FeedFixtures.data("openssl-release-metadata/secjson/\(id).json"), contentType: nil, feed: "cve")
    }

    static func v(_ text: String) -> OpenSSLVersion { StoreSamples.version(text) }

    /// Records `content` the way the watcher does for a plain URL: through `recordSuccess`.
    static func record(_ store: Store, feed: String, _ content: FeedContent, at: Date = at) throws {
        try store.recordSuccess(
            feed: feed, status: 200, etag: nil, lastModified: nil, content: content, at: at,
            nextPoll: at.addingTimeInterval(300))
    }

    @Test func textThenRecordMergeIntoOneAdvisoryPerCVE() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        try Self.record(store, feed: "secadv", try Self.text("20250930.txt"))
        try Self.record(store, feed: "cve", try Self.record("CVE-2025-9230"))

        let all = try store.advisories()
        #expect(all.map(\.cve) == ["CVE-2025-9230", "CVE-2025-9231", "CVE-2025-9232"])
        let merged = try #require(try store.advisories(ids: ["CVE-2025-9230"]).first)
        #expect(merged.sources == ["secadv", "cve"])
        #expect(merged.severity == .moderate)
        #expect(merged.fixedIn[Series("3.5")!] == Self.v("3.5.4"))
        #expect(merged.fixedIn[Series("1.1.1")!] == Self.v("1.1.1zd"))
        #expect(merged.premiumOnly == [Series("1.1.1")!, Series("1.0.2")!])
        #expect(merged.affected.count == 7)
        #expect(merged.title == "Out-of-bounds read & write in RFC 3211 KEK Unwrap")
        #expect(merged.published == FeedFixtures.utcDate("2025-09-30T00:00:00Z"))
        let textOnly = try #require(try store.advisories(ids: ["CVE-2025-9232", "CVE-1999-0001"]).first)
        #expect(textOnly.affected.isEmpty && textOnly.sources == ["secadv"])
        #expect(try store.advisories(ids: []).isEmpty)
    }

    @Test func recordThenTextGivesTheSameMergeAndALaterSourceNeverBlanks() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        try Self.record(store, feed: "cve", try Self.record("CVE-2025-9230"))
        try Self.record(store, feed: "secadv", try Self.text("20250930.txt"))
        var blank = Advisory(cve: "CVE-2025-9230", title: "", severity: nil, published: nil, fixedIn: [:])
        blank.sources = ["other"]
        try Self.record(store, feed: "other", FeedContent(advisories: [blank]))

        let merged = try #require(try store.advisories(ids: ["CVE-2025-9230"]).first)
        #expect(merged.affected.count == 7 && merged.fixedIn.count == 7)
        #expect(merged.severity == .moderate && !merged.title.isEmpty && merged.published != nil)
        #expect(merged.sources == ["secadv", "cve", "other"])
    }

    @Test(arguments: [
        "huge", "truncated", "latin-1", "utf-16", "wrong-types", "shell-in-version", "10MiB-title", "bad-cve-id",
    ])
    func hostileBodyFailsAndLeavesStoredAdvisoriesAsTheyWere(kind: String) throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        try Self.record(store, feed: "secadv", try Self.text("20250930.txt"))
        try Self.record(store, feed: "cve", try Self.record("CVE-2025-9230"))
        let before = try store.advisories()

        let real = try FeedFixtures.data("openssl-release-metadata/secjson/CVE-2025-9230.json")
        let text = String(decoding: real, as: UTF8.self)
        let body: Data
        switch kind {
        case "huge": body = Data(repeating: 0x20, count: 17 << 20)
        case "truncated": body = real.prefix(real.count - 200)
        case "latin-1": body = text.replacingOccurrences(of: "Stanislav", with: "Stéphane").data(using: .isoLatin1)!
        case "utf-16": body = text.data(using: .utf16)!
        case "wrong-types": body = Data(text.replacingOccurrences(of: "\"PUBLISHED\"", with: "[1]").utf8)
        case "shell-in-version":
            body = Data(text.replacingOccurrences(of: "\"3.5.4\"", with: "\"3.5.4$(id)\"").utf8)
        case "10MiB-title":
            body = Data(
                text.replacingOccurrences(
                    of: "\"title\": \"Out-of-bounds", with: "\"title\": \"\(String(repeating: "x", count: 10 << 20))"
                ).utf8)
        default: body = Data(text.replacingOccurrences(of: "\"CVE-2025-9230\"", with: "\"CVE-25-9230;ls\"").utf8)
        }
        let parser = FeedParsers.parser(
            for: FeedSettings(name: "cve", kind: .cveJSON, url: "https://x/{cve}.json"),
            baseURL: nil)
        #expect(throws: FeedError.self) { try parser.parse(body, contentType: nil, feed: "cve") }
        // The watcher records a failure, never content, for a body that did not parse.
        try store.recordFailure(
            feed: "cve", status: 200, error: "unparsable", at: Self.at, nextPoll: Self.at.addingTimeInterval(60))
        #expect(try store.advisories() == before)
    }

    @Test func hostileAdvisoryTextLeavesStoredAdvisoriesAsTheyWere() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        try Self.record(store, feed: "secadv", try Self.text("20250930.txt"))
        let before = try store.advisories()
        let real = try FeedFixtures.data("openssl-release-metadata/secadv/20250930.txt")
        let hostile = Data(
            String(decoding: real, as: UTF8.self).replacingOccurrences(of: "OpenSSL 3.5.4.", with: "`reboot`")
                .utf8)
        for body in [real.prefix(2500), hostile, Data(count: 17 << 20)] {
            #expect(throws: FeedError.self) {
                try SecurityAdvisoryParser().parse(body, contentType: nil, feed: "secadv")
            }
        }
        #expect(try store.advisories() == before)
    }

    @Test func preAnnouncementIsPendingUntilANamedVersionIsSeen() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        let day = try #require(FeedFixtures.utcDate("2025-09-30T00:00:00Z"))
        let announced = PreAnnouncement(
            expected: day, highestSeverity: .moderate, versions: [Self.v("3.5.4"), Self.v("3.0.18")],
            title: "Forthcoming OpenSSL Releases", link: "https://lists.example.org/1", feed: "announce")
        let before = day.addingTimeInterval(-6 * 86_400)
        try Self.record(store, feed: "announce", FeedContent(preAnnouncements: [announced]), at: before)
        #expect(try store.preAnnouncements(now: before) == [announced])
        // The same day again from a repost without severity: nothing is blanked, no duplicate.
        var repost = announced
        repost.highestSeverity = nil
        repost.versions = []
        repost.link = nil
        try Self.record(store, feed: "announce", FeedContent(preAnnouncements: [repost]), at: before)
        #expect(try store.allPreAnnouncements() == [announced])

        try Self.record(
            store, feed: "github-releases",
            FeedContent(observations: [StoreSamples.observation("github-releases", "3.5.4")]), at: day)
        #expect(try store.preAnnouncements(now: day).isEmpty)
        #expect(try store.allPreAnnouncements().count == 1)
    }

    @Test func preAnnouncementWithoutVersionsEndsWithAFinalReleaseOrAfterTheGrace() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        let day = try #require(FeedFixtures.utcDate("2026-06-09T00:00:00Z"))
        let announced = PreAnnouncement(
            expected: day, highestSeverity: .high, versions: [], title: "Forthcoming OpenSSL Releases", link: nil,
            feed: "announce")
        try Self.record(store, feed: "announce", FeedContent(preAnnouncements: [announced]), at: day - 86_400)
        #expect(try store.preAnnouncements(now: day + 3 * 86_400).count == 1)
        #expect(try store.preAnnouncements(now: day + 8 * 86_400).isEmpty)
        // Seen the evening before the announced UTC day still counts (the rule `ExpectedReleases` applies).
        try Self.record(
            store, feed: "tags", FeedContent(observations: [StoreSamples.observation("tags", "4.0.1")]),
            at: day - 2 * 3600)
        #expect(try store.preAnnouncements(now: day).isEmpty)
    }

    @Test func expandedURLStateKeepsValidatorsAcross304And404() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        let first = FeedURLState(
            feed: "secadv", key: "20250930", url: "https://x/20250930.txt", etag: "\"abc\"",
            lastModified: "Tue, 30 Sep 2025 14:00:00 GMT", lastStatus: 200, lastAttempt: Self.at,
            lastSuccess: Self.at)
        try store.recordFetch(first, content: try Self.text("20250930.txt"))
        #expect(try store.advisories().count == 3)
        #expect(try store.advisories().allSatisfy { $0.sources == ["secadv"] })
        let later = Self.at.addingTimeInterval(600)
        try store.recordFetch(
            FeedURLState(
                feed: "secadv", key: "20250930", url: first.url, lastStatus: 304, lastAttempt: later,
                lastSuccess: later))
        try store.recordFetch(
            FeedURLState(
                feed: "secadv", key: "20251001", url: "https://x/20251001.txt", lastStatus: 404,
                lastAttempt: Self.at))
        let states = try store.feedURLStates(feed: "secadv")
        #expect(states.map(\.key) == ["20250930", "20251001"])
        #expect(states[0].etag == "\"abc\"" && states[0].lastStatus == 304 && states[0].isPublished)
        #expect(!states[1].isPublished)
        try store.pruneFeedURLs(feed: "secadv", notFoundBefore: later)
        #expect(try store.feedURLStates(feed: "secadv").map(\.key) == ["20250930"])
        #expect(try store.feedURLStates(feed: "other").isEmpty)
    }

    @Test func watcherExpansionKeys() throws {
        let now = try #require(FeedFixtures.utcDate("2025-10-02T09:00:00Z"))
        let releases = [
            Release(version: Self.v("3.5.4"), sources: ["a"], firstSeen: now - 2 * 86_400),
            Release(version: Self.v("3.5.3"), sources: ["a"], firstSeen: now - 40 * 86_400),
        ]
        let announced = PreAnnouncement(
            expected: try #require(FeedFixtures.utcDate("2025-09-30T00:00:00Z")), highestSeverity: nil, versions: [],
            title: "t", link: nil, feed: "announce")
        let old = PreAnnouncement(
            expected: try #require(FeedFixtures.utcDate("2025-07-01T00:00:00Z")), highestSeverity: nil, versions: [],
            title: "t", link: nil, feed: "announce")
        let future = PreAnnouncement(
            expected: now + 5 * 86_400, highestSeverity: nil, versions: [], title: "t", link: nil, feed: "announce")
        #expect(
            Watcher.advisoryDates(now: now, releases: releases, preAnnouncements: [announced, future, old])
                == ["20250701", "20250930", "20251001", "20251002"])

        let advisories = ["CVE-2025-9230", "CVE-2025-9231", "CVE-2025-9232"].map {
            Advisory(cve: $0, title: "", severity: nil, published: nil, fixedIn: [:])
        }
        let known = [
            "CVE-2025-9230": FeedURLState(
                feed: "c", key: "CVE-2025-9230", url: "u", lastStatus: 200, lastAttempt: now, lastSuccess: now),
            "CVE-2025-9231": FeedURLState(feed: "c", key: "CVE-2025-9231", url: "u", lastStatus: 404, lastAttempt: now),
        ]
        #expect(Watcher.missingRecords(advisories: advisories, known: known) == ["CVE-2025-9231", "CVE-2025-9232"])
    }
}
