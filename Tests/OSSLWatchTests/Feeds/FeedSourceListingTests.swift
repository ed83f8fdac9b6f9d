import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

@Suite struct FeedSourceListingTests {
    let parser = SourceListingParser()

    @Test("source.html lists the current release of each supported series with its checksum files")
    func sourceFixture() throws {
        let content = try parser.parse(
            FeedFixtures.data("feeds/source.html"), contentType: "text/html; charset=utf-8", feed: "source")
        #expect(content.observations.map(\.version.description) == ["4.0.1", "3.6.3", "3.5.7", "3.4.6", "3.0.21"])
        let first = try #require(content.observations.first)
        #expect(first.tag == "openssl-4.0.1.tar.gz")
        #expect(first.link == "https://openssl-library.org/source/openssl-4.0.1.tar.gz")
        #expect(
            first.assets.map(\.name) == [
                "openssl-4.0.1.tar.gz", "openssl-4.0.1.tar.gz.sha256", "openssl-4.0.1.tar.gz.asc",
                "openssl-4.0.1.tar.gz.sha1",
            ])
        #expect(first.assets.allSatisfy { $0.url.hasPrefix("https://openssl-library.org/source/openssl-4.0.1.tar.gz") })
        #expect(content.observations.allSatisfy { !$0.isPrerelease && $0.time == nil })
    }

    @Test("the 30 Sep 2025 listing holds 3.5.4 and the 3.6.0 beta, flagged as a pre-release")
    func septemberSnapshot() throws {
        let content = try parser.parse(
            FeedFixtures.data("feeds/snapshot-2025-09-30/source.html"), contentType: "text/html", feed: "source")
        #expect(
            content.observations.map(\.version.description) == [
                "3.6.0-beta1", "3.5.4", "3.4.3", "3.3.5", "3.2.6", "3.0.18",
            ])
        #expect(content.observations.filter(\.isPrerelease).map(\.version.description) == ["3.6.0-beta1"])
    }

    @Test("relative links resolve against the configured base URL")
    func customBase() throws {
        let local = FeedParsers.parser(for: .sourceListing, baseURL: "https://127.0.0.1:8443/mirror/source/")
        let content = try local.parse(FeedFixtures.data("feeds/source.html"), contentType: nil, feed: "source")
        #expect(content.observations.first?.link == "https://127.0.0.1:8443/mirror/source/openssl-4.0.1.tar.gz")
    }

    @Test("javascript:, data:, file:, ftp:, shell-looking and query links are ignored")
    func hostileLinks() throws {
        let content = try parser.parse(FeedFixtures.data("feeds/hostile/hostile.html"), contentType: nil, feed: "s")
        #expect(content.observations.map(\.version.description) == ["3.5.4"])
        #expect(
            content.observations.first?.assets.map(\.name) == ["openssl-3.5.4.tar.gz", "openssl-3.5.4.tar.gz.sha256"])
    }

    @Test("absolute, single-quoted, unquoted and entity-encoded hrefs are all read")
    func hrefForms() throws {
        let page = """
            <a href="https://github.com/openssl/openssl/releases/download/openssl-3.5.4/openssl-3.5.4.tar.gz">a</a>
            <a class=x href='/source/old/3.4/openssl-3.4.3.tar.gz'>b</a>
            <A HREF = openssl-3.0.18.tar.gz>c</A>
            <a href="openssl-3.2.6.tar.gz.sha256">only a digest</a>
            <a href="https://openssl-library.org/source/openssl-3.5.4.tar.gz">duplicate name, first kept</a>
            <a href="old/openssl-1.1.1w.tar.gz?x=1&amp;y=2">query</a>
            """
        let content = try parser.parse(Data(page.utf8), contentType: nil, feed: "s")
        #expect(
            content.observations.map(\.link) == [
                "https://github.com/openssl/openssl/releases/download/openssl-3.5.4/openssl-3.5.4.tar.gz",
                "https://openssl-library.org/source/old/3.4/openssl-3.4.3.tar.gz",
                "https://openssl-library.org/source/openssl-3.0.18.tar.gz",
            ])
    }

    @Test("pre-3.0 tarball names are read too")
    func letterRelease() throws {
        let page = "<a href=\"old/1.1.1/openssl-1.1.1w.tar.gz\">openssl-1.1.1w.tar.gz</a>"
        let content = try parser.parse(Data(page.utf8), contentType: nil, feed: "s")
        #expect(content.observations.map(\.version.description) == ["1.1.1w"])
    }

    @Test("wrong content types and non-UTF-8 pages are refused")
    func refusedBodies() throws {
        let body = try FeedFixtures.data("feeds/source.html")
        for refused in ["application/json", "image/png", "application/atom+xml"] {
            FeedFixtures.expectError(.wrongContentType) { () throws(FeedError) in
                try parser.parse(body, contentType: refused, feed: "s")
            }
        }
        let latin = Data("<a href=\"openssl-3.5.4.tar.gz\">t".utf8) + Data([0xE9, 0x3C]) + Data("/a>".utf8)
        FeedFixtures.expectError(.encoding) { () throws(FeedError) in
            try parser.parse(latin, contentType: nil, feed: "s")
        }
        FeedFixtures.expectError(.tooLarge) { () throws(FeedError) in
            try parser.parse(Data(count: (16 << 20) + 1), contentType: nil, feed: "s")
        }
    }

    @Test("more than 1000 distinct tarballs is refused")
    func tooManyTarballs() {
        let page = (0...1000).map { "<a href=\"openssl-3.5.\($0).tar.gz\">x</a>" }.joined(separator: "\n")
        FeedFixtures.expectError(.tooLarge) { () throws(FeedError) in
            try parser.parse(Data(page.utf8), contentType: nil, feed: "s")
        }
    }
}
