import Foundation
import OSSLWatch
import OSSLWatchCore
import Testing

@Suite struct VerdictEdgeCaseTests {
    static let day = ReleaseHistory.day("2025-10-02")

    static func release(_ text: String, _ sources: Set<String> = ["a", "b"]) throws -> Release {
        Release(version: try #require(OpenSSLVersion(text)), sources: sources, firstSeen: day)
    }

    static func verdict(_ linked: String, _ releases: [Release], policy: VerdictPolicy = VerdictPolicy()) throws
        -> Verdict
    {
        VerdictEngine.verdict(
            project: "p", linked: try #require(OpenSSLVersion(linked)), releases: releases, series: [], policy: policy,
            now: day, evidence: .assumed)
    }

    @Test("a linked pre-release is patch-updated by its final release")
    func linkedPrerelease() throws {
        let verdict = try Self.verdict("3.6.0-beta1", [try Self.release("3.6.0-beta1"), try Self.release("3.6.0")])
        #expect(verdict.kind == .patchUpdate)
        #expect(verdict.target == OpenSSLVersion("3.6.0"))
    }

    @Test("a linked version newer than anything the feeds know is up to date")
    func linkedAheadOfFeeds() throws {
        let verdict = try Self.verdict("3.5.9", [try Self.release("3.5.4"), try Self.release("3.4.3")])
        #expect(verdict.kind == .upToDate)
        #expect(verdict.findings == [.upToDate])
        #expect(verdict.confirmation == nil)
    }

    @Test("the target is the newest confirmed release; a newer unconfirmed one is still mentioned")
    func targetAndPending() throws {
        let releases = [try Self.release("3.5.4"), try Self.release("3.5.5"), try Self.release("3.5.6", ["a"])]
        let verdict = try Self.verdict("3.5.3", releases)
        #expect(verdict.target == OpenSSLVersion("3.5.5"))
        #expect(verdict.confirmation?.version == OpenSSLVersion("3.5.5"))
        #expect(verdict.message.contains("3.5.6 seen by 1 of 2 feeds"))
    }

    @Test("with min_feeds 1 a single sighting confirms and says so")
    func singleFeedPolicy() throws {
        let verdict = try Self.verdict("3.5.3", [try Self.release("3.5.4", ["a"])], policy: VerdictPolicy(minFeeds: 1))
        #expect(verdict.kind == .patchUpdate)
        #expect(verdict.confirmation?.summary == "1 feed")
    }

    @Test("a pre-release of the next series is not a new series, and an older series never is")
    func newSeriesNeedsStableNewerSeries() throws {
        let releases = [try Self.release("3.5.4"), try Self.release("3.6.0-alpha1"), try Self.release("3.4.3")]
        let verdict = try Self.verdict("3.5.4", releases)
        #expect(verdict.findings == [.upToDate])
        let withPre = try Self.verdict("3.5.4", releases, policy: VerdictPolicy(includePrereleases: true))
        #expect(withPre.findings == [.prerelease, .upToDate])
        #expect(withPre.kind == .prerelease)
    }
}
