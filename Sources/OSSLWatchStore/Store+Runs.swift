public import Foundation
internal import GRDB
public import OSSLWatchCore

/// Runs, their steps and attempts: the pipeline's journal.
///
/// Every method is one transaction. The runner commits a step's `running` state (with a new
/// attempt row) before the step's effect and its outcome after, so whatever moment the
/// process dies at, the store tells what may have happened. A run's state is derived from its
/// steps after each change (a failed step fails the run, a waiting approval makes it wait)
/// unless it is final (done, cancelled, superseded), which nothing changes again.
extension Store {
    // MARK: - Creating and reading

    /// Creates a run with its steps, all pending; returns nil when (project, target) already
    /// has a run, so however many polls see a release, it gets one run.
    public func createRun(
        project: String, previous: OpenSSLVersion, target: OpenSSLVersion, nextRelease: String?,
        advisories: [String] = [], isSecurity: Bool = false, forced: Bool = false, steps: [StepPlan], at: Date
    ) throws(StoreError) -> RunRecord? {
        let advisoriesJSON = try Self.json(advisories)
        let id: Int64? = try write { db in
            try db.execute(
                sql: """
                    INSERT INTO runs (project, previous, target, next_release, advisories, is_security, state,
                                      created_at, updated_at, forced)
                    VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?)
                    ON CONFLICT(project, target) DO NOTHING
                    """,
                arguments: [
                    project, previous.description, target.description, nextRelease, advisoriesJSON, isSecurity, at,
                    at, forced,
                ])
            guard db.changesCount == 1 else { return nil }
            let id = db.lastInsertedRowID
            for (index, step) in steps.enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO steps (run_id, idx, name, kind, state, idempotent, updated_at)
                        VALUES (?, ?, ?, ?, 'pending', ?, ?)
                        """,
                    arguments: [id, index, step.name, step.kind.rawValue, step.idempotent, at])
            }
            return id
        }
        guard let id else { return nil }
        return try run(id)
    }

    /// Every run, or every run of `project`, oldest first.
    public func runs(project: String? = nil) throws(StoreError) -> [RunRecord] {
        let rows = try read { db in
            if let project {
                return try Row.fetchAll(
                    db, sql: "SELECT * FROM runs WHERE project = ? ORDER BY id", arguments: [project])
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY id")
        }
        return try rows.map { row throws(StoreError) in try runRecord(row) }
    }

    /// Runs that are not final (active, waiting, needing attention, failed), oldest first.
    public func unfinishedRuns(project: String? = nil) throws(StoreError) -> [RunRecord] {
        try runs(project: project).filter { !$0.state.isFinal }
    }

    public func run(_ id: Int64) throws(StoreError) -> RunRecord? {
        let row = try read { db in try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]) }
        return try row.map { row throws(StoreError) in try runRecord(row) }
    }

    /// The run of (project, target), if one was ever created.
    public func run(project: String, target: OpenSSLVersion) throws(StoreError) -> RunRecord? {
        let row = try read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM runs WHERE project = ? AND target = ?",
                arguments: [project, target.description])
        }
        return try row.map { row throws(StoreError) in try runRecord(row) }
    }

    /// The steps of a run in checklist order.
    public func steps(run: Int64) throws(StoreError) -> [StepRecord] {
        let rows = try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM steps WHERE run_id = ? ORDER BY idx", arguments: [run])
        }
        return try rows.map { row throws(StoreError) in try stepRecord(row) }
    }

    /// Every attempt of every step of a run, in the order they started.
    public func attempts(run: Int64) throws(StoreError) -> [AttemptRecord] {
        let rows = try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT a.* FROM attempts a JOIN steps s ON s.run_id = a.run_id AND s.name = a.step
                    WHERE a.run_id = ? ORDER BY a.started_at, s.idx, a.number
                    """,
                arguments: [run])
        }
        return try rows.map { row throws(StoreError) in
            let stored = StoredRow(row, table: "attempts", keyColumns: "run_id", "step", "number", path: path)
            return AttemptRecord(
                runID: try stored.value("run_id"), step: try stored.value("step"), number: try stored.value("number"),
                startedAt: try stored.date("started_at"), finishedAt: try stored.optionalDate("finished_at"),
                exitCode: try stored.value("exit_code"), stdoutPath: try stored.value("stdout_path"),
                stderrPath: try stored.value("stderr_path"), outcome: try stored.value("outcome"))
        }
    }

    // MARK: - Operator transitions

    /// Approves the approval step that is waiting (or the one named): it becomes done and the
    /// run continues at the next advance. Approving a step that is not waiting is refused.
    public func approve(run: Int64, step: String?, at: Date) throws(StoreError) {
        try write { db in
            try requireOpen(db, run: run, action: "approve")
            let name: String
            if let step {
                let state = try stepState(db, run: run, step: step)
                guard state == .waitingApproval else {
                    throw illegal("run \(run): step \(step) is \(state.rawValue), not waiting for approval")
                }
                name = step
            } else {
                guard
                    let waiting = try String.fetchOne(
                        db, sql: "SELECT name FROM steps WHERE run_id = ? AND state = 'waiting-approval' ORDER BY idx",
                        arguments: [run])
                else { throw illegal("run \(run) has no step waiting for approval") }
                name = waiting
            }
            // An announce step waits for its draft: approving it approves the draft, and the
            // step is done only once the message is sent.
            if try approveAnnouncement(db, run: run, step: name, at: at) { return try settle(db, run: run, at: at) }
            try db.execute(
                sql: """
                    UPDATE steps SET state = 'done', approved_at = ?, reason = NULL, updated_at = ?
                    WHERE run_id = ? AND name = ?
                    """,
                arguments: [at, at, run, name])
            try settle(db, run: run, at: at)
        }
    }

    /// Puts a failed or needs-attention step back to pending; the run becomes active again and
    /// the step runs at the next advance. Any other state is refused (a done step never re-runs).
    public func retry(run: Int64, step: String, at: Date) throws(StoreError) {
        try write { db in
            try requireOpen(db, run: run, action: "retry")
            let state = try stepState(db, run: run, step: step)
            guard state == .failed || state == .needsAttention else {
                throw illegal(
                    "run \(run): step \(step) is \(state.rawValue); only a failed or needs-attention step can be retried"
                )
            }
            try setStep(db, run: run, step: step, state: .pending, reason: nil, at: at)
            try settle(db, run: run, at: at)
        }
    }

    /// Marks a step skipped (from pending, failed, needs-attention or waiting-approval): the run
    /// moves past it at the next advance. A running or done step cannot be skipped.
    public func skip(run: Int64, step: String, at: Date) throws(StoreError) {
        try write { db in
            try requireOpen(db, run: run, action: "skip")
            let state = try stepState(db, run: run, step: step)
            let allowed: Set<StepState> = [.pending, .failed, .needsAttention, .waitingApproval]
            guard allowed.contains(state) else {
                throw illegal("run \(run): step \(step) is \(state.rawValue) and cannot be skipped")
            }
            try setStep(db, run: run, step: step, state: .skipped, reason: "skipped by operator", at: at)
            try settle(db, run: run, at: at)
        }
    }

    /// Cancels a run that is not final; no step of it runs again.
    public func cancel(run: Int64, at: Date) throws(StoreError) {
        try write { db in
            try requireOpen(db, run: run, action: "cancel")
            try setRunState(db, run: run, state: .cancelled, reason: "cancelled by operator", at: at)
        }
    }

    // MARK: - Runner transitions

    /// Commits a pending step as `running` with a new attempt row, before its effect. Refused
    /// unless the run is active and the step pending. `logs` gives the attempt's log files for
    /// its number, recorded now so an interrupted attempt still shows where its output went.
    public func beginStep(
        run: Int64, step: String, at: Date, logs: ((Int) -> (stdout: String, stderr: String)?)? = nil
    ) throws(StoreError) -> AttemptRecord {
        try write { db in
            let runState = try self.runState(db, run: run)
            guard runState == .active else { throw illegal("run \(run) is \(runState.rawValue), not active") }
            let state = try stepState(db, run: run, step: step)
            guard state == .pending else { throw illegal("run \(run): step \(step) is \(state.rawValue), not pending") }
            let number =
                try Int.fetchOne(
                    db, sql: "SELECT COALESCE(MAX(number), 0) + 1 FROM attempts WHERE run_id = ? AND step = ?",
                    arguments: [run, step]) ?? 1
            let paths = logs?(number) ?? nil
            try db.execute(
                sql: """
                    INSERT INTO attempts (run_id, step, number, started_at, stdout_path, stderr_path)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [run, step, number, at, paths?.stdout, paths?.stderr])
            try setStep(db, run: run, step: step, state: .running, reason: nil, at: at)
            return AttemptRecord(
                runID: run, step: step, number: number, startedAt: at, stdoutPath: paths?.stdout,
                stderrPath: paths?.stderr)
        }
    }

    /// Commits a running step's outcome after its effect: `done`, `failed` or `needs-attention`,
    /// completing the attempt row. A failed step fails the run with the step's reason.
    public func finishStep(
        run: Int64, step: String, attempt: Int, state: StepState, reason: String?, exitCode: Int32? = nil,
        stdoutPath: String? = nil, stderrPath: String? = nil, at: Date
    ) throws(StoreError) {
        guard [.done, .failed, .needsAttention].contains(state) else {
            throw illegal("run \(run): a step cannot finish as \(state.rawValue)")
        }
        try write { db in
            let current = try stepState(db, run: run, step: step)
            guard current == .running else {
                throw illegal("run \(run): step \(step) is \(current.rawValue), not running")
            }
            let outcome = reason == "dry run" ? "dry run" : state.rawValue
            try db.execute(
                sql: """
                    UPDATE attempts SET finished_at = ?, exit_code = ?, stdout_path = COALESCE(?, stdout_path),
                                        stderr_path = COALESCE(?, stderr_path), outcome = ?
                    WHERE run_id = ? AND step = ? AND number = ?
                    """,
                arguments: [at, exitCode, stdoutPath, stderrPath, outcome, run, step, attempt])
            try setStep(db, run: run, step: step, state: state, reason: reason, at: at)
            try settle(db, run: run, at: at)
        }
    }

    /// Moves a pending step without an effect: `skipped` (a security step of a non-security
    /// run), `waiting-approval` (an approval step reached) or `needs-attention`.
    public func markStep(run: Int64, step: String, state: StepState, reason: String?, at: Date) throws(StoreError) {
        guard [.skipped, .waitingApproval, .needsAttention, .failed].contains(state) else {
            throw illegal("run \(run): a step cannot be marked \(state.rawValue) without an attempt")
        }
        try write { db in
            try requireOpen(db, run: run, action: "mark a step of")
            let current = try stepState(db, run: run, step: step)
            guard current == .pending else {
                throw illegal("run \(run): step \(step) is \(current.rawValue), not pending")
            }
            try setStep(db, run: run, step: step, state: state, reason: reason, at: at)
            try settle(db, run: run, at: at)
        }
    }

    /// Sets a final state the runner decides: `done` (every step settled) or `superseded`.
    public func finishRun(run: Int64, state: RunState, reason: String?, at: Date) throws(StoreError) {
        guard state == .done || state == .superseded else {
            throw illegal("run \(run): the runner cannot finish a run as \(state.rawValue)")
        }
        try write { db in
            try requireOpen(db, run: run, action: "finish")
            if state == .done {
                let unsettled = try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM steps WHERE run_id = ? AND state NOT IN ('done', 'skipped')",
                    arguments: [run])
                guard unsettled == 0 else { throw illegal("run \(run) still has steps that are not done or skipped") }
            }
            try setRunState(db, run: run, state: state, reason: reason, at: at)
        }
    }

    /// Records facts learnt during the run: the verified digest, the next downstream release.
    public func setRunFacts(run: Int64, sha256: String? = nil, nextRelease: String? = nil, at: Date)
        throws(StoreError)
    {
        try write { db in
            _ = try runState(db, run: run)
            try db.execute(
                sql: """
                    UPDATE runs SET sha256 = COALESCE(?, sha256), next_release = COALESCE(?, next_release),
                                    updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [sha256, nextRelease, at, run])
        }
    }

    /// What `addAdvisories` changed in a run that learnt of CVEs after it was created.
    public struct AdvisoryUpdate: Sendable, Hashable {
        /// The run as recorded afterwards: a security release with every CVE.
        public var run: RunRecord
        /// The CVE ids new to it, in the order given.
        public var added: [String]
        /// Steps that had been skipped as "not a security release", pending again.
        public var reopened: [String]
        /// Unsent plain announcements withdrawn (cancelled): their steps draft the security
        /// variant at the next drive, which must be approved again.
        public var withdrawn: [Int64]
        /// Announce steps whose plain announcement is out or may be (sending, sent,
        /// needs-attention), or that passed without mail: the advisory is announced by hand.
        public var alreadyAnnounced: [String]
        /// Security drafts not sent yet that now name fewer CVEs than the run (left as they are).
        public var staleDrafts: [Int64]
    }

    /// The reason the runner gives a `when: security` step of a run that is not a security release.
    public static let notSecurityReason = "not a security release"

    /// Records CVEs a run's target fixes that were not known when the run was created (the
    /// advisory text came after the release): in one transaction the run gains them and
    /// becomes a security release, its steps skipped as "not a security release" are pending
    /// again, and an unsent plain announcement is withdrawn so the security variant is drafted.
    /// The list only grows. Returns nil when nothing is new or the run is final.
    public func addAdvisories(run id: Int64, cves: [String], at: Date) throws(StoreError) -> AdvisoryUpdate? {
        let changes = try write { db -> AdvisoryUpdate? in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]) else {
                throw StoreError(.notFound, path: path, "no run \(id)")
            }
            let record = try runRecord(row)
            guard !record.state.isFinal else { return nil }
            var added: [String] = []
            for cve in cves where !record.advisories.contains(cve) && !added.contains(cve) { added.append(cve) }
            guard !added.isEmpty else { return nil }
            try db.execute(
                sql: "UPDATE runs SET advisories = ?, is_security = 1, updated_at = ? WHERE id = ?",
                arguments: [try Self.json(record.advisories + added), at, id])
            let reopened = try String.fetchAll(
                db, sql: "SELECT name FROM steps WHERE run_id = ? AND state = 'skipped' AND reason = ? ORDER BY idx",
                arguments: [id, Self.notSecurityReason])
            try db.execute(
                sql: """
                    UPDATE steps SET state = 'pending', reason = NULL, updated_at = ?
                    WHERE run_id = ? AND state = 'skipped' AND reason = ?
                    """,
                arguments: [at, id, Self.notSecurityReason])
            var update = AdvisoryUpdate(
                run: record, added: added, reopened: reopened, withdrawn: [], alreadyAnnounced: [], staleDrafts: [])
            let announceSteps = try String.fetchAll(
                db, sql: "SELECT name FROM steps WHERE run_id = ? AND kind = ? ORDER BY idx",
                arguments: [id, StepKind.announce.rawValue])
            for step in announceSteps {
                switch try withdrawPlainAnnouncement(db, run: id, step: step, cves: added, at: at) {
                case .untouched: break
                case .withdrawn(let draft): update.withdrawn.append(draft)
                case .alreadyOut: update.alreadyAnnounced.append(step)
                case .stale(let draft): update.staleDrafts.append(draft)
                }
            }
            try settle(db, run: id, at: at)
            return update
        }
        guard var changes else { return nil }
        guard let run = try run(id) else { throw StoreError(.notFound, path: path, "run \(id) disappeared") }
        changes.run = run
        return changes
    }

    /// Notes that `newer` replaces `run`; the runner supersedes it at its next gate.
    public func setSupersededBy(run: Int64, newer: Int64, at: Date) throws(StoreError) {
        try write { db in
            try requireOpen(db, run: run, action: "supersede")
            try db.execute(
                sql: "UPDATE runs SET superseded_by = ?, updated_at = ? WHERE id = ?", arguments: [newer, at, run])
        }
    }

    /// The crash-recovery rule, for the runner at start: every step still `running` was
    /// interrupted. An idempotent one goes back to pending (it re-runs); any other goes to
    /// needs-attention, because its effect may or may not have happened. Returns the steps
    /// changed, with their new state.
    public func recoverInterrupted(at: Date) throws(StoreError) -> [StepRecord] {
        let rows = try write { db in
            let running = try Row.fetchAll(db, sql: "SELECT * FROM steps WHERE state = 'running' ORDER BY run_id, idx")
            for row in running {
                let stored = StoredRow(row, table: "steps", keyColumns: "run_id", "idx", path: path)
                let run: Int64 = try stored.value("run_id")
                let name: String = try stored.value("name")
                let idempotent: Bool = try stored.value("idempotent")
                try db.execute(
                    sql: """
                        UPDATE attempts SET finished_at = ?, outcome = 'interrupted'
                        WHERE run_id = ? AND step = ? AND finished_at IS NULL
                        """,
                    arguments: [at, run, name])
                if idempotent {
                    try setStep(db, run: run, step: name, state: .pending, reason: nil, at: at)
                } else {
                    try setStep(
                        db, run: run, step: name, state: .needsAttention, reason: Self.interruptedReason, at: at)
                }
                try settle(db, run: run, at: at)
            }
            return try running.map { row in
                let stored = StoredRow(row, table: "steps", keyColumns: "run_id", "idx", path: path)
                return try Row.fetchOne(
                    db, sql: "SELECT * FROM steps WHERE run_id = ? AND idx = ?",
                    arguments: [try stored.value("run_id", as: Int64.self), try stored.value("idx", as: Int.self)])
            }.compactMap { $0 }
        }
        return try rows.map { row throws(StoreError) in try stepRecord(row) }
    }

    /// The reason a non-idempotent step interrupted by a crash waits for an operator.
    public static let interruptedReason =
        "interrupted while running; it may or may not have taken effect: retry or skip"

    // MARK: - Internals

    private func illegal(_ message: String) -> StoreError {
        StoreError(.illegalTransition, path: path, message)
    }

    private func runState(_ db: Database, run: Int64) throws -> RunState {
        guard let text = try String.fetchOne(db, sql: "SELECT state FROM runs WHERE id = ?", arguments: [run]) else {
            throw StoreError(.notFound, path: path, "no run \(run)")
        }
        guard let state = RunState(rawValue: text) else {
            throw StoreError(.corrupt, path: path, "run \(run) has unknown state \(text.debugDescription)")
        }
        return state
    }

    private func requireOpen(_ db: Database, run: Int64, action: String) throws {
        let state = try runState(db, run: run)
        guard !state.isFinal else { throw illegal("cannot \(action) run \(run): it is \(state.rawValue)") }
    }

    private func stepState(_ db: Database, run: Int64, step: String) throws -> StepState {
        guard
            let text = try String.fetchOne(
                db, sql: "SELECT state FROM steps WHERE run_id = ? AND name = ?", arguments: [run, step])
        else { throw StoreError(.notFound, path: path, "run \(run) has no step \(step.debugDescription)") }
        guard let state = StepState(rawValue: text) else {
            throw StoreError(.corrupt, path: path, "run \(run) step \(step) has unknown state \(text.debugDescription)")
        }
        return state
    }

    private func setStep(_ db: Database, run: Int64, step: String, state: StepState, reason: String?, at: Date) throws {
        try db.execute(
            sql: "UPDATE steps SET state = ?, reason = ?, updated_at = ? WHERE run_id = ? AND name = ?",
            arguments: [state.rawValue, reason, at, run, step])
    }

    private func setRunState(_ db: Database, run: Int64, state: RunState, reason: String?, at: Date) throws {
        try db.execute(
            sql: "UPDATE runs SET state = ?, reason = ?, updated_at = ? WHERE id = ?",
            arguments: [state.rawValue, reason, at, run])
    }

    /// Derives a non-final run's state from its steps: the first step not done or skipped
    /// decides. Failed, needs-attention or waiting, it gives the run that state (with its
    /// reason); pending or running, the run is active, even when a later step waits or failed
    /// (a security step re-opened by `addAdvisories` runs before the gate it precedes).
    func settle(_ db: Database, run: Int64, at: Date) throws {
        let current = try runState(db, run: run)
        guard !current.isFinal else { return }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT name, state, reason FROM steps WHERE run_id = ?
                AND state NOT IN ('done', 'skipped') ORDER BY idx LIMIT 1
                """,
            arguments: [run])
        var state = RunState.active
        var reason: String?
        if let row = rows.first.map({ StoredRow($0, table: "steps", keyColumns: "name", path: path) }),
            ["failed", "needs-attention", "waiting-approval"].contains(try row.value("state", as: String.self))
        {
            let name: String = try row.value("name")
            let stepReason: String? = try row.value("reason")
            let text: String = try row.value("state")
            switch StepState(rawValue: text) {
            case .failed:
                state = .failed
                reason = "step \(name) failed: \(stepReason ?? "no reason recorded")"
            case .needsAttention:
                state = .needsAttention
                reason = "step \(name) needs attention: \(stepReason ?? "no reason recorded")"
            default:
                state = .waitingApproval
                reason = "step \(name) waits for approval" + (stepReason.map { ": \($0)" } ?? "")
            }
        }
        try setRunState(db, run: run, state: state, reason: reason, at: at)
    }

    private func runRecord(_ row: Row) throws(StoreError) -> RunRecord {
        let stored = StoredRow(row, table: "runs", keyColumns: "id", path: path)
        let id: Int64 = try stored.value("id")
        let previousText: String = try stored.value("previous")
        let targetText: String = try stored.value("target")
        let stateText: String = try stored.value("state")
        let advisoriesText: String = try stored.value("advisories")
        guard let previous = OpenSSLVersion.parse(bare: previousText),
            let target = OpenSSLVersion.parse(bare: targetText)
        else { throw StoreError(.corrupt, path: path, "run \(id) has an unreadable version") }
        guard let state = RunState(rawValue: stateText) else {
            throw StoreError(.corrupt, path: path, "run \(id) has unknown state \(stateText.debugDescription)")
        }
        guard let advisories = try? JSONDecoder().decode([String].self, from: Data(advisoriesText.utf8)) else {
            throw StoreError(.corrupt, path: path, "run \(id) has unreadable advisories")
        }
        return RunRecord(
            id: id, project: try stored.value("project"), previous: previous, target: target,
            sha256: try stored.value("sha256"), nextRelease: try stored.value("next_release"), advisories: advisories,
            isSecurity: try stored.value("is_security"), state: state, reason: try stored.value("reason"),
            createdAt: try stored.date("created_at"), updatedAt: try stored.date("updated_at"),
            forced: try stored.value("forced"), supersededBy: try stored.value("superseded_by"))
    }

    private func stepRecord(_ row: Row) throws(StoreError) -> StepRecord {
        let stored = StoredRow(row, table: "steps", keyColumns: "run_id", "idx", path: path)
        let run: Int64 = try stored.value("run_id")
        let name: String = try stored.value("name")
        let kindText: String = try stored.value("kind")
        let stateText: String = try stored.value("state")
        guard let kind = StepKind(rawValue: kindText), let state = StepState(rawValue: stateText) else {
            throw StoreError(.corrupt, path: path, "run \(run) step \(name) has an unknown kind or state")
        }
        return StepRecord(
            runID: run, index: try stored.value("idx"), name: name, kind: kind, state: state,
            idempotent: try stored.value("idempotent"), reason: try stored.value("reason"),
            approvedAt: try stored.optionalDate("approved_at"), updatedAt: try stored.date("updated_at"))
    }
}
