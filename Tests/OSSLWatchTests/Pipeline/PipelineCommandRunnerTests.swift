import Foundation
import OSSLWatchTestSupport
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

@Suite struct PipelineCommandRunnerTests {
    let directory: URL
    let runner: CommandRunner

    init() throws {
        directory = try ScratchDirectory.make()
        runner = CommandRunner(
            logDirectory: directory.appendingPathComponent("logs").path,
            baseEnvironment: CommandRunner.minimalEnvironment(from: ProcessInfo.processInfo.environment),
            gracePeriod: 0.5)
    }

    func sh(_ script: String, timeout: Double = 30, in workingDirectory: String? = nil) -> CommandSpec {
        CommandSpec(argv: ["/bin/sh", "-c", script], workingDirectory: workingDirectory, timeout: timeout)
    }

    @Test("exit statuses are reported as they are, and only 0 succeeds")
    func exitStatuses() async throws {
        defer { ScratchDirectory.remove(directory) }
        let ok = try await runner.run(sh("exit 0"), step: "ok", attempt: 1)
        #expect(ok.termination == .exited(0))
        #expect(ok.succeeded)
        try ok.requireSuccess()
        let three = try await runner.run(sh("exit 3"), step: "three", attempt: 1)
        #expect(three.termination == .exited(3))
        #expect(!three.succeeded)
        let error = #expect(throws: StepError.self) { try three.requireSuccess() }
        #expect(error?.code == .commandFailed)
        #expect(error?.message.contains("exit status 3") == true)
        #expect(error?.message.contains("three-attempt1.err") == true)
        let killed = try await runner.run(sh("kill -9 $$"), step: "killed", attempt: 1)
        #expect(killed.termination == .signaled(SIGKILL))
    }

    @Test("stdout and stderr go to <step>-attempt<N>.out and .err in the log directory")
    func logsPerAttempt() async throws {
        defer { ScratchDirectory.remove(directory) }
        let outcome = try await runner.run(sh("echo to-out; echo to-err >&2"), step: "changelog", attempt: 2)
        let logs = directory.appendingPathComponent("logs").path
        #expect(outcome.stdoutPath == logs + "/changelog-attempt2.out")
        #expect(outcome.stderrPath == logs + "/changelog-attempt2.err")
        #expect(try PipelineScratch.read(outcome.stdoutPath) == "to-out\n")
        #expect(try PipelineScratch.read(outcome.stderrPath) == "to-err\n")
        #expect(outcome.duration > .zero)
    }

