import Foundation
import OSSLWatch
import OSSLWatchTestSupport
import Testing

/// The real daemon joining a served advisory to a served release: the run records the CVEs,
/// `when: security` steps run for it and are skipped for a release that fixes nothing.
@Suite struct AdvisoryPipelineTests {
    let services: TestServices

    init() throws {
        services = try TestServices.load()
    }

    private func stop(_ daemon: DaemonProcess) async {
        daemon.send(SIGTERM)
        #expect(await daemon.waitForExit(timeout: .seconds(15)), "no exit after SIGTERM; log: \(daemon.log)")
    }

    /// Waits up to a minute for the daemon to log a line containing `text` and returns that
    /// line; "" (and an issue recorded at the caller) when it never comes.
    private func waitForLogLine(
        _ daemon: DaemonProcess, containing text: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async -> String {
        let logged = await Wait.until(timeout: .seconds(60)) { daemon.log.contains(text) }
        #expect(logged, "log: \(daemon.log)", sourceLocation: sourceLocation)
        return daemon.logLines(containing: text).first ?? ""
    }

    @Test("3.5.3 → 3.5.4 with the 30 Sep 2025 advisory served: a security run with three CVEs, its security step runs")
    func securityRun() async throws {
        let scenario = try AdvisoryScenario(services)
        defer { scenario.cleanUp() }
        try scenario.serveAdvisories()
        try scenario.writeConfig(advisories: true)
        let daemon = try scenario.daemon.start(watchdogMicroseconds: nil)
        try await AsyncCleanup.run {

            let finished = try await scenario.waitForFinishedRun()
            let run = try #require(finished, "no finished run; log: \(daemon.log)")
            #expect(run.state == "done", "\(run); log: \(daemon.log)")
            #expect(run.run["target"] as? String == "3.5.4" && run.run["previous"] as? String == "3.5.3")
            #expect(run.run["advisories"] as? [String] == AdvisoryScenario.september2025, "\(run.run)")
            #expect(run.run["isSecurity"] as? Bool == true)
            #expect(run.stepState("every-release") == "done" && run.stepState("security-only") == "done", "\(run)")
            let ids = AdvisoryScenario.september2025.joined(separator: " ")
            #expect(
                scenario.journalLines() == [
                    "every-release security=1 advisories=\(ids)", "security-only security=1 advisories=\(ids)",
                ])
            #expect(daemon.log.contains("run created"), "\(daemon.log)")

            // The CVE records follow the text (the cve-json feed asks for the ids the text named).
            let fetched = try await Wait.until(timeout: .seconds(60)) {
                try AdvisoryScenario.september2025.allSatisfy { cve in
                    try scenario.daemon.requests(for: "secjson/\(cve).json").contains { $0.contains("\" 200 ") }
                }
            }
            #expect(fetched, "records not fetched; log: \(daemon.log)")

            // check and status report the linked version's CVEs, fixed by 3.5.4, highest Moderate.
            let check = try await scenario.osslwatch(["check", "--json"])
            let verdict = try #require(try check.verdict("cryptography"), "\(check.stdout)\(check.stderr)")
            #expect(verdict["fixes"] as? [String] == AdvisoryScenario.september2025)
            #expect(verdict["severity"] as? String == "Moderate")
            let vulnerabilities = verdict["vulnerabilities"] as? [[String: Any]] ?? []
            #expect(vulnerabilities.map { $0["cve"] as? String } == AdvisoryScenario.september2025)
            #expect(vulnerabilities.allSatisfy { $0["fixedBy"] as? String == "3.5.4" })
            let text = try await scenario.osslwatch(["check"])
            #expect(text.stdout.contains("  cves       CVE-2025-9230  Moderate  fixed in 3.5.4  "), "\(text.stdout)")
            #expect(text.stdout.contains("  fixes      3.5.4 fixes all 3 above, highest Moderate: a security release"))
            let status = try await scenario.osslwatch(["status", "--pid-file", scenario.daemon.pidFile])
            #expect(
                status.stdout.contains("    cves       CVE-2025-9230  Moderate  fixed in 3.5.4  "), "\(status.stdout)")
            #expect(
                status.stdout.contains("               CVE-2025-9231  Moderate  fixed in 3.5.4  Timing side-channel"))
        } finally: {
            await stop(daemon)
        }
    }

    @Test("3.5.3 → 3.5.4 with no advisory known: a plain run, the security step skipped")
    func plainRun() async throws {
        let scenario = try AdvisoryScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(advisories: false)
        let daemon = try scenario.daemon.start(watchdogMicroseconds: nil)
        try await AsyncCleanup.run {

            let finished = try await scenario.waitForFinishedRun()
            let run = try #require(finished, "no finished run; log: \(daemon.log)")
            #expect(run.state == "done", "\(run); log: \(daemon.log)")
            #expect(run.run["advisories"] as? [String] == [])
            #expect(run.run["isSecurity"] as? Bool == false)
            #expect(run.stepState("every-release") == "done")
            #expect(run.stepState("security-only") == "skipped", "\(run)")
            #expect(scenario.journalLines() == ["every-release security=0 advisories="])
        } finally: {
            await stop(daemon)
        }
    }

    @Test(
        "an advisory rated High published today makes the daemon poll the release feeds every few seconds, and says why"
    )
    func urgentFastPolling() async throws {
        let scenario = try AdvisoryScenario(services)
        defer { scenario.cleanUp() }
        try scenario.serve("secadv/today.txt", data: try AdvisoryScenario.urgentAdvisoryToday())
        let feeds = """
              - name: secadv
                kind: secadv
                url: \(scenario.base.url("secadv/today.txt"))
                interval: 1h
            """
        let urgency = """
            advisories:
              urgent:
                severities: [High, Critical]
                fast_poll_interval: 5s
                fast_poll_for: 48h
            """
        try scenario.writeConfig(advisories: true, advisoryFeeds: feeds, extra: urgency)
        let daemon = try scenario.daemon.start(watchdogMicroseconds: nil)
        try await AsyncCleanup.run {

            let line = await waitForLogLine(daemon, containing: "fast polling starts")
            #expect(line.contains("High advisory CVE-2025-9230"), "\(line)")
            #expect(line.contains("github-releases,github-tags"), "\(line)")
            // The release feeds' interval is 1 h: more polls within a minute are the fast ones.
            let before = try scenario.daemon.requests(for: "releases.atom").count
            let polled = try await Wait.until(timeout: .seconds(60)) {
                try scenario.daemon.requests(for: "releases.atom").count >= before + 2
            }
            let count = try scenario.daemon.requests(for: "releases.atom").count
            #expect(polled, "releases.atom requests: \(count) (\(before) before)")
            // The advisory feed keeps its own hour.
            #expect(try scenario.daemon.requests(for: "secadv/today.txt").count == 1)
        } finally: {
            await stop(daemon)
        }
    }

    @Test("from a pre-announced day on the release feeds are polled fast; seeing a named release ends it")
    func preAnnouncedFastPolling() async throws {
        let scenario = try AdvisoryScenario(services)
        defer { scenario.cleanUp() }
        try scenario.serve(
            "announce.atom", data: AdvisoryScenario.preAnnouncement(versions: ["3.5.5", "3.0.19"], day: Date()))
        let feeds = """
              - name: announce
                kind: announce-list
                url: \(scenario.base.url("announce.atom"))
                interval: 1h
            """
        let urgency = """
            advisories:
              urgent:
                fast_poll_interval: 5s
            """
        try scenario.writeConfig(advisories: true, advisoryFeeds: feeds, extra: urgency)
        let daemon = try scenario.daemon.start(watchdogMicroseconds: nil)
        try await AsyncCleanup.run {

            let line = await waitForLogLine(daemon, containing: "fast polling starts")
            #expect(line.contains("security release expected on "), "\(line)")
            #expect(line.contains("highest severity High"), "\(line)")
            let status = try await scenario.osslwatch(["status", "--json", "--pid-file", scenario.daemon.pidFile])
            let projects = try status.json()["projects"] as? [[String: Any]] ?? []
            let verdict = projects.first?["verdict"] as? [String: Any] ?? [:]
            let expected = verdict["expectedRelease"] as? [String: Any]
            #expect((expected?["versions"] as? [String])?.sorted() == ["3.0.19", "3.5.5"], "\(status.stdout)")

            // 3.5.5 appears on the feeds; with their 1 h interval only fast polling finds it soon.
            try scenario.base.serveFeeds(metadata: false)
            let end = await waitForLogLine(daemon, containing: "fast polling ends")
            #expect(end.contains("the announced release has been seen"), "\(end)")
            #expect(daemon.log.contains("3.5.5"))
        } finally: {
            await stop(daemon)
        }
    }
}
