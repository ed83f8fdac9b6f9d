import Foundation
import OSSLWatch
import OSSLWatchTestSupport
import Testing

/// Feed data shaped like shell never reaches a shell and never starts a run.
@Suite struct PipelineE2EHostileFeedTests {
    @Test("tags like openssl-3.5.4$(touch MARKER) in both feeds run nothing and create no run")
    func shellShapedTagsRunNothing() async throws {
        let scenario = try await PipelineE2EScenario(TestServices.load())
        defer { scenario.cleanUp() }
        let marker = "/tmp/osslwatch-pwned-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: marker) }
        try scenario.serveAtom(tags: [
            "openssl-3.5.4$(touch \(marker))",
            "openssl-3.5.4;touch \(marker)",
            "openssl-3.5.4`touch \(marker)`",
            "openssl-3.5.4 && touch \(marker)",
            "openssl-3.5.4|touch \(marker)",
            "openssl-3.5.3",
        ])
        try scenario.writeConfig(steps: scenario.checklistSteps)
        let daemon = try scenario.start()
        try await AsyncCleanup.run {
            // Two full rounds: the first one's, and the one a poll request asks for.
            let first = try await Wait.until(timeout: .seconds(20)) {
                try !daemon.logLines(containing: "poll round finished").isEmpty
                    && scenario.daemon.requests(for: "tags.atom").count >= 1
            }
            try #require(first, "no first round; log: \(daemon.log)")
            #expect(try await scenario.osslwatch(["trigger", "--pid-file", scenario.daemon.pidFile]).status == 0)
            let second = await Wait.until(timeout: .seconds(20)) {
                daemon.logLines(containing: "poll round finished").count >= 2
            }
            #expect(second, "no second round; log: \(daemon.log)")

            #expect(try await scenario.runs().isEmpty)
            #expect(!FileManager.default.fileExists(atPath: marker))
            #expect(scenario.journalCounts().isEmpty)

            // The same text as a forced run is refused before anything is recorded.
            let forced = try await scenario.osslwatch([
                "trigger", "--version", "openssl-3.5.4$(touch \(marker))", "--pid-file", scenario.daemon.pidFile,
            ])
            #expect(forced.status == 65, "\(forced.stderr)")
            #expect(try await scenario.runs().isEmpty)
            #expect(!FileManager.default.fileExists(atPath: marker))
            let status = try await scenario.osslwatch(["status", "--json"]).json()
            #expect((status["pendingRequests"] as? [Any])?.isEmpty == true)

            // The same feeds plus a genuine tag: the feeds are read (so the crafted tags were
            // refused, not the files), one run for 3.5.4 starts, its commands run, still no marker.
            try scenario.serveAtom(tags: [
                "openssl-3.5.4$(touch \(marker))", "openssl-3.5.4;touch \(marker)", "openssl-3.5.4", "openssl-3.5.3",
            ])
            #expect(try await scenario.osslwatch(["trigger", "--pid-file", scenario.daemon.pidFile]).status == 0)
            let found = try await scenario.waitForRun()
            let run = try #require(found, "no run for the genuine tag; log: \(daemon.log)")
            let gate = try await scenario.wait(for: run) { $0.state != "active" }
            #expect(gate.stepState("release-gate") == "waiting-approval", "\(gate)")
            #expect(gate.run["target"] as? String == "3.5.4")
            #expect(try await scenario.runs().count == 1)
            #expect(scenario.journalCounts() == ["changelog": 1, "bump-version": 1])
            #expect(!FileManager.default.fileExists(atPath: marker))
        } finally: {
            await daemon.terminate(within: .seconds(15))
        }
    }
}
