import Foundation
import OSSLWatch
import OSSLWatchTestSupport
import Testing

/// `osslwatch runs`, `runs show`, `approve`, `retry`, `skip`, `cancel` against the real
/// daemon and store: exit codes, one-line errors, and changes made while the daemon is down.
@Suite struct RunsCommandTests {
    let services: TestServices

    init() throws {
        services = try TestServices.load()
    }

    /// A short checklist: a gate, then one command that journals.
    func gateThenCommand(_ scenario: PipelineE2EScenario) -> String {
        """
              - name: gate
                kind: approval
        """ + "\n" + scenario.commandStep("after-gate", [scenario.work.appendingPathComponent("journal.py").path])
    }

    func writeJournalScript(_ scenario: PipelineE2EScenario) throws {
        let script = """
            import os, sys
            with open(os.environ["E2E_JOURNAL"], "a") as f:
                f.write("after-gate " + os.environ["OSSLWATCH_NEXT_RELEASE"] + "\\n")

            """
        try script.write(to: scenario.work.appendingPathComponent("journal.py"), atomically: true, encoding: .utf8)
    }

    @Test("no runs: the table says so, the JSON list is empty, runs show of an unknown id exits 65")
    func emptyStore() async throws {
        let scenario = try await PipelineE2EScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(steps: gateThenCommand(scenario))
        let table = try await scenario.osslwatch(["runs"])
        #expect(table.status == 0 && table.stdout == "No runs.\n", "\(table.stderr)")
        #expect(try await scenario.runs().isEmpty)
        let show = try await scenario.osslwatch(["runs", "show", "42"])
        #expect(show.status == 65 && show.stderr == "osslwatch runs show: no run 42 (`osslwatch runs` lists them)\n")
        let approve = try await scenario.osslwatch(["approve", "42"])
        #expect(approve.status == 65 && approve.stderr.contains("no run 42"), "\(approve.stderr)")
        #expect(try await scenario.osslwatch(["approve", "forty-two"]).status == 64)
        try "projects: [".write(toFile: scenario.configPath, atomically: true, encoding: .utf8)
        #expect(try await scenario.osslwatch(["runs"]).status == 78)
        #expect(try await scenario.osslwatch(["cancel", "1"]).status == 78)
    }

    @Test(
        "illegal changes exit 65 with one line naming the state; an approval while the daemon is down applies at its start"
    )
    func approveWhileStopped() async throws {
        let scenario = try await PipelineE2EScenario(services)
        defer { scenario.cleanUp() }
        try writeJournalScript(scenario)
        try scenario.writeConfig(steps: gateThenCommand(scenario))
        var daemon = try scenario.start()
        let found = try await scenario.waitForRun()
        let run = try #require(found, "no run; log: \(daemon.log)")
        let waiting = try await scenario.wait(for: run) { $0.stepState("gate") == "waiting-approval" }
        #expect(waiting.state == "waiting-approval", "\(waiting)")

        let table = try await scenario.osslwatch(["runs", "--project", "cryptography"])
        #expect(table.stdout.contains("cryptography  3.5.3 → 3.5.4  46.0.2"), "\(table.stdout)")
        #expect(table.stdout.contains("waiting-approval  gate (waiting-approval)"), "\(table.stdout)")

        for (arguments, words) in [
            (["retry", String(run), "gate"], "waiting-approval"),
            (["approve", String(run), "--step", "after-gate"], "pending"),
            (["skip", String(run), "no-such-step"], "no step \"no-such-step\""),
        ] {
            let result = try await scenario.osslwatch(arguments)
            #expect(result.status == 65, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(words), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
        }

        await daemon.terminate(within: .seconds(15))
        let approved = try await scenario.osslwatch(["approve", String(run)])
        #expect(approved.status == 0, "\(approved.stderr)")
        #expect(
            approved.stdout.contains("not running") && approved.stdout.contains("next starts"), "\(approved.stdout)")
        #expect(scenario.journalCounts().isEmpty)

        daemon = try scenario.start(logName: "daemon-2.log")
        try await AsyncCleanup.run {
            let done = try await scenario.wait(for: run) { $0.state == "done" }
            #expect(done.state == "done", "\(done); log: \(daemon.log)")
            #expect(scenario.journalCounts() == ["after-gate": 1])
            let journal = try String(contentsOfFile: scenario.journal, encoding: .utf8)
            #expect(journal == "after-gate 46.0.2\n")

            let cancel = try await scenario.osslwatch(["cancel", String(run)])
            #expect(cancel.status == 65 && cancel.stderr.contains("done"), "\(cancel.stderr)")
            let show = try await scenario.osslwatch(["runs", "show", String(run)])
            #expect(show.stdout.contains("gate [approval] done") && show.stdout.contains("after-gate [command] done"))
        } finally: {
            await daemon.terminate(within: .seconds(15))
        }
    }

    @Test("cancel stops a waiting run for good: approving it afterwards is refused and nothing runs")
    func cancelWaitingRun() async throws {
        let scenario = try await PipelineE2EScenario(services)
        defer { scenario.cleanUp() }
        try writeJournalScript(scenario)
        try scenario.writeConfig(steps: gateThenCommand(scenario))
        let daemon = try scenario.start()
        try await AsyncCleanup.run {
            let found = try await scenario.waitForRun()
            let run = try #require(found, "no run; log: \(daemon.log)")
            try await scenario.wait(for: run) { $0.state == "waiting-approval" }
            let cancel = try await scenario.osslwatch(["cancel", String(run)])
            #expect(cancel.status == 0 && cancel.stdout.contains("sent SIGUSR1"), "\(cancel.stderr)")
            #expect(try await scenario.show(run).state == "cancelled")
            let approve = try await scenario.osslwatch(["approve", String(run)])
            #expect(approve.status == 65 && approve.stderr.contains("cancelled"), "\(approve.stderr)")
            #expect(scenario.journalCounts().isEmpty)
        } finally: {
            await daemon.terminate(within: .seconds(15))
        }
    }

    @Test("run --dry-run logs each command with its argv and environment and starts none of them")
    func dryRunStartsNothing() async throws {
        let scenario = try await PipelineE2EScenario(services)
        defer { scenario.cleanUp() }
        try writeJournalScript(scenario)
        try scenario.writeConfig(
            steps: scenario.commandStep("after-gate", [scenario.work.appendingPathComponent("journal.py").path]))
        let daemon = try DaemonProcess(
            arguments: [
                "run", "--dry-run", "--config", scenario.configPath, "--pid-file", scenario.daemon.pidFile,
                "--log-level", "info",
            ],
            environment: ["NOTIFY_SOCKET": scenario.daemon.notify.path],
            logPath: scenario.work.appendingPathComponent("daemon.log").path)
        try await AsyncCleanup.run {
            // The dry run records its run in its copy of the store, which the CLI then reads.
            try await scenario.followDryRun(daemon)
            let found = try await scenario.waitForRun()
            let run = try #require(found, "no run; log: \(daemon.log)")
            let done = try await scenario.wait(for: run) { $0.state != "active" }
            #expect(done.state == "done", "\(done)")
            #expect(done.stepReason("after-gate") == "dry run")
            #expect(scenario.journalCounts().isEmpty)
            let line = try #require(
                daemon.logLines(containing: "dry run: command not started").first, "log: \(daemon.log)")
            #expect(line.contains("journal.py") && line.contains("OSSLWATCH_NEXT_RELEASE=46.0.2"), "\(line)")
            #expect(line.contains("OSSLWATCH_VERSION=3.5.4"), "\(line)")
        } finally: {
            await daemon.terminate(within: .seconds(15))
        }
    }
}
