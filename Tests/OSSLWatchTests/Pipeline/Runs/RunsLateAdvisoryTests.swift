import Foundation
import Logging
import OSSLWatch
import OSSLWatchCore
import OSSLWatchStore
import Testing

/// A run created before the advisory naming its release was fetched becomes a security
/// release at the next advance: its skipped security steps run, an unsent plain announcement
/// gives way to the security one, and one already sent is left alone with a warning.
@Suite struct RunsLateAdvisoryTests {
    typealias S = StoreSamples

    static let securitySteps = [
        StepSettings(
            name: "verify",
            action: .verifyTarball(
                tarballURL: "https://x/{tag}.tar.gz", keyring: "/k", fingerprint: nil, maxBytes: 1024)),
        StepSettings(name: "advisory", when: .security, action: .command(CommandSpec(argv: ["true"]))),
        StepSettings(name: "announce", action: .announce),
        StepSettings(name: "after", action: .approval(message: "published?")),
    ]

    /// A runner with mail configured (an SMTP server nobody listens on: a send would show as an
    /// attempt) and notices that wait for approval, so no test here opens a connection.
    struct MailHarness {
        let directory = TemporaryStateDirectory()
        let store: Store
        let executor = RecordingExecutor()
        let configuration: Configuration
        let logs = LogRecorder()

        init(review: String? = nil, dryRun: Bool = false, noticesNeedApproval: Bool = true) throws {
            store = try Store(directory: directory.path)
            let project = ProjectSettings(
                name: "cryptography", linked: .literal(S.version("3.5.3")), steps: RunsLateAdvisoryTests.securitySteps,
                nextRelease: "46.0.2", dryRun: dryRun,
                announce: AnnounceSettings(
                    displayName: "PyCA cryptography", packageURL: "https://pypi.org/project/cryptography/",
                    changelogURL: "https://cryptography.io/en/latest/changelog/"))
            let mail = MailSettings(
                from: "PyCA cryptography <cryptography-dev@python.org>", to: ["cryptography-dev@python.org"],
                securityTo: ["oss-security@lists.openwall.com"], maintainers: ["Maintainers <maint@example.org>"],
                review: review, templates: AnnouncerTests.templates, domain: "python.org",
                noticesNeedApproval: noticesNeedApproval, smtp: MailSettings.SMTP(url: "smtp://127.0.0.1:1"))
            configuration = Configuration(
                stateDirectory: directory.path,
                feeds: [
                    FeedSettings(name: "f", kind: .githubReleasesAtom, url: "https://example.org/f", interval: 300)
                ],
                projects: [project], mail: mail)
        }

        func runner(dryRun: Bool = false) -> PipelineRunner {
            PipelineRunner(
                configuration: configuration, store: store, logger: logs.logger, executor: executor, dryRun: dryRun,
                surroundings: .system(environment: ProcessInfo.processInfo.environment))
        }

        func verdict() throws {
            let verdict = Verdict(
                project: "cryptography", linked: S.version("3.5.3"), kind: .patchUpdate, findings: [.patchUpdate],
                target: S.version("3.5.4"), latestPerSeries: [:], confirmation: nil, eol: nil, message: "test")
            try store.saveVerdicts([verdict], at: S.start)
        }

        func states(_ run: Int64) throws -> [String] {
            try store.steps(run: run).map { "\($0.name)=\($0.state.rawValue)" }
        }
    }

    static let cves = ["CVE-2025-9230", "CVE-2025-9231", "CVE-2025-9232"]

    @Test(
        "a run waiting at its gate learns of its advisory: it becomes security and its skipped step runs before the gate"
    )
    func lateAdvisoryReopensSecurityStep() async throws {
        let h = try RunsRunnerTests.Harness()
        defer { h.directory.remove() }
        try h.verdict("3.5.4")
        await h.runner.advance(now: S.start)
        let run = try #require(try h.store.runs().first)
        #expect(!run.isSecurity && run.state == .waitingApproval)
        #expect(try h.states(run.id).contains("advisory=skipped"))

        try RunsAdvisoryTests.storeAdvisories(h.store)
        await h.runner.advance(now: S.start + 60)
        let updated = try #require(try h.store.run(run.id))
        #expect(updated.isSecurity && updated.advisories == Self.cves)
        #expect(updated.state == .waitingApproval)
        #expect(h.executor.executed == ["\(run.id):verify#1", "\(run.id):changelog#1", "\(run.id):advisory#1"])
        #expect(
            try h.states(run.id) == [
                "verify=done", "changelog=done", "advisory=done", "gate=waiting-approval", "announce=pending",
            ])

