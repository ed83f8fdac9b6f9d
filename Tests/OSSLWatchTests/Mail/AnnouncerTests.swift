import Foundation
import Logging
import OSSLWatchCore
import OSSLWatchStore
import Testing

@testable import OSSLWatch

/// Drafting with the shipped templates, a real store and a real Maildir (no SMTP).
@Suite struct AnnouncerTests {
    let directory = TemporaryStateDirectory()
    static let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("config/templates").path

    var mail: MailSettings {
        MailSettings(
            from: "PyCA cryptography <cryptography-dev@python.org>", to: ["cryptography-dev@python.org"],
            cc: ["python-announce-list@python.org"], securityTo: ["oss-security@lists.openwall.com"],
            review: "Reviewer <review@example.org>", templates: Self.templates, domain: "python.org",
            signature: "-- Alex", smtp: MailSettings.SMTP(url: "smtp://localhost:25"))
    }

    var project: ProjectSettings {
        ProjectSettings(
            name: "cryptography", linked: .literal(StoreSamples.version("3.5.3")),
            announce: AnnounceSettings(
                displayName: "PyCA cryptography", packageURL: "https://pypi.org/project/cryptography/",
                changelogURL: "https://cryptography.io/en/latest/changelog/"))
    }

    func announcer(_ store: Store) -> Announcer {
        Announcer(
            mail: mail, store: store, maildir: Maildir(stateDirectory: directory.path),
            logger: Logger(label: "test"))
    }

    @Test("a security run drafts the security variant to the lists and oss-security, with its CVEs; once")
    func securityVariant() throws {
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        let advisory = Advisory(
            cve: "CVE-2025-9230", title: "Out-of-bounds read & write in RFC 3211 KEK Unwrap", severity: .moderate,
            published: StoreSamples.start,
            fixedIn: [Series(major: 3, minor: 5): StoreSamples.version("3.5.4")])
        try store.recordFetch(
            FeedURLState(
                feed: "secadv", key: "20250930", url: "https://openssl-library.org/news/secadv/20250930.txt",
                lastStatus: 200, lastAttempt: StoreSamples.start),
            content: FeedContent(advisories: [advisory]))
        let run = try #require(
            try store.createRun(
                project: "cryptography", previous: StoreSamples.version("3.5.3"),
                target: StoreSamples.version("3.5.4"), nextRelease: "46.0.2", advisories: ["CVE-2025-9230"],
                isSecurity: true, steps: [StepPlan(name: "announce", kind: .announce, idempotent: true)],
                at: StoreSamples.start))
        let record = try announcer(store).draftAnnouncement(
            run: run, step: "announce", project: project, nextRelease: "46.0.2", now: StoreSamples.start)
        #expect(record.kind == "security-announcement" && record.state == .drafted)
        #expect(record.messageID == "osslwatch.run-\(run.id).security-announcement@python.org")
        #expect(
            record.recipients == [
                "cryptography-dev@python.org", "oss-security@lists.openwall.com", "python-announce-list@python.org",
            ])
        let text = String(decoding: try #require(try store.outboxMessage(record.id)), as: UTF8.self)
        #expect(text.contains("\r\nTo: cryptography-dev@python.org, oss-security@lists.openwall.com\r\n"), "\(text)")
        #expect(text.contains("CVE-2025-9230") && text.contains("Moderate"))
        #expect(text.contains("https://cryptography.io/en/latest/changelog/#v46-0-2"))
        #expect(try store.steps(run: run.id).first?.state == .waitingApproval)
        let review = try #require(try store.outbox(key: "run:\(run.id):announce:review"))
        #expect(review.role == .review && review.state == .approved && review.recipients == ["review@example.org"])

        // Again (a second advance, a restart): the same row, still one file in new/.
        let again = try announcer(store).draftAnnouncement(
            run: run, step: "announce", project: project, nextRelease: "46.0.2",
            now: StoreSamples.start.addingTimeInterval(60))
        #expect(again.id == record.id)
        let new = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/drafts/new")
        #expect(new == [record.maildirFile])
    }

    @Test("a draft file lost between the row and the Maildir is written again with the same bytes")
    func lostFileRestored() throws {
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        let run = try #require(
            try store.createRun(
                project: "cryptography", previous: StoreSamples.version("3.5.3"),
                target: StoreSamples.version("3.5.4"), nextRelease: "46.0.2",
                steps: [StepPlan(name: "announce", kind: .announce, idempotent: true)], at: StoreSamples.start))
        let record = try announcer(store).draftAnnouncement(
            run: run, step: "announce", project: project, nextRelease: "46.0.2", now: StoreSamples.start)
        #expect(record.kind == "announcement" && !record.recipients.contains("oss-security@lists.openwall.com"))
        let path = directory.path + "/drafts/new/" + record.maildirFile
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try FileManager.default.removeItem(atPath: path)
        try announcer(store).ensureDraftFile(record)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)

        // Once sent, a file the reader deleted stays deleted.
        _ = try store.approveDraft(record.id, at: StoreSamples.start + 1)
        _ = try store.beginSending(record.id, at: StoreSamples.start + 2)
        let sent = try store.finishSending(record.id, .sent(code: 250, text: "2.0.0 Ok"), at: StoreSamples.start + 3)
        try FileManager.default.removeItem(atPath: path)
        try announcer(store).ensureDraftFile(sent)
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
