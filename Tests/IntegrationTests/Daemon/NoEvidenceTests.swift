import Foundation
import OSSLWatchTestSupport
import Testing

/// With every feed failing (a machine without internet), nothing may say up-to-date: `check`,
/// `status`, the systemd STATUS= line and the metrics file all say `unknown`.
@Suite("no evidence: every feed failing", .serialized)
struct NoEvidenceTests {
    let services: TestServices

    init() throws {
        services = try TestServices.load()
    }

    /// Release feeds and the metadata feed, all on a port where nothing listens.
    private var deadFeeds: String {
        let dead = "https://127.0.0.1:\(services.deadPort)"
        return """
              - name: github-releases
                kind: github-releases-atom
                url: \(dead)/releases.atom
              - name: source-page
                kind: source-listing
                url: \(dead)/source/
              - name: release-metadata
                kind: release-metadata
                url: \(dead)/data.json
            """
    }

    @Test("check, status, STATUS= and the metrics file say unknown, never up-to-date, when no feed was ever read")
    func everyFeedFailing() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        let metrics = scenario.base.work.appendingPathComponent("osslwatch.prom").path
        try scenario.writeConfig(feeds: deadFeeds, metricsFile: metrics)

        // The daemon first, on a fresh store, so its first round polls at once.
        let daemon = try scenario.start(watchdogMicroseconds: nil)
        let said = await Wait.until(timeout: .seconds(20)) {
            let text = (try? String(contentsOfFile: metrics, encoding: .utf8)) ?? ""
            return text.contains(#"osslwatch_project_verdict{project="cryptography",verdict="unknown"} 1"#)
                && scenario.notify.texts.contains { $0.hasPrefix("STATUS=") && $0.contains("cryptography") }
        }
        await scenario.stop(daemon)
        let metricsText = (try? String(contentsOfFile: metrics, encoding: .utf8)) ?? ""
        try #require(said, "metrics: \(metricsText)\nnotify: \(scenario.notify.texts)\nlog: \(daemon.log)")
        #expect(metricsText.contains(#"osslwatch_project_verdict{project="cryptography",verdict="up-to-date"} 0"#))
        #expect(metricsText.contains("osslwatch_release_feeds_fresh 0"), "\(metricsText)")
        let line = try #require(scenario.notify.texts.last { $0.hasPrefix("STATUS=") && $0.contains("cryptography") })
        #expect(line.contains("cryptography: linked 3.5.3 (unknown, no release feed read yet)"), "\(line)")

        // Then the commands, on the store the daemon left.
        let check = try await scenario.base.check(["--force"])
        #expect(check.status == 69, "stderr: \(check.stderr)")
        let verdict = try #require(try check.verdict("cryptography"), "\(check.stdout)")
        #expect(verdict["kind"] as? String == "unknown", "\(verdict)")
        let message = verdict["message"] as? String ?? ""
        #expect(message.contains("no release feed has ever been read successfully"), "\(message)")
        let text = try await OSSLWatchBinary.run(["check", "--config", scenario.configPath, "--force"])
        #expect(text.stdout.contains("verdict    unknown: no release feed has ever been read"), "\(text.stdout)")
        #expect(!text.stdout.contains("up-to-date"), "\(text.stdout)")

        let status = try await OSSLWatchBinary.run([
            "status", "--config", scenario.configPath, "--pid-file", scenario.pidFile,
        ])
        #expect(status.status == 0, "stderr: \(status.stderr)")
        #expect(status.stdout.contains("cryptography: unknown, linked 3.5.3"), "\(status.stdout)")
        #expect(!status.stdout.contains("up-to-date"), "\(status.stdout)")

    }
}
