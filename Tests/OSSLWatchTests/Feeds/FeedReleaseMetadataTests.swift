import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

@Suite struct FeedReleaseMetadataTests {
    let parser = ReleaseMetadataParser()

    @Test("the real data.json yields every series with its dates and LTS flag, oldest first")
    func realDataJSON() throws {
        let content = try parser.parse(
            FeedFixtures.data("openssl-release-metadata/data.json"), contentType: "text/plain; charset=utf-8",
            feed: "release-metadata")
        #expect(content.observations.isEmpty)
        #expect(
            content.series.map(\.series.description) == [
                "3.0", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "4.0", "4.1", "4.2", "5.0",
            ])
        let lts = content.series.filter(\.lts).map(\.series.description)
        #expect(lts == ["3.0", "3.5", "4.2"])
        let threeFive = try #require(content.series.first { $0.series.description == "3.5" })
        #expect(threeFive.release == MetadataDate(year: 2025, month: 4, day: 8))
        #expect(threeFive.eol == MetadataDate(year: 2030, month: 4, day: 8))
        let planned = try #require(content.series.first { $0.series.description == "4.1" })
        #expect(planned.release == MetadataDate(year: 2026, month: 10))
    }

    @Test("keys that are not series names are skipped")
    func extraKeys() throws {
        let content = try parser.parse(
            FeedFixtures.data("feeds/hostile/metadata-extra-keys.json"), contentType: nil, feed: "m")
        #expect(content.series.map(\.series.description) == ["3.5"])
    }

    @Test(
        "wrong types, bad dates and broken JSON fail the document",
        arguments: [
            ("feeds/hostile/metadata-wrong-types.json", FeedError.Code.unexpectedShape),
            ("feeds/hostile/metadata-bad-date.json", .unexpectedShape),
            ("feeds/releases.json", .unexpectedShape),
            ("feeds/hostile/truncated.json", .malformed),
            ("feeds/hostile/latin1.atom", .encoding),
        ])
    func hostile(path: String, code: FeedError.Code) throws {
        let body = try FeedFixtures.data(path)
        FeedFixtures.expectError(code) { () throws(FeedError) in try parser.parse(body, contentType: nil, feed: "m") }
    }

    @Test("a series value of the wrong JSON type names the series")
    func seriesNotObject() {
        let body = Data("{\"3.5\": [\"08 Apr 2025\"]}".utf8)
        let error = FeedFixtures.expectError(.unexpectedShape) { () throws(FeedError) in
            try parser.parse(body, contentType: nil, feed: "m")
        }
        #expect(error?.message.contains("\"3.5\"") == true)
    }

    @Test("an HTML content type is refused")
    func htmlRefused() throws {
        let body = try FeedFixtures.data("openssl-release-metadata/data.json")
        FeedFixtures.expectError(.wrongContentType) { () throws(FeedError) in
            try parser.parse(body, contentType: "text/html", feed: "m")
        }
    }
}
