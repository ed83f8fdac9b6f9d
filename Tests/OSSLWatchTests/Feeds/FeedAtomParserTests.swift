import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

@Suite struct FeedAtomParserTests {
    let releases = GitHubAtomParser()
    let tags = GitHubAtomParser()
    let atomType = "application/atom+xml; charset=utf-8"

    @Test("releases.atom yields every release of the history, newest first, with time and link")
    func releasesFixture() throws {
        let content = try releases.parse(
            FeedFixtures.data("feeds/releases.atom"), contentType: atomType, feed: "github-releases")
        #expect(content.observations.map(\.version.description) == FeedFixtures.historyNewestFirst)
        #expect(content.series.isEmpty)
        let first = try #require(content.observations.first)
        #expect(first.feed == "github-releases")
        #expect(first.tag == "openssl-3.0.21")
        #expect(first.time == FeedFixtures.utcDate("2026-06-09T14:20:03Z"))
        #expect(first.link == "https://github.com/openssl/openssl/releases/tag/openssl-3.0.21")
        #expect(!first.isDraft && first.assets.isEmpty)
        #expect(content.observations.allSatisfy { $0.time != nil && $0.link != nil })
    }

    @Test("pre-releases are derived from the tag, since GitHub's Atom has no flag")
    func prereleasesFromTag() throws {
        let content = try releases.parse(FeedFixtures.data("feeds/releases.atom"), contentType: nil, feed: "r")
        let flagged = Set(content.observations.filter(\.isPrerelease).map(\.version.description))
        #expect(flagged == FeedFixtures.prereleases)
    }

    @Test("tags.atom carries the same releases as releases.atom")
    func tagsFixture() throws {
        let tagContent = try tags.parse(FeedFixtures.data("feeds/tags.atom"), contentType: "application/xml", feed: "t")
        let releaseContent = try releases.parse(FeedFixtures.data("feeds/releases.atom"), contentType: nil, feed: "t")
        #expect(tagContent.observations.map(\.version) == releaseContent.observations.map(\.version))
        #expect(tagContent.observations.map(\.time) == releaseContent.observations.map(\.time))
    }

    @Test("the 30 Sep 2025 snapshot ends at 3.5.4 and the 3.6.0 beta")
    func septemberSnapshot() throws {
        let content = try releases.parse(
            FeedFixtures.data("feeds/snapshot-2025-09-30/releases.atom"), contentType: "text/xml", feed: "r")
        let versions = content.observations.map(\.version)
        #expect(versions.count == 22)
        let finals = versions.filter { !$0.isPrerelease }
        #expect(finals.max()?.description == "3.5.4")
        #expect(versions.max()?.description == "3.6.0-beta1")
    }

    @Test("odd entries (dev, random, shell-looking, mismatched tags) are skipped, the rest kept")
    func oddEntriesSkipped() throws {
        let content = try tags.parse(FeedFixtures.data("feeds/hostile/odd-entries.atom"), contentType: nil, feed: "t")
        #expect(content.observations.map(\.version.description) == ["3.5.4", "3.6.0-beta1"])
        let beta = try #require(content.observations.last)
        #expect(beta.link == nil, "a javascript: link is not kept")
        #expect(beta.time == nil, "an unreadable date is dropped, not guessed")
        #expect(beta.isPrerelease)
    }

    @Test(
        "hostile Atom fixtures fail with the expected error code",
        arguments: [
            ("feeds/hostile/malformed.atom", FeedError.Code.malformed),
            ("feeds/hostile/billion-laughs.atom", .forbiddenConstruct),
            ("feeds/hostile/xxe.atom", .forbiddenConstruct),
            ("feeds/hostile/rss.xml", .unexpectedShape),
            ("feeds/hostile/latin1.atom", .encoding),
            ("feeds/releases.json", .malformed),
            ("feeds/source.html", .forbiddenConstruct),
        ])
    func hostileFixtures(path: String, code: FeedError.Code) throws {
        let body = try FeedFixtures.data(path)
        FeedFixtures.expectError(code) { () throws(FeedError) in try releases.parse(body, contentType: nil, feed: "r") }
        FeedFixtures.expectError(code) { () throws(FeedError) in try tags.parse(body, contentType: nil, feed: "r") }
    }

    @Test("a 10 MiB title is refused as too large")
    func hugeTitle() {
        let body = Data(Self.feed(entries: [Self.entry("3.5.4", title: String(repeating: "A", count: 10 << 20))]).utf8)
        let error = FeedFixtures.expectError(.tooLarge) { () throws(FeedError) in
            try releases.parse(body, contentType: nil, feed: "r")
        }
        #expect((error?.message.utf8.count ?? 0) < 200, "the error does not carry the title")
    }

    @Test("a long title split by child elements is still refused as too large")
    func splitTitle() {
        let pieces = String(repeating: String(repeating: "A", count: 1000) + "<b/>", count: 100)
        let body = Data(Self.feed(entries: [Self.entry("3.5.4", title: pieces)]).utf8)
        FeedFixtures.expectError(.tooLarge) { () throws(FeedError) in
            try releases.parse(body, contentType: nil, feed: "r")
        }
    }

