import Foundation
import OSSLWatch
import OSSLWatchCore
import Testing

@Suite struct VerdictEngineTests {
    static func version(_ text: String) throws -> OpenSSLVersion {
        try #require(OpenSSLVersion(text))
    }

    static func verdict(
        linked: String, on day: String, releases: [Release]? = nil, policy: VerdictPolicy = VerdictPolicy()
    ) throws -> Verdict {
        let history = try ReleaseHistory.load()
        let now = ReleaseHistory.day(day)
        return VerdictEngine.verdict(
            project: "cryptography", linked: try version(linked), releases: releases ?? history.releases(asOf: now),
            series: history.series, policy: policy, now: now, evidence: .assumed)
    }

    /// The history as of `day`, with `version` replaced by a copy seen by `sources` with `checksum`.
    static func history(on day: String, replacing text: String, sources: Set<String>, checksum: Release.Checksum)
        throws -> [Release]
    {
        let target = try version(text)
        var releases = try ReleaseHistory.load().releases(asOf: ReleaseHistory.day(day)).filter { $0.version != target }
        releases.append(
            Release(version: target, sources: sources, firstSeen: ReleaseHistory.day(day), checksum: checksum))
        return releases
    }

    @Test("the fixtures' history holds the same-day releases of 11 Feb 2025 and 30 Sep 2025")
    func historyIsReal() throws {
        let history = try ReleaseHistory.load()
        for (day, versions) in [
            ("2025-02-11", ["3.4.1", "3.3.3", "3.2.4", "3.1.8", "3.0.16"]),
            ("2025-09-30", ["3.5.4", "3.4.3", "3.3.5", "3.2.6", "3.0.18", "1.1.1zd"]),
            ("2026-06-09", ["4.0.1", "3.6.3", "3.5.7", "3.4.6", "3.0.21", "1.1.1zh"]),
        ] {
            for text in versions {
                #expect(history.published[try Self.version(text)] == ReleaseHistory.day(day), "\(text)")
            }
        }
        #expect(history.published[try Self.version("3.4.0-alpha1")] == ReleaseHistory.day("2024-09-05"))
    }

    @Test("linked 3.5.3 on 30 Sep 2025 with 3.5.4 seen by two feeds is an actionable patch update")
    func patchUpdateConfirmedByFeeds() throws {
        let verdict = try Self.verdict(linked: "3.5.3", on: "2025-09-30")
        #expect(verdict.kind == .patchUpdate)
        #expect(verdict.isActionable)
        #expect(verdict.target == (try Self.version("3.5.4")))
        #expect(verdict.confirmation?.isConfirmed == true)
        #expect(verdict.confirmation?.summary == "2 feeds")
        #expect(verdict.message.hasPrefix("3.5.4 released (linked 3.5.3), confirmed by 2 feeds"))
        #expect(!verdict.message.contains("\n"))
    }