    @Test("arguments with spaces, quotes and $(...) arrive verbatim because no shell parses them")
    func argumentsVerbatim() async throws {
        defer { ScratchDirectory.remove(directory) }
        let marker = directory.appendingPathComponent("pwned").path
        let words = ["a b", "it's \"quoted\"", "$(touch \(marker))", "`touch \(marker)`", "; touch \(marker)", "*", ""]
        let spec = CommandSpec(argv: ["printf", "[%s]\\n"] + words, workingDirectory: directory.path)
        let outcome = try await runner.run(spec, step: "printf", attempt: 1)
        try outcome.requireSuccess()
        #expect(try PipelineScratch.read(outcome.stdoutPath) == words.map { "[\($0)]\n" }.joined())
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("the environment is the minimal base, the extras and the facts, nothing of the parent's secrets")
    func environmentIsolation() async throws {
        defer { ScratchDirectory.remove(directory) }
        setenv("OSSLWATCH_TEST_PARENT_SECRET", "hunter2", 1)
        let runner = CommandRunner(
            logDirectory: directory.path,
            baseEnvironment: CommandRunner.minimalEnvironment(from: ProcessInfo.processInfo.environment))
        let facts = try PipelineScratch.facts(sha256: String(repeating: "c", count: 64))
        let spec = CommandSpec(
            argv: ["/usr/bin/env"], environment: ["EXTRA": "x y", "OSSLWATCH_VERSION": "spoofed"])
        let outcome = try await runner.run(spec, step: "env", attempt: 1, facts: facts)
        let lines = Set(try PipelineScratch.read(outcome.stdoutPath).split(separator: "\n").map(String.init))
        #expect(!lines.contains { $0.contains("hunter2") })
        #expect(lines.contains("OSSLWATCH_VERSION=3.5.4"))
        #expect(lines.contains("OSSLWATCH_NEXT_RELEASE=46.0.2"))
        #expect(lines.contains("OSSLWATCH_SHA256=" + String(repeating: "c", count: 64)))
        #expect(lines.contains("EXTRA=x y"))
        let names = Set(lines.compactMap { $0.split(separator: "=").first.map(String.init) })
        #expect(names == Set(["PATH", "HOME", "LANG", "EXTRA"] + facts.environment.keys).intersection(names))
        #expect(names.isSuperset(of: ["PATH", "LANG", "EXTRA"] + facts.environment.keys))
        let minimal = CommandRunner.minimalEnvironment(from: [
            "PATH": "/bin", "HOME": "/root", "LANG": "C", "GITHUB_TOKEN": "t", "SMTP_PASSWORD": "p",
            "CREDENTIALS_DIRECTORY": "/run/c",
        ])
        #expect(minimal == ["PATH": "/bin", "HOME": "/root", "LANG": "C"])
    }

    @Test("the command starts in its working directory")
    func workingDirectory() async throws {
        defer { ScratchDirectory.remove(directory) }
        let outcome = try await runner.run(
            CommandSpec(argv: ["/bin/pwd", "-P"], workingDirectory: directory.path), step: "pwd", attempt: 1)
        #expect(try PipelineScratch.read(outcome.stdoutPath) == directory.path + "\n")
    }

    @Test("a timeout stops the whole process group, the sleeping grandchild included")
    func timeoutKillsGroup() async throws {
        defer { ScratchDirectory.remove(directory) }
        let pidFile = directory.appendingPathComponent("grandchild.pid").path
        let outcome = try await runner.run(
            sh("sleep 300 & echo $! > '\(pidFile)'; wait", timeout: 0.5), step: "slow", attempt: 1)
        #expect(outcome.termination == .timedOut)
        #expect(outcome.duration < .seconds(10))
        let error = #expect(throws: StepError.self) { try outcome.requireSuccess() }
        #expect(error?.code == .timedOut)
        let grandchild = try #require(
            Int32(PipelineScratch.read(pidFile).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(await PipelineScratch.eventually(within: 5) { PipelineScratch.isGone(grandchild) })
    }

    @Test("after a normal exit, a background grandchild left in the group is gone before run returns")
    func leftoversAfterNormalExit() async throws {
        defer { ScratchDirectory.remove(directory) }
        let pidFile = directory.appendingPathComponent("leftover.pid").path
        let outcome = try await runner.run(
            sh("sleep 300 & echo $! > '\(pidFile)'", timeout: 60), step: "left", attempt: 1)
        #expect(outcome.termination == .exited(0))
        let grandchild = try #require(
            Int32(PipelineScratch.read(pidFile).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(PipelineScratch.isGone(grandchild), "the background sleep \(grandchild) outlived its command")
    }

    @Test("a group that ignores SIGTERM is killed with SIGKILL after the grace period")
    func sigkillAfterGrace() async throws {
        defer { ScratchDirectory.remove(directory) }
        let pidFile = directory.appendingPathComponent("grandchild.pid").path
        let script = "trap '' TERM; sleep 300 & echo $! > '\(pidFile)'; while :; do sleep 1; done"
        let outcome = try await runner.run(sh(script, timeout: 0.3), step: "stubborn", attempt: 1)
        #expect(outcome.termination == .timedOut)
        #expect(outcome.duration >= .milliseconds(700))
        let grandchild = try #require(
            Int32(PipelineScratch.read(pidFile).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(await PipelineScratch.eventually(within: 5) { PipelineScratch.isGone(grandchild) })
    }

    @Test("cancelling the calling task stops a command that is running")
    func cancellation() async throws {
        defer { ScratchDirectory.remove(directory) }
        let runner = runner
        let pidFile = directory.appendingPathComponent("running.pid").path
        let spec = sh("echo $$ > '\(pidFile)'; exec sleep 300", timeout: 600)
        let task = Task { try await runner.run(spec, step: "cancel", attempt: 1) }
        // Cancel only once the command is known to run, so the in-flight path is what is tested.
        // The deadline is generous: in the full parallel suite the 2-thread cooperative pool
        // that runs this task can be busy for seconds; on success the wait ends at once.
        let started = await PipelineScratch.eventually(within: 120) {
            ((try? PipelineScratch.read(pidFile)) ?? "").hasSuffix("\n")
        }
        try #require(started, "the command never wrote its pid")
        let pid = try #require(Int32(PipelineScratch.read(pidFile).trimmingCharacters(in: .whitespacesAndNewlines)))
        task.cancel()
        let outcome = try await task.value
        #expect(outcome.termination == .cancelled)
        #expect(await PipelineScratch.eventually(within: 5) { PipelineScratch.isGone(pid) })
    }

    @Test("a dry run returns argv and environment and runs nothing")
    func dryRun() async throws {
        defer { ScratchDirectory.remove(directory) }
        var runner = runner
        runner.dryRun = true
        let marker = directory.appendingPathComponent("ran").path
        let facts = try PipelineScratch.facts()
        let outcome = try await runner.run(
            CommandSpec(argv: ["touch", marker], environment: ["A": "1"]), step: "dry", attempt: 1, facts: facts)
        #expect(outcome.termination == .notRun)
        #expect(outcome.argv == ["touch", marker])
        #expect(outcome.environment["OSSLWATCH_VERSION"] == "3.5.4")
        #expect(outcome.environment["A"] == "1")
        #expect(outcome.stdoutPath == nil)
        #expect(!FileManager.default.fileExists(atPath: marker))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("logs").path))
    }

    @Test("a program that cannot be started, an empty argv or a path-like step name is an error")
    func refusals() async throws {
        defer { ScratchDirectory.remove(directory) }
        let missing = await #expect(throws: StepError.self) {
            try await runner.run(CommandSpec(argv: ["osslwatch-no-such-program"]), step: "x", attempt: 1)
        }
        #expect(missing?.code == .spawnFailed)
        #expect(missing?.message.contains("osslwatch-no-such-program") == true)
        let empty = await #expect(throws: StepError.self) {
            try await runner.run(CommandSpec(argv: []), step: "x", attempt: 1)
        }
        #expect(empty?.code == .invalidInput)
        let badStep = await #expect(throws: StepError.self) {
            try await runner.run(CommandSpec(argv: ["true"]), step: "../escape", attempt: 1)
        }
        #expect(badStep?.code == .invalidInput)
    }

    @Test("the child starts with default signal handling even when the daemon ignores a signal")
    func defaultSignalDispositions() async throws {
        defer { ScratchDirectory.remove(directory) }
        // SIGWINCH: harmless to ignore in the test process, and nobody else's tests use it.
        let previous = signal(SIGWINCH, SIG_IGN)
        defer { signal(SIGWINCH, previous) }
        let outcome = try await runner.run(
            CommandSpec(argv: ["/bin/grep", "-E", "^Sig(Ign|Blk):", "/proc/self/status"]), step: "signals", attempt: 1)
        var masks: [String: UInt64] = [:]
        for line in try PipelineScratch.read(outcome.stdoutPath).split(separator: "\n") {
            let parts = line.split(separator: "\t")
            masks[String(parts[0])] = UInt64(parts[1], radix: 16)
        }
        // Signals 1-31; glibc reserves 32 and 33 for itself and no program can change them.
        let standard: UInt64 = 0x7FFF_FFFF
        #expect(masks["SigBlk:"].map { $0 & standard } == 0)
        #expect(masks["SigIgn:"].map { $0 & standard } == 0)
        #expect(masks["SigIgn:"].map { $0 & (1 << (UInt64(SIGWINCH) - 1)) } == 0)
    }

    @Test("many blocking commands at once do not starve the cooperative pool: all of them run together")
    func commandsRunOffThePool() async throws {
        defer { ScratchDirectory.remove(directory) }
        let runner = runner
        // Each command marks that it started, then blocks until every one has started. Run
        // one after another (on a starved pool) the first would wait forever and time out.
        let count = 4 * max(ProcessInfo.processInfo.activeProcessorCount, 2)
        let barrier = directory.appendingPathComponent("barrier")
        try FileManager.default.createDirectory(at: barrier, withIntermediateDirectories: true)
        let script = "touch \"$0/$1\"; while [ \"$(ls \"$0\" | wc -l)\" -lt \(count) ]; do sleep 0.05; done"
        try await withThrowingTaskGroup(of: CommandOutcome.self) { group in
            for index in 0..<count {
                group.addTask {
                    try await runner.run(
                        CommandSpec(argv: ["sh", "-c", script, barrier.path, "c\(index)"], timeout: 60),
                        step: "barrier\(index)", attempt: 1)
                }
            }
            for try await outcome in group { #expect(outcome.termination == .exited(0)) }
        }
    }

    @Test("a working directory that does not exist is named in the error")
    func missingWorkingDirectory() async throws {
        defer { ScratchDirectory.remove(directory) }
        let gone = directory.appendingPathComponent("gone").path
        let error = await #expect(throws: StepError.self) {
            try await runner.run(CommandSpec(argv: ["true"], workingDirectory: gone), step: "x", attempt: 1)
        }
        #expect(error?.message.contains(gone) == true)
    }
}
