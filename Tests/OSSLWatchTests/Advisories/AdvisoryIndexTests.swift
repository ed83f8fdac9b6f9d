import Foundation
import OSSLWatch
import OSSLWatchCore
import Testing

/// Joining CVEs to versions on the real 2025 and 2026 advisories: texts, records, and both.
@Suite struct AdvisoryIndexTests {
    static let september2025 = ["CVE-2025-9230", "CVE-2025-9231", "CVE-2025-9232"]

    func index(texts: Bool = true, records: Bool = true) throws -> AdvisoryIndex {
        AdvisoryIndex(try AdvisoryFixtures.all(texts: texts, records: records))
    }

    func version(_ text: String) throws -> OpenSSLVersion { try AdvisoryFixtures.version(text) }

    @Test(
        "linked 3.5.3 is affected by the three CVEs of 30 Sep 2025 and 3.5.4 fixes exactly them",
        arguments: [(true, true), (true, false), (false, true)])
    func fixedBy354(texts: Bool, records: Bool) throws {
        let index = try index(texts: texts, records: records)
        let affecting = try index.affecting(version("3.5.3")).map(\.cve)
        for cve in Self.september2025 { #expect(affecting.contains(cve), "\(cve)") }
        let fixed = try index.fixed(by: version("3.5.4"), since: version("3.5.3")).map(\.cve)
        #expect(fixed.sorted() == Self.september2025)
        let still = try index.affecting(version("3.5.4")).map(\.cve)
        #expect(still.allSatisfy { !Self.september2025.contains($0) }, "\(still)")
        // The June 2026 CVEs still affect 3.5.4; 3.5.7 fixes them.
        #expect(still.contains("CVE-2026-45447"))
        #expect(try index.affecting(version("3.5.7")).isEmpty)
    }

    @Test("the vulnerabilities of 3.5.3 carry title, severity and the 3.5 fix, most severe first")
    func vulnerabilities() throws {
        let index = try index()
        let september = try index.vulnerabilities(of: version("3.5.3")).filter {
            Self.september2025.contains($0.cve)
        }
        #expect(september.map(\.cve) == Self.september2025)
        #expect(september.map(\.severity) == [.moderate, .moderate, .low])
        #expect(try september.allSatisfy { $0.fixedBy == (try version("3.5.4")) })
        #expect(september[0].title.contains("RFC 3211 KEK Unwrap"))
        let all = try index.vulnerabilities(of: version("3.5.3"))
        #expect(all.first?.cve == "CVE-2026-45447" && all.first?.severity == .high, "\(all.map(\.cve))")
    }

    @Test("3.0 is affected by CVE-2025-9230 and -9232 but not by -9231, which the text says spares 3.0")
    func sameSeriesOnly() throws {
        for index in [try index(), try index(records: false), try index(texts: false)] {
            let cves = try index.affecting(version("3.0.17")).map(\.cve)
            #expect(cves.contains("CVE-2025-9230") && cves.contains("CVE-2025-9232"))
            #expect(!cves.contains("CVE-2025-9231"))
            #expect(!cves.contains("CVE-2024-12797"), "3.0 was not affected by the February 2025 CVE")
            let fix = try #require(index.advisories.first { $0.cve == "CVE-2025-9230" })
            #expect(
                index.fixingRelease(for: fix, series: try AdvisoryFixtures.series("3.0")) == (try version("3.0.18")))
        }
    }

