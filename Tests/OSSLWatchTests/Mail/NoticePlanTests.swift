import Foundation
import OSSLWatch
import OSSLWatchCore
import Testing

@Suite struct NoticePlanTests {
    static let linked = StoreSamples.version("3.0.17")

    func verdict(
        findings: [VerdictKind], vulnerabilities: [KnownVulnerability] = [], expected: PreAnnouncement? = nil
    ) -> Verdict {
        Verdict(
            project: "cryptography", linked: Self.linked, kind: findings.first ?? .upToDate, findings: findings,
            target: nil,
            latestPerSeries: [
                Series(major: 3, minor: 0): Self.linked, Series(major: 3, minor: 5): StoreSamples.version("3.5.4"),
                Series(major: 3, minor: 6): StoreSamples.version("3.6.0"),
            ],
            confirmation: nil, eol: MetadataDate(year: 2026, month: 9, day: 7), message: "3.0 ends on 2026-09-07",
            vulnerabilities: vulnerabilities, expectedRelease: expected,
            supportedSeries: [Series(major: 3, minor: 5), Series(major: 3, minor: 6)])
    }

    @Test("new-series names the newest series; eol-soon names the linked series, its date and where to move")
    func seriesNotices() throws {
        let notices = Notice.plan(for: verdict(findings: [.eolSoon, .newSeries]), advisories: AdvisorySettings())
        #expect(notices.map(\.key) == ["notice:cryptography:new-series:3.6", "notice:cryptography:eol-soon:3.0"])
        #expect(notices.map(\.idPart) == ["notice.cryptography.new-series.3-6", "notice.cryptography.eol-soon.3-0"])
        let eol = try #require(notices.last?.context)
        #expect(eol.isEOLSoon && !eol.isNewSeries && eol.series == "3.0" && eol.eolDate == "2026-09-07")
        #expect(eol.supportedSeries == ["3.5", "3.6"])
        #expect(notices.first?.context.series == "3.6" && notices.first?.context.isNewSeries == true)
    }

    @Test("past the end of life it is linked-series-eol, once (not eol-soon as well)")
    func pastEOL() {
        let notices = Notice.plan(for: verdict(findings: [.linkedSeriesEOL, .eolSoon]), advisories: AdvisorySettings())
        #expect(notices.map(\.key) == ["notice:cryptography:linked-series-eol:3.0"])
        #expect(notices.first?.context.isLinkedSeriesEOL == true)
    }

    @Test(
        "only advisories of an urgent severity are told at once, one notice per CVE; an expected release once per day")
    func advisoriesAndExpected() {
        let vulnerabilities = [
            KnownVulnerability(cve: "CVE-2025-9230", title: "Out-of-bounds read", severity: .moderate, fixedBy: nil),
            KnownVulnerability(
                cve: "CVE-2025-9231", title: "Timing side-channel", severity: .high,
                fixedBy: StoreSamples.version("3.0.18")),
        ]
        let expected = PreAnnouncement(
            expected: StoreSamples.start, highestSeverity: .high, versions: [StoreSamples.version("3.0.18")],
            title: "OpenSSL security release", link: nil, feed: "announce-list")
        let notices = Notice.plan(
            for: verdict(findings: [.upToDate], vulnerabilities: vulnerabilities, expected: expected),
            advisories: AdvisorySettings())
        #expect(
            notices.map(\.key) == [
                "notice:cryptography:urgent-advisory:CVE-2025-9231", "notice:cryptography:expected-release:2025-09-30",
            ])
        #expect(notices.first?.context.advisories.map(\.cve) == ["CVE-2025-9231"])
        #expect(notices.first?.context.advisories.first?.fixedIn == "3.0.18")
        #expect(notices.last?.context.expectedDate == "2025-09-30" && notices.last?.context.isExpectedRelease == true)
        var quiet = AdvisorySettings()
        quiet.urgent.notifyAtOnce = false
        #expect(
            Notice.plan(for: verdict(findings: [.upToDate], vulnerabilities: vulnerabilities), advisories: quiet)
                .isEmpty)
    }
}
