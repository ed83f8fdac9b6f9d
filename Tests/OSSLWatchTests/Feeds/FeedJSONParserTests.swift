import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

@Suite struct FeedJSONParserTests {
    let parser = GitHubReleasesJSONParser()

    @Test("releases.json yields the same history as the Atom feed, with flags, times and assets")
    func releasesFixture() throws {
        let content = try parser.parse(
            FeedFixtures.data("feeds/releases.json"), contentType: "application/json; charset=utf-8", feed: "rest")
        #expect(content.observations.map(\.version.description) == FeedFixtures.historyNewestFirst)
        let atom = try GitHubAtomParser().parse(
            FeedFixtures.data("feeds/releases.atom"), contentType: nil, feed: "atom")
        #expect(content.observations.map(\.time) == atom.observations.map(\.time))
        #expect(Set(content.observations.filter(\.isPrerelease).map(\.version.description)) == FeedFixtures.prereleases)
        #expect(content.observations.allSatisfy { !$0.isDraft && $0.feed == "rest" })

        let first = try #require(content.observations.first)
        #expect(first.tag == "openssl-3.0.21")
        #expect(first.link == "https://github.com/openssl/openssl/releases/tag/openssl-3.0.21")
        #expect(
            first.assets.map(\.name) == [
                "openssl-3.0.21.tar.gz", "openssl-3.0.21.tar.gz.asc", "openssl-3.0.21.tar.gz.sha1",
                "openssl-3.0.21.tar.gz.sha256",
            ])
        let tarball = try #require(first.assets.first)
        #expect(
            tarball.url == "https://github.com/openssl/openssl/releases/download/openssl-3.0.21/openssl-3.0.21.tar.gz")
        #expect((tarball.size ?? 0) > 15_000_000)
    }

    @Test("entries with wrong JSON types are skipped; the well-formed one is kept whole")
    func wrongTypesSkipped() throws {
        let content = try parser.parse(FeedFixtures.data("feeds/hostile/wrong-types.json"), contentType: nil, feed: "j")
        #expect(content.observations.map(\.version.description) == ["3.5.4"])
        #expect(
            content.observations.first?.assets.map(\.name) == ["openssl-3.5.4.tar.gz", "openssl-3.5.4.tar.gz.sha256"])
    }

    @Test(
        "hostile JSON fixtures fail with the expected error code",
        arguments: [
            ("feeds/hostile/truncated.json", FeedError.Code.malformed),
            ("feeds/hostile/rate-limit.json", .unexpectedShape),
            ("feeds/hostile/object.json", .unexpectedShape),
            ("feeds/releases.atom", .malformed),
            ("feeds/hostile/latin1.atom", .encoding),
        ])
    func hostileFixtures(path: String, code: FeedError.Code) throws {
        let body = try FeedFixtures.data(path)
        FeedFixtures.expectError(code) { () throws(FeedError) in try parser.parse(body, contentType: nil, feed: "j") }
    }

    @Test("GitHub's rate-limit body is reported with its message")
    func rateLimitMessage() throws {
        let body = try FeedFixtures.data("feeds/hostile/rate-limit.json")
        let error = FeedFixtures.expectError(.unexpectedShape) { () throws(FeedError) in
            try parser.parse(body, contentType: "application/json", feed: "j")
        }
        #expect(error?.message.contains("API rate limit exceeded") == true)
    }

    @Test("drafts are kept with isDraft set; a REST prerelease flag marks a final-looking version")
    func draftAndPrereleaseFlags() throws {
        let body = """
            [{"tag_name": "openssl-3.6.4", "draft": true, "prerelease": false, "published_at": null,
              "html_url": "https://github.com/openssl/openssl/releases/tag/untagged-1", "assets": []},
             {"tag_name": "openssl-3.7.0", "draft": false, "prerelease": true,
              "published_at": "2026-09-01T12:00:00Z"}]
            """
        let content = try parser.parse(Data(body.utf8), contentType: "application/json", feed: "j")
        #expect(content.observations.count == 2)
        let draft = content.observations[0]
        #expect(draft.isDraft && !draft.isPrerelease && draft.time == nil)
        let flagged = content.observations[1]
        #expect(!flagged.isDraft && flagged.isPrerelease)
        #expect(flagged.time == FeedFixtures.utcDate("2026-09-01T12:00:00Z"))
    }

    @Test("an empty array is a valid, empty feed")
    func emptyArray() throws {
        #expect(try parser.parse(Data("[]".utf8), contentType: nil, feed: "j").observations.isEmpty)
    }

    @Test("more than 1000 releases is refused")
    func tooMany() {
        let body = "[" + Array(repeating: "{\"tag_name\":\"openssl-3.5.4\"}", count: 1001).joined(separator: ",") + "]"
        FeedFixtures.expectError(.tooLarge) { () throws(FeedError) in
            try parser.parse(Data(body.utf8), contentType: nil, feed: "j")
        }
    }

    @Test("JSON content types and text/plain pass; HTML and images do not")
    func contentTypes() throws {
        let body = Data("[]".utf8)
        for accepted in ["application/json", "application/json; charset=utf-8", "text/plain; charset=utf-8", ""] {
            #expect(throws: Never.self) { try parser.parse(body, contentType: accepted, feed: "j") }
        }
        for refused in ["text/html", "image/png", "application/atom+xml"] {
            FeedFixtures.expectError(.wrongContentType) { () throws(FeedError) in
                try parser.parse(body, contentType: refused, feed: "j")
            }
        }
    }

    @Test("a non-UTF-8 string inside JSON is an encoding error")
    func latin1String() {
        let body = Data("[{\"tag_name\": \"openssl-3.5.4\", \"name\": \"r".utf8) + Data([0xE9]) + Data("sum\"}]".utf8)
        FeedFixtures.expectError(.encoding) { () throws(FeedError) in
            try parser.parse(body, contentType: nil, feed: "j")
        }
    }
}
