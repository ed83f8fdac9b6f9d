import Foundation
import OSSLWatch
import OSSLWatchCore

/// One harness per feed kind, each through `FeedParsers`, the path a fetched body takes.
enum FeedHarnesses {
    static let feed = "fuzzed-feed"

    static let all: [Harness] = [
        harness("atom-releases", .githubReleasesAtom, "GitHub releases Atom"),
        harness("atom-tags", .githubTagsAtom, "GitHub tags Atom"),
        harness("releases-json", .githubReleasesJSON, "GitHub releases REST JSON"),
        harness("source-listing", .sourceListing, "the HTML source listing"),
        harness("release-metadata", .releaseMetadata, "release-metadata data.json"),
        harness("secadv", .secadv, "security advisory text"),
        harness("cve-json", .cveJSON, "CVE JSON 5.x record"),
        harness("announce-list", .announceList, "openssl-announce Atom/RSS (XMLFeedReader)"),
    ]

    private static func harness(_ name: String, _ kind: FeedKind, _ what: String) -> Harness {
        let parser = FeedParsers.parser(for: kind, baseURL: "https://mirror.example/source/")
        return Harness(name: name, summary: "\(what): parse, then check what came out") { data in
            check(parser, data)
        }
    }

    /// Parses `data` twice (results must agree) and checks every promise of `FeedContent` and `FeedError`.
    static func check(_ parser: any FeedParser, _ data: Data) {
        let first = Result { () throws(FeedError) in try parser.parse(data, contentType: nil, feed: feed) }
        let second = Result { () throws(FeedError) in try parser.parse(data, contentType: nil, feed: feed) }
        Invariant.require(first == second, "two parses of one body disagree")
        switch first {
        case .failure(let error):
            Invariant.require(error.feed == feed, "error names feed \(error.feed)")
            Invariant.require(!error.message.isEmpty, "error without a message")
            Invariant.require(
                Invariant.isOneLine(error.message), "error message is not one line: \(error.message.debugDescription)")
        case .success(let content):
            check(content)
        }
    }

    static func check(_ content: FeedContent) {
        for observation in content.observations {
            Invariant.require(observation.feed == feed, "observation names feed \(observation.feed)")
            VersionHarness.checkRoundTrip(observation.version)
            if observation.version.isPrerelease {
                Invariant.require(observation.isPrerelease, "pre-release \(observation.version) not flagged")
            }
        }
        for info in content.series {
            for date in [info.release, info.eol] {
                let valid = MetadataDate(year: date.year, month: date.month, day: date.day) != nil
                Invariant.require(valid, "series \(info.series) holds an impossible date \(date.year)-\(date.month)")
            }
        }
        for advisory in content.advisories {
            Invariant.require(
                Advisory.isCVEIdentifier(advisory.cve), "advisory id \(advisory.cve.debugDescription) is not a CVE id")
            for (series, version) in advisory.fixedIn {
                Invariant.require(version.series == series, "\(advisory.cve): \(version) filed under series \(series)")
                VersionHarness.checkRoundTrip(version)
            }
        }
        for announcement in content.preAnnouncements {
            Invariant.require(announcement.feed == feed, "pre-announcement names feed \(announcement.feed)")
            announcement.versions.forEach(VersionHarness.checkRoundTrip)
        }
    }
}
