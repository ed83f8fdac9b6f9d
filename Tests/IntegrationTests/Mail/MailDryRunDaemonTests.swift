import Foundation
import OSSLWatch
import OSSLWatchTestSupport
import Testing

/// `osslwatch run --dry-run` with mail configured: the announcement is drafted into the
/// Maildir for review, but neither it nor its review copy reaches the SMTP server.
@Suite struct MailDryRunDaemonTests {
    let services: TestServices

    init() throws {
        services = try TestServices.load()
    }

    @Test("a dry run drafts the announcement, withholds the review copy, and after approval sends nothing")
    func dryRunSendsNothing() async throws {
        let scenario = try await MailScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig()
        let e2e = scenario.e2e
        let daemon = try DaemonProcess(
            arguments: [
                "run", "--config", e2e.configPath, "--pid-file", e2e.daemon.pidFile, "--log-level", "info", "--dry-run",
            ],
            environment: ["NOTIFY_SOCKET": e2e.daemon.notify.path],
            logPath: e2e.daemon.base.work.appendingPathComponent("daemon.log").path)
        try await AsyncCleanup.run {
            // The dry run records in its copy of the store; the CLI follows it there.
            try await e2e.followDryRun(daemon)
            let found = try await e2e.waitForRun(timeout: .seconds(60))
            let run = try #require(found, "no run appeared; log: \(daemon.log)")
            let waiting = try await e2e.wait(for: run, timeout: .seconds(120)) {
                $0.stepState("announce") == "waiting-approval" || $0.state == "failed"
            }
            try #require(waiting.stepState("announce") == "waiting-approval", "\(waiting); log: \(daemon.log)")

            let drafts = try await scenario.drafts()
            let message = try #require(drafts.first { $0["role"] as? String == "message" }, "\(drafts)")
            #expect(message["state"] as? String == "drafted" && message["reason"] as? String == "dry run: not sent")
            let path = try #require(message["path"] as? String)
            #expect(FileManager.default.fileExists(atPath: path))
            let review = try #require(drafts.first { $0["role"] as? String == "review" }, "\(drafts)")
            #expect(review["state"] as? String == "cancelled" && review["reason"] as? String == "dry run: not sent")

            let approved = try await e2e.osslwatch(["approve", String(run)])
            #expect(approved.status == 0, "\(approved.stderr)")
            let done = try await e2e.wait(for: run, timeout: .seconds(60)) {
                $0.state == "done" || $0.state == "failed"
            }
            #expect(done.state == "done", "\(done); log: \(daemon.log)")
            #expect(done.stepReason("announce")?.hasPrefix("dry run: draft ") == true, "\(done.json)")
            let after = try await scenario.drafts().first { $0["role"] as? String == "message" }
            #expect(
                after?["state"] as? String == "cancelled" && after?["attempts"] as? Int == 0,
                "\(String(describing: after))"
            )
            // The run is done, so anything it would have sent was sent: the mailbox has nothing of this test.
            #expect(scenario.delivered(to: scenario.list).isEmpty)
            #expect(scenario.delivered(to: scenario.review).isEmpty)
            #expect(!daemon.log.contains("message sent"), "log: \(daemon.log)")
        } finally: {
            daemon.send(SIGTERM)
            #expect(await daemon.waitForExit(timeout: .seconds(30)), "no exit after SIGTERM; log: \(daemon.log)")
        }
    }
}
