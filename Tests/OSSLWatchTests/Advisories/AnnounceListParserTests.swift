import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

struct AnnounceListParserTests {
    static func v(_ text: String) -> OpenSSLVersion { OpenSSLVersion.parse(bare: text)! }

    @Test func atomPreAnnouncementGivesDaySeverityAndVersions() throws {
        let data = try FeedFixtures.data("announce/openssl-announce.atom")
        let found = try AnnounceListParser().parse(data, contentType: "application/atom+xml", feed: "announce")
            .preAnnouncements
        #expect(found.count == 1)
        let announcement = try #require(found.first)
        #expect(announcement.expected == FeedFixtures.utcDate("2025-09-30T00:00:00Z"))
        #expect(announcement.highestSeverity == .moderate)
        #expect(
            announcement.versions
                == ["1.0.2zm", "1.1.1zd", "3.0.18", "3.2.6", "3.3.5", "3.4.3", "3.5.4"].map(Self.v))
        #expect(announcement.title == "[openssl-announce] Forthcoming OpenSSL Releases")
        #expect(announcement.link == "https://lists.example.org/openssl-announce/msg-0417.html")
        #expect(announcement.feed == "announce")
    }

    @Test func rssPreAnnouncementReadsTheFullTextAndADateWithoutOrdinal() throws {
        let data = try FeedFixtures.data("announce/openssl-announce.rss")
        let found = try AnnounceListParser().parse(data, contentType: "application/rss+xml", feed: "announce")
            .preAnnouncements
        let announcement = try #require(found.first)
        #expect(found.count == 1)
        #expect(announcement.expected == FeedFixtures.utcDate("2026-06-09T00:00:00Z"))
        #expect(announcement.highestSeverity == .high)
        #expect(announcement.versions.contains(Self.v("4.0.1")) && announcement.versions.contains(Self.v("1.1.1zh")))
        #expect(announcement.versions.count == 7)
        #expect(announcement.link == "https://lists.example.org/openssl-announce/2026-06/0003.html")
    }

    @Test func titlesThatDoNotMatchAreIgnored() throws {
        let data = try FeedFixtures.data("announce/openssl-announce.atom")
        let parser = AnnounceListParser(titlePattern: "^Security release planned")
        #expect(try parser.parse(data, contentType: nil, feed: "announce").preAnnouncements.isEmpty)
    }

    @Test func aConfiguredPatternSelectsOtherSubjects() throws {
        let data = try FeedFixtures.data("announce/openssl-announce.atom")
        let parser = AnnounceListParser(titlePattern: "is out$")
        let found = try parser.parse(data, contentType: nil, feed: "announce").preAnnouncements
        #expect(found.map(\.expected) == [FeedFixtures.utcDate("2025-09-01T00:00:00Z")])
        #expect(found.first?.versions == [Self.v("3.6.0")])
    }

    @Test func shellShapedVersionsAndImpossibleDatesAreNotRead() {
        let item = XMLFeedReader.Entry(
            title: "Forthcoming OpenSSL Releases",
            text: "Versions 3.5.4$(reboot), `3.0.99;rm -rf`, 1.2.3.4 and 3.5.5 will be made available on "
                + "Monday 31st February 2026, no, on 2nd March 2026. Highest severity issue is Critical.")
        let announcement = AnnounceListParser.announcement(from: item, feed: "a")
        #expect(announcement?.expected == FeedFixtures.utcDate("2026-03-02T00:00:00Z"))
        // Only the version-shaped part of a token survives, as an OpenSSLVersion; 1.2.3.4 is no version.
        #expect(announcement?.versions == [Self.v("3.0.99"), Self.v("3.5.4"), Self.v("3.5.5")])
        #expect(announcement?.highestSeverity == .critical)
    }

    @Test func matchingMessageWithoutADayIsSkipped() {
        let item = XMLFeedReader.Entry(title: "Forthcoming OpenSSL Releases", text: "Soon. Really soon.")
        #expect(AnnounceListParser.announcement(from: item, feed: "a") == nil)
    }

    @Test func hostileFeedsAreFeedErrors() {
        let parser = AnnounceListParser()
        let doctype = Data(
            """
            <?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x "y">]><feed xmlns="http://www.w3.org/2005/Atom"/>
            """.utf8)
        FeedFixtures.expectError(.forbiddenConstruct) { () throws(FeedError) in
            try parser.parse(doctype, contentType: nil, feed: "a")
        }
        let html = Data("<html><body>list archive</body></html>".utf8)
        FeedFixtures.expectError(.unexpectedShape) { () throws(FeedError) in
            try parser.parse(html, contentType: nil, feed: "a")
        }
        let truncated = Data("<rss version=\"2.0\"><channel><item><title>Forthcoming".utf8)
        FeedFixtures.expectError(.malformed) { () throws(FeedError) in
            try parser.parse(truncated, contentType: nil, feed: "a")
        }
        let bigContent = Data(
            ("<rss version=\"2.0\"><channel><item><title>Forthcoming OpenSSL Releases</title><description>"
                + String(repeating: "x", count: 2 << 20) + "</description></item></channel></rss>").utf8)
        FeedFixtures.expectError(.tooLarge) { () throws(FeedError) in
            try parser.parse(bigContent, contentType: nil, feed: "a")
        }
        FeedFixtures.expectError(.wrongContentType) { () throws(FeedError) in
            try parser.parse(Data(), contentType: "text/html", feed: "a")
        }
    }

    @Test func invalidTitlePatternIsAFeedError() {
        FeedFixtures.expectError(.unexpectedShape) { () throws(FeedError) in
            try AnnounceListParser(titlePattern: "([unclosed").parse(Data("<rss/>".utf8), contentType: nil, feed: "a")
        }
        #expect(!AnnounceListParser.isValidPattern("([unclosed"))
        #expect(AnnounceListParser.isValidPattern(AnnounceListParser.defaultTitlePattern))
    }

    @Test func repeatedAnnouncementReplacesWhatItSaysAndKeepsWhatItLeavesOut() {
        let day = Date(timeIntervalSince1970: 1_759_190_400)
        let stored = PreAnnouncement(
            expected: day, highestSeverity: .high, versions: [Self.v("3.5.4")], title: "first",
            link: "https://example.org/1", feed: "announce")
        let silent = PreAnnouncement(
            expected: day, highestSeverity: nil, versions: [], title: "", link: nil, feed: "announce")
        #expect(stored.updated(by: silent) == stored)
        let correction = PreAnnouncement(
            expected: day, highestSeverity: .moderate, versions: [Self.v("3.0.18")], title: "second",
            link: "https://example.org/2", feed: "announce")
        #expect(stored.updated(by: correction) == correction)
    }
}
