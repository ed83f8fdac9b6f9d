import Foundation
import OSSLWatch
import Testing

/// Feed data shaped like shell never reaches a shell and never starts a run.
@Suite struct PipelineE2EHostileFeedTests {
    @Test("tags like openssl-3.5.4$(touch MARKER) in both feeds run nothing and create no run")
    func shellShapedTagsRunNothing() throws {
        let scenario = try PipelineE2EScenario(TestServices.load())
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
        defer {
            daemon.send(SIGTERM)
            #expect(daemon.waitForExit(timeout: .seconds(15)), "log: \(daemon.log)")
        }
        // Two full rounds: the first one's, and the one a poll request asks for.
        let first = try Wait.until(timeout: .seconds(20)) {
            try !daemon.logLines(containing: "poll round finished").isEmpty
                && scenario.daemon.requests(for: "tags.atom").count >= 1
        }
        try #require(first, "no first round; log: \(daemon.log)")
        #expect(try scenario.osslwatch(["trigger", "--pid-file", scenario.daemon.pidFile]).status == 0)
        let second = Wait.until(timeout: .seconds(20)) { daemon.logLines(containing: "poll round finished").count >= 2 }
        #expect(second, "no second round; log: \(daemon.log)")

        #expect(try scenario.runs().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: marker))
        #expect(scenario.journalCounts().isEmpty)

        // The same text as a forced run is refused before anything is recorded.
        let forced = try scenario.osslwatch([
            "trigger", "--version", "openssl-3.5.4$(touch \(marker))", "--pid-file", scenario.daemon.pidFile,
        ])
        #expect(forced.status == 65, "\(forced.stderr)")
        #expect(try scenario.runs().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: marker))
        let status = try scenario.osslwatch(["status", "--json"]).json()
        #expect((status["pendingRequests"] as? [Any])?.isEmpty == true)

        // The same feeds plus a genuine tag: the feeds are read (so the crafted tags were
        // refused, not the files), one run for 3.5.4 starts, its commands run, still no marker.
        try scenario.serveAtom(tags: [
            "openssl-3.5.4$(touch \(marker))", "openssl-3.5.4;touch \(marker)", "openssl-3.5.4", "openssl-3.5.3",
        ])
        #expect(try scenario.osslwatch(["trigger", "--pid-file", scenario.daemon.pidFile]).status == 0)
        let found = try scenario.waitForRun()
        let run = try #require(found, "no run for the genuine tag; log: \(daemon.log)")
        let gate = try scenario.wait(for: run) { $0.state != "active" }
        #expect(gate.stepState("release-gate") == "waiting-approval", "\(gate)")
        #expect(gate.run["target"] as? String == "3.5.4")
        #expect(try scenario.runs().count == 1)
        #expect(scenario.journalCounts() == ["changelog": 1, "bump-version": 1])
        #expect(!FileManager.default.fileExists(atPath: marker))
    }
}
