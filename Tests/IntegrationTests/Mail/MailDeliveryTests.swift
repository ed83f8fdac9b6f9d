import Foundation
import OSSLWatch
import OSSLWatchTestSupport
import Testing

/// The announce step with the real daemon and the real SMTP server (aiosmtpd with STARTTLS
/// and AUTH): drafted into the Maildir, a review copy at once, sent once after approval, and
/// never twice whatever the server or a SIGKILL does.
@Suite(.serialized) struct MailDeliveryTests {
    let services: TestServices

    init() throws {
        services = try TestServices.load()
    }

    private func stop(_ daemon: DaemonProcess) async {
        daemon.send(SIGTERM)
        #expect(await daemon.waitForExit(timeout: .seconds(30)), "no exit after SIGTERM; log: \(daemon.log)")
    }

    /// Starts the daemon and waits until the run's announce step waits for approval.
    private func runToDraft(_ scenario: MailScenario) async throws -> (DaemonProcess, Int64, RunView) {
        let daemon = try scenario.e2e.start()
        let found = try await scenario.e2e.waitForRun(timeout: .seconds(60))
        let run = try #require(found, "no run appeared; log: \(daemon.log)")
        let view = try await scenario.e2e.wait(for: run, timeout: .seconds(120)) {
            $0.stepState("announce") == "waiting-approval" || $0.state == "failed"
        }
        try #require(view.stepState("announce") == "waiting-approval", "\(view); log: \(daemon.log)")
        return (daemon, run, view)
    }

    /// Waits until the run is over, done or failed.
    private func waitForEnd(_ scenario: MailScenario, _ run: Int64) async throws -> RunView {
        try await scenario.e2e.wait(for: run, timeout: .seconds(60)) { $0.state == "done" || $0.state == "failed" }
    }

    /// Wakes the daemon with `osslwatch trigger` and says whether it then handled every pending
    /// request within a minute.
    private func triggerAndWaitHandled(_ scenario: MailScenario) async throws -> Bool {
        #expect(try await scenario.e2e.osslwatch(["trigger", "--pid-file", scenario.e2e.daemon.pidFile]).status == 0)
        return try await Wait.until(timeout: .seconds(60), every: Wait.spawnInterval) {
            let status = try await scenario.e2e.osslwatch(["status", "--json"]).json()
            return (status["pendingRequests"] as? [Any])?.isEmpty == true
        }
    }

