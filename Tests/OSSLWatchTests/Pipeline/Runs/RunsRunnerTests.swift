import Foundation
import Logging
import OSSLWatchCore
import OSSLWatchStore
import Synchronization
import Testing

@testable import OSSLWatch

/// Stands in for the executors where their real effect (downloads, git) cannot run in a unit
/// test: records each call and answers with the configured result per step.
final class RecordingExecutor: StepExecuting {
    private let calls = Mutex<[String]>([])
    private let answers: [String: StepResult]

    init(answers: [String: StepResult] = [:]) {
        self.answers = answers
    }

    var executed: [String] { calls.withLock { $0 } }

    func execute(_ step: StepSettings, facts: RunFacts, attempt: Int, project: ProjectSettings) async -> StepResult {
        calls.withLock { $0.append("\(facts.runID):\(step.name)#\(attempt)") }
        return answers[step.name] ?? StepResult(state: .done)
    }
}

@Suite struct RunsRunnerTests {
    typealias S = StoreSamples

    static let steps = [
        StepSettings(
            name: "verify",
            action: .verifyTarball(
                tarballURL: "https://x/{tag}.tar.gz", keyring: "/k", fingerprint: nil, maxBytes: 1024)),
        StepSettings(name: "changelog", action: .command(CommandSpec(argv: ["true"]))),
        StepSettings(name: "advisory", when: .security, action: .command(CommandSpec(argv: ["true"]))),
        StepSettings(name: "gate", action: .approval(message: "release?")),
        StepSettings(name: "announce", action: .announce),
    ]

    struct Harness {
        let directory = TemporaryStateDirectory()
        let store: Store
        let executor: RecordingExecutor
        let configuration: Configuration

        init(
            steps: [StepSettings] = RunsRunnerTests.steps, answers: [String: StepResult] = [:],
            supersede: SupersedePolicy = .atNextGate
        ) throws {
            store = try Store(directory: directory.path)
            executor = RecordingExecutor(answers: answers)
            let project = ProjectSettings(
                name: "cryptography", linked: .literal(S.version("3.5.3")), steps: steps, nextRelease: "46.0.2",
                supersede: supersede)
            let plain = ProjectSettings(name: "plain", linked: .literal(S.version("3.5.3")))
            configuration = Configuration(
                stateDirectory: directory.path,
                feeds: [
                    FeedSettings(name: "f", kind: .githubReleasesAtom, url: "https://example.org/f", interval: 300)
                ],
                projects: [project, plain])
        }

        var runner: PipelineRunner { runner(surroundings: .system(environment: ProcessInfo.processInfo.environment)) }

        func runner(surroundings: Surroundings) -> PipelineRunner {
            PipelineRunner(
                configuration: configuration, store: store, logger: Logger(label: "test"), executor: executor,
                surroundings: surroundings)
        }

        func verdict(_ target: String, project: String = "cryptography") throws {
            let verdict = Verdict(
                project: project, linked: S.version("3.5.3"), kind: .patchUpdate, findings: [.patchUpdate],
                target: S.version(target), latestPerSeries: [:], confirmation: nil, eol: nil, message: "test")
            try store.saveVerdicts([verdict], at: S.start)
        }

        func states(_ run: Int64) throws -> [String] {
            try store.steps(run: run).map { "\($0.name)=\($0.state.rawValue)" }
        }
    }

