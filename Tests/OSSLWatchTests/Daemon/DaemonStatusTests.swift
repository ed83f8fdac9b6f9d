import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore
@testable import OSSLWatchDaemon

/// The `STATUS=` line says how urgent a project's state is, briefly: what the update fixes,
/// serious CVEs it leaves open, an expected release.
@Suite struct DaemonStatusTests {
    let feeds = ["releases", "tags"].map { FeedSettings(name: $0, kind: .githubReleasesAtom, url: "https://x/\($0)") }
    let now = Date(timeIntervalSince1970: 1_759_226_400)
    var healthy: [FeedState] { feeds.map { FeedState(name: $0.name, lastAttempt: now, lastSuccess: now) } }

    func version(_ text: String) throws -> OpenSSLVersion { try #require(OpenSSLVersion(text)) }

    func vulnerability(_ cve: String, _ severity: Severity?, fixedBy: String? = "3.5.4") -> KnownVulnerability {
        KnownVulnerability(
            cve: cve, title: "title of \(cve)", severity: severity, fixedBy: fixedBy.flatMap(OpenSSLVersion.init))
    }

    func line(_ verdict: Verdict) -> String {
        let project = CheckReport.ProjectReport(name: verdict.project, linked: nil, linkedError: nil, verdict: verdict)
        return DaemonStatus.line(projects: [project], feeds: feeds, states: healthy, now: now)
    }

    func verdict(
        _ kind: VerdictKind, target: String? = nil, vulnerabilities: [KnownVulnerability] = [], fixes: [String] = [],
        severity: Severity? = nil, expected: PreAnnouncement? = nil
    ) throws -> Verdict {
        Verdict(
            project: "cryptography", linked: try version("3.5.3"), kind: kind, findings: [kind],
            target: try target.map(version), latestPerSeries: [:], confirmation: nil, eol: nil, message: "",
            vulnerabilities: vulnerabilities, fixes: fixes, severity: severity, expectedRelease: expected)
    }

    @Test("a security patch update names the highest severity it fixes")
    func securityUpdate() throws {
        let cves = [vulnerability("CVE-2025-9230", .moderate), vulnerability("CVE-2025-9231", .moderate)]
        let status = line(
            try verdict(
                .patchUpdate, target: "3.5.4", vulnerabilities: cves, fixes: cves.map(\.cve), severity: .moderate))
        #expect(status == "cryptography: linked 3.5.3, upstream 3.5.4 (patch-update, fixes Moderate); 2 feeds ok")
    }

    @Test("fixed CVEs without a stated severity are counted")
    func fixesWithoutSeverity() throws {
        let cves = [vulnerability("CVE-2025-1", nil), vulnerability("CVE-2025-2", nil)]
        let status = line(try verdict(.patchUpdate, target: "3.5.4", vulnerabilities: cves, fixes: cves.map(\.cve)))
        #expect(status.hasPrefix("cryptography: linked 3.5.3, upstream 3.5.4 (patch-update, fixes 2 CVEs);"))
    }

    @Test("High or Critical CVEs the linked version still has are said; Low and Moderate ones are not")
    func openSeriousCVEs() throws {
        let one = line(
            try verdict(
                .upToDate,
                vulnerabilities: [vulnerability("CVE-2026-1", .high, fixedBy: nil), vulnerability("CVE-2026-2", .low)]))
        #expect(one == "cryptography: linked 3.5.3 (up-to-date, affected by a High CVE); 2 feeds ok")
        let two = line(
            try verdict(
                .upToDate,
                vulnerabilities: [
                    vulnerability("CVE-2026-3", .critical, fixedBy: nil), vulnerability("CVE-2026-1", .high),
                ]))
        #expect(two == "cryptography: linked 3.5.3 (up-to-date, affected by 2 CVEs up to Critical); 2 feeds ok")
        let mild = line(try verdict(.upToDate, vulnerabilities: [vulnerability("CVE-2026-2", .moderate)]))
        #expect(mild == "cryptography: linked 3.5.3 (up-to-date); 2 feeds ok")
    }

    @Test("a High CVE the update fixes is said once, as what it fixes")
    func fixedSeriousCVE() throws {
        let cve = vulnerability("CVE-2026-1", .high)
        let status = line(
            try verdict(.patchUpdate, target: "3.5.4", vulnerabilities: [cve], fixes: [cve.cve], severity: .high))
        #expect(status == "cryptography: linked 3.5.3, upstream 3.5.4 (patch-update, fixes High); 2 feeds ok")
    }

    @Test("a pre-announced release shows its day and severity")
    func expectedRelease() throws {
        let announcement = PreAnnouncement(
            expected: Date(timeIntervalSince1970: 1_796_083_200), highestSeverity: .high, versions: [],
            title: "Forthcoming OpenSSL Releases", link: nil, feed: "announce")
        #expect(
            line(try verdict(.upToDate, expected: announcement))
                == "cryptography: linked 3.5.3 (up-to-date, release expected 2026-12-01 fixing High); 2 feeds ok")
        var unrated = announcement
        unrated.highestSeverity = nil
        #expect(
            line(try verdict(.upToDate, expected: unrated))
                == "cryptography: linked 3.5.3 (up-to-date, release expected 2026-12-01); 2 feeds ok")
    }

    @Test("unknown says for how long the release feeds have been silent, or that none was ever read")
    func unknownSaysHowLong() throws {
        var blind = try verdict(.unknown)
        let project = { (verdict: Verdict) in
            CheckReport.ProjectReport(name: verdict.project, linked: nil, linkedError: nil, verdict: verdict)
        }
        #expect(
            DaemonStatus.projectPart(project(blind), now: now)
                == "cryptography: linked 3.5.3 (unknown, no release feed read yet)")
        blind.lastGoodRead = now - (5 * 3600 + 120)
        #expect(
            DaemonStatus.projectPart(project(blind), now: now)
                == "cryptography: linked 3.5.3 (unknown, no good release-feed read for 5h 2m)")
    }
}
