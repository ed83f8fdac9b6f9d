import Foundation
import Logging
import OSSLWatchCore
import OSSLWatchStore
import Testing

@testable import OSSLWatch

/// `osslwatch run --dry-run` and a project's `dry_run: true` never send mail: the
/// announcement is still drafted (to be reviewed), review copies and notices are withheld,
/// and each row says "dry run: not sent". The SMTP URL points where nobody listens, so any
/// attempt would show as one.
@Suite struct MailDryRunTests {
    typealias S = StoreSamples
    typealias Harness = RunsLateAdvisoryTests.MailHarness

    /// Drafts, approves and advances again; returns the run.
    func approveAnnouncement(_ h: Harness, dryRun: Bool) async throws -> RunRecord {
        try h.verdict()
        await h.runner(dryRun: dryRun).advance(now: S.start)
        let run = try #require(try h.store.runs().first)
        let draft = try #require(try h.store.outbox(key: "run:\(run.id):announce"))
        #expect(draft.state == .drafted && draft.reason == Store.dryRunReason)
        #expect(FileManager.default.fileExists(atPath: h.directory.path + "/drafts/new/" + draft.maildirFile))
        let review = try #require(try h.store.outbox(key: "run:\(run.id):announce:review"))
        #expect(review.state == .cancelled && review.reason == Store.dryRunReason && review.attempts == 0)
        try h.store.approve(run: run.id, step: nil, at: S.start + 10)
        await h.runner(dryRun: dryRun).advance(now: S.start + 20)
        return run
    }

    @Test("--dry-run: the announcement is drafted and, once approved, cancelled unsent; its step is done")
    func daemonDryRun() async throws {
        let h = try Harness(review: "Reviewer <review@example.org>")
        defer { h.directory.remove() }
        let run = try await approveAnnouncement(h, dryRun: true)
        let draft = try #require(try h.store.outbox(key: "run:\(run.id):announce"))
        #expect(draft.state == .cancelled && draft.reason == Store.dryRunReason && draft.attempts == 0)
        #expect(draft.sentAt == nil)
        let step = try h.store.steps(run: run.id)[2]
        #expect(step.state == .done && step.reason == "dry run: draft \(draft.id) written to the Maildir, not sent")
        #expect(try h.states(run.id) == ["verify=done", "advisory=skipped", "announce=done", "after=waiting-approval"])
        #expect(try h.store.attempts(run: run.id).filter { $0.step == "announce" }.isEmpty)
        #expect(try h.store.outboxRecords().allSatisfy { $0.attempts == 0 && $0.state != .sent })
    }

    @Test("a project's dry_run withholds its mail even from a daemon that is not a dry run")
    func projectDryRun() async throws {
        let h = try Harness(review: "Reviewer <review@example.org>", dryRun: true)
        defer { h.directory.remove() }
        let run = try await approveAnnouncement(h, dryRun: false)
        #expect(try h.store.outbox(key: "run:\(run.id):announce")?.state == .cancelled)
        #expect(try h.store.steps(run: run.id)[2].state == .done)
        #expect(try h.store.outboxRecords().allSatisfy { $0.attempts == 0 })
    }

    @Test("notices are drafted, not approved, in a dry run; one approved by hand stays unsent and says why")
    func noticesWithheld() async throws {
        let h = try Harness(noticesNeedApproval: false)
        defer { h.directory.remove() }
        let verdict = Verdict(
            project: "cryptography", linked: S.version("3.5.3"), kind: .newSeries, findings: [.newSeries],
            target: nil, latestPerSeries: [Series(major: 3, minor: 6): S.version("3.6.0")], confirmation: nil,
            eol: nil, message: "OpenSSL 3.6 is out")
        try h.store.saveVerdicts([verdict], at: S.start)
        await h.runner(dryRun: true).advance(now: S.start)
        let notice = try #require(try h.store.outboxRecords().first { $0.kind == "notice" })
        #expect(notice.state == .drafted && notice.reason == Store.dryRunReason)

        _ = try h.store.approveDraft(notice.id, at: S.start + 10)
        await h.runner(dryRun: true).advance(now: S.start + 20)
        await h.runner(dryRun: true).advance(now: S.start + 30)
        let held = try #require(try h.store.outbox(notice.id))
        #expect(held.state == .approved && held.attempts == 0 && held.reason == Store.dryRunReason)
        #expect(h.logs.messages(.notice).filter { $0 == "message not sent: dry run" }.count == 1)

        // The sender itself refuses in a dry run, whoever calls it.
        let sender = OutboxSender(
            mail: try #require(h.configuration.mail), store: h.store, logger: h.logs.logger,
            surroundings: .system(environment: [:]),
            dryRun: true)
        let again = try await sender.send(held)
        #expect(again.state == .approved && again.attempts == 0)
    }
}
