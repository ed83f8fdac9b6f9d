import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

struct SecurityAdvisoryParserTests {
    static func parse(_ name: String) throws -> [Advisory] {
        let data = try FeedFixtures.data("openssl-release-metadata/secadv/\(name)")
        return try SecurityAdvisoryParser().parse(data, contentType: "text/plain; charset=utf-8", feed: "secadv")
            .advisories
    }

    static func v(_ text: String) -> OpenSSLVersion { OpenSSLVersion.parse(bare: text)! }
    static func s(_ text: String) -> Series { Series(text)! }

    @Test func september2025AdvisoryYieldsThreeCVEsWithSeveritiesAndFixesPerSeries() throws {
        let advisories = try Self.parse("20250930.txt")
        #expect(advisories.map(\.cve) == ["CVE-2025-9230", "CVE-2025-9231", "CVE-2025-9232"])
        #expect(advisories.map(\.severity) == [.moderate, .moderate, .low])
        #expect(advisories[0].title == "Out-of-bounds read & write in RFC 3211 KEK Unwrap")
        #expect(advisories[1].title == "Timing side-channel in SM2 algorithm on 64 bit ARM")
        #expect(advisories.allSatisfy { $0.published == FeedFixtures.utcDate("2025-09-30T00:00:00Z") })
        #expect(
            advisories[0].fixedIn == [
                Self.s("3.5"): Self.v("3.5.4"), Self.s("3.4"): Self.v("3.4.3"), Self.s("3.3"): Self.v("3.3.5"),
                Self.s("3.2"): Self.v("3.2.6"), Self.s("3.0"): Self.v("3.0.18"), Self.s("1.1.1"): Self.v("1.1.1zd"),
                Self.s("1.0.2"): Self.v("1.0.2zm"),
            ])
        #expect(advisories[0].premiumOnly == [Self.s("1.1.1"), Self.s("1.0.2")])
        #expect(Set(advisories[1].fixedIn.keys) == [Self.s("3.5"), Self.s("3.4"), Self.s("3.3"), Self.s("3.2")])
        #expect(advisories[1].premiumOnly.isEmpty)
        #expect(advisories[2].fixedIn[Self.s("3.0")] == Self.v("3.0.18"))
        #expect(advisories[2].fixedIn[Self.s("1.1.1")] == nil)
        #expect(advisories.allSatisfy { $0.sources == ["secadv"] && $0.affected.isEmpty })
    }

    @Test func february2025AdvisoryYieldsOneHighCVE() throws {
        let advisories = try Self.parse("20250211.txt")
        #expect(advisories.map(\.cve) == ["CVE-2024-12797"])
        #expect(advisories[0].severity == .high)
        #expect(
            advisories[0].fixedIn == [
                Self.s("3.4"): Self.v("3.4.1"), Self.s("3.3"): Self.v("3.3.3"), Self.s("3.2"): Self.v("3.2.4"),
            ])
    }

    @Test func june2026AdvisoryReadsLinesWithoutFinalDotAndPremiumNotesWithDot() throws {
        let advisories = try Self.parse("20260609.txt")
        #expect(advisories.count == 18)
        let first = try #require(advisories.first)
        #expect(first.cve == "CVE-2026-45447")
        #expect(first.severity == .high)
        #expect(first.fixedIn[Self.s("4.0")] == Self.v("4.0.1"))
        #expect(first.fixedIn[Self.s("1.1.1")] == Self.v("1.1.1zh"))
        #expect(first.premiumOnly == [Self.s("1.1.1"), Self.s("1.0.2")])
        let quic = try #require(advisories.first { $0.cve == "CVE-2026-34183" })
        #expect(quic.fixedIn.count == 4 && quic.fixedIn[Self.s("3.4")] == Self.v("3.4.6"))
        #expect(advisories.allSatisfy { $0.severity != nil && !$0.fixedIn.isEmpty && !$0.title.isEmpty })
    }

    @Test func crlfLineEndingsAndTrailingSpacesInTitlesAreRead() throws {
        let text = try String(
            contentsOf: FeedFixtures.url("openssl-release-metadata/secadv/20250930.txt"), encoding: .utf8)
        let crlf = Data(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        let advisories = try SecurityAdvisoryParser().parse(crlf, contentType: nil, feed: "secadv").advisories
        #expect(advisories.count == 3)
        #expect(advisories[1].title == "Timing side-channel in SM2 algorithm on 64 bit ARM")
    }

    @Test func shellShapedVersionInAnUpgradeLineFailsTheDocument() throws {
        let body = Self.advisory(upgrade: "OpenSSL 3.5 users should upgrade to OpenSSL 3.5.4$(touch /tmp/x).")
        let error = FeedFixtures.expectError(.unexpectedShape) { () throws(FeedError) in
            try SecurityAdvisoryParser().parse(body, contentType: nil, feed: "secadv")
        }
        #expect(error?.message.contains("CVE-2025-0001") == true)
    }

    @Test func olderUpgradeLinesWithoutTheSecondOpenSSLAreRead() throws {
        let body = Self.advisory(upgrade: "OpenSSL 1.0.2 users should upgrade to 1.0.2h")
        let advisory = try #require(
            try SecurityAdvisoryParser().parse(body, contentType: nil, feed: "secadv").advisories.first)
        #expect(advisory.fixedIn == [Self.s("1.0.2"): Self.v("1.0.2h")])
    }

    @Test func upgradeToAnotherSeriesFailsTheDocument() {
        let body = Self.advisory(upgrade: "OpenSSL 3.5 users should upgrade to OpenSSL 3.6.0.")
        FeedFixtures.expectError(.unexpectedShape) { () throws(FeedError) in
            try SecurityAdvisoryParser().parse(body, contentType: nil, feed: "secadv")
        }
    }

    @Test func headingWithSomethingElseThanACVEIdFailsTheDocument() {
        for id in ["CVE-2025-1", "CVE-25-12345", "CVE-2025-1234;rm", "CVE-2025-12345678901234567890"] {
            let body = Self.advisory(cve: id)
            FeedFixtures.expectError(.unexpectedShape) { () throws(FeedError) in
                try SecurityAdvisoryParser().parse(body, contentType: nil, feed: "secadv")
            }
        }
    }

    @Test func unknownSeverityFailsTheDocument() {
        let body = Self.advisory(severity: "Severity: Apocalyptic")
        FeedFixtures.expectError(.unexpectedShape) { () throws(FeedError) in
            try SecurityAdvisoryParser().parse(body, contentType: nil, feed: "secadv")
        }
    }

    @Test func truncatedAdvisoryIsRefused() throws {
        let data = try FeedFixtures.data("openssl-release-metadata/secadv/20250930.txt")
        FeedFixtures.expectError(.malformed) { () throws(FeedError) in
            try SecurityAdvisoryParser().parse(data.prefix(3000), contentType: nil, feed: "secadv")
        }
    }

    @Test func latin1AndUTF16BodiesAreEncodingErrors() throws {
        let text = try String(
            contentsOf: FeedFixtures.url("openssl-release-metadata/secadv/20250930.txt"), encoding: .utf8)
        let latin1 = try #require((text + "Reported by Stéphane.\n").data(using: .isoLatin1))
        FeedFixtures.expectError(.encoding) { () throws(FeedError) in
            try SecurityAdvisoryParser().parse(latin1, contentType: nil, feed: "s")
        }
        let utf16 = try #require(text.data(using: .utf16))
        FeedFixtures.expectError(.encoding) { () throws(FeedError) in
            try SecurityAdvisoryParser().parse(utf16, contentType: nil, feed: "s")
        }
        let utf16le = try #require(text.data(using: .utf16LittleEndian))
        FeedFixtures.expectError(.encoding) { () throws(FeedError) in
            try SecurityAdvisoryParser().parse(utf16le, contentType: nil, feed: "s")
        }
        FeedFixtures.expectError(.encoding) { () throws(FeedError) in
            try SecurityAdvisoryParser().parse(
                Data(text.utf8), contentType: "text/plain; charset=iso-8859-1", feed: "s")
        }
    }

    @Test func hugeTitleAndHugeBodyAreTooLarge() {
        let title = String(repeating: "A", count: 10 << 20)
        let body = Self.advisory(title: title)
        FeedFixtures.expectError(.tooLarge) { () throws(FeedError) in
            try SecurityAdvisoryParser().parse(body, contentType: nil, feed: "s")
        }
        let huge = Data(count: 17 << 20)
        FeedFixtures.expectError(.tooLarge) { () throws(FeedError) in
            try SecurityAdvisoryParser().parse(huge, contentType: nil, feed: "s")
        }
    }

    @Test func htmlErrorPageIsNotAnAdvisory() {
        let body = Data("<html><body>Not Found</body></html>".utf8)
        FeedFixtures.expectError(.wrongContentType) { () throws(FeedError) in
            try SecurityAdvisoryParser().parse(body, contentType: "text/html", feed: "s")
        }
        FeedFixtures.expectError(.unexpectedShape) { () throws(FeedError) in
            try SecurityAdvisoryParser().parse(body, contentType: nil, feed: "s")
        }
    }

    /// A one-CVE advisory in the real layout, with one part replaced.
    static func advisory(
        cve: String = "CVE-2025-0001", title: String = "Something wrong",
        severity: String = "Severity: Low",
        upgrade: String = "OpenSSL 3.5 users should upgrade to OpenSSL 3.5.4."
    ) -> Data {
        let heading = "\(title) (\(cve))"
        return Data(
            """
            OpenSSL Security Advisory [1st October 2025]
            ============================================

            \(heading)
            \(String(repeating: "=", count: 40))

            \(severity)

            Issue summary: a made-up issue for a test.

            \(upgrade)

            General Advisory Notes
            ======================

            Nothing else.

            """.utf8)
    }
}
