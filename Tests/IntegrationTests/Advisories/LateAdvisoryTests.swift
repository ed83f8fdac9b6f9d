import Foundation
import OSSLWatch
import OSSLWatchTestSupport
import Testing

/// The real daemon creating a run before the advisory naming its release is known: once the
/// advisory is served and the daemon told to poll (SIGUSR1), the waiting run records the
/// CVEs and its skipped security step runs.
@Suite struct LateAdvisoryTests {
    let services: TestServices

    init() throws {
        services = try TestServices.load()
    }

    /// Polls `runs show 1 --json` until `condition` holds; returns the last view seen.
    private func waitForRun(_ scenario: AdvisoryScenario, until condition: (RunView) -> Bool) async throws -> RunView? {
        var view: RunView?
        _ = try await Wait.until(timeout: .seconds(120), every: Wait.spawnInterval) {
            let shown = try await scenario.osslwatch(["runs", "show", "1", "--json"])
            guard shown.status == 0 else { return false }
            view = RunView(json: try shown.json())
            return view.map(condition) ?? false
        }
        return view
    }

    @Test("a run waiting at its gate becomes a security release when its advisory arrives; the security step runs")
    func advisoryAfterRelease() async throws {
        let scenario = try AdvisoryScenario(services)
        defer { scenario.cleanUp() }
        let metadata = CheckScenario.fixtures.appendingPathComponent("openssl-release-metadata")
        // At first the advisory URL holds the February 2025 text, which fixes nothing in 3.5.
        try scenario.serve(
            "secadv/20250930.txt", data: try Data(contentsOf: metadata.appendingPathComponent("secadv/20250211.txt")))
        for cve in AdvisoryScenario.september2025 {
            try scenario.serve(
                "secjson/\(cve).json",
                data: try Data(contentsOf: metadata.appendingPathComponent("secjson/\(cve).json")))
        }
        let gate = """
                  - name: gate
                    kind: approval
                    message: release?
            """
        try scenario.writeConfig(advisories: true, extra: gate)
        let daemon = try scenario.daemon.start(watchdogMicroseconds: nil)
        try await AsyncCleanup.run {

            let plain = try #require(
                try await waitForRun(scenario) { $0.stepState("gate") == "waiting-approval" },
                "no run; log: \(daemon.log)")
            #expect(
                plain.run["isSecurity"] as? Bool == false && plain.stepState("security-only") == "skipped", "\(plain)")
            #expect(scenario.journalLines() == ["every-release security=0 advisories="])

            try scenario.serve(
                "secadv/20250930.txt",
                data: try Data(contentsOf: metadata.appendingPathComponent("secadv/20250930.txt")))
            daemon.send(SIGUSR1)
            let found = try await waitForRun(scenario) { $0.stepState("security-only") == "done" }
            let security = try #require(found)
            #expect(security.stepState("security-only") == "done", "\(security); log: \(daemon.log)")
            #expect(security.run["isSecurity"] as? Bool == true)
            #expect(security.run["advisories"] as? [String] == AdvisoryScenario.september2025, "\(security.run)")
            #expect(security.state == "waiting-approval" && security.stepState("gate") == "waiting-approval")
            let ids = AdvisoryScenario.september2025.joined(separator: " ")
            #expect(
                scenario.journalLines() == [
                    "every-release security=0 advisories=", "security-only security=1 advisories=\(ids)",
                ])
            let line = daemon.log.split(separator: "\n").first { $0.contains("advisory learnt after it began") } ?? ""
            #expect(line.contains("CVE-2025-9230") && line.contains("Moderate"), "log: \(daemon.log)")
        } finally: {
            daemon.send(SIGTERM)
            #expect(await daemon.waitForExit(timeout: .seconds(15)), "no exit after SIGTERM; log: \(daemon.log)")
        }
    }
}