    @Test("a 10 MiB release note inside content is refused as too large")
    func hugeContent() {
        let notes = "<content type=\"html\">" + String(repeating: "&lt;p&gt;x", count: 1 << 20) + "</content>"
        let body = Data(Self.feed(entries: [Self.entry("3.5.4", extra: notes)]).utf8)
        FeedFixtures.expectError(.tooLarge) { () throws(FeedError) in
            try releases.parse(body, contentType: nil, feed: "r")
        }
    }

    @Test("a body over 16 MiB is refused before parsing")
    func hugeBody() {
        let body = Data(count: (16 << 20) + 1)
        FeedFixtures.expectError(.tooLarge) { () throws(FeedError) in
            try releases.parse(body, contentType: nil, feed: "r")
        }
    }

    @Test("more than 1000 entries is refused")
    func tooManyEntries() {
        let body = Data(Self.feed(entries: Array(repeating: Self.entry("3.5.4"), count: 1001)).utf8)
        FeedFixtures.expectError(.tooLarge) { () throws(FeedError) in
            try releases.parse(body, contentType: nil, feed: "r")
        }
        let limit = Data(Self.feed(entries: Array(repeating: Self.entry("3.5.4"), count: 1000)).utf8)
        #expect((try? releases.parse(limit, contentType: nil, feed: "r").observations.count) == 1000)
    }

    @Test("nesting deeper than the limit is refused")
    func deepNesting() {
        let deep = String(repeating: "<x>", count: 200) + String(repeating: "</x>", count: 200)
        let body = Data(Self.feed(entries: [Self.entry("3.5.4", extra: "<content>\(deep)</content>")]).utf8)
        FeedFixtures.expectError(.tooLarge) { () throws(FeedError) in
            try releases.parse(body, contentType: nil, feed: "r")
        }
    }

    @Test(
        "documents that are not Atom at all are errors",
        arguments: [
            ("", FeedError.Code.malformed),
            ("hello", .malformed),
            ("<feed>", .unexpectedShape),
            ("<feed xmlns=\"http://www.w3.org/2005/Atom\">", .malformed),
            ("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>&nbsp;</title></feed>", .forbiddenConstruct),
            ("<html><body>rate limited</body></html>", .unexpectedShape),
            ("<!doctype html><html></html>", .forbiddenConstruct),
            ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"/>", .encoding),
        ])
    func notAtom(text: String, code: FeedError.Code) {
        FeedFixtures.expectError(code) { () throws(FeedError) in
            try releases.parse(Data(text.utf8), contentType: nil, feed: "r")
        }
    }

    @Test("an empty Atom feed is fine and yields nothing")
    func emptyFeed() throws {
        let content = try releases.parse(Data(Self.feed(entries: []).utf8), contentType: nil, feed: "r")
        #expect(content.observations.isEmpty)
    }

    @Test("CDATA text, a UTF-8 BOM and fractional-second dates are read")
    func cdataBOMAndFractions() throws {
        let entry = """
            <entry><id><![CDATA[tag:github.com,2008:Repository/7634677/openssl-3.6.1]]></id>
            <updated>2026-01-27T13:08:20.250Z</updated><title>OpenSSL 3.6.1</title></entry>
            """
        let body = Data([0xEF, 0xBB, 0xBF]) + Data(Self.feed(entries: [entry]).utf8)
        let content = try releases.parse(body, contentType: nil, feed: "r")
        #expect(content.observations.map(\.version.description) == ["3.6.1"])
        #expect(content.observations.first?.time != nil)
    }

    @Test(
        "content types other than Atom/XML are refused",
        arguments: ["text/html", "text/html; charset=utf-8", "image/png", "application/json"])
    func wrongContentType(contentType: String) throws {
        let body = try FeedFixtures.data("feeds/releases.atom")
        FeedFixtures.expectError(.wrongContentType) { () throws(FeedError) in
            try releases.parse(body, contentType: contentType, feed: "r")
        }
    }

    @Test(
        "Atom and XML content types are accepted, with or without parameters",
        arguments: [
            "application/atom+xml", "Application/Atom+XML; charset=\"utf-8\"", "application/xml", "text/xml", "",
        ])
    func acceptedContentType(contentType: String) throws {
        let body = try FeedFixtures.data("feeds/tags.atom")
        #expect(try tags.parse(body, contentType: contentType, feed: "t").observations.count == 40)
    }

    @Test("a declared charset other than UTF-8 is an encoding error")
    func declaredLatin1() throws {
        let body = try FeedFixtures.data("feeds/tags.atom")
        FeedFixtures.expectError(.encoding) { () throws(FeedError) in
            try tags.parse(body, contentType: "application/atom+xml; charset=ISO-8859-1", feed: "t")
        }
    }

    static func entry(_ version: String, title: String? = nil, extra: String = "") -> String {
        """
        <entry>
          <id>tag:github.com,2008:Repository/7634677/openssl-\(version)</id>
          <updated>2025-09-30T13:35:38Z</updated>
          <link rel="alternate" type="text/html" href="https://github.com/openssl/openssl/releases/tag/openssl-\(version)"/>
          <title>\(title ?? "OpenSSL \(version)")</title>
          \(extra)
        </entry>
        """
    }

    static func feed(entries: [String]) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom">
        <id>tag:github.com,2008:https://github.com/openssl/openssl/releases</id>
        <title>Release notes from openssl</title>
        \(entries.joined(separator: "\n"))
        </feed>
        """
    }
}
