import Foundation
import OSSLWatch
import OSSLWatchTestSupport
import Testing

/// No process a command step started outlives its step: leftovers of a command that exited
/// are killed before the step is recorded, and a stopping daemon waits for the whole group of
/// a command that ignores SIGTERM before it records the step and exits.
@Suite struct PipelineE2EChildProcessTests {
    let services: TestServices

    init() throws {
        services = try TestServices.load()
    }

    /// A command step running `script` with /bin/sh, then a gate that holds the run.
    static func steps(_ script: String) -> String {
        """
              - name: spawn
                kind: command
                argv: ['/bin/sh', '-c', '\(script)']
                timeout: 600
              - name: hold
                kind: approval
        """
    }

    /// Whether process `pid` is gone (absent, or a zombie nobody reaped).
    static func isGone(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        let state = stat[stat.index(after: close)...].split(separator: " ").first
        return state == "Z" || state == "X"
    }

    static func pid(at path: String) -> Int32? {
        (try? String(contentsOfFile: path, encoding: .utf8)).flatMap {
            $0.hasSuffix("\n") ? Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) : nil
        }
    }

    @Test("a background grandchild left by a command that exited is gone when the step is recorded done")
    func leftoversKilledAfterNormalExit() async throws {
        let scenario = try await PipelineE2EScenario(services)
        defer { scenario.cleanUp() }
        let pidFile = scenario.work.appendingPathComponent("grandchild.pid").path
        try scenario.writeConfig(steps: Self.steps("sleep 1000 & echo $! > \(pidFile)"))
        let daemon = try scenario.start()
        try await AsyncCleanup.run {
            let found = try await scenario.waitForRun()
            let run = try #require(found, "no run appeared; log: \(daemon.log)")
            let view = try await scenario.wait(for: run) {
                $0.stepState("spawn") != "running" && $0.stepState("spawn") != "pending"
            }
            try #require(view.stepState("spawn") == "done", "\(view); log: \(daemon.log)")
            let grandchild = try #require(Self.pid(at: pidFile))
            #expect(Self.isGone(grandchild), "the background sleep \(grandchild) outlived its step")
        } finally: {
            await daemon.terminate(within: .seconds(30))
        }
    }

    @Test("a descendant that left its command's group (setsid) is reaped when it exits: the daemon keeps no zombie")
    func orphanOutsideTheGroupReaped() async throws {
        let scenario = try await PipelineE2EScenario(services)
        defer { scenario.cleanUp() }
        let pidFile = scenario.work.appendingPathComponent("orphan.pid").path
        // The command ends once the setsid'd shell has written its pid (so it has left the
        // group and survives the group's cleanup); it exits on its own a moment later.
        let script =
            "setsid sh -c \"echo \\$\\$ > \(pidFile).tmp && mv \(pidFile).tmp \(pidFile); sleep 0.2\" & "
            + "while [ ! -s \(pidFile) ]; do sleep 0.01; done"
        try scenario.writeConfig(steps: Self.steps(script))
        let daemon = try scenario.start()
        try await AsyncCleanup.run {
            let found = try await scenario.waitForRun()
            let run = try #require(found, "no run appeared; log: \(daemon.log)")
            let view = try await scenario.wait(for: run) {
                $0.stepState("spawn") != "running" && $0.stepState("spawn") != "pending"
            }
            try #require(view.stepState("spawn") == "done", "\(view); log: \(daemon.log)")
            let orphan = try #require(Self.pid(at: pidFile))
            let reaped = await Wait.until(timeout: .seconds(60), every: .milliseconds(20)) {
                !FileManager.default.fileExists(atPath: "/proc/\(orphan)")
            }
            #expect(reaped, "the setsid'd shell \(orphan) stayed (a zombie of the daemon?); log: \(daemon.log)")
            let zombies = scenario.descendants(of: daemon.pid).filter { Self.isGone($0) }
            #expect(zombies.isEmpty, "zombie children of the daemon: \(zombies)")
        } finally: {
            await daemon.terminate(within: .seconds(30))
        }
    }

    @Test("SIGTERM during a command that ignores SIGTERM: the daemon exits only after its whole group is gone")
    func stopWaitsForTheWholeGroup() async throws {
        let scenario = try await PipelineE2EScenario(services)
        defer { scenario.cleanUp() }
        let leaderFile = scenario.work.appendingPathComponent("leader.pid").path
        let pidFile = scenario.work.appendingPathComponent("grandchild.pid").path
        let script =
            "trap \"\" TERM; echo $$ > \(leaderFile); sleep 1000 & echo $! > \(pidFile); while :; do sleep 1; done"
        try scenario.writeConfig(steps: Self.steps(script))
        let daemon = try scenario.start()
        try await AsyncCleanup.run {
            let started = await Wait.until(timeout: .seconds(60), every: .milliseconds(50)) {
                Self.pid(at: pidFile) != nil && Self.pid(at: leaderFile) != nil
            }
            try #require(started, "the command never started; log: \(daemon.log)")
            let leader = try #require(Self.pid(at: leaderFile))
            let grandchild = try #require(Self.pid(at: pidFile))
            daemon.send(SIGTERM)
            #expect(await daemon.waitForExit(timeout: .seconds(120)), "no exit after SIGTERM; log: \(daemon.log)")
            #expect(Self.isGone(leader), "the command's shell \(leader) outlived the daemon")
            #expect(Self.isGone(grandchild), "the command's background sleep \(grandchild) outlived the daemon")
            #expect(!daemon.logLines(containing: "step left running").isEmpty, "log: \(daemon.log)")
            #expect(daemon.logLines(containing: "did not end after cancellation").isEmpty, "log: \(daemon.log)")
        } finally: {
            daemon.send(SIGKILL)
            _ = await daemon.waitForExit(timeout: .seconds(10))
            for file in [leaderFile, pidFile] {
                if let pid = Self.pid(at: file) { kill(pid, SIGKILL) }
            }
        }
    }
}
