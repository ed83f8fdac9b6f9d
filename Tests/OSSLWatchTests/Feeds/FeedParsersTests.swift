import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

@Suite struct FeedParsersTests {
    @Test("every feed kind maps to the parser of its format")
    func mapping() {
        #expect(FeedParsers.parser(for: .githubReleasesAtom) is GitHubAtomParser)
        #expect(FeedParsers.parser(for: .githubTagsAtom) is GitHubAtomParser)
        #expect(FeedParsers.parser(for: .githubReleasesJSON) is GitHubReleasesJSONParser)
        #expect(FeedParsers.parser(for: .releaseMetadata) is ReleaseMetadataParser)
        #expect(FeedParsers.parser(for: .secadv) is SecurityAdvisoryParser)
        #expect(FeedParsers.parser(for: .cveJSON) is CVERecordParser)
        #expect(FeedParsers.parser(for: .announceList) is AnnounceListParser)
        let listing = FeedParsers.parser(for: .sourceListing) as? SourceListingParser
        #expect(listing?.baseURL == "https://openssl-library.org/source/")
    }

    @Test("each parser reads its own fixture and refuses the others' formats", arguments: FeedKind.allCases)
    func ownFixtureOnly(kind: FeedKind) throws {
        let fixtures: [FeedKind: String] = [
            .githubReleasesAtom: "feeds/releases.atom", .githubTagsAtom: "feeds/tags.atom",
            .githubReleasesJSON: "feeds/releases.json", .sourceListing: "feeds/source.html",
            .releaseMetadata: "openssl-release-metadata/data.json",
            .secadv: "openssl-release-metadata/secadv/20250930.txt",
            .cveJSON: "openssl-release-metadata/secjson/CVE-2025-9230.json",
            .announceList: "announce/openssl-announce.atom",
        ]
        // Atom documents all: each of these parsers reads the others' feeds, finding nothing of its own.
        let atom: Set<FeedKind> = [.githubReleasesAtom, .githubTagsAtom, .announceList]
        let parser = FeedParsers.parser(for: kind)
        for (otherKind, path) in fixtures {
            let body = try FeedFixtures.data(path)
            if otherKind == kind {
                let content = try parser.parse(body, contentType: nil, feed: "f")
                #expect(
                    !content.observations.isEmpty || !content.series.isEmpty || !content.advisories.isEmpty
                        || !content.preAnnouncements.isEmpty)
            } else if atom.contains(otherKind) && atom.contains(kind) {
                let content = try parser.parse(body, contentType: nil, feed: "f")
                if [otherKind, kind].contains(.announceList) {
                    #expect(content.observations.isEmpty && content.preAnnouncements.isEmpty)
                } else {
                    #expect(!content.observations.isEmpty)
                }
            } else if kind == .releaseMetadata && otherKind == .cveJSON {
                // A JSON object without series keys: data.json may grow other keys, which are skipped.
                #expect(try parser.parse(body, contentType: nil, feed: "f").series.isEmpty)
            } else if kind != .sourceListing {
                #expect(throws: FeedError.self) { try parser.parse(body, contentType: nil, feed: "f") }
            } else {
                #expect(try parser.parse(body, contentType: nil, feed: "f").observations.isEmpty)
            }
        }
    }
}