    @Test("a run drafts its announcement, the review copy goes at once, approve sends it once with strict-valid bytes")
    func draftApproveSend() async throws {
        let scenario = try await MailScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig()
        let check = try await scenario.e2e.osslwatch(["config", "check"])
        try #require(check.status == 0, "\(check.stderr)")
        let (daemon, run, waiting) = try await runToDraft(scenario)
        try await AsyncCleanup.run {
            #expect(waiting.state == "waiting-approval")
            #expect(waiting.stepReason("announce")?.contains("osslwatch drafts approve") == true)

            // The draft: one message row (drafted) and its review copy, the file in drafts/new.
            let drafts = try await scenario.drafts()
            let message = try #require(drafts.first { $0["role"] as? String == "message" }, "\(drafts)")
            #expect(message["state"] as? String == "drafted" && message["kind"] as? String == "announcement")
            #expect(message["subject"] as? String == "PyCA cryptography 46.0.2 released")
            let id = try #require((message["id"] as? NSNumber)?.int64Value)
            let path = try #require(message["path"] as? String)
            #expect(path.hasPrefix(scenario.maildir + "/new/"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: scenario.maildir + "/tmp").isEmpty)
            let drafted = try Data(contentsOf: URL(fileURLWithPath: path))
            let listing = try await scenario.e2e.osslwatch(["drafts"])
            #expect(listing.stdout.contains("cryptography/run \(run)") && listing.stdout.contains("drafted"))

            // The review copy arrives before anyone approves; the lists get nothing yet.
            let reviewed = await Wait.until(timeout: .seconds(60)) {
                scenario.delivered(to: scenario.review).count == 1
            }
            #expect(reviewed, "no review copy; log: \(daemon.log)")
            #expect(scenario.delivered(to: scenario.review).first?.bytes == drafted)
            #expect(scenario.delivered(to: scenario.list).isEmpty)

            // `drafts show` prints the draft byte for byte.
            let shown = try await scenario.e2e.osslwatch(["drafts", "show", String(id)])
            #expect(shown.status == 0 && Data(shown.stdout.utf8) == drafted)

            // The run's own approve passes the announce step's gate: the message goes, once.
            let approved = try await scenario.e2e.osslwatch(["approve", String(run)])
            #expect(approved.status == 0, "\(approved.stderr)")
            let done = try await waitForEnd(scenario, run)
            #expect(done.state == "done", "\(done); log: \(daemon.log)")
            #expect(done.stepReason("announce")?.contains("250") == true, "\(done.json)")
            let sent = scenario.delivered(to: scenario.list)
            try #require(sent.count == 1, "\(sent.count) messages; log: \(daemon.log)")
            #expect(sent[0].bytes == drafted, "the delivered bytes are the drafted bytes")
            #expect(Set(sent[0].recipients) == [scenario.list, "other-\(scenario.tag)@example.org"])
            let after = try await scenario.drafts().first { ($0["id"] as? NSNumber)?.int64Value == id }
            #expect(after?["state"] as? String == "sent" && after?["replyCode"] as? Int == 250)

            // Python's email package, strict policy: headers and body as drafted.
            let parsed = try await StrictEmail.parse(bytes: sent[0].bytes)
            #expect(parsed.defects == 0)
            #expect(parsed.header("Subject") == "PyCA cryptography 46.0.2 released")
            #expect(parsed.header("From") == "PyCA cryptography <cryptography-dev@example.org>")
            #expect(parsed.header("To") == scenario.list)
            #expect(parsed.header("Cc") == "Other List <other-\(scenario.tag)@example.org>")
            #expect(parsed.header("Message-ID") == "<osslwatch.run-\(run).announcement@osslwatch.example.org>")
            #expect(parsed.header("MIME-Version") == "1.0" && parsed.header("Date")?.isEmpty == false)
            #expect(parsed.contentType == "text/plain" && parsed.charset == "utf-8")
            let body = parsed.body
            #expect(body.contains("https://pypi.org/project/cryptography/"))
            #expect(body.contains("https://cryptography.io/en/latest/changelog/#v46-0-2"))
            #expect(body.contains("* Updated Windows, macOS, and Linux wheels to be compiled with OpenSSL 3.5.4."))
            #expect(body.contains("-- Alex"))
            #expect(!String(decoding: sent[0].bytes, as: UTF8.self).contains("\n\n"), "bare LF on the wire")

            // Approving again is an illegal transition, one line, exit 65.
            let again = try await scenario.e2e.osslwatch([
                "drafts", "approve", String(id), "--pid-file", scenario.e2e.daemon.pidFile,
            ])
            #expect(
                again.status == 65 && again.stderr.contains("sent") && again.stderr.split(separator: "\n").count == 1)
            #expect(scenario.delivered(to: scenario.list).count == 1)
        } finally: {
            await stop(daemon)
        }
    }

    @Test("a restart while the draft waits keeps one draft; approved after it, it goes once over smtps://")
    func restartWhileWaiting() async throws {
        let scenario = try await MailScenario(services)
        defer { scenario.cleanUp() }
        let url = "smtps://localhost:\(scenario.port("SMTPS_PORT"))"
        try scenario.writeConfig(mail: scenario.mailSection(url: url, review: false))
        let (daemon, run, _) = try await runToDraft(scenario)
        await stop(daemon)
        let restarted = try scenario.e2e.start(logName: "daemon-2.log")
        try await AsyncCleanup.run {
            let ready = await Wait.until(timeout: .seconds(60)) {
                (try? String(contentsOfFile: scenario.e2e.daemon.pidFile, encoding: .utf8))?.contains(
                    "\(restarted.pid)")
                    == true
            }
            #expect(ready, "no pid file; log: \(restarted.log)")
            #expect(try await triggerAndWaitHandled(scenario))
            #expect(try await scenario.drafts().count == 1)
            #expect(try FileManager.default.contentsOfDirectory(atPath: scenario.maildir + "/new").count == 1)
            #expect(try await scenario.e2e.show(run).stepState("announce") == "waiting-approval")
            #expect(try await scenario.e2e.osslwatch(["approve", String(run), "--step", "announce"]).status == 0)
            let done = try await waitForEnd(scenario, run)
            #expect(done.state == "done", "\(done); log: \(restarted.log)")
            #expect(scenario.delivered(to: scenario.list).count == 1)
        } finally: {
            await stop(restarted)
        }
    }

    @Test("a 451 is retried with backoff and delivered once")
    func temporaryFailure() async throws {
        let scenario = try await MailScenario(services)
        defer { scenario.cleanUp() }
        let tempfail = "tempfail-\(scenario.tag)@example.org"
        try scenario.writeConfig(mail: scenario.mailSection(to: tempfail, review: false))
        let (daemon, run, _) = try await runToDraft(scenario)
        try await AsyncCleanup.run {
            let message = try #require(try await scenario.drafts().first)
            let id = try #require((message["id"] as? NSNumber)?.int64Value)
            let approved = try await scenario.e2e.osslwatch(
                ["drafts", "approve", String(id), "--pid-file", scenario.e2e.daemon.pidFile])
            #expect(approved.status == 0 && approved.stdout.contains("sent SIGUSR1"), "\(approved.stderr)")
            let done = try await waitForEnd(scenario, run)
            #expect(done.state == "done", "\(done); log: \(daemon.log)")
            #expect(
                done.attempts("announce").map { $0["outcome"] as? String } == ["retry-wait", "sent"], "\(done.json)")
            #expect(scenario.delivered(to: tempfail).count == 1)
            let row = try await scenario.drafts().first { ($0["id"] as? NSNumber)?.int64Value == id }
            #expect(row?["state"] as? String == "sent" && row?["attempts"] as? Int == 2)
        } finally: {
            await stop(daemon)
        }
    }

    @Test("an unreadable SMTP password sends nothing and records no attempt, however many advances try")
    func unreadablePasswordLeavesNoAttempts() async throws {
        let scenario = try await MailScenario(services)
        defer { scenario.cleanUp() }
        let missing = scenario.e2e.stateDirectory + "/no-such-smtp-password"
        let section = scenario.mailSection(review: false).replacingOccurrences(
            of: "password_file: \(services.values["SMTP_PASSWORD_FILE"] ?? "")", with: "password_file: \(missing)")
        try scenario.writeConfig(mail: section)
        let (daemon, run, _) = try await runToDraft(scenario)
        try await AsyncCleanup.run {
            let message = try #require(try await scenario.drafts().first)
            let id = try #require((message["id"] as? NSNumber)?.int64Value)
            let approved = try await scenario.e2e.osslwatch(
                ["drafts", "approve", String(id), "--pid-file", scenario.e2e.daemon.pidFile])
            #expect(approved.status == 0, "\(approved.stderr)")
            // Three advances that each find the password unreadable.
            for count in 1...3 {
                if count > 1 { daemon.send(SIGUSR1) }
                let tried = await Wait.until(timeout: .seconds(30), every: Wait.spawnInterval) {
                    daemon.logLines(containing: "message not sent: SMTP password unreadable").count >= count
                }
                #expect(tried, "advance \(count) did not try; log: \(daemon.log)")
            }
            let view = try await scenario.e2e.show(run)
            #expect(view.attempts("announce").isEmpty, "\(view.json)")
            #expect(view.stepState("announce") == "pending", "\(view.json)")
            let row = try await scenario.drafts().first { ($0["id"] as? NSNumber)?.int64Value == id }
            #expect(row?["state"] as? String == "approved" && row?["attempts"] as? Int == 0)
            #expect(scenario.delivered(to: scenario.list).isEmpty)
        } finally: {
            await stop(daemon)
        }
    }

    @Test("a 550 fails the announce step with the server's text; nothing is delivered")
    func permanentFailure() async throws {
        let scenario = try await MailScenario(services)
        defer { scenario.cleanUp() }
        let reject = "reject-\(scenario.tag)@example.org"
        try scenario.writeConfig(mail: scenario.mailSection(to: reject, review: false))
        let (daemon, run, _) = try await runToDraft(scenario)
        try await AsyncCleanup.run {
            #expect(try await scenario.e2e.osslwatch(["approve", String(run)]).status == 0)
            let failed = try await waitForEnd(scenario, run)
            #expect(failed.state == "failed", "\(failed); log: \(daemon.log)")
            let reason = try #require(failed.stepReason("announce"))
            #expect(
                reason.contains("550") && reason.contains("osslwatch test server rejects this recipient"),
                "reason: \(reason)")
            #expect(scenario.delivered(to: reject).isEmpty)
            #expect(try await scenario.drafts().first?["state"] as? String == "failed")
        } finally: {
            await stop(daemon)
        }
    }

    @Test("a server that does not offer STARTTLS is refused: the step fails, nothing is sent")
    func noSTARTTLS() async throws {
        let scenario = try await MailScenario(services)
        defer { scenario.cleanUp() }
        let url = "smtp://localhost:\(scenario.port("SMTP_NO_STARTTLS_PORT"))"
        try scenario.writeConfig(mail: scenario.mailSection(url: url, review: false))
        let (daemon, run, _) = try await runToDraft(scenario)
        try await AsyncCleanup.run {
            #expect(try await scenario.e2e.osslwatch(["approve", String(run)]).status == 0)
            let failed = try await waitForEnd(scenario, run)
            #expect(failed.state == "failed", "\(failed); log: \(daemon.log)")
            #expect(failed.stepReason("announce")?.contains("STARTTLS") == true, "\(failed.json)")
            #expect(scenario.delivered(to: scenario.list).isEmpty)
        } finally: {
            await stop(daemon)
        }
    }

    @Test("SIGKILL between sending and sent leaves needs-attention after restart and one message at the server")
    func killedWhileSending() async throws {
        let scenario = try await MailScenario(services)
        defer { scenario.cleanUp() }
        let hold = "hold-\(scenario.tag)@example.org"
        try scenario.writeConfig(mail: scenario.mailSection(to: hold, review: false, timeout: 120))
        let (daemon, run, _) = try await runToDraft(scenario)
        #expect(try await scenario.e2e.osslwatch(["approve", String(run)]).status == 0)

        // The server stores the message, then holds its reply: kill the daemon in that window.
        let stored = await Wait.until(timeout: .seconds(60)) { scenario.delivered(to: hold).count == 1 }
        try #require(stored, "the server never stored the message; log: \(daemon.log)")
        let sending = try await scenario.e2e.show(run)
        #expect(sending.stepState("announce") == "running", "\(sending)")
        #expect(try await scenario.drafts().first?["state"] as? String == "sending")
        daemon.send(SIGKILL)
        #expect(await daemon.waitForExit(timeout: .seconds(10)))

        let restarted = try scenario.e2e.start(logName: "daemon-2.log")
        try await AsyncCleanup.run {
            let attention = try await scenario.e2e.wait(for: run, timeout: .seconds(60)) {
                $0.state == "needs-attention"
            }
            #expect(attention.state == "needs-attention", "\(attention); log: \(restarted.log)")
            #expect(attention.stepState("announce") == "needs-attention")
            #expect(attention.stepReason("announce")?.contains("drafts retry") == true)
            #expect(attention.attempts("announce").map { $0["outcome"] as? String } == ["interrupted"])
            #expect(try await scenario.drafts().first?["state"] as? String == "needs-attention")

            // Another wake-up sends nothing: still one message.
            #expect(try await triggerAndWaitHandled(scenario))
            #expect(try await scenario.e2e.show(run).state == "needs-attention")
            #expect(scenario.delivered(to: hold).count == 1)
            #expect(restarted.logLines(containing: "message interrupted while sending").count == 1, "\(restarted.log)")
        } finally: {
            await stop(restarted)
        }
    }
    /// How the daemon loses the server's final reply after the whole announcement went over.
    enum LostReply: String, CaseIterable, Sendable {
        /// The server holds its reply (hold-*) past `mail.smtp.timeout`.
        case timeout
        /// The server cuts the connection after storing the message (drop-*).
        case dropped
        /// The daemon is stopped (SIGTERM) while the server holds its reply (hold-*).
        case stopped
    }

    @Test(
        "an announcement whose final reply is lost after its last byte goes once: needs-attention, never resent",
        arguments: LostReply.allCases
    )
    func lostFinalReplyNeverResent(lost: LostReply) async throws {
        let scenario = try await MailScenario(services)
        defer { scenario.cleanUp() }
        let to = "\(lost == .dropped ? "drop" : "hold")-\(scenario.tag)@example.org"
        try scenario.writeConfig(mail: scenario.mailSection(to: to, review: false, timeout: lost == .timeout ? 5 : 120))
        let (first, run, _) = try await runToDraft(scenario)
        var daemon = first
        try await AsyncCleanup.run {
            #expect(try await scenario.e2e.osslwatch(["approve", String(run)]).status == 0)
            if lost == .stopped {
                let stored = await Wait.until(timeout: .seconds(60)) { scenario.delivered(to: to).count == 1 }
                try #require(stored, "the server never stored the message; log: \(daemon.log)")
                await stop(daemon)
                daemon = try scenario.e2e.start(logName: "daemon-2.log")
            }
            let attention = try await scenario.e2e.wait(for: run, timeout: .seconds(60)) {
                $0.state == "needs-attention" || $0.state == "done" || $0.state == "failed"
            }
            #expect(attention.state == "needs-attention", "\(attention.json); log: \(daemon.log)")
            #expect(attention.stepState("announce") == "needs-attention")
            #expect(attention.stepReason("announce")?.contains("may or may not have been delivered") == true)
            #expect(try await scenario.drafts().first?["state"] as? String == "needs-attention")

            // Another wake-up (and, after a stop, the restart) sends nothing: still one message.
            #expect(try await triggerAndWaitHandled(scenario))
            #expect(try await scenario.e2e.show(run).state == "needs-attention")
            let delivered = scenario.delivered(to: to)
            #expect(delivered.count == 1, "log: \(daemon.log)")
            // The real template's announcement has no line starting with ".": the shape whose
            // upload libcurl ends without asking the read callback for more.
            #expect(delivered.first.map { !$0.bytes.starts(with: Data(".".utf8)) } == true)
            #expect(delivered.first.map { $0.bytes.range(of: Data("\r\n.".utf8)) == nil } == true)
        } finally: {
            await stop(daemon)
        }
    }
}
