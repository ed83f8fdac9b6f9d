import Foundation
import OSSLWatch
import OSSLWatchTestSupport
import Testing

/// Notices to the maintainers with the real daemon and SMTP server.
@Suite struct MailNoticeTests {
    let services: TestServices

    init() throws {
        services = try TestServices.load()
    }

    @Test("a new OpenSSL series is told to the maintainers once, without approval, and starts no run of its own")
    func newSeriesNotice() async throws {
        let scenario = try await MailScenario(services)
        defer { scenario.cleanUp() }
        // Today's feeds: stable 3.6 releases exist (the 2025-09-30 snapshot has only its betas).
        try scenario.e2e.daemon.base.serveFeeds()
        let maintainer = "maint-\(scenario.tag)@example.org"
        try scenario.writeConfig(
            steps: "      - name: gate\n        kind: approval",
            mail: scenario.mailSection(review: false, extra: "  maintainers: [\"Maintainers <\(maintainer)>\"]"))
        let daemon = try scenario.e2e.start()
        try await AsyncCleanup.run {
            let delivered = await Wait.until(timeout: .seconds(90)) { !scenario.delivered(to: maintainer).isEmpty }
            try #require(delivered, "no notice; log: \(daemon.log)")
            let notices = try await scenario.drafts().filter { $0["kind"] as? String == "notice" }
            let newSeries = try #require(notices.first { ($0["key"] as? String)?.contains(":new-series:") == true })
            #expect(newSeries["key"] as? String == "notice:cryptography:new-series:4.0", "\(notices)")
            #expect(newSeries["state"] as? String == "sent" && newSeries["runID"] == nil)

            let message = try #require(scenario.delivered(to: maintainer).first)
            let parsed = try await StrictEmail.parse(bytes: message.bytes)
            #expect(parsed.header("To") == "Maintainers <\(maintainer)>")
            #expect(parsed.header("Subject")?.contains("OpenSSL 4.0 is available") == true, "\(parsed)")
            #expect(
                parsed.header("Message-ID") == "<osslwatch.notice.cryptography.new-series.4-0@osslwatch.example.org>")
            #expect(parsed.body.contains("3.5.3"))

            // More rounds say the same thing: still one message per notice key.
            let count = scenario.delivered(to: maintainer).count
            #expect(
                try await scenario.e2e.osslwatch(["trigger", "--pid-file", scenario.e2e.daemon.pidFile]).status == 0)
            let handled = try await Wait.until(timeout: .seconds(60), every: Wait.spawnInterval) {
                let status = try await scenario.e2e.osslwatch(["status", "--json"]).json()
                return (status["pendingRequests"] as? [Any])?.isEmpty == true
            }
            #expect(handled)
            #expect(scenario.delivered(to: maintainer).count == count)
            #expect(count == notices.count, "one delivery per notice: \(notices.map { $0["key"] ?? "?" })")
        } finally: {
            daemon.send(SIGTERM)
            #expect(await daemon.waitForExit(timeout: .seconds(30)))
        }
    }
}
