import Foundation
import OSSLWatch
import OSSLWatchTestSupport
import Testing

/// One daemon per state directory: the real binary's lock on it, what a second daemon, a dry
/// run and a stale pid file can and cannot do to the daemon that holds it.
@Suite("one daemon per state directory", .serialized)
struct SingleDaemonTests {
    /// A command that notes its start in the journal, waits until `<journal>.release` exists,
    /// then notes its end: a step that stays `running` as long as the test wants.
    static let holdScript = """
        import os, sys, time
        journal = os.environ["E2E_JOURNAL"]
        with open(journal, "a") as f:
            f.write(sys.argv[1] + "-started " + str(os.getpid()) + "\\n")
        while not os.path.exists(journal + ".release"):
            time.sleep(0.05)
        with open(journal, "a") as f:
            f.write(sys.argv[1] + " " + str(os.getpid()) + "\\n")

        """

    @Test(
        "a second daemon exits 75 at once naming the first one's pid; a dry run beside it works on a copy; the running step is untouched"
    )
    func secondDaemonRefused() async throws {
        let scenario = try await PipelineE2EScenario(TestServices.load())
        defer { scenario.cleanUp() }
        let script = scenario.work.appendingPathComponent("hold.py").path
        try Self.holdScript.write(toFile: script, atomically: true, encoding: .utf8)
        try scenario.writeConfig(
            steps: [scenario.verifyTarballStep(), scenario.commandStep("hold", [script, "hold"], timeout: 600)].joined(
                separator: "\n"))
        let first = try scenario.start(logName: "first.log")
        try await AsyncCleanup.run {
            let run = try #require(try await scenario.waitForRun(), "no run; log: \(first.log)")
            let holding = try await scenario.wait(for: run) { $0.stepState("hold") == "running" }
            try #require(holding.stepState("hold") == "running", "\(holding); log: \(first.log)")

            let second = try scenario.start(logName: "second.log")
            #expect(await second.waitForExit(timeout: .seconds(10)), "the second daemon kept running: \(second.log)")
            #expect(second.exitDescription == "exit 75", "\(second.exitDescription): \(second.log)")
            let lines = second.log.split(separator: "\n")
            #expect(lines.count == 1, "one line: \(second.log)")
            #expect(lines.first?.contains("pid \(first.pid)") == true, "\(second.log)")

            let dry = try DaemonProcess(
                arguments: [
                    "run", "--dry-run", "--config", scenario.configPath, "--pid-file", scenario.daemon.pidFile,
                    "--log-level", "info",
                ], environment: [:], logPath: scenario.work.appendingPathComponent("dry.log").path)
            // The copy's feeds are not due (the service just polled them): ask for a round.
            let dryStarted = await Wait.until(timeout: .seconds(30)) {
                !dry.logLines(containing: "starting").isEmpty || !dry.isRunning
            }
            #expect(dryStarted, "\(dry.log)")
            dry.send(SIGUSR1)
            let dryRound = await Wait.until(timeout: .seconds(30)) {
                !dry.logLines(containing: "poll round finished").isEmpty || !dry.isRunning
            }
            #expect(dryRound && dry.isRunning, "\(dry.exitDescription): \(dry.log)")
            await dry.terminate(within: .seconds(10))
            #expect(dry.exitedCleanly, "\(dry.exitDescription): \(dry.log)")

            let after = try await scenario.show(run)
            #expect(after.stepState("hold") == "running", "\(after)")
            #expect(first.isRunning, "\(first.log)")
            #expect(
                (try? String(contentsOfFile: scenario.daemon.pidFile, encoding: .utf8)) == "\(first.pid)\n",
                "the first daemon's pid file was replaced")
            #expect(first.logLines(containing: "needs-attention").isEmpty, "\(first.log)")

            _ = FileManager.default.createFile(atPath: scenario.journal + ".release", contents: nil)
            let done = try await scenario.wait(for: run) { $0.state == "done" }
            #expect(done.state == "done", "\(done); log: \(first.log)")
            #expect(scenario.journalCounts()["hold"] == 1 && scenario.journalCounts()["hold-started"] == 1)
        } finally: {
            _ = FileManager.default.createFile(atPath: scenario.journal + ".release", contents: nil)
            await scenario.daemon.stop(first)
        }
    }

    @Test("a pid file naming a live process called osslwatch that holds no lock (a recycled pid) is never signalled")
    func stalePidFileNeverSignalled() async throws {
        let scenario = try DaemonScenario(TestServices.load())
        defer { scenario.cleanUp() }
        try scenario.writeConfig(feeds: scenario.releasesFeed)
        // /bin/sleep under the daemon's name: the kernel knows it as `osslwatch`, and SIGUSR1
        // (default action: terminate) would end it.
        let impostor = scenario.base.work.appendingPathComponent("osslwatch").path
        try FileManager.default.copyItem(atPath: "/bin/sleep", toPath: impostor)
        let sleeper = try DaemonProcess(
            arguments: ["300"], environment: [:], logPath: scenario.base.work.appendingPathComponent("sleep.log").path,
            executable: impostor)
        defer { sleeper.send(SIGKILL) }
        try "\(sleeper.pid)\n".write(toFile: scenario.pidFile, atomically: true, encoding: .utf8)
        #expect(
            await Wait.until(timeout: .seconds(10)) {
                (try? String(contentsOfFile: "/proc/\(sleeper.pid)/comm", encoding: .utf8)) == "osslwatch\n"
            })

        for command in [["trigger"], ["status"]] {
            let result = try await OSSLWatchBinary.run(
                command + ["--config", scenario.configPath, "--pid-file", scenario.pidFile])
            if command == ["trigger"] {
                #expect(result.status == 69, "\(result.stdout)\(result.stderr)")
                #expect(result.stderr.contains("not running"), "\(result.stderr)")
            } else {
                #expect(result.stdout.contains("not running"), "\(result.stdout)")
            }
        }
        let trigger = try await OSSLWatchBinary.run([
            "trigger", "--config", scenario.configPath, "--pid", "\(sleeper.pid)",
        ])
        #expect(trigger.status == 69, "\(trigger.stdout)\(trigger.stderr)")
        #expect(sleeper.isRunning, "the stand-in was signalled: \(sleeper.exitDescription)")
    }

    @Test("a dry run leaves the store and the downstream repositories byte-identical, and logs what it would do")
    func dryRunChangesNothing() async throws {
        let scenario = try await PipelineE2EScenario(TestServices.load())
        defer { scenario.cleanUp() }
        let script = scenario.work.appendingPathComponent("note.py").path
        try "import os\nopen(os.environ['E2E_JOURNAL'], 'a').write('c1\\n')\n".write(
            toFile: script, atomically: true, encoding: .utf8)
        try scenario.writeConfig(
            steps: [scenario.verifyTarballStep(), scenario.updatePinStep, scenario.commandStep("c1", [script])]
                .joined(separator: "\n"))
        // A store the service made: created and migrated before the dry run.
        let status = try await scenario.osslwatch(["status"])
        try #require(status.status == 0, "\(status.stderr)")
        let before = try Self.digest(of: [scenario.stateDirectory, scenario.downstream.root.path])

        let dry = try DaemonProcess(
            arguments: [
                "run", "--dry-run", "--config", scenario.configPath, "--pid-file", scenario.daemon.pidFile,
                "--log-level", "info",
            ], environment: [:], logPath: scenario.work.appendingPathComponent("dry.log").path)
        let reached = await Wait.until(timeout: .seconds(60)) {
            !dry.logLines(containing: "dry run: command not started").isEmpty || !dry.isRunning
        }
        #expect(reached, "\(dry.log)")
        await dry.terminate(within: .seconds(10))
        #expect(dry.exitedCleanly, "\(dry.exitDescription): \(dry.log)")
        #expect(dry.logLines(containing: "dry run: pin not updated").count == 1, "\(dry.log)")

        let after = try Self.digest(of: [scenario.stateDirectory, scenario.downstream.root.path])
        let changed = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
        #expect(changed.isEmpty, "changed by the dry run: \(changed)")
        #expect(!FileManager.default.fileExists(atPath: scenario.journal), "a command ran")
        let copy = dry.log.firstMatch(of: /copy=(\S+)/).map { String($0.1) }
        #expect(copy != nil && !FileManager.default.fileExists(atPath: copy ?? "/"), "copy left: \(copy ?? "-")")
    }

    /// Every regular file under `roots` (symbolic links not followed), with its path and bytes.
    /// SQLite's `-shm` (the shared-memory index of the WAL, rebuilt by any reader, `osslwatch
    /// status` included) is left out, and an empty `-wal` counts as none: a reader that opens a
    /// WAL database makes both, and neither holds data.
    static func digest(of roots: [String]) throws -> [String: Data] {
        var found: [String: Data] = [:]
        for root in roots {
            let enumerator = FileManager.default.enumerator(atPath: root)
            while let relative = enumerator?.nextObject() as? String {
                let path = (root as NSString).appendingPathComponent(relative)
                var status = stat()
                guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG, !path.hasSuffix("-shm"),
                    !(path.hasSuffix("-wal") && status.st_size == 0)
                else { continue }
                found[path] = try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }
        return found
    }
}
