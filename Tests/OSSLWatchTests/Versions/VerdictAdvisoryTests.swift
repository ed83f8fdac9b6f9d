import Foundation
import OSSLWatch
import OSSLWatchCore
import Testing

/// Verdicts with advisories, end of life and pre-announcements, on the real fixture history.
@Suite struct VerdictAdvisoryTests {
    func version(_ text: String) throws -> OpenSSLVersion { try AdvisoryFixtures.version(text) }
    func series(_ text: String) throws -> Series { try AdvisoryFixtures.series(text) }

    /// The verdict on `day` from the releases and advisories published by then.
    func verdict(
        linked: String, on day: String, preAnnouncements: [PreAnnouncement] = [],
        policy: VerdictPolicy = VerdictPolicy()
    ) throws -> Verdict {
        let history = try ReleaseHistory.load()
        let now = ReleaseHistory.day(day)
        let advisories = try AdvisoryFixtures.all().filter { ($0.published ?? .distantPast) <= now }
        return VerdictEngine.verdict(
            project: "cryptography", linked: try version(linked), releases: history.releases(asOf: now),
            series: history.series, policy: policy, now: now, advisories: AdvisoryIndex(advisories),
            preAnnouncements: preAnnouncements, evidence: .assumed)
    }

    @Test("linked 3.5.3 on 30 Sep 2025: 3.5.4 fixes CVE-2025-9230, -9231 and -9232, highest Moderate")
    func securityUpdate() throws {
        let verdict = try verdict(linked: "3.5.3", on: "2025-09-30")
        #expect(verdict.kind == .patchUpdate)
        #expect(verdict.target == (try version("3.5.4")))
        #expect(verdict.fixes == ["CVE-2025-9230", "CVE-2025-9231", "CVE-2025-9232"])
        #expect(verdict.severity == .moderate)
        #expect(verdict.vulnerabilities.map(\.cve) == verdict.fixes)
        #expect(try verdict.vulnerabilities.allSatisfy { $0.fixedBy == (try version("3.5.4")) })
        #expect(
            verdict.message.hasPrefix(
                "3.5.4 released (linked 3.5.3), confirmed by 2 feeds, fixes 3 CVEs, highest Moderate"),
            "\(verdict.message)")
    }

    @Test("linked 3.5.4 after 30 Sep 2025 has no known CVE and fixes nothing")
    func notAffected() throws {
        let verdict = try verdict(linked: "3.5.4", on: "2025-10-15")
        #expect(verdict.vulnerabilities.isEmpty)
        #expect(verdict.fixes.isEmpty && verdict.severity == nil)
        #expect(!verdict.message.contains("CVE"))
    }

    @Test("the CVEs a target does not fix are reported as still affecting the linked version")
    func partialFix() throws {
        // On 10 Jun 2026 linked 3.5.3 updates to 3.5.7, which fixes all: no "also affected".
        let all = try verdict(linked: "3.5.3", on: "2026-06-10")
        #expect(all.target == (try version("3.5.7")))
        #expect(all.fixes.count == all.vulnerabilities.count && all.severity == .high)
        #expect(!all.message.contains("also affected"))
        // With 3.5.7 not yet seen, 3.5.6 is the target and fixes none of June's CVEs.
        let history = try ReleaseHistory.load()
        let now = ReleaseHistory.day("2026-06-10")
        let releases = try ["3.5.5", "3.5.6"].map {
            Release(version: try version($0), sources: ["a", "b"], firstSeen: ReleaseHistory.day("2026-04-07"))
        }
        let verdict = VerdictEngine.verdict(
            project: "p", linked: try version("3.5.5"), releases: releases, series: history.series,
            policy: VerdictPolicy(), now: now, advisories: AdvisoryIndex(try AdvisoryFixtures.all()),
            evidence: .assumed)
        #expect(verdict.target == (try version("3.5.6")))
        #expect(verdict.fixes.isEmpty)
        #expect(
            verdict.message.contains("linked 3.5.5 is also affected by 15 known CVEs, highest High (fixed in 3.5.7)"),
            "\(verdict.message)")
    }

    @Test("linked 3.0.18 is linked-series-eol from 7 Sep 2026 on, pointing at 3.5 LTS and 4.0")
    func endOfLife() throws {
        let history = try ReleaseHistory.load()
        let info = try #require(history.series.first { $0.series == (try? series("3.0")) })
        #expect(info.eol.description == "07 Sep 2026")
        let before = try verdict(linked: "3.0.21", on: "2026-09-06")
        #expect(before.findings.contains(.eolSoon) && !before.findings.contains(.linkedSeriesEOL))
        for (day, move) in [
            ("2026-09-07", ["3.5", "4.0"]), ("2026-09-08", ["3.5", "4.0"]), ("2026-11-25", ["3.5", "4.1", "4.0"]),
        ] {
            let verdict = try verdict(linked: "3.0.21", on: day)
            #expect(verdict.kind == .linkedSeriesEOL, "\(day)")
            #expect(verdict.supportedSeries == move.compactMap(Series.init), "\(day)")
            let text = "reached end of life on 07 Sep 2026; move to \(move.joined(separator: " or "))"
            #expect(verdict.message.contains(text), "\(verdict.message)")
        }
    }

    @Test("3.0 is eol-soon 90 days before 7 Sep 2026 (from 9 Jun), not a day earlier; 30 days when the policy says so")
    func eolSoon() throws {
        let early = try verdict(linked: "3.0.20", on: "2026-06-08")
        #expect(!early.findings.contains(.eolSoon))
        #expect(early.supportedSeries.isEmpty)
        let soon = try verdict(linked: "3.0.21", on: "2026-06-09")
        #expect(soon.kind == .eolSoon)
        // 3.6 and 3.4 end within 90 days of 3.0's end: not worth moving to.
        #expect(soon.supportedSeries == [try series("3.5"), try series("4.0")])
        #expect(soon.message.contains("(in 90 days); move to 3.5 or 4.0"), "\(soon.message)")
        let narrow = try verdict(linked: "3.0.21", on: "2026-07-01", policy: VerdictPolicy(eolWarningDays: 30))
        #expect(!narrow.findings.contains(.eolSoon))
    }

    @Test("a pre-announced release is expected for the linked series until a release of that day is seen")
    func expectedRelease() throws {
        let day = ReleaseHistory.day("2026-06-09")
        let announcement = PreAnnouncement(
            expected: day, highestSeverity: .high, versions: [], title: "Forthcoming OpenSSL Releases",
            link: "https://example.org/a", feed: "announce")
        let before = try verdict(linked: "3.5.6", on: "2026-06-02", preAnnouncements: [announcement])
        #expect(before.expectedRelease == announcement)
        #expect(
            before.message.contains("a security release is expected on 2026-06-09, highest severity High"),
            "\(before.message)")
        let dayOf = try verdict(linked: "3.5.6", on: "2026-06-09", preAnnouncements: [announcement])
        #expect(dayOf.expectedRelease == nil, "3.5.7 was released (and seen) that day")
        let other = PreAnnouncement(
            expected: day, highestSeverity: .high, versions: [try version("4.0.1")], title: "t", link: nil,
            feed: "announce")
        #expect(try verdict(linked: "3.5.6", on: "2026-06-02", preAnnouncements: [other]).expectedRelease == nil)
        let stale = try verdict(
            linked: "3.5.6", on: "2026-06-02",
            preAnnouncements: [
                PreAnnouncement(
                    expected: ReleaseHistory.day("2026-05-20"), highestSeverity: nil, versions: [try version("3.5.9")],
                    title: "old", link: nil, feed: "announce")
            ])
        #expect(stale.expectedRelease == nil, "past its grace of 7 days")
    }

    @Test("a verdict with the new fields survives a JSON round trip; one stored before them still decodes")
    func codable() throws {
        let day = ReleaseHistory.day("2026-06-09")
        let verdict = try verdict(
            linked: "3.0.17", on: "2026-06-08",
            preAnnouncements: [
                PreAnnouncement(
                    expected: day, highestSeverity: .high, versions: [], title: "t", link: nil, feed: "announce")
            ])
        #expect(verdict.expectedRelease != nil && !verdict.vulnerabilities.isEmpty)
        let data = try JSONEncoder().encode(verdict)
        #expect(try JSONDecoder().decode(Verdict.self, from: data) == verdict)
        let old = """
            {"project":"p","linked":"3.5.3","kind":"patch-update","findings":["patch-update"],"target":"3.5.4",
             "latestPerSeries":{"3.5":"3.5.4"},"message":"m"}
            """
        let decoded = try JSONDecoder().decode(Verdict.self, from: Data(old.utf8))
        #expect(decoded.vulnerabilities.isEmpty && decoded.fixes.isEmpty && decoded.supportedSeries.isEmpty)
        #expect(decoded.severity == nil && decoded.expectedRelease == nil)
    }
}