        // Idempotent: later advances change nothing, and the store refuses a shrinking list.
        await h.runner.advance(now: S.start + 120)
        await h.runner.advance(now: S.start + 180)
        #expect(h.executor.executed.count == 3)
        #expect(try h.store.run(run.id)?.updatedAt == updated.updatedAt)
        #expect(try h.store.addAdvisories(run: run.id, cves: ["CVE-2025-9230"], at: S.start + 200) == nil)
        #expect(try h.store.run(run.id)?.advisories == Self.cves)
    }

    @Test("a security step skipped by the operator, or on a finished run, is not re-opened")
    func onlyRunnerSkipsReopen() async throws {
        let h = try RunsRunnerTests.Harness()
        defer { h.directory.remove() }
        let plan = RunsRunnerTests.steps.map(\.plan)
        let open = try #require(
            try h.store.createRun(
                project: "cryptography", previous: S.version("3.5.3"), target: S.version("3.5.4"),
                nextRelease: "46.0.2", steps: plan, at: S.start))
        try h.store.skip(run: open.id, step: "advisory", at: S.start)
        let update = try #require(try h.store.addAdvisories(run: open.id, cves: Self.cves, at: S.start + 1))
        #expect(update.reopened.isEmpty && update.added == Self.cves && update.run.isSecurity)
        #expect(try h.store.steps(run: open.id)[2].state == .skipped)
        try h.store.cancel(run: open.id, at: S.start + 2)
        #expect(try h.store.addAdvisories(run: open.id, cves: ["CVE-2025-0001"], at: S.start + 3) == nil)
    }

    @Test("an unsent plain draft (approved, even) is withdrawn; the security variant is drafted and waits for approval")
    func plainDraftWithdrawn() async throws {
        let h = try MailHarness()
        defer { h.directory.remove() }
        try h.verdict()
        await h.runner().advance(now: S.start)
        let run = try #require(try h.store.runs().first)
        let plain = try #require(try h.store.outbox(key: "run:\(run.id):announce"))
        #expect(plain.kind == "announcement" && plain.state == .drafted)
        #expect(
            try h.states(run.id) == ["verify=done", "advisory=skipped", "announce=waiting-approval", "after=pending"])
        // Approved, but the advisory is stored before the next advance could send it.
        try h.store.approve(run: run.id, step: nil, at: S.start + 10)
        try RunsAdvisoryTests.storeAdvisories(h.store)
        await h.runner().advance(now: S.start + 60)

        let withdrawn = try #require(try h.store.outbox(plain.id))
        #expect(withdrawn.state == .cancelled && withdrawn.attempts == 0)
        #expect(withdrawn.key == "run:\(run.id):announce:withdrawn-\(plain.id)")
        #expect(withdrawn.reason?.contains("became a security release (CVE-2025-9230, ") == true)
        let security = try #require(try h.store.outbox(key: "run:\(run.id):announce"))
        #expect(security.id != plain.id && security.kind == "security-announcement" && security.state == .drafted)
        #expect(security.messageID != plain.messageID)
        #expect(security.recipients.contains("oss-security@lists.openwall.com"))
        let text = String(decoding: try #require(try h.store.outboxMessage(security.id)), as: UTF8.self)
        #expect(text.contains("CVE-2025-9230"))
        #expect(try h.states(run.id) == ["verify=done", "advisory=done", "announce=waiting-approval", "after=pending"])
        #expect(try h.store.steps(run: run.id)[2].approvedAt == nil)
        #expect(h.logs.messages(.notice).contains("run is a security release: advisory learnt after it began"))
        let learnt = try #require(h.logs.all.first { $0.message.hasPrefix("run is a security release") })
        #expect(
            learnt.metadata["severity"] == "Moderate" && learnt.metadata["added"] == Self.cves.joined(separator: ","))

        // Again: nothing more is withdrawn or drafted.
        await h.runner().advance(now: S.start + 120)
        #expect(try h.store.outboxRecords().count == 2)
    }

    @Test("a plain announcement already sent is left alone: a warning, and a notice for the maintainers")
    func sentAnnouncementLeftAlone() async throws {
        let h = try MailHarness()
        defer { h.directory.remove() }
        try h.verdict()
        await h.runner().advance(now: S.start)
        let run = try #require(try h.store.runs().first)
        let plain = try #require(try h.store.outbox(key: "run:\(run.id):announce"))
        _ = try h.store.approveDraft(plain.id, at: S.start + 1)
        // What the sender records around an accepted SMTP transaction.
        _ = try h.store.beginSending(plain.id, at: S.start + 2)
        _ = try h.store.finishSending(plain.id, .sent(code: 250, text: "2.0.0 Ok: queued"), at: S.start + 3)
        await h.runner().advance(now: S.start + 4)
        #expect(try h.states(run.id) == ["verify=done", "advisory=skipped", "announce=done", "after=waiting-approval"])

        try RunsAdvisoryTests.storeAdvisories(h.store)
        await h.runner().advance(now: S.start + 60)
        #expect(try h.store.outbox(plain.id)?.state == .sent)
        #expect(try h.store.outbox(plain.id)?.key == "run:\(run.id):announce")
        #expect(try h.states(run.id) == ["verify=done", "advisory=done", "announce=done", "after=waiting-approval"])
        #expect(try h.store.run(run.id)?.isSecurity == true)
        #expect(
            h.logs.messages(.warning) == ["plain announcement already out: announce the security advisory by hand"])
        let notice = try #require(try h.store.outbox(key: "notice:cryptography:late-advisory:run-\(run.id)"))
        #expect(notice.kind == "notice" && notice.state == .drafted && notice.recipients == ["maint@example.org"])
        let text = String(decoding: try #require(try h.store.outboxMessage(notice.id)), as: UTF8.self)
        #expect(text.contains("CVE-2025-9231") && text.contains("by hand"))

        await h.runner().advance(now: S.start + 120)
        #expect(h.logs.messages(.warning).count == 1)
        #expect(try h.store.outboxRecords().count == 2)
    }
}