    @Test("a newer release seen by one feed only leaves the verdict up to date with a pending candidate")
    func pendingCandidate() throws {
        let releases = try Self.history(
            on: "2025-09-30", replacing: "3.5.4", sources: ["github-releases"], checksum: .unchecked)
        let verdict = try Self.verdict(linked: "3.5.3", on: "2025-09-30", releases: releases)
        #expect(verdict.kind == .upToDate)
        #expect(!verdict.isActionable)
        #expect(verdict.target == nil)
        let pending = try #require(verdict.confirmation)
        #expect(pending.version == (try Self.version("3.5.4")))
        #expect(!pending.isConfirmed)
        #expect(pending.summary == "1 of 2 feeds")
        #expect(verdict.message.contains("3.5.4 seen by 1 of 2 feeds"))
        #expect(
            verdict.latestPerSeries[Series(major: 3, minor: 5)] == (try Self.version("3.5.0")),
            "unconfirmed 3.5.4 is not latest")
    }

    @Test("one feed plus a matching tarball checksum confirms, unless the policy turns that off")
    func checksumConfirms() throws {
        let releases = try Self.history(
            on: "2025-09-30", replacing: "3.5.4", sources: ["github-releases"],
            checksum: .matched(sha256: String(repeating: "0", count: 64)))
        let verdict = try Self.verdict(linked: "3.5.3", on: "2025-09-30", releases: releases)
        #expect(verdict.kind == .patchUpdate)
        #expect(verdict.confirmation?.summary == "1 feed + sha256")
        #expect(verdict.message.contains("confirmed by 1 feed + sha256"))
        let strict = try Self.verdict(
            linked: "3.5.3", on: "2025-09-30", releases: releases, policy: VerdictPolicy(checksumConfirms: false))
        #expect(strict.kind == .upToDate)
        #expect(strict.confirmation?.isConfirmed == false)
    }

    @Test("a mismatched checksum never confirms, but two feeds still do and the mismatch is reported")
    func mismatchedChecksum() throws {
        let once = try Self.history(
            on: "2025-09-30", replacing: "3.5.4", sources: ["github-releases"],
            checksum: .mismatched(reason: "digest differs"))
        let single = try Self.verdict(linked: "3.5.3", on: "2025-09-30", releases: once)
        #expect(single.kind == .upToDate)
        #expect(single.confirmation?.isConfirmed == false)
        #expect(single.message.contains("sha256 mismatch: digest differs"))
        let twice = try Self.history(
            on: "2025-09-30", replacing: "3.5.4", sources: ["github-releases", "github-tags"],
            checksum: .mismatched(reason: "digest differs"))
        let double = try Self.verdict(linked: "3.5.3", on: "2025-09-30", releases: twice)
        #expect(double.kind == .patchUpdate)
        #expect(double.message.contains("sha256 mismatch"))
    }

    @Test("sightings of one version by different feeds in separate rows add up; rows no feed saw do not count")
    func mergesRowsAndDropsDrafts() throws {
        let day = ReleaseHistory.day("2025-09-30")
        let version = try Self.version("3.5.4")
        let releases = [
            Release(version: version, sources: ["github-releases"], firstSeen: day),
            Release(version: version, sources: ["source-page"], firstSeen: day),
            Release(version: try Self.version("3.5.9"), sources: [], firstSeen: day),
        ]
        let verdict = try Self.verdict(linked: "3.5.3", on: "2025-09-30", releases: releases)
        #expect(verdict.target == version)
        #expect(verdict.confirmation?.sources == ["github-releases", "source-page"])
    }

    @Test("linked 3.5.4 once 3.6.0 is out is a new-series notice, not an action")
    func newSeries() throws {
        let verdict = try Self.verdict(linked: "3.5.4", on: "2025-10-02")
        #expect(verdict.kind == .newSeries)
        #expect(verdict.findings == [.newSeries, .upToDate])
        #expect(!verdict.isActionable)
        #expect(verdict.target == nil)
        #expect(verdict.message.contains("3.6.0 is out"))
        let before = try Self.verdict(linked: "3.5.4", on: "2025-09-30")
        #expect(before.kind == .upToDate)
        #expect(before.findings == [.upToDate])
    }

    @Test("linked 3.0 warns eol-soon on 1 Jul 2026 and is linked-series-eol on 8 Sep 2026 (eol 07 Sep 2026)")
    func endOfLife() throws {
        let soon = try Self.verdict(linked: "3.0.21", on: "2026-07-01")
        #expect(soon.kind == .eolSoon)
        #expect(soon.eol == MetadataDate("07 Sep 2026"))
        #expect(soon.findings.contains(.newSeries))
        #expect(soon.message.contains("in 68 days"))
        let after = try Self.verdict(linked: "3.0.21", on: "2026-09-08")
        #expect(after.kind == .linkedSeriesEOL)
        let early = try Self.verdict(linked: "3.0.21", on: "2026-06-01")
        #expect(!early.findings.contains(.eolSoon))
        let narrow = try Self.verdict(linked: "3.0.21", on: "2026-07-01", policy: VerdictPolicy(eolWarningDays: 30))
        #expect(!narrow.findings.contains(.eolSoon))
    }

    @Test("a patch update outranks eol-soon, which stays among the findings")
    func urgencyOrder() throws {
        let verdict = try Self.verdict(linked: "3.0.18", on: "2026-07-01")
        #expect(verdict.kind == .patchUpdate)
        #expect(verdict.target == (try Self.version("3.0.21")))
        #expect(verdict.findings == [.patchUpdate, .eolSoon, .newSeries])
        #expect(verdict.findings.map(\.urgency) == verdict.findings.map(\.urgency).sorted(by: >))
    }

    @Test("a month-only end of life counts from the first of the month")
    func monthOnlyEOL() throws {
        let releases = [
            Release(
                version: try Self.version("4.1.0"), sources: ["a", "b"], firstSeen: ReleaseHistory.day("2026-10-20"))
        ]
        let inside = try Self.verdict(linked: "4.1.0", on: "2027-08-10", releases: releases)
        #expect(inside.kind == .eolSoon)
        #expect(inside.eol == MetadataDate("Nov 2027"))
        let outside = try Self.verdict(linked: "4.1.0", on: "2027-07-01", releases: releases)
        #expect(outside.kind == .upToDate)
        let past = try Self.verdict(linked: "4.1.0", on: "2027-11-01", releases: releases)
        #expect(past.kind == .linkedSeriesEOL)
    }

    @Test("pre-releases are ignored by default and reported only when newer than every stable release")
    func prereleases() throws {
        let ignored = try Self.verdict(linked: "3.3.2", on: "2024-09-06")
        #expect(!ignored.findings.contains(.prerelease))
        #expect(ignored.kind == .upToDate)
        let policy = VerdictPolicy(includePrereleases: true)
        let reported = try Self.verdict(linked: "3.3.2", on: "2024-09-06", policy: policy)
        #expect(reported.kind == .prerelease)
        #expect(reported.message.contains("pre-release 3.4.0-alpha1"))
        let beta = try Self.verdict(linked: "3.3.2", on: "2024-10-08", policy: policy)
        #expect(beta.message.contains("pre-release 3.4.0-beta1"))
        let final = try Self.verdict(linked: "3.3.2", on: "2024-10-23", policy: policy)
        #expect(!final.findings.contains(.prerelease))
        #expect(final.kind == .newSeries)
        #expect(final.latestPerSeries[Series(major: 3, minor: 4)] == (try Self.version("3.4.0")))
    }

    @Test("letter releases order 1.1.1w < 1.1.1z < 1.1.1za < 1.1.1zh in a 1.1.1 verdict")
    func letterReleases() throws {
        let day = ReleaseHistory.day("2024-01-01")
        let releases = try ["1.1.1w", "1.1.1z", "1.1.1za"].map {
            Release(version: try Self.version($0), sources: ["a", "b"], firstSeen: day)
        }
        let verdict = try Self.verdict(linked: "1.1.1w", on: "2024-01-01", releases: releases)
        #expect(verdict.kind == .patchUpdate)
        #expect(verdict.target == (try Self.version("1.1.1za")))
        #expect(verdict.eol == nil)
        let latest = try Self.verdict(linked: "1.1.1za", on: "2024-01-01", releases: releases)
        #expect(latest.kind == .upToDate)
        let history = try Self.verdict(linked: "1.1.1w", on: "2026-06-10")
        #expect(history.target == (try Self.version("1.1.1zh")))
    }

    @Test("latest per series over the real history of 10 Jun 2026, encoded as a JSON object by series")
    func latestPerSeries() throws {
        let history = try ReleaseHistory.load()
        let latest = VerdictEngine.latestPerSeries(
            releases: history.releases(asOf: ReleaseHistory.day("2026-06-10")), policy: VerdictPolicy())
        let expected = [
            "4.0": "4.0.1", "3.6": "3.6.3", "3.5": "3.5.7", "3.4": "3.4.6", "3.0": "3.0.21", "1.1.1": "1.1.1zh",
        ]
        for (series, version) in expected {
            #expect(latest[try #require(Series(series))] == (try Self.version(version)), "\(series)")
        }
        let json = String(decoding: try JSONEncoder().encode(latest), as: UTF8.self)
        #expect(json.contains(#""3.5":"3.5.7""#))
    }

    @Test("a verdict survives a JSON round trip")
    func codable() throws {
        let verdict = try Self.verdict(linked: "3.0.18", on: "2026-07-01")
        let data = try JSONEncoder().encode(verdict)
        #expect(try JSONDecoder().decode(Verdict.self, from: data) == verdict)
    }
}
