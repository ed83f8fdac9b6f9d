import Foundation
import OSSLWatch
import OSSLWatchTestSupport
import Testing

/// The daemon killed with SIGKILL at 100 random moments across one run: no step's effect
/// ever happens twice, and every one happens exactly once after the operator resolves the
/// steps that wait in needs-attention (skip when the journal shows the effect, else retry).
@Suite struct PipelineE2EFaultInjectionTests {
    static let commands = (1...16).map { "c\($0)" }

    /// xorshift64*, seeded per test run and printed, so a failing sequence can be replayed with
    /// `OSSLWATCH_FAULT_SEED=<seed>`.
    struct Moments: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }
    }

    /// Each command sleeps, appends `<name> <pid>` to the journal, and sleeps again: a kill can
    /// land before, between and after its effect.
    static let journalScript = """
        import os, sys, time
        time.sleep(0.2)
        with open(os.environ["E2E_JOURNAL"], "a") as f:
            f.write(sys.argv[1] + " " + str(os.getpid()) + "\\n")
        time.sleep(0.05)

        """

    func steps(_ scenario: PipelineE2EScenario, script: String) -> String {
        var items = [scenario.verifyTarballStep(), scenario.updatePinStep]
        for name in Self.commands.dropLast(2) { items.append(scenario.commandStep(name, [script, name])) }
        items.append(
            """
                  - name: gate
                    kind: approval
            """)
        for name in Self.commands.suffix(2) { items.append(scenario.commandStep(name, [script, name])) }
        items.append(
            """
                  - name: announce
                    kind: announce
            """)
        return items.joined(separator: "\n")
    }

    @Test("SIGKILL at 100 random moments: every command's effect exactly once, none twice; the pin committed once")
    func killedAtRandomMoments() async throws {
        let scenario = try await PipelineE2EScenario(TestServices.load())
        defer { scenario.cleanUp() }
        let script = scenario.work.appendingPathComponent("journal.py").path
        try Self.journalScript.write(toFile: script, atomically: true, encoding: .utf8)
        try scenario.writeConfig(steps: steps(scenario, script: script))
        let seed = try Self.seed(ProcessInfo.processInfo.environment)
        print("fault injection: seed \(seed) (replay with OSSLWATCH_FAULT_SEED=\(seed))")
        var moments = Moments(state: seed)
        let context = "seed \(seed)"
        let began = ContinuousClock.now

        var run: Int64?
        var killedWhileRunning: [String: Int] = [:]
        var resolutions: [String] = []
        var doneAtKill: Int?
        var readyAfter: [Duration] = []
        for kill in 0..<100 {
            let ready = scenario.daemon.notifications("READY=1")
            let daemon = try scenario.start(logName: "daemon-\(kill).log")
            // Half the moments count from the spawn (start-up, recovery, the first steps), half
            // from READY=1 (steps in flight). The random delay itself is the moment, not a wait
            // for a condition.
            if kill % 2 == 1 {
                let spawned = ContinuousClock.now
                let isReady = await Wait.until(timeout: .seconds(10)) {
                    scenario.daemon.notifications("READY=1") > ready || !daemon.isRunning
                }
                // A daemon that starts and then does nothing is the failure this test exists to
                // see: say so with its log rather than let the kills go on.
                #expect(
                    isReady && daemon.isRunning,
                    "\(context): kill \(kill): no READY=1 within 10 s (\(daemon.exitDescription)); log: \(daemon.log)")
                readyAfter.append(ContinuousClock.now - spawned)
                try await Task.sleep(for: .seconds(Double.random(in: 0...0.35, using: &moments)))
            } else {
                try await Task.sleep(for: .seconds(Double.random(in: 0...0.35, using: &moments)))
            }
            // Three kills in four as systemd's KillMode=control-group does: the daemon and every
            // process it started. The fourth kills the daemon alone; its command lives on.
            let children = kill % 4 == 3 ? [] : scenario.descendants(of: daemon.pid)
            daemon.send(SIGKILL)
            for child in children { Foundation.kill(child, SIGKILL) }
            #expect(
                await daemon.waitForExit(timeout: .seconds(10)), "\(context): daemon \(daemon.pid) survived SIGKILL")
            if run == nil { run = try await scenario.runs().first.flatMap { ($0["id"] as? NSNumber)?.int64Value } }
            guard let run else { continue }
            let view = try await scenario.show(run)
            for step in view.steps where step["state"] as? String == "running" {
                killedWhileRunning[step["name"] as? String ?? "?", default: 0] += 1
            }
            if view.state == "done" && doneAtKill == nil { doneAtKill = kill }
            try await resolve(scenario, run: run, view: view, script: script, log: &resolutions, context: context)
            let counts = scenario.journalCounts()
            #expect(counts.values.allSatisfy { $0 <= 1 }, "\(context): an effect happened twice: \(counts)")
        }

        // Let it finish, resolving as an operator would.
        let daemon = try scenario.start(logName: "daemon-final.log")
        try await AsyncCleanup.run {
            var found = run
            if found == nil { found = try await scenario.waitForRun() }
            let id = try #require(found, "\(context): no run; log: \(daemon.log)")
            var last = try await scenario.show(id)
            for _ in 0..<20 where last.state != "done" {
                last = try await scenario.wait(for: id, timeout: .seconds(30)) {
                    ["done", "needs-attention", "waiting-approval", "failed"].contains($0.state)
                }
                try await resolve(scenario, run: id, view: last, script: script, log: &resolutions, context: context)
            }
            last = try await scenario.wait(for: id, timeout: .seconds(30)) { $0.state == "done" }
            #expect(last.state == "done", "\(context): \(last)")

            let counts = scenario.journalCounts()
            #expect(counts == Dictionary(uniqueKeysWithValues: Self.commands.map { ($0, 1) }), "\(context): \(counts)")
            let commits = try await DownstreamProject.git(
                ["rev-list", "--count", "main..osslwatch/openssl-3.5.4"], in: scenario.downstream.infra)
            #expect(
                commits.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "\(context): pin commits \(commits)")
            let elapsed = ContinuousClock.now - began
            #expect(elapsed < .seconds(240), "\(context): took \(elapsed)")
            print(
                "fault injection \(context): 100 kills in \(elapsed); done first seen after kill \(doneAtKill.map(String.init) ?? "none (finished after the 100th)"); "
                    + "kills while a step ran: \(killedWhileRunning); operator actions: \(resolutions); "
                    + "READY=1 after \(readyAfter.sorted()[readyAfter.count / 2]) (median)")
            #expect(
                killedWhileRunning.values.reduce(0, +) >= 10,
                "\(context): too few kills landed inside a step to prove anything: \(killedWhileRunning)")
        } finally: {
            await daemon.terminate(within: .seconds(15))
        }
    }

    /// `OSSLWATCH_FAULT_SEED` when set (a failing sequence replayed), else a fresh random one.
    static func seed(_ environment: [String: String]) throws -> UInt64 {
        guard let text = environment["OSSLWATCH_FAULT_SEED"], !text.isEmpty else {
            return UInt64.random(in: 1...UInt64.max)
        }
        return try #require(
            UInt64(text).flatMap { $0 == 0 ? nil : $0 }, "OSSLWATCH_FAULT_SEED=\(text) is not a seed (1...2^64-1)")
    }

    /// Acts as the operator on a stopped or running daemon: a needs-attention command is skipped
    /// when its journal line is there and retried when not (after any orphaned attempt ended);
    /// a waiting gate is approved.
    func resolve(
        _ scenario: PipelineE2EScenario, run: Int64, view: RunView, script: String, log: inout [String],
        context: String
    ) async throws {
        for step in view.steps {
            guard let name = step["name"] as? String, let state = step["state"] as? String else { continue }
            switch state {
            case "needs-attention":
                // An attempt the daemon started may outlive it; let it end before reading the journal.
                let ended = await Wait.until(timeout: .seconds(10)) { scenario.processes(mentioning: script).isEmpty }
                #expect(ended, "\(context): a command outlived its daemon for 10 s")
                let seen = scenario.journalCounts()[name, default: 0]
                #expect(seen <= 1, "\(context): \(name) ran \(seen) times")
                let action = seen == 1 ? "skip" : "retry"
                let result = try await scenario.osslwatch([action, String(run), name])
                #expect(result.status == 0, "\(context): \(action) \(name): \(result.stderr)")
                log.append("\(action) \(name)")
            case "waiting-approval":
                let result = try await scenario.osslwatch(["approve", String(run), "--step", name])
                #expect(result.status == 0, "\(context): approve \(name): \(result.stderr)")
                log.append("approve \(name)")
            case "failed":
                Issue.record("\(context): step \(name) failed: \(step["reason"] as? String ?? "")")
            default:
                continue
            }
        }
    }
}
