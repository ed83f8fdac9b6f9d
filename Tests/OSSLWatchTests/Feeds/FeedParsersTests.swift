import Foundation
import Testing

@testable import OSSLWatch

@Suite struct FeedParsersTests {
    @Test("every feed kind maps to the parser of its format")
    func mapping() {
        #expect(FeedParsers.parser(for: .githubReleasesAtom) is GitHubReleasesAtomParser)
        #expect(FeedParsers.parser(for: .githubTagsAtom) is GitHubTagsAtomParser)
        #expect(FeedParsers.parser(for: .githubReleasesJSON) is GitHubReleasesJSONParser)
        #expect(FeedParsers.parser(for: .releaseMetadata) is ReleaseMetadataParser)
        let listing = FeedParsers.parser(for: .sourceListing) as? SourceListingParser
        #expect(listing?.baseURL == "https://openssl-library.org/source/")
    }

    @Test("each parser reads its own fixture and refuses the others' formats", arguments: FeedKind.allCases)
    func ownFixtureOnly(kind: FeedKind) throws {
        let fixtures: [FeedKind: String] = [
            .githubReleasesAtom: "feeds/releases.atom", .githubTagsAtom: "feeds/tags.atom",
            .githubReleasesJSON: "feeds/releases.json", .sourceListing: "feeds/source.html",
            .releaseMetadata: "openssl-release-metadata/data.json",
        ]
        let parser = FeedParsers.parser(for: kind)
        for (otherKind, path) in fixtures {
            let body = try FeedFixtures.data(path)
            let sameFormat =
                otherKind == kind
                || [otherKind, kind].allSatisfy { [.githubReleasesAtom, .githubTagsAtom].contains($0) }
            if sameFormat {
                let content = try parser.parse(body, contentType: nil, feed: "f")
                #expect(!content.observations.isEmpty || !content.series.isEmpty)
            } else if kind != .sourceListing {
                #expect(throws: FeedError.self) { try parser.parse(body, contentType: nil, feed: "f") }
            } else {
                #expect(try parser.parse(body, contentType: nil, feed: "f").observations.isEmpty)
            }
        }
    }
}
