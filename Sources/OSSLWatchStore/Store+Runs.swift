public import Foundation
internal import GRDB
public import OSSLWatchCore

/// Runs, their steps and attempts: the pipeline's journal.
///
/// Every method is one transaction: it loads the run's `RunMachine` from the rows, sends it
/// one event and writes the machine's actions (or throws its refusal). The rules (which
/// transition is legal, the run's state from its steps, the words) are the machine's; the
/// store keeps the order: a step's `running` state (with a new attempt row) is committed
/// before the step's effect and its outcome after, so whatever moment the process dies at,
/// the store tells what may have happened.
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
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(project, target) DO NOTHING
                    """,
                arguments: [
                    project, previous.description, target.description, nextRelease, advisoriesJSON, isSecurity,
                    RunState.active.rawValue, at, at, forced,
                ])
            guard db.changesCount == 1 else { return nil }
            let id = db.lastInsertedRowID
            for (index, step) in steps.enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO steps (run_id, idx, name, kind, state, idempotent, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        id, index, step.name, step.kind.rawValue, StepState.pending.rawValue, step.idempotent, at,
                    ])
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
        return try rows.map { row throws(StoreError) in try decodeRecord(RunRow.self, row) }
    }

    /// A run with its steps (and, for one run, its attempts) as one read saw them.
    public struct RunSnapshot: Sendable, Hashable {
        public let run: RunRecord
        public let steps: [StepRecord]
        public let attempts: [AttemptRecord]
    }

    /// Every run (or every run of `project`) with its steps, oldest first, read in one
    /// transaction: a run's state always matches its steps' (separate reads could see a step
    /// already waiting for approval and its run still active).
    public func runSnapshots(project: String? = nil) throws(StoreError) -> [RunSnapshot] {
        let (runRows, stepRows) = try read { db in
            let filter = project == nil ? "" : "WHERE project = ?"
            let arguments: StatementArguments = project.map { [$0] } ?? []
            return (
                try Row.fetchAll(db, sql: "SELECT * FROM runs \(filter) ORDER BY id", arguments: arguments),
                try Row.fetchAll(
                    db, sql: "SELECT * FROM steps WHERE run_id IN (SELECT id FROM runs \(filter)) ORDER BY run_id, idx",
                    arguments: arguments)
            )
        }
        var steps: [Int64: [StepRecord]] = [:]
        for row in stepRows {
            let step = try decodeRecord(StepRow.self, row)
            steps[step.runID, default: []].append(step)
        }
        return try runRows.map { row throws(StoreError) in
            let run = try decodeRecord(RunRow.self, row)
            return RunSnapshot(run: run, steps: steps[run.id] ?? [], attempts: [])
        }
    }

    /// One run with its steps and attempts, read in one transaction; nil when there is no such run.
    public func runSnapshot(_ id: Int64) throws(StoreError) -> RunSnapshot? {
        let (runRow, stepRows, attemptRows) = try read { db in
            (
                try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]),
                try Row.fetchAll(db, sql: "SELECT * FROM steps WHERE run_id = ? ORDER BY idx", arguments: [id]),
                try Row.fetchAll(db, sql: Self.attemptsQuery, arguments: [id])
            )
        }
        guard let runRow else { return nil }
        return RunSnapshot(
            run: try decodeRecord(RunRow.self, runRow),
            steps: try stepRows.map { row throws(StoreError) in try decodeRecord(StepRow.self, row) },
            attempts: try attemptRows.map { row throws(StoreError) in try decodeRecord(AttemptRow.self, row) })
    }

    /// Runs that are not final (active, waiting, needing attention, failed), oldest first.
    public func unfinishedRuns(project: String? = nil) throws(StoreError) -> [RunRecord] {
        try runs(project: project).filter { !$0.state.isFinal }
    }

    public func run(_ id: Int64) throws(StoreError) -> RunRecord? {
        let row = try read { db in try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]) }
        return try row.map { row throws(StoreError) in try decodeRecord(RunRow.self, row) }
    }

    /// The run of (project, target), if one was ever created.
    public func run(project: String, target: OpenSSLVersion) throws(StoreError) -> RunRecord? {
        let row = try read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM runs WHERE project = ? AND target = ?",
                arguments: [project, target.description])
        }
        return try row.map { row throws(StoreError) in try decodeRecord(RunRow.self, row) }
    }

    /// The steps of a run in checklist order.
    public func steps(run: Int64) throws(StoreError) -> [StepRecord] {
        let rows = try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM steps WHERE run_id = ? ORDER BY idx", arguments: [run])
        }
        return try rows.map { row throws(StoreError) in try decodeRecord(StepRow.self, row) }
    }

    /// Every attempt of every step of a run, in the order they started.
    public func attempts(run: Int64) throws(StoreError) -> [AttemptRecord] {
        let rows = try read { db in try Row.fetchAll(db, sql: Self.attemptsQuery, arguments: [run]) }
        return try rows.map { row throws(StoreError) in try decodeRecord(AttemptRow.self, row) }
    }

    /// A run's attempts in the order they started (the run's id is the one argument).
    static let attemptsQuery = """
        SELECT a.* FROM attempts a JOIN steps s ON s.run_id = a.run_id AND s.name = a.step
        WHERE a.run_id = ? ORDER BY a.started_at, s.idx, a.number
        """

    // MARK: - Operator transitions

    /// Approves the approval step that is waiting (or the one named): it becomes done and the
    /// run continues at the next advance; an announce step's draft is approved with it (the
    /// step is done once the message is sent). Approving a step that is not waiting is refused.
    public func approve(run: Int64, step: String?, at: Date) throws(StoreError) {
        try write { db in
            var machine = try runMachine(db, run: run)
            try apply(db, run: run, machine.approve(step: step), at: at)
        }
    }

    /// Puts a failed or needs-attention step back to pending; the run becomes active again and
    /// the step runs at the next advance. Any other state is refused (a done step never re-runs).
    public func retry(run: Int64, step: String, at: Date) throws(StoreError) {
        try write { db in
            var machine = try runMachine(db, run: run)
            try apply(db, run: run, machine.retry(step: step), at: at)
        }
    }

    /// Marks a step skipped (from pending, failed, needs-attention or waiting-approval): the run
    /// moves past it at the next advance. A running or done step cannot be skipped.
    public func skip(run: Int64, step: String, at: Date) throws(StoreError) {
        try write { db in
            var machine = try runMachine(db, run: run)
            try apply(db, run: run, machine.skip(step: step), at: at)
        }
    }

    /// Cancels a run that is not final; no step of it runs again.
    public func cancel(run: Int64, at: Date) throws(StoreError) {
        try write { db in
            var machine = try runMachine(db, run: run)
            try apply(db, run: run, machine.cancel(), at: at)
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
            var machine = try runMachine(db, run: run)
            let started = try apply(
                db, run: run, machine.begin(step: step), at: at, attempt: AttemptDetails(logs: logs))
            guard let attempt = started.first else { throw illegal("run \(run): step \(step) started no attempt") }
            return attempt
        }
    }

    /// Commits a running step's outcome after its effect: `done`, `failed` or `needs-attention`,
    /// completing the attempt row. A failed step fails the run with the step's reason.
    /// `dryRun` records that the effect was only printed; `outcome` replaces the attempt's
    /// outcome (an announce step's attempt says what became of its message).
    public func finishStep(
        run: Int64, step: String, attempt: Int, state: StepState, reason: String?, exitCode: Int32? = nil,
        stdoutPath: String? = nil, stderrPath: String? = nil, dryRun: Bool = false, outcome: AttemptOutcome? = nil,
        at: Date
    ) throws(StoreError) {
        try write { db in
            var machine = try runMachine(db, run: run)
            let details = AttemptDetails(
                number: attempt, exitCode: exitCode, stdoutPath: stdoutPath, stderrPath: stderrPath)
            try apply(
                db, run: run,
                machine.finish(
                    step: step, as: state, reason: reason, dryRun: dryRun, attemptOutcome: outcome), at: at,
                attempt: details)
        }
    }

    /// Moves a pending step without an effect: `skipped` (a security step of a non-security
    /// run), `waiting-approval` (an approval step reached), `failed` or `needs-attention`.
    public func markStep(run: Int64, step: String, state: StepState, because reason: StepReason?, at: Date)
        throws(StoreError)
    {
        try write { db in
            var machine = try runMachine(db, run: run)
            try apply(db, run: run, machine.mark(step: step, as: state, reason: reason), at: at)
        }
    }

    /// `markStep` with free words for the reason.
    public func markStep(run: Int64, step: String, state: StepState, reason: String?, at: Date) throws(StoreError) {
        try markStep(run: run, step: step, state: state, because: reason.map { .words($0) }, at: at)
    }

    /// Sets the final state `done` once every step is done or skipped.
    public func finishRun(run: Int64, state: RunState, reason: String?, at: Date) throws(StoreError) {
        guard state == .done else { throw illegal("run \(run): the runner cannot finish a run as \(state.rawValue)") }
        try write { db in
            var machine = try runMachine(db, run: run)
            try apply(db, run: run, machine.complete(), at: at)
        }
    }

    /// Records facts learnt during the run: the verified digest, the next downstream release.
    public func setRunFacts(run: Int64, sha256: String? = nil, nextRelease: String? = nil, at: Date)
        throws(StoreError)
    {
        try write { db in
            _ = try runMachine(db, run: run)
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
            let current = try decodeRecord(RunRow.self, row)
            guard !current.state.isFinal else { return nil }
            var added: [String] = []
            for cve in cves where !current.advisories.contains(cve) && !added.contains(cve) { added.append(cve) }
            guard !added.isEmpty else { return nil }
            try db.execute(
                sql: "UPDATE runs SET advisories = ?, is_security = 1, updated_at = ? WHERE id = ?",
                arguments: [try Self.json(current.advisories + added), at, id])
            var machine = try runMachine(db, run: id)
            let (reopened, action) = machine.reopenSecuritySteps()
            try apply(db, run: id, action, at: at)
            var update = AdvisoryUpdate(
                run: current, added: added, reopened: reopened, withdrawn: [], alreadyAnnounced: [], staleDrafts: [])
            for step in machine.steps where step.kind == .announce {
                switch try withdrawPlainAnnouncement(db, run: id, step: step, cves: added, at: at) {
                case .untouched: break
                case .withdrawn(let draft):
                    update.withdrawn.append(draft)
                    try apply(db, run: id, machine.withdrawAnnouncement(step: step.name), at: at)
                case .alreadyOut: update.alreadyAnnounced.append(step.name)
                case .stale(let draft): update.staleDrafts.append(draft)
                }
            }
            return update
        }
        guard var changes else { return nil }
        guard let run = try run(id) else { throw StoreError(.notFound, path: path, "run \(id) disappeared") }
        changes.run = run
        return changes
    }

    /// Notes that `newer` (targeting `target`) replaces `run`: final at once when `now`,
    /// otherwise the runner supersedes it at its next gate.
    public func supersede(run: Int64, by newer: Int64, target: OpenSSLVersion, now: Bool, at: Date)
        throws(StoreError)
    {
        try write { db in
            var machine = try runMachine(db, run: run)
            try apply(db, run: run, machine.supersede(by: newer, target: target.description, now: now), at: at)
        }
    }

    /// The crash-recovery rule (`RunMachine.recoverInterrupted`), for the runner at start:
    /// every step still `running` was interrupted. Returns the steps changed, with their new state.
    public func recoverInterrupted(at: Date) throws(StoreError) -> [StepRecord] {
        let rows = try write { db in
            let running = try Row.fetchAll(
                db, sql: "SELECT * FROM steps WHERE state = ? ORDER BY run_id, idx",
                arguments: [StepState.running.rawValue])
            let keys = try running.map { row throws(StoreError) in
                let step = try decodeRecord(StepRow.self, row)
                return (run: step.runID, index: step.index)
            }
            for run in Set(keys.map { $0.run }).sorted() {
                var machine = try runMachine(db, run: run)
                try apply(db, run: run, machine.recoverInterrupted(), at: at)
            }
            return try keys.compactMap { key in
                try Row.fetchOne(
                    db, sql: "SELECT * FROM steps WHERE run_id = ? AND idx = ?", arguments: [key.run, key.index])
            }
        }
        return try rows.map { row throws(StoreError) in try decodeRecord(StepRow.self, row) }
    }

    /// The reason a non-idempotent step interrupted by a crash waits for an operator.
    public static var interruptedReason: String { StepReason.interrupted.text }

    // MARK: - Applying the machine

    /// What the store adds to an attempt row the machine starts or finishes.
    struct AttemptDetails {
        /// The log files of a new attempt, given its number.
        var logs: ((Int) -> (stdout: String, stderr: String)?)?
        /// The attempt a finish completes; nil: the one not finished yet.
        var number: Int?
        var exitCode: Int32?
        var stdoutPath: String?
        var stderrPath: String?

        init(
            logs: ((Int) -> (stdout: String, stderr: String)?)? = nil, number: Int? = nil, exitCode: Int32? = nil,
            stdoutPath: String? = nil, stderrPath: String? = nil
        ) {
            self.logs = logs
            self.number = number
            self.exitCode = exitCode
            self.stdoutPath = stdoutPath
            self.stderrPath = stderrPath
        }
    }

    /// Loads a run's machine from its rows (with the drafts its announce steps wait on).
    func runMachine(_ db: Database, run: Int64) throws -> RunMachine {
        guard let text = try String.fetchOne(db, sql: "SELECT state FROM runs WHERE id = ?", arguments: [run]) else {
            throw StoreError(.notFound, path: path, "no run \(run)")
        }
        guard let state = RunState(rawValue: text) else {
            throw StoreError(.corrupt, path: path, "run \(run) has unknown state \(text.debugDescription)")
        }
        var drafts: [String: Int64] = [:]
        let draftRows = try Row.fetchAll(
            db,
            sql: "SELECT \(Self.outboxColumns) FROM outbox WHERE run_id = ? AND role = ? AND state = ? ORDER BY id",
            arguments: [run, OutboxRecord.Role.message.rawValue, OutboxState.drafted.rawValue])
        for row in draftRows {
            let draft = try decodeRecord(OutboxRow.self, row)
            if let step = draft.step { drafts[step] = draft.id }
        }
        let rows = try Row.fetchAll(
            db, sql: "SELECT * FROM steps WHERE run_id = ? ORDER BY idx", arguments: [run])
        let steps = try rows.map { row throws(StoreError) in
            let step = try decodeRecord(StepRow.self, row)
            let code: StepReason.Code?
            do {
                code = try StepRow.reasonCode(row)
            } catch {
                throw StoreError(.corrupt, path: path, "run \(run) step \(step.name) has an unreadable reason code")
            }
            return RunMachine.Step(
                name: step.name, kind: step.kind, state: step.state, idempotent: step.idempotent,
                reason: step.reason, reasonCode: code, draft: drafts[step.name])
        }
        return RunMachine(run: run, state: state, steps: steps)
    }

    /// Writes a machine's action (or throws its refusal); returns the attempts it started.
    @discardableResult
    func apply(
        _ db: Database, run: Int64, _ action: RunMachine.Action, at: Date, attempt details: AttemptDetails = .init()
    ) throws -> [AttemptRecord] {
        let writes: RunMachine.Writes
        switch action {
        case .refuse(let refusal):
            if case .noSuchStep = refusal { throw StoreError(.notFound, path: path, refusal.message) }
            throw illegal(refusal.message)
        case .write(let planned): writes = planned
        }
        var started: [AttemptRecord] = []
        for step in writes.steps {
            switch step.attempt {
            case nil: break
            case .start?:
                let number =
                    try Int.fetchOne(
                        db, sql: "SELECT COALESCE(MAX(number), 0) + 1 FROM attempts WHERE run_id = ? AND step = ?",
                        arguments: [run, step.name]) ?? 1
                let paths = details.logs?(number) ?? nil
                try db.execute(
                    sql: """
                        INSERT INTO attempts (run_id, step, number, started_at, stdout_path, stderr_path)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [run, step.name, number, at, paths?.stdout, paths?.stderr])
                started.append(
                    AttemptRecord(
                        runID: run, step: step.name, number: number, startedAt: at, stdoutPath: paths?.stdout,
                        stderrPath: paths?.stderr))
            case .finish?, .interrupt?:
                let outcome = step.attempt?.outcome?.rawValue
                try db.execute(
                    sql: """
                        UPDATE attempts SET finished_at = ?, exit_code = COALESCE(?, exit_code),
                                            stdout_path = COALESCE(?, stdout_path),
                                            stderr_path = COALESCE(?, stderr_path), outcome = ?
                        WHERE run_id = ? AND step = ? AND finished_at IS NULL AND (? IS NULL OR number = ?)
                        """,
                    arguments: [
                        at, details.exitCode, details.stdoutPath, details.stderrPath, outcome, run, step.name,
                        details.number, details.number,
                    ])
            }
            try db.execute(
                sql: """
                    UPDATE steps SET state = ?, reason = ?, reason_code = ?, updated_at = ?,
                                     approved_at = CASE WHEN ? THEN ? WHEN ? THEN NULL ELSE approved_at END
                    WHERE run_id = ? AND name = ?
                    """,
                arguments: [
                    step.state.rawValue, step.reason?.text, step.reason?.code?.rawValue, at, step.approved, at,
                    step.clearsApproval, run, step.name,
                ])
        }
        if let newer = writes.supersededBy {
            try db.execute(
                sql: "UPDATE runs SET superseded_by = ?, updated_at = ? WHERE id = ?", arguments: [newer, at, run])
        }
        if let derived = writes.run {
            try db.execute(
                sql: "UPDATE runs SET state = ?, reason = ?, updated_at = ? WHERE id = ?",
                arguments: [derived.state.rawValue, derived.reason, at, run])
        }
        if let draft = writes.approveDraft { try approveDraftOfStep(db, draft, at: at) }
        return started
    }

    private func illegal(_ message: String) -> StoreError {
        StoreError(.illegalTransition, path: path, message)
    }
}