    @Test("letter releases: 1.1.1w < 1.1.1zd < 1.1.1zh decide which 1.1.1 CVEs apply")
    func letterVersions() throws {
        let index = try index()
        let w = try index.affecting(version("1.1.1w")).map(\.cve)
        #expect(w.contains("CVE-2025-9230") && w.contains("CVE-2026-45447"))
        #expect(!w.contains("CVE-2025-9232"), "1.1.1 is not affected by CVE-2025-9232")
        let zd = try index.affecting(version("1.1.1zd")).map(\.cve)
        #expect(!zd.contains("CVE-2025-9230") && zd.contains("CVE-2026-45447"))
        let fixed = try index.fixed(by: version("1.1.1zh"), since: version("1.1.1zd")).map(\.cve)
        // Five of the June 2026 CVEs reach back to 1.1.1 (fixed in premium-only 1.1.1zh).
        #expect(
            fixed.sorted() == ["CVE-2026-34180", "CVE-2026-42766", "CVE-2026-45447", "CVE-2026-7383", "CVE-2026-9076"],
            "\(fixed)")
        let vulnerability = try #require(
            try index.vulnerabilities(of: version("1.1.1w")).first { $0.cve == "CVE-2025-9230" })
        #expect(vulnerability.fixedBy == (try version("1.1.1zd")))
        #expect(vulnerability.premiumOnly, "1.1.1zd is for premium support customers only")
        #expect(try index.vulnerabilities(of: version("3.5.3")).allSatisfy { !$0.premiumOnly })
    }

    @Test("a pre-release counts as the release it leads to: 4.0.0-beta1 is inside a range starting at 4.0.0")
    func prerelease() throws {
        let index = try index()
        #expect(try index.affecting(version("4.0.0-beta1")).map(\.cve).contains("CVE-2026-45447"))
        #expect(try !index.affecting(version("4.0.1")).map(\.cve).contains("CVE-2026-45447"))
    }

    @Test("a series no fix names is affected only when a record range says so, then with no fixing release")
    func seriesWithoutFix() throws {
        let series31 = try AdvisoryFixtures.series("3.1")
        let textOnly = Advisory(
            cve: "CVE-2099-0001", title: "text only", severity: .high, published: nil,
            fixedIn: [try AdvisoryFixtures.series("3.5"): try version("3.5.9")])
        let ranged = Advisory(
            cve: "CVE-2099-0002", title: "open range", severity: .critical, published: nil, fixedIn: [:],
            affected: [AffectedRange(introduced: try version("3.1.0"), fixed: nil)])
        let index = AdvisoryIndex([textOnly, ranged])
        #expect(try index.affecting(version("3.1.8")).map(\.cve) == ["CVE-2099-0002"])
        #expect(index.fixingRelease(for: ranged, series: series31) == nil)
        #expect(
            try index.vulnerabilities(of: version("3.1.8")) == [
                KnownVulnerability(cve: "CVE-2099-0002", title: "open range", severity: .critical, fixedBy: nil)
            ])
        #expect(try index.affecting(version("3.5.8")).map(\.cve) == ["CVE-2099-0001"])
        #expect(try index.affecting(version("3.6.0")).isEmpty, "no range and no fix line for 3.6: not affected")
        #expect(try index.fixed(by: version("3.1.9"), since: version("3.1.8")).isEmpty)
    }

    @Test("a record range decides its series over the text; the text still decides series no range covers")
    func rangesWin() throws {
        let advisory = Advisory(
            cve: "CVE-2099-0003", title: "t", severity: .low, published: nil,
            fixedIn: [
                try AdvisoryFixtures.series("3.5"): try version("3.5.4"),
                try AdvisoryFixtures.series("3.4"): try version("3.4.3"),
            ],
            affected: [AffectedRange(introduced: try version("3.5.2"), fixed: try version("3.5.4"))])
        let index = AdvisoryIndex([advisory])
        #expect(try index.affecting(version("3.5.1")).isEmpty, "the range starts at 3.5.2")
        #expect(try index.affecting(version("3.5.3")).count == 1)
        #expect(try index.affecting(version("3.4.2")).count == 1, "3.4 has no range: the text's fix line decides")
        #expect(try index.affecting(version("3.4.3")).isEmpty)
    }

    @Test("CVE ids order by year and number, and a duplicate id keeps its first entry")
    func ordering() throws {
        let make = { (cve: String, title: String) in
            Advisory(cve: cve, title: title, severity: nil, published: nil, fixedIn: [:])
        }
        let index = AdvisoryIndex([make("CVE-2025-10001", "a"), make("CVE-2025-9232", "b"), make("CVE-2025-9232", "c")])
        #expect(index.advisories.map(\.cve) == ["CVE-2025-9232", "CVE-2025-10001"])
        #expect(index.advisories[0].title == "b")
        #expect(AdvisoryIndex.highestSeverity(try AdvisoryFixtures.all()) == .high)
    }
}
