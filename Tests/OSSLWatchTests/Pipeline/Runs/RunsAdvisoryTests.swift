import Foundation
import Logging
import OSSLWatch
import OSSLWatchCore
import OSSLWatchStore
import Testing

/// Runs created from a verdict or a `trigger` record the CVEs their target fixes, which makes
/// them security releases: `when: security` steps run for them and only for them.
@Suite struct RunsAdvisoryTests {
    typealias S = StoreSamples

    /// Stores real advisories (text and records; by default those of 30 Sep 2025) as a feed poll would.
    static func storeAdvisories(_ store: Store, prefix: String = "CVE-2025-") throws {
        let advisories = try AdvisoryFixtures.all().filter { $0.cve.hasPrefix(prefix) }
        _ = try store.recordSuccess(
            feed: "secadv", status: 200, etag: nil, lastModified: nil, content: FeedContent(advisories: advisories),
            at: S.start, nextPoll: S.start + 3600)
    }

    @Test("a verdict's run to 3.5.4 from 3.5.3 records CVE-2025-9230, -9231, -9232 and runs its security step")
    func verdictRun() async throws {
        let h = try RunsRunnerTests.Harness()
        defer { h.directory.remove() }
        try Self.storeAdvisories(h.store)
        try h.verdict("3.5.4")
        await h.runner.advance(now: S.start)
        let run = try #require(try h.store.runs().first)
        #expect(run.advisories == ["CVE-2025-9230", "CVE-2025-9231", "CVE-2025-9232"])
        #expect(run.isSecurity)
        #expect(h.executor.executed == ["\(run.id):verify#1", "\(run.id):changelog#1", "\(run.id):advisory#1"])
        #expect(try h.states(run.id).contains("advisory=done"))
    }

    @Test("a forced run records what its target fixes relative to the linked version; a target fixing nothing is plain")
    func forcedRuns() async throws {
        let h = try RunsRunnerTests.Harness()
        defer { h.directory.remove() }
        try Self.storeAdvisories(h.store)
        _ = try h.store.addRequest(kind: .run, project: "cryptography", version: S.version("3.5.4"), at: S.start)
        await h.runner.advance(now: S.start, runRequests: try PendingRequests.read(from: h.store).runs)
        let forced = try #require(try h.store.runs().first)
        #expect(forced.forced && forced.isSecurity)
        #expect(forced.advisories.count == 3)

        // CVE-2024-12797 concerns 3.4, 3.3 and 3.2 only: a forced 3.5.4 fixes nothing of it.
        let plain = try RunsRunnerTests.Harness()
        defer { plain.directory.remove() }
        try Self.storeAdvisories(plain.store, prefix: "CVE-2024-")
        #expect(try plain.store.advisories().map(\.cve) == ["CVE-2024-12797"])
        _ = try plain.store.addRequest(kind: .run, project: "cryptography", version: S.version("3.5.4"), at: S.start)
        await plain.runner.advance(now: S.start, runRequests: try PendingRequests.read(from: plain.store).runs)
        let run = try #require(try plain.store.runs().first)
        #expect(run.advisories.isEmpty && !run.isSecurity)
        #expect(try plain.states(run.id).contains("advisory=skipped"))
    }

    @Test("without advisories in the store a run is plain and its security step is skipped")
    func noAdvisories() async throws {
        let h = try RunsRunnerTests.Harness()
        defer { h.directory.remove() }
        try h.verdict("3.5.4")
        await h.runner.advance(now: S.start)
        let run = try #require(try h.store.runs().first)
        #expect(run.advisories.isEmpty && !run.isSecurity)
        #expect(try h.states(run.id).contains("advisory=skipped"))
    }
}
