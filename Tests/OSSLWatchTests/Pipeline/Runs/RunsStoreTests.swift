import Foundation
import OSSLWatch
import OSSLWatchCore
import OSSLWatchStore
import Testing

@Suite struct RunsStoreTests {
    typealias S = StoreSamples

    static let plan = [
        StepPlan(name: "verify", kind: .verifyTarball, idempotent: true),
        StepPlan(name: "changelog", kind: .command, idempotent: false),
        StepPlan(name: "gate", kind: .approval, idempotent: true),
        StepPlan(name: "announce", kind: .announce, idempotent: true),
    ]

    func withStore(_ body: (Store) throws -> Void) throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        try body(try Store(directory: directory.path))
    }

    func newRun(_ store: Store, target: String = "3.5.4") throws -> RunRecord {
        try #require(
            try store.createRun(
                project: "cryptography", previous: S.version("3.5.3"), target: S.version(target),
                nextRelease: "46.0.2", steps: Self.plan, at: S.start))
    }

    /// Runs `step` through begin and finish with `state`.
    func execute(_ store: Store, _ run: Int64, _ step: String, _ state: StepState = .done, reason: String? = nil)
        throws
    {
        let attempt = try store.beginStep(run: run, step: step, at: S.start + 1)
        try store.finishStep(
            run: run, step: step, attempt: attempt.number, state: state, reason: reason, exitCode: 0, at: S.start + 2)
    }

    @Test("v4-runs is applied (v5-advisories, v6-mail and v7-step-reason-codes follow it) and a fresh store has no run")
    func migration() throws {
        try withStore { (store: Store) throws in
            #expect(
                Store.migrationNames.suffix(4) == ["v4-runs", "v5-advisories", "v6-mail", "v7-step-reason-codes"])
            #expect(try store.appliedMigrations().contains("v4-runs"))
            #expect(try store.runs().isEmpty)
        }
    }

    @Test("a run is created once per (project, target); the second create returns nil")
    func uniqueness() throws {
        try withStore { (store: Store) throws in
            let run = try newRun(store)
            #expect(run.state == .active)
            #expect(run.previous.description == "3.5.3")
            #expect(run.nextRelease == "46.0.2")
            let again = try store.createRun(
                project: "cryptography", previous: S.version("3.5.3"), target: S.version("3.5.4"),
                nextRelease: "46.0.3", forced: true, steps: Self.plan, at: S.start + 60)
            #expect(again == nil)
            #expect(try store.runs().count == 1)
            #expect(try store.run(project: "cryptography", target: S.version("3.5.4"))?.id == run.id)
            let other = try store.createRun(
                project: "other", previous: S.version("3.5.3"), target: S.version("3.5.4"), nextRelease: nil,
                steps: [], at: S.start)
            #expect(other != nil)
            #expect(try store.runs(project: "cryptography").map(\.id) == [run.id])
        }
    }

    @Test("steps are copied from the plan, all pending, in order")
    func stepsCopied() throws {
        try withStore { (store: Store) throws in
            let run = try newRun(store)
            let steps = try store.steps(run: run.id)
            #expect(steps.map(\.name) == ["verify", "changelog", "gate", "announce"])
            #expect(steps.map(\.index) == [0, 1, 2, 3])
            #expect(steps.allSatisfy { $0.state == .pending })
            #expect(steps.map(\.idempotent) == [true, false, true, true])
        }
    }

    @Test("begin commits running with an attempt row; finish completes both")
    func beginAndFinish() throws {
        try withStore { (store: Store) throws in
            let run = try newRun(store)
            let attempt = try store.beginStep(run: run.id, step: "verify", at: S.start + 1)
            #expect(attempt.number == 1)
            #expect(try store.steps(run: run.id)[0].state == .running)
            #expect(try store.attempts(run: run.id).first?.finishedAt == nil)
            try store.finishStep(
                run: run.id, step: "verify", attempt: 1, state: .done, reason: nil, exitCode: 0,
                stdoutPath: "/logs/verify.out", at: S.start + 2)
            let attempts = try store.attempts(run: run.id)
            #expect(attempts.count == 1)
            #expect(attempts[0].outcome == .done)
            #expect(attempts[0].exitCode == 0)
            #expect(attempts[0].stdoutPath == "/logs/verify.out")
            #expect(attempts[0].finishedAt != nil)
            #expect(try store.steps(run: run.id)[0].state == .done)
            #expect(try store.run(run.id)?.state == .active)
        }
    }

    @Test("a done step cannot begin again")
    func doneNeverRunsAgain() throws {
        try withStore { (store: Store) throws in
            let run = try newRun(store)
            try execute(store, run.id, "verify")
            let error = try #require(throws: StoreError.self) {
                try store.beginStep(run: run.id, step: "verify", at: S.start + 3)
            }
            #expect(error.code == .illegalTransition)
        }
    }

    @Test("a failed step fails the run with its reason and nothing can begin")
    func failureStopsRun() throws {
        try withStore { (store: Store) throws in
            let run = try newRun(store)
            try execute(store, run.id, "verify", .failed, reason: "checksum mismatch")
            let failed = try #require(try store.run(run.id))
            #expect(failed.state == .failed)
            #expect(failed.reason == "step verify failed: checksum mismatch")
            let error = try #require(throws: StoreError.self) {
                try store.beginStep(run: run.id, step: "changelog", at: S.start + 3)
            }
            #expect(error.code == .illegalTransition)
        }
    }

    @Test("retry puts a failed step back to pending and the run back to active; a second attempt is numbered 2")
    func retryFailed() throws {
        try withStore { (store: Store) throws in
            let run = try newRun(store)
            try execute(store, run.id, "verify", .failed, reason: "bad signature")
            try store.retry(run: run.id, step: "verify", at: S.start + 5)
            #expect(try store.steps(run: run.id)[0].state == .pending)
            #expect(try store.run(run.id)?.state == .active)
            #expect(try store.run(run.id)?.reason == nil)
            let second = try store.beginStep(run: run.id, step: "verify", at: S.start + 6)
            #expect(second.number == 2)
        }
    }

    @Test("retrying a done or pending step is refused")
    func retryIllegal() throws {
        try withStore { (store: Store) throws in
            let run = try newRun(store)
            try execute(store, run.id, "verify")
            for step in ["verify", "changelog"] {
                let error = try #require(throws: StoreError.self) {
                    try store.retry(run: run.id, step: step, at: S.start + 5)
                }
                #expect(error.code == .illegalTransition)
            }
            let missing = try #require(throws: StoreError.self) {
                try store.retry(run: run.id, step: "nope", at: S.start + 5)
            }
            #expect(missing.code == .notFound)
        }
    }

    @Test("an approval waits; approve makes it done and the run active; approving again is refused")
    func approval() throws {
        try withStore { (store: Store) throws in
            let run = try newRun(store)
            try execute(store, run.id, "verify")
            try execute(store, run.id, "changelog")
            let early = try #require(throws: StoreError.self) {
                try store.approve(run: run.id, step: nil, at: S.start + 3)
            }
            #expect(early.code == .illegalTransition)
            try store.markStep(run: run.id, step: "gate", state: .waitingApproval, reason: "release?", at: S.start + 3)
            #expect(try store.run(run.id)?.state == .waitingApproval)
            #expect(try store.run(run.id)?.reason == "step gate waits for approval: release?")
            let wrong = try #require(throws: StoreError.self) {
                try store.approve(run: run.id, step: "announce", at: S.start + 4)
            }
            #expect(wrong.code == .illegalTransition)
            try store.approve(run: run.id, step: nil, at: S.start + 4)
            let gate = try store.steps(run: run.id)[2]
            #expect(gate.state == .done)
            #expect(gate.approvedAt != nil)
            #expect(try store.run(run.id)?.state == .active)
            let twice = try #require(throws: StoreError.self) {
                try store.approve(run: run.id, step: "gate", at: S.start + 5)
            }
            #expect(twice.code == .illegalTransition)
        }
    }

    @Test("skip settles a needs-attention step and reopens the run; a done step cannot be skipped")
    func skip() throws {
        try withStore { (store: Store) throws in
            let run = try newRun(store)
            try execute(store, run.id, "verify")
            try execute(store, run.id, "changelog", .needsAttention, reason: "unclear")
            #expect(try store.run(run.id)?.state == .needsAttention)
            try store.skip(run: run.id, step: "changelog", at: S.start + 5)
            #expect(try store.steps(run: run.id)[1].state == .skipped)
            #expect(try store.run(run.id)?.state == .active)
            let error = try #require(throws: StoreError.self) {
                try store.skip(run: run.id, step: "verify", at: S.start + 6)
            }
            #expect(error.code == .illegalTransition)
        }
    }

    @Test("cancel is final: nothing begins, retries or is cancelled again afterwards")
    func cancel() throws {
        try withStore { (store: Store) throws in
            let run = try newRun(store)
            try execute(store, run.id, "verify", .failed, reason: "x")
            try store.cancel(run: run.id, at: S.start + 5)
            #expect(try store.run(run.id)?.state == .cancelled)
            let attempts: [() throws -> Void] = [
                { try store.retry(run: run.id, step: "verify", at: S.start + 6) },
                { try store.cancel(run: run.id, at: S.start + 6) },
                { _ = try store.beginStep(run: run.id, step: "changelog", at: S.start + 6) },
            ]
            for attempt in attempts {
                let error = try #require(throws: StoreError.self) { try attempt() }
                #expect(error.code == .illegalTransition)
            }
            let unknown = try #require(throws: StoreError.self) { try store.cancel(run: 999, at: S.start) }
            #expect(unknown.code == .notFound)
        }
    }

    @Test("recovery: a running idempotent step goes back to pending, a running command to needs-attention")
    func recovery() throws {
        try withStore { (store: Store) throws in
            let first = try newRun(store)
            let second = try newRun(store, target: "3.5.5")
            _ = try store.beginStep(run: first.id, step: "verify", at: S.start + 1)
            try execute(store, second.id, "verify")
            _ = try store.beginStep(run: second.id, step: "changelog", at: S.start + 3) { number in
                ("/logs/changelog-attempt\(number).out", "/logs/changelog-attempt\(number).err")
            }
            let changed = try store.recoverInterrupted(at: S.start + 10)
            #expect(changed.map(\.name) == ["verify", "changelog"])
            #expect(try store.steps(run: first.id)[0].state == .pending)
            #expect(try store.run(first.id)?.state == .active)
            let command = try store.steps(run: second.id)[1]
            #expect(command.state == .needsAttention)
            #expect(command.reason == Store.interruptedReason)
            #expect(try store.run(second.id)?.state == .needsAttention)
            #expect(try store.attempts(run: first.id).map(\.outcome) == [.interrupted])
            let interrupted = try #require(try store.attempts(run: second.id).last)
            #expect(interrupted.outcome == .interrupted)
            #expect(interrupted.stdoutPath == "/logs/changelog-attempt1.out")
            #expect(try store.recoverInterrupted(at: S.start + 11).isEmpty)
        }
    }

    @Test("a run finishes done only when every step is done or skipped")
    func finishDone() throws {
        try withStore { (store: Store) throws in
            let run = try newRun(store)
            let early = try #require(throws: StoreError.self) {
                try store.finishRun(run: run.id, state: .done, reason: nil, at: S.start)
            }
            #expect(early.code == .illegalTransition)
            try execute(store, run.id, "verify")
            try store.skip(run: run.id, step: "changelog", at: S.start + 3)
            try store.markStep(run: run.id, step: "gate", state: .waitingApproval, reason: nil, at: S.start + 3)
            try store.approve(run: run.id, step: "gate", at: S.start + 4)
            try execute(store, run.id, "announce")
            try store.finishRun(run: run.id, state: .done, reason: nil, at: S.start + 5)
            #expect(try store.run(run.id)?.state == .done)
        }
    }

    @Test("facts learnt during the run are stored; nil keeps the stored value")
    func facts() throws {
        try withStore { (store: Store) throws in
            let run = try newRun(store)
            let digest = String(repeating: "ab", count: 32)
            try store.setRunFacts(run: run.id, sha256: digest, at: S.start + 1)
            try store.setRunFacts(run: run.id, nextRelease: "46.0.9", at: S.start + 2)
            let stored = try #require(try store.run(run.id))
            #expect(stored.sha256 == digest)
            #expect(stored.nextRelease == "46.0.9")
        }
    }
}
