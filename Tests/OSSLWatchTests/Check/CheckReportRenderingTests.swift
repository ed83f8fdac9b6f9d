import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

/// `check` and `status` text and JSON with advisories, end of life and an expected release.
@Suite struct CheckReportRenderingTests {
    func verdict(
        linked: String, on day: String, preAnnouncements: [PreAnnouncement] = []
    ) throws -> Verdict {
        let history = try ReleaseHistory.load()
        let now = ReleaseHistory.day(day)
        let advisories = try AdvisoryFixtures.all().filter { ($0.published ?? .distantPast) <= now }
        return VerdictEngine.verdict(
            project: "cryptography", linked: try AdvisoryFixtures.version(linked),
            releases: history.releases(asOf: now), series: history.series, policy: VerdictPolicy(), now: now,
            advisories: AdvisoryIndex(advisories), preAnnouncements: preAnnouncements, evidence: .assumed)
    }

    func report(_ verdict: Verdict, on day: String, knownAdvisories: Int = 4) throws -> CheckReport {
        let history = try ReleaseHistory.load()
        let linked = LinkedVersion(version: verdict.linked, origin: "literal in the config")
        return CheckReport(
            checkedAt: ReleaseHistory.day(day), feeds: [], feedStates: [],
            projects: [.init(name: "cryptography", linked: linked, linkedError: nil, verdict: verdict)],
            series: history.series, knownAdvisories: knownAdvisories)
    }

    @Test("check lists the linked version's CVEs with severity and fixing release, and what the target fixes")
    func securityUpdate() throws {
        let text = CheckReportRenderer.text(
            try report(try verdict(linked: "3.5.3", on: "2025-09-30"), on: "2025-09-30"))
        let lines = text.split(separator: "\n").map(String.init)
        let cves = try #require(lines.firstIndex { $0.hasPrefix("  cves       ") })
        #expect(
            lines[cves]
                == "  cves       CVE-2025-9230  Moderate  fixed in 3.5.4  Out-of-bounds read & write in RFC 3211 KEK Unwrap",
            "\(text)")
        #expect(lines[cves + 1].hasPrefix("             CVE-2025-9231  Moderate  fixed in 3.5.4  Timing side-channel"))
        #expect(lines[cves + 2].hasPrefix("             CVE-2025-9232  Low       fixed in 3.5.4  Out-of-bounds read"))
        #expect(
            text.contains(
                "  fixes      3.5.4 fixes all 3 above, highest Moderate: a security release"
            ))
        #expect(
            text.contains(
                "  verdict    patch-update: 3.5.4 released (linked 3.5.3), confirmed by 2 feeds, fixes 3 CVEs"))
        #expect(text.contains("  support    3.5 LTS until 08 Apr 2030\n"))
    }

    @Test("check says when no advisory is known at all, and when none affects the linked version")
    func noCVEs() throws {
        let verdict = try verdict(linked: "3.5.4", on: "2025-10-15")
        let none = CheckReportRenderer.text(try report(verdict, on: "2025-10-15", knownAdvisories: 0))
        #expect(none.contains("  cves       none known: no advisories stored (configure a secadv or cve-json feed)"))
        let clean = CheckReportRenderer.text(try report(verdict, on: "2025-10-15", knownAdvisories: 4))
        #expect(clean.contains("  cves       none known for 3.5.4 (4 advisories stored)"))
        #expect(!clean.contains("  fixes "))
    }

    @Test("a fix for premium support customers only is marked as such")
    func premiumOnly() throws {
        let text = CheckReportRenderer.text(
            try report(try verdict(linked: "1.1.1w", on: "2025-10-01"), on: "2025-10-01"))
        #expect(text.contains("  cves       CVE-2025-9230  Moderate  fixed in 1.1.1zd (premium only)  "), "\(text)")
    }

    @Test("check shows eol-soon and linked-series-eol with the series to move to, LTS marked")
    func endOfLife() throws {
        let soon = CheckReportRenderer.text(
            try report(try verdict(linked: "3.0.21", on: "2026-07-01"), on: "2026-07-01"))
        #expect(
            soon.contains("  support    3.0 LTS until 07 Sep 2026: eol-soon (in 68 days); move to 3.5 LTS or 4.0"),
            "\(soon)")
        let over = CheckReportRenderer.text(
            try report(try verdict(linked: "3.0.21", on: "2026-11-25"), on: "2026-11-25"))
        #expect(
            over.contains("  support    3.0 LTS ended 07 Sep 2026: linked-series-eol; move to 3.5 LTS or 4.1 or 4.0"),
            "\(over)")
    }

    @Test("check and status show an expected release; the JSON carries the same fields")
    func expectedRelease() throws {
        let announcement = PreAnnouncement(
            expected: ReleaseHistory.day("2026-06-09"), highestSeverity: .high, versions: [],
            title: "Forthcoming OpenSSL Releases", link: nil, feed: "announce")
        let verdict = try verdict(linked: "3.5.6", on: "2026-06-02", preAnnouncements: [announcement])
        let report = try report(verdict, on: "2026-06-02")
        let text = CheckReportRenderer.text(report)
        #expect(
            text.contains(
                "  expected   security release on 2026-06-09, highest severity High: Forthcoming OpenSSL Releases"),
            "\(text)")
        let json = try CheckReportRenderer.json(report)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let project = try #require((object["projects"] as? [[String: Any]])?.first)
        let encoded = try #require(project["verdict"] as? [String: Any])
        let expected = try #require(encoded["expectedRelease"] as? [String: Any])
        #expect(expected["expected"] as? String == "2026-06-09T00:00:00Z")
        #expect(expected["highestSeverity"] as? String == "High")
        #expect(encoded["vulnerabilities"] as? [Any] != nil && encoded["fixes"] as? [Any] != nil)
        #expect(encoded["supportedSeries"] as? [Any] != nil)
        #expect(object["knownAdvisories"] as? Int == 4)
    }

    @Test("status prints the security lines under the project's verdict, JSON has them in the verdict")
    func status() throws {
        let verdict = try verdict(linked: "3.0.17", on: "2026-06-08")
        let history = try ReleaseHistory.load()
        let now = ReleaseHistory.day("2026-06-08")
        let report = StatusReport(
            generatedAt: now, configFile: "/etc/osslwatch.yaml", stateDirectory: "/var/lib/osslwatch",
            daemon: .init(running: false, pid: nil, pidFile: "/run/osslwatch.pid", detail: "no pid file"), feeds: [],
            projects: [.init(name: "cryptography", verdict: verdict, computedAt: now)], pendingRequests: [],
            series: history.series, knownAdvisories: 4)
        let text = StatusReportRenderer.text(report)
        #expect(text.contains("  cryptography: patch-update, linked 3.0.17: "), "\(text)")
        #expect(text.contains("    cves       CVE-2025-9230  Moderate  fixed in 3.0.18  "), "\(text)")
        #expect(
            text.contains("    fixes      3.0.18 fixes both above, highest Moderate: a security release"), "\(text)")
        #expect(!text.contains("    support "), "3.0 is not yet within 90 days of its end on 8 Jun 2026")
        let json = try StatusReportRenderer.json(report)
        #expect(json.contains("\"supportedSeries\" : [\n"), "\(json)")
        #expect(json.contains("\"CVE-2025-9230\""))
    }
}
