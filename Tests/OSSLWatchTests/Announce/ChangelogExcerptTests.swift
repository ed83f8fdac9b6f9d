import Foundation
import Testing

@testable import OSSLWatch

@Suite struct ChangelogExcerptTests {
    @Test func readsTheReleaseSectionByAnchor() throws {
        let excerpt = try ChangelogExcerpt.read(file: AnnounceFixtures.changelog, version: "46.0.2")
        #expect(excerpt.heading == "46.0.2 - 2025-09-30")
        #expect(excerpt.bullets == ["Updated Windows, macOS, and Linux wheels to be compiled with OpenSSL 3.5.4."])
    }

    @Test func joinsWrappedBulletsAndStopsAtTheNextSection() throws {
        let excerpt = try ChangelogExcerpt.read(file: AnnounceFixtures.changelog, version: "46.0.1")
        #expect(
            excerpt.bullets == [
                "Fixed an issue where installing on a development version of Python would not install a required dependency.",
                "Fixed building one of the macOS wheels, which failed on the free-threaded interpreter.",
            ])
    }

    @Test func skipsDirectivesAndReadsTheUnreleasedHeading() throws {
        let excerpt = try ChangelogExcerpt.read(file: AnnounceFixtures.changelog, version: "47.0.0")
        #expect(excerpt.heading == "47.0.0 - `main`_")
        #expect(
            excerpt.bullets == [
                "**BACKWARDS INCOMPATIBLE:** Dropped support for an old Python version that reached its end of life.",
                "Added a new option to the example API.",
            ])
    }

    @Test func findsAHeadingWithoutAnchorAndHandlesCRLF() throws {
        let text = "Changes\r\n=======\r\n\r\n1.2.3 - (unreleased)\r\n~~~~~~~~~~~~~~~~~~~~\r\n\r\n* One\r\n  two.\r\n"
        let excerpt = try ChangelogExcerpt(parsing: text, version: "1.2.3")
        #expect(excerpt.bullets == ["One two."])
    }

    @Test func missingSectionIsAnErrorNamingTheFile() {
        do {
            _ = try ChangelogExcerpt.read(file: AnnounceFixtures.changelog, version: "46.0.3")
            Issue.record("no error")
        } catch {
            #expect(error.code == .changelog)
            #expect(error.file == AnnounceFixtures.changelog)
            #expect(error.message.contains("46.0.3"))
        }
        #expect(throws: MailError.self) { try ChangelogExcerpt.read(file: "/nonexistent/CHANGELOG.rst", version: "1") }
        // `46.0` must not match the `46.0.2` heading.
        #expect(throws: MailError.self) {
            try ChangelogExcerpt(parsing: "46.0.2 - x\n~~~~~~~~~~\n* a\n", version: "46.0")
        }
    }
}