    @Test("a patch-update verdict creates one run however many advances see it; it runs to the approval gate")
    func createsOnceAndRunsToGate() async throws {
        let h = try Harness()
        defer { h.directory.remove() }
        try h.verdict("3.5.4")
        await h.runner.advance(now: S.start)
        await h.runner.advance(now: S.start + 60)
        let runs = try h.store.runs()
        #expect(runs.count == 1)
        let run = try #require(runs.first)
        #expect(run.state == .waitingApproval)
        #expect(run.nextRelease == "46.0.2")
        #expect(!run.forced)
        #expect(h.executor.executed == ["\(run.id):verify#1", "\(run.id):changelog#1"])
        #expect(
            try h.states(run.id) == [
                "verify=done", "changelog=done", "advisory=skipped", "gate=waiting-approval", "announce=pending",
            ])
        #expect(try h.store.runs(project: "plain").isEmpty)
    }

    @Test("every time a run, step or attempt records comes from the injected clock, never the machine's")
    func timesComeFromTheInjectedClock() async throws {
        let h = try Harness()
        defer { h.directory.remove() }
        try h.verdict("3.5.4")
        let then = Date(timeIntervalSince1970: 1_900_000_000)  // 2030, far from the machine's clock
        await h.runner(surroundings: .fixed(at: then)).advance(now: then)
        let run = try #require(try h.store.runs().first)
        #expect(run.state == .waitingApproval)
        #expect(run.createdAt == then && run.updatedAt == then)
        let steps = try h.store.steps(run: run.id)
        #expect(steps.filter { $0.state != .pending }.allSatisfy { $0.updatedAt == then }, "\(steps)")
        let attempts = try h.store.attempts(run: run.id)
        #expect(attempts.count == 2)
        #expect(attempts.allSatisfy { $0.startedAt == then && $0.finishedAt == then }, "\(attempts)")
    }

    @Test("a snapshot holds the same run, steps and attempts as the separate reads, grouped by run")
    func snapshotsMatchTheSeparateReads() async throws {
        let h = try Harness()
        defer { h.directory.remove() }
        try h.verdict("3.5.4")
        await h.runner.advance(now: S.start)
        try h.verdict("3.5.5")
        await h.runner.advance(now: S.start + 60)
        let runs = try h.store.runs()
        #expect(runs.count == 2)
        let snapshots = try h.store.runSnapshots()
        #expect(snapshots.map(\.run) == runs)
        for snapshot in snapshots {
            #expect(snapshot.steps == (try h.store.steps(run: snapshot.run.id)))
            let one = try #require(try h.store.runSnapshot(snapshot.run.id))
            #expect(one.run == snapshot.run && one.steps == snapshot.steps)
            #expect(one.attempts == (try h.store.attempts(run: snapshot.run.id)))
        }
        #expect(try h.store.runSnapshots(project: "plain").isEmpty)
        #expect(try h.store.runSnapshots(project: "cryptography").count == 2)
        #expect(try h.store.runSnapshot(999) == nil)
    }

    @Test("after approve the next advance finishes the run; done steps never run again")
    func approveContinues() async throws {
        let h = try Harness()
        defer { h.directory.remove() }
        try h.verdict("3.5.4")
        await h.runner.advance(now: S.start)
        let run = try #require(try h.store.runs().first)
        try h.store.approve(run: run.id, step: nil, at: S.start + 10)
        await h.runner.advance(now: S.start + 20)
        await h.runner.advance(now: S.start + 30)
        #expect(try h.store.run(run.id)?.state == .done)
        #expect(h.executor.executed == ["\(run.id):verify#1", "\(run.id):changelog#1", "\(run.id):announce#1"])
    }

    @Test("a security run does not skip when: security steps")
    func securityRunsSecuritySteps() async throws {
        let h = try Harness()
        defer { h.directory.remove() }
        let run = try #require(
            try h.store.createRun(
                project: "cryptography", previous: S.version("3.5.3"), target: S.version("3.5.4"),
                nextRelease: "46.0.2",
                isSecurity: true, steps: RunsRunnerTests.steps.map(\.plan), at: S.start))
        await h.runner.advance(now: S.start)
        #expect(h.executor.executed.contains("\(run.id):advisory#1"))
        #expect(try h.states(run.id)[2] == "advisory=done")
    }

    @Test("a failed step stops the run with its reason; nothing later runs, even on later advances")
    func failureStops() async throws {
        let h = try Harness(answers: ["verify": StepResult(state: .failed, reason: "bad signature")])
        defer { h.directory.remove() }
        try h.verdict("3.5.4")
        await h.runner.advance(now: S.start)
        await h.runner.advance(now: S.start + 60)
        let run = try #require(try h.store.runs().first)
        #expect(run.state == .failed)
        #expect(run.reason == "step verify failed: bad signature")
        #expect(h.executor.executed == ["\(run.id):verify#1"])
        #expect(try h.states(run.id)[1] == "changelog=pending")
    }

    @Test("recovery: a running idempotent step runs again; a running command waits in needs-attention unrun")
    func recoveryRules() async throws {
        let h = try Harness()
        defer { h.directory.remove() }
        try h.verdict("3.5.4")
        let plan = RunsRunnerTests.steps.map(\.plan)
        let first = try #require(
            try h.store.createRun(
                project: "cryptography", previous: S.version("3.5.3"), target: S.version("3.5.4"),
                nextRelease: "46.0.2",
                steps: plan, at: S.start))
        _ = try h.store.beginStep(run: first.id, step: "verify", at: S.start)
        let second = try #require(
            try h.store.createRun(
                project: "cryptography", previous: S.version("3.5.2"), target: S.version("3.5.3"),
                nextRelease: "46.0.1",
                forced: true, steps: plan, at: S.start))
        let attempt = try h.store.beginStep(run: second.id, step: "verify", at: S.start)
        try h.store.finishStep(
            run: second.id, step: "verify", attempt: attempt.number, state: .done, reason: nil, at: S.start)
        _ = try h.store.beginStep(run: second.id, step: "changelog", at: S.start)

        await h.runner.advance(now: S.start + 60)

        #expect(h.executor.executed.contains("\(first.id):verify#2"))
        #expect(!h.executor.executed.contains { $0.hasPrefix("\(second.id):") })
        let changelog = try h.store.steps(run: second.id)[1]
        #expect(changelog.state == .needsAttention)
        #expect(changelog.reason == Store.interruptedReason)
        #expect(try h.store.attempts(run: second.id).map(\.outcome) == [.done, .interrupted])
    }

    @Test("at-next-gate: a newer target starts its run; the old run is superseded when it reaches its gate")
    func supersedeAtNextGate() async throws {
        let h = try Harness(steps: [StepSettings(name: "gate", action: .approval(message: nil))])
        defer { h.directory.remove() }
        let old = try #require(
            try h.store.createRun(
                project: "cryptography", previous: S.version("3.5.3"), target: S.version("3.5.4"),
                nextRelease: "46.0.2",
                steps: [StepPlan(name: "gate", kind: .approval, idempotent: true)], at: S.start))
        try h.verdict("3.5.5")
        await h.runner.advance(now: S.start + 60)
        let runs = try h.store.runs()
        #expect(runs.map(\.target.description) == ["3.5.4", "3.5.5"])
        #expect(runs[0].state == .superseded)
        #expect(runs[0].reason == "superseded by run \(runs[1].id) (OpenSSL 3.5.5)")
        #expect(runs[0].supersededBy == runs[1].id)
        #expect(runs[1].state == .waitingApproval)
        #expect(try h.store.steps(run: old.id)[0].state == .waitingApproval)
    }

    @Test("at-next-gate: a run waiting at a gate when the newer target arrives is superseded at once")
    func supersedeWaitingRun() async throws {
        let h = try Harness()
        defer { h.directory.remove() }
        try h.verdict("3.5.4")
        await h.runner.advance(now: S.start)
        try h.verdict("3.5.5")
        await h.runner.advance(now: S.start + 60)
        let runs = try h.store.runs()
        #expect(runs.map(\.state) == [.superseded, .waitingApproval])
    }

    @Test("immediately: the old run is superseded when the newer run is created")
    func supersedeImmediately() async throws {
        let h = try Harness(supersede: .immediately)
        defer { h.directory.remove() }
        let old = try #require(
            try h.store.createRun(
                project: "cryptography", previous: S.version("3.5.3"), target: S.version("3.5.4"),
                nextRelease: "46.0.2",
                steps: RunsRunnerTests.steps.map(\.plan), at: S.start))
        try h.verdict("3.5.5")
        await h.runner.advance(now: S.start + 60)
        #expect(try h.store.run(old.id)?.state == .superseded)
        #expect(!h.executor.executed.contains { $0.hasPrefix("\(old.id):") })
    }

    @Test("never: no run for the newer target while an older run is unfinished; it starts once that one is cancelled")
    func supersedeNever() async throws {
        let h = try Harness(supersede: .never)
        defer { h.directory.remove() }
        try h.verdict("3.5.4")
        await h.runner.advance(now: S.start)
        try h.verdict("3.5.5")
        await h.runner.advance(now: S.start + 60)
        #expect(try h.store.runs().map(\.target.description) == ["3.5.4"])
        let old = try #require(try h.store.runs().first)
        #expect(old.state == .waitingApproval)
        try h.store.cancel(run: old.id, at: S.start + 70)
        await h.runner.advance(now: S.start + 80)
        #expect(try h.store.runs().map(\.target.description) == ["3.5.4", "3.5.5"])
    }

    @Test(
        "a .run request forces a run without a verdict, marked handled with the run id; a repeat names the existing run"
    )
    func forcedRun() async throws {
        let h = try Harness()
        defer { h.directory.remove() }
        let request = try h.store.addRequest(
            kind: .run, project: "cryptography", version: S.version("3.5.4"), at: S.start)
        await h.runner.advance(now: S.start, runRequests: try PendingRequests.read(from: h.store).runs)
        let run = try #require(try h.store.runs().first)
        #expect(run.forced)
        #expect(run.previous.description == "3.5.3")
        let handled = try #require(try h.store.recentRequests(limit: 5).first { $0.id == request.id })
        #expect(handled.note == "run \(run.id) created for cryptography 3.5.4")
        let again = try h.store.addRequest(
            kind: .run, project: "cryptography", version: S.version("3.5.4"), at: S.start)
        let unknown = try h.store.addRequest(kind: .run, project: "nope", version: S.version("3.5.4"), at: S.start)
        let plain = try h.store.addRequest(kind: .run, project: "plain", version: S.version("3.5.4"), at: S.start)
        await h.runner.advance(now: S.start + 10, runRequests: try PendingRequests.read(from: h.store).runs)
        let notes = Dictionary(
            uniqueKeysWithValues: try h.store.recentRequests(limit: 10).map { ($0.id, $0.note ?? "") })
        #expect(notes[again.id]?.hasPrefix("run \(run.id) already exists") == true)
        #expect(notes[unknown.id] == "no run: unknown project nope")
        #expect(notes[plain.id] == "no run: project plain has no steps configured")
        #expect(try h.store.runs().count == 1)
        #expect(try h.store.pendingRequests().isEmpty)
    }

    @Test("a verdict for a target older than an existing run of the project starts no run")
    func olderVerdictIgnored() async throws {
        let h = try Harness()
        defer { h.directory.remove() }
        _ = try h.store.addRequest(kind: .run, project: "cryptography", version: S.version("3.5.5"), at: S.start)
        await h.runner.advance(now: S.start, runRequests: try PendingRequests.read(from: h.store).runs)
        try h.verdict("3.5.4")
        await h.runner.advance(now: S.start + 60)
        #expect(try h.store.runs().map(\.target.description) == ["3.5.5"])
    }

    @Test("a step removed from the config leaves the run in needs-attention instead of running something else")
    func missingStepNeedsAttention() async throws {
        let h = try Harness(steps: [StepSettings(name: "announce", action: .announce)])
        defer { h.directory.remove() }
        let run = try #require(
            try h.store.createRun(
                project: "cryptography", previous: S.version("3.5.3"), target: S.version("3.5.4"),
                nextRelease: "46.0.2",
                steps: RunsRunnerTests.steps.map(\.plan), at: S.start))
        await h.runner.advance(now: S.start)
        #expect(try h.store.run(run.id)?.state == .needsAttention)
        #expect(h.executor.executed.isEmpty)
    }
}
