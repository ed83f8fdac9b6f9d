import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

/// Damaged copies of the real fixtures: every parser either throws a `FeedError` or returns
/// releases that really are in the fixture, never something made up from the damage.
@Suite struct FeedRobustnessTests {
    static let cases: [(FeedKind, String)] = [
        (.githubReleasesAtom, "feeds/releases.atom"),
        (.githubTagsAtom, "feeds/tags.atom"),
        (.githubReleasesJSON, "feeds/releases.json"),
        (.sourceListing, "feeds/source.html"),
        (.releaseMetadata, "openssl-release-metadata/data.json"),
    ]

    static func versions(_ content: FeedContent) -> Set<String> {
        Set(content.observations.map(\.version.description) + content.series.map(\.series.description))
    }

    @Test("a body cut short anywhere yields an error or a subset of the fixture's releases", arguments: cases)
    func truncated(kind: FeedKind, path: String) throws {
        let body = try FeedFixtures.data(path)
        let parser = FeedParsers.parser(for: kind)
        let whole = Self.versions(try parser.parse(body, contentType: nil, feed: "f"))
        for length in stride(from: 0, to: body.count, by: max(1, body.count / 300)) {
            if let content = try? parser.parse(body.prefix(length), contentType: nil, feed: "f") {
                #expect(Self.versions(content).isSubset(of: whole), "cut at \(length)")
            }
        }
    }

    @Test("a body with bytes overwritten yields an error or a subset of the fixture's releases", arguments: cases)
    func corrupted(kind: FeedKind, path: String) throws {
        let body = try FeedFixtures.data(path)
        let parser = FeedParsers.parser(for: kind)
        let whole = Self.versions(try parser.parse(body, contentType: nil, feed: "f"))
        var generator = SplitMix(seed: 0x05_51)
        for _ in 0..<200 {
            var damaged = [UInt8](body)
            for _ in 0..<4 {
                let index = Int(generator.next() % UInt64(damaged.count))
                damaged[index] = [0x3C, 0x3E, 0x22, 0x26, 0x7B, 0x5D, 0x00, 0xFF, 0x2E][Int(generator.next() % 9)]
            }
            if let content = try? parser.parse(Data(damaged), contentType: nil, feed: "f") {
                #expect(Self.versions(content).isSubset(of: whole))
            }
        }
    }

    @Test("deeply nested JSON is refused, not a crash")
    func deepJSON() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        for kind in [FeedKind.githubReleasesJSON, .releaseMetadata] {
            #expect(throws: FeedError.self) {
                try FeedParsers.parser(for: kind).parse(Data(deep.utf8), contentType: nil, feed: "f")
            }
        }
    }

    @Test("deeply nested XML is refused, not a crash")
    func deepXML() {
        let deep =
            "<feed xmlns=\"http://www.w3.org/2005/Atom\">" + String(repeating: "<a>", count: 100_000)
            + String(repeating: "</a>", count: 100_000) + "</feed>"
        FeedFixtures.expectError(.tooLarge) { () throws(FeedError) in
            try GitHubAtomParser().parse(Data(deep.utf8), contentType: nil, feed: "f")
        }
    }

    /// A small deterministic generator, so a failure replays exactly.
    struct SplitMix {
        var state: UInt64

        init(seed: UInt64) { state = seed }

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var value = state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }
    }
}
