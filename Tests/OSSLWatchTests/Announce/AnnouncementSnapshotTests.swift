import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

/// The full rendered announcements, byte for byte, against checked-in `.eml` files. Set
/// `OSSLWATCH_UPDATE_SNAPSHOTS=1` to rewrite the files after an intended template change
/// (then read the diff before committing it).
@Suite struct AnnouncementSnapshotTests {
    @Test(arguments: [
        (MessageKind.announcement, "plain-release.eml"),
        (MessageKind.securityAnnouncement, "security-release.eml"),
    ])
    func renderedMessageMatchesSnapshot(kind: MessageKind, file: String) throws {
        let bytes = try AnnounceFixtures.message(kind: kind).rfc5322()
        let url = AnnounceFixtures.directory.appendingPathComponent(file)
        if ProcessInfo.processInfo.environment["OSSLWATCH_UPDATE_SNAPSHOTS"] == "1" {
            try Data(bytes).write(to: url)
        }
        let expected = try [UInt8](Data(contentsOf: url))
        #expect(
            bytes == expected,
            "\(file) differs; if the change is intended, rerun with OSSLWATCH_UPDATE_SNAPSHOTS=1:\n\(String(decoding: bytes, as: UTF8.self))"
        )
    }

    @Test func plainAnnouncementHasThePyCAShape() throws {
        let text = try TemplateSet(directory: AnnounceFixtures.templates).render(
            kind: .announcement, project: "cryptography", context: AnnounceFixtures.context())
        #expect(text.subject == "PyCA cryptography 46.0.2 released")
        #expect(text.body.contains("https://pypi.org/project/cryptography/46.0.2/"))
        #expect(text.body.contains("https://cryptography.io/en/latest/changelog/#v46-0-2\n"))
        #expect(
            text.body.contains("\n* Updated Windows, macOS, and Linux wheels to be compiled with OpenSSL 3.5.4.\n"))
        #expect(text.body.hasSuffix("-The PyCA maintainers\n"))
        #expect(!text.body.contains("CVE-"))
    }

    @Test func securityAnnouncementListsTheCVEsMostSevereFirst() throws {
        let text = try TemplateSet(directory: AnnounceFixtures.templates).render(
            kind: .securityAnnouncement, project: "cryptography",
            context: AnnounceFixtures.context(advisories: AnnounceFixtures.advisories))
        let lines = text.body.split(separator: "\n").filter { $0.hasPrefix("* CVE-") }
        #expect(
            lines == [
                "* CVE-2025-9230: Out-of-bounds read & write in RFC 3211 KEK Unwrap (severity: Moderate)",
                "* CVE-2025-9231: Timing side-channel in SM2 algorithm on 64 bit ARM (severity: Moderate)",
                "* CVE-2025-9232: Out-of-bounds read in HTTP client no_proxy handling (severity: Low)",
            ])
        #expect(text.body.contains("(the most severe is rated Moderate)"))
        // Plain text: `&` is not escaped to `&amp;`.
        #expect(!text.body.contains("&amp;"))
    }

    @Test func messagesAreCRLFWithShortHeaderLines() throws {
        for kind in [MessageKind.announcement, .securityAnnouncement] {
            let bytes = try AnnounceFixtures.message(kind: kind).rfc5322()
            for (index, byte) in bytes.enumerated() where byte == 10 {
                #expect(index > 0 && bytes[index - 1] == 13)
            }
            let head = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
            for line in head.components(separatedBy: "\r\n") {
                #expect(line.utf8.count <= 78, "\(line)")
            }
        }
    }
}
