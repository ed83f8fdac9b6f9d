import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

@Suite struct AnnouncementContextTests {
    @Test func anchorFollowsTheChangelogConvention() {
        #expect(AnnouncementContext.anchor(for: "46.0.2") == "v46-0-2")
        #expect(AnnouncementContext.anchor(for: "47.0.0rc1") == "v47-0-0rc1")
    }

    @Test func releaseContextCarriesTheRunFacts() throws {
        let context = try AnnounceFixtures.context()
        #expect(context.anchor == "v46-0-2")
        #expect(context.changelogURL == "https://cryptography.io/en/latest/changelog/#v46-0-2")
        #expect(context.openssl == "3.5.4")
        #expect(context.previous == "3.5.3")
        #expect(context.date == "2025-09-30")
        #expect(!context.isSecurity)
        #expect(context.highestSeverity == nil)
        // The changelog already has the OpenSSL line: it is not added twice.
        #expect(
            context.changelogBullets == ["Updated Windows, macOS, and Linux wheels to be compiled with OpenSSL 3.5.4."])
    }

    @Test func openSSLLineIsAddedWhenTheChangelogLacksIt() throws {
        let context = AnnouncementContext.release(
            project: "p", displayName: "P", nextRelease: "47.0.0", previous: OpenSSLVersion("3.5.4")!,
            target: OpenSSLVersion("3.5.5")!, date: AnnounceFixtures.date,
            changelogPage: "https://example.org/changelog/#old", packageURL: "https://example.org/p/",
            signature: "s", changelogBullets: ["Mentions OpenSSL 3.5.50 which is another version."])
        #expect(context.changelogURL == "https://example.org/changelog/#v47-0-0")
        #expect(
            context.changelogBullets == [
                "Mentions OpenSSL 3.5.50 which is another version.",
                "Updated Windows, macOS, and Linux wheels to be compiled with OpenSSL 3.5.5.",
            ])
    }

    @Test func securityContextSortsAdvisoriesAndTakesTheHighestSeverity() throws {
        let context = try AnnounceFixtures.context(advisories: AnnounceFixtures.advisories)
        #expect(context.isSecurity)
        #expect(context.highestSeverity == "Moderate")
        #expect(context.advisories.map(\.cve) == ["CVE-2025-9230", "CVE-2025-9231", "CVE-2025-9232"])
        #expect(context.advisories.allSatisfy { $0.fixedIn == "3.5.4" })
    }

    @Test func noticeSetsExactlyItsTopicFlag() {
        for topic in NoticeTopic.allCases {
            let context = AnnouncementContext.notice(
                topic: topic, project: "p", displayName: "P", linked: OpenSSLVersion("3.0.17")!)
            let flags = [
                context.isNewSeries, context.isEOLSoon, context.isLinkedSeriesEOL, context.isUrgentAdvisory,
                context.isExpectedRelease,
            ]
            #expect(flags.filter { $0 }.count == 1)
            #expect(context.verdictKind == topic.rawValue)
        }
    }

    @Test func contextRoundTripsThroughJSON() throws {
        let context = try AnnounceFixtures.context(advisories: AnnounceFixtures.advisories)
        let data = try JSONEncoder().encode(context)
        #expect(try JSONDecoder().decode(AnnouncementContext.self, from: data) == context)
    }
}
