import Foundation
import OSSLWatch
import OSSLWatchTestSupport
import Testing

/// SIGTERM while a step runs: the service group's graceful shutdown lets the step finish and
/// starts no further one; past `daemon.stop_timeout` it cancels the step, whose command group is
/// stopped and whose row stays `running` for the recovery rule.
@Suite struct PipelineE2EStopTests {
    let services: TestServices

    init() throws {
        services = try TestServices.load()
    }

    /// Verify the tarball, then `hold` (runs until released, see `SingleDaemonTests.holdScript`),
    /// then `after`, which notes itself in the journal.
    static func steps(_ scenario: PipelineE2EScenario) throws -> String {
        let hold = scenario.work.appendingPathComponent("hold.py").path
        try SingleDaemonTests.holdScript.write(toFile: hold, atomically: true, encoding: .utf8)
        let after = scenario.work.appendingPathComponent("after.py").path
        try "import os\nopen(os.environ['E2E_JOURNAL'], 'a').write('after\\n')\n".write(
            toFile: after, atomically: true, encoding: .utf8)
        return [
            scenario.verifyTarballStep(), scenario.commandStep("hold", [hold, "hold"], timeout: 600),
            scenario.commandStep("after", [after]),
        ].joined(separator: "\n")
    }

    @Test("SIGTERM during a step: the step finishes and is recorded done, the next step never starts, exit 0")
    func stepFinishesOnStop() async throws {
        let scenario = try await PipelineE2EScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(steps: try Self.steps(scenario), stopTimeout: 300)
        let daemon = try scenario.start()
        try await AsyncCleanup.run {
            let run = try #require(try await scenario.waitForRun(), "no run; log: \(daemon.log)")
            let holding = try await scenario.wait(for: run) { $0.stepState("hold") == "running" }
            try #require(holding.stepState("hold") == "running", "\(holding); log: \(daemon.log)")
            daemon.send(SIGTERM)
            let stopping = await Wait.until(timeout: .seconds(30)) {
                !daemon.logLines(containing: "stopping").filter { $0.contains("step_running=true") }.isEmpty
            }
            try #require(stopping, "\(daemon.log)")
            #expect(daemon.isRunning, "the daemon did not wait for its step: \(daemon.log)")
            _ = FileManager.default.createFile(atPath: scenario.journal + ".release", contents: nil)
            #expect(await daemon.waitForExit(timeout: .seconds(60)), "no exit; log: \(daemon.log)")
            #expect(daemon.exitedCleanly, "\(daemon.exitDescription); log: \(daemon.log)")
            let after = try await scenario.show(run)
            #expect(after.stepState("hold") == "done", "\(after)")
            #expect(after.stepState("after") != "done" && after.stepState("after") != "running", "\(after)")
            #expect(scenario.journalCounts()["hold"] == 1 && scenario.journalCounts()["after"] == nil)
            #expect(scenario.daemon.notifications("STOPPING=1") == 1, "\(scenario.daemon.notify.texts)")
            #expect(daemon.logLines(containing: "cancelled: it outlived the stop timeout").isEmpty, "\(daemon.log)")
        } finally: {
            _ = FileManager.default.createFile(atPath: scenario.journal + ".release", contents: nil)
            daemon.send(SIGKILL)
            _ = await daemon.waitForExit(timeout: .seconds(10))
        }
    }

    @Test(
        "a step that outlives stop_timeout is cancelled: its command is stopped, the step stays running for the next start, exit 0"
    )
    func stepCancelledAfterStopTimeout() async throws {
        let scenario = try await PipelineE2EScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(steps: try Self.steps(scenario), stopTimeout: 1)
        let daemon = try scenario.start()
        try await AsyncCleanup.run {
            let run = try #require(try await scenario.waitForRun(), "no run; log: \(daemon.log)")
            let holding = try await scenario.wait(for: run) { $0.stepState("hold") == "running" }
            try #require(holding.stepState("hold") == "running", "\(holding); log: \(daemon.log)")
            let command = try #require(
                scenario.processes(mentioning: scenario.work.appendingPathComponent("hold.py").path).first,
                "the hold command is not running")
            daemon.send(SIGTERM)
            #expect(await daemon.waitForExit(timeout: .seconds(60)), "no exit; log: \(daemon.log)")
            #expect(daemon.exitedCleanly, "\(daemon.exitDescription); log: \(daemon.log)")
            #expect(
                daemon.logLines(containing: "pipeline step cancelled: it outlived the stop timeout").count == 1,
                "\(daemon.log)")
            #expect(!daemon.logLines(containing: "step left running").isEmpty, "\(daemon.log)")
            #expect(PipelineE2EChildProcessTests.isGone(command), "the hold command \(command) outlived the daemon")
            let after = try await scenario.show(run)
            #expect(after.stepState("hold") == "running", "\(after)")
            #expect(scenario.journalCounts()["hold"] == nil && scenario.journalCounts()["after"] == nil)
        } finally: {
            _ = FileManager.default.createFile(atPath: scenario.journal + ".release", contents: nil)
            daemon.send(SIGKILL)
            _ = await daemon.waitForExit(timeout: .seconds(10))
        }
    }
}
