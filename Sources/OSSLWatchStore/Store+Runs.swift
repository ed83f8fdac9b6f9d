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
        let new = RunRecord(
            id: 0, project: project, previous: previous, target: target, nextRelease: nextRelease,
            advisories: advisories, isSecurity: isSecurity, createdAt: at, updatedAt: at, forced: forced)
        return try write { db in
            try RunRow(record: new).insert(db, onConflict: .ignore)
            guard db.changesCount == 1 else { return nil }
            let id = db.lastInsertedRowID
            for (index, plan) in steps.enumerated() {
                let step = StepRecord(
                    runID: id, index: index, name: plan.name, kind: plan.kind, idempotent: plan.idempotent,
                    updatedAt: at)
                try StepRow(record: step).insert(db)
            }
            return try requireRun(db, id)
        }
    }

    /// Every run, or every run of `project`, oldest first.
    public func runs(project: String? = nil) throws(StoreError) -> [RunRecord] {
        try read { db in try Self.runs(project: project).records(db) }
    }

    private static func runs(project: String?) -> QueryInterfaceRequest<RunRow> {
        let all = RunRow.order { $0.id }
        guard let project else { return all }
        return all.filter { $0.project == project }
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
        let (runs, allSteps) = try read { db in
            let runs = Self.runs(project: project)
            let ids = runs.select { $0.id }
            return (
                try runs.records(db),
                try StepRow.filter { ids.contains($0.runID) }.order { [$0.runID, $0.index] }.records(db)
            )
        }
        let steps = Dictionary(grouping: allSteps, by: \.runID)
        return runs.map { run in RunSnapshot(run: run, steps: steps[run.id] ?? [], attempts: []) }
    }

    /// One run with its steps and attempts, read in one transaction; nil when there is no such run.
    public func runSnapshot(_ id: Int64) throws(StoreError) -> RunSnapshot? {
        try read { db in
            guard let run = try RunRow.filter(key: id).record(db) else { return nil }
            return RunSnapshot(run: run, steps: try Self.steps(db, run: id), attempts: try Self.attempts(db, run: id))
        }
    }

    /// Runs that are not final (active, waiting, needing attention, failed), oldest first.
    public func unfinishedRuns(project: String? = nil) throws(StoreError) -> [RunRecord] {
        try runs(project: project).filter { !$0.state.isFinal }
    }

    public func run(_ id: Int64) throws(StoreError) -> RunRecord? {
        try read { db in try RunRow.filter(key: id).record(db) }
    }

    /// The run of (project, target), if one was ever created.
    public func run(project: String, target: OpenSSLVersion) throws(StoreError) -> RunRecord? {
        try read { db in
            try RunRow.filter { $0.project == project && $0.target == target.description }.record(db)
        }
    }

    /// The steps of a run in checklist order.
    public func steps(run: Int64) throws(StoreError) -> [StepRecord] {
        try read { db in try Self.steps(db, run: run) }
    }

    private static func steps(_ db: Database, run: Int64) throws -> [StepRecord] {
        try StepRow.filter { $0.runID == run }.order { $0.index }.records(db)
    }

    /// Every attempt of every step of a run, in the order they started.
    public func attempts(run: Int64) throws(StoreError) -> [AttemptRecord] {
        try read { db in try Self.attempts(db, run: run) }
    }

    /// A run's attempts in the order they started, a step's place breaking ties (a join).
    private static func attempts(_ db: Database, run: Int64) throws -> [AttemptRecord] {
        try AttemptRow.fetchAll(
            db,
            sql: """
                SELECT a.* FROM attempts a JOIN steps s ON s.run_id = a.run_id AND s.name = a.step
                WHERE a.run_id = ? ORDER BY a.started_at, s.idx, a.number
                """, arguments: [run]
        ).map(\.record)
    }

    // MARK: - Operator transitions

    /// `RunMachine.approve(step:)`; approving a step that is not waiting is refused.
    public func approve(run: Int64, step: String?, at: Date) throws(StoreError) {
        try transition(run: run, at: at) { $0.approve(step: step) }
    }

    /// `RunMachine.retry(step:)`; any other state is refused (a done step never re-runs).
    public func retry(run: Int64, step: String, at: Date) throws(StoreError) {
        try transition(run: run, at: at) { $0.retry(step: step) }
    }

    /// `RunMachine.skip(step:)`.
    public func skip(run: Int64, step: String, at: Date) throws(StoreError) {
        try transition(run: run, at: at) { $0.skip(step: step) }
    }

    /// `RunMachine.cancel()`.
    public func cancel(run: Int64, at: Date) throws(StoreError) {
        try transition(run: run, at: at) { $0.cancel() }
    }

    // MARK: - Runner transitions

    /// `RunMachine.begin(step:)`, committed before the step's effect. `logs` gives the attempt's log files for
    /// its number, recorded now so an interrupted attempt still shows where its output went.
    public func beginStep(
        run: Int64, step: String, at: Date, logs: ((Int) -> (stdout: String, stderr: String)?)? = nil
    ) throws(StoreError) -> AttemptRecord {
        let started = try transition(run: run, at: at, attempt: AttemptDetails(logs: logs)) { $0.begin(step: step) }
        guard let attempt = started.first else { throw illegal("run \(run): step \(step) started no attempt") }
        return attempt
    }

    /// `RunMachine.finish`, committed after the step's effect; a failed step fails the run.
    public func finishStep(
        run: Int64, step: String, attempt: Int, state: StepState, reason: String?, exitCode: Int32? = nil,
        stdoutPath: String? = nil, stderrPath: String? = nil, dryRun: Bool = false, outcome: AttemptOutcome? = nil,
        at: Date
    ) throws(StoreError) {
        let details = AttemptDetails(
            number: attempt, exitCode: exitCode, stdoutPath: stdoutPath, stderrPath: stderrPath)
        try transition(run: run, at: at, attempt: details) {
            $0.finish(step: step, as: state, reason: reason, dryRun: dryRun, attemptOutcome: outcome)
        }
    }

    /// `RunMachine.mark(step:as:reason:)`.
    public func markStep(run: Int64, step: String, state: StepState, because reason: StepReason?, at: Date)
        throws(StoreError)
    {
        try transition(run: run, at: at) { $0.mark(step: step, as: state, reason: reason) }
    }

    /// `markStep` with free words for the reason.
    public func markStep(run: Int64, step: String, state: StepState, reason: String?, at: Date) throws(StoreError) {
        try markStep(run: run, step: step, state: state, because: reason.map { .words($0) }, at: at)
    }

    /// Sets the final state `done` once every step is done or skipped.
    public func finishRun(run: Int64, state: RunState, reason: String?, at: Date) throws(StoreError) {
        try transition(run: run, at: at) { $0.complete(as: state) }
    }

    /// Records facts learnt during the run: the verified digest, the next downstream release.
    public func setRunFacts(run: Int64, sha256: String? = nil, nextRelease: String? = nil, at: Date)
        throws(StoreError)
    {
        try write { db in
            var facts = try requireRun(db, run)
            facts.sha256 = sha256 ?? facts.sha256
            facts.nextRelease = nextRelease ?? facts.nextRelease
            facts.updatedAt = at
            try RunRow(record: facts).update(db)
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
        public var withdrawn: [Int64] = []
        /// Announce steps whose plain announcement is out or may be (sending, sent,
        /// needs-attention), or that passed without mail: the advisory is announced by hand.
        public var alreadyAnnounced: [String] = []
        /// Security drafts not sent yet that now name fewer CVEs than the run (left as they are).
        public var staleDrafts: [Int64] = []
    }

    /// Records CVEs a run's target fixes that were not known when the run was created (the
    /// advisory text came after the release): in one transaction the run gains them and
    /// becomes a security release, its steps skipped as "not a security release" are pending
    /// again, and an unsent plain announcement is withdrawn so the security variant is drafted.
    /// The list only grows. Returns nil when nothing is new or the run is final.
    public func addAdvisories(run id: Int64, cves: [String], at: Date) throws(StoreError) -> AdvisoryUpdate? {
        try write { db -> AdvisoryUpdate? in
            guard case let (security, added)? = try requireRun(db, id).addingAdvisories(cves, at: at) else {
                return nil
            }
            try RunRow(record: security).update(db)
            var machine = try runMachine(db, run: id)
            let (reopened, action) = machine.reopenSecuritySteps()
            try apply(db, run: id, action, at: at)
            var update = AdvisoryUpdate(run: security, added: added, reopened: reopened)
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
            update.run = try requireRun(db, id)
            return update
        }
    }

    /// Notes that `newer` (targeting `target`) replaces `run`: final at once when `now`,
    /// otherwise the runner supersedes it at its next gate.
    public func supersede(run: Int64, by newer: Int64, target: OpenSSLVersion, now: Bool, at: Date)
        throws(StoreError)
    {
        try transition(run: run, at: at) { $0.supersede(by: newer, target: target.description, now: now) }
    }

    /// The crash-recovery rule (`RunMachine.recoverInterrupted`), for the runner at start:
    /// every step still `running` was interrupted. Returns the steps changed, with their new state.
    public func recoverInterrupted(at: Date) throws(StoreError) -> [StepRecord] {
        try write { db in
            let running = try StepRow.filter { $0.state == StepState.running.rawValue }.order { [$0.runID, $0.index] }
                .records(db)
            for run in Set(running.map(\.runID)).sorted() {
                var machine = try runMachine(db, run: run)
                try apply(db, run: run, machine.recoverInterrupted(), at: at)
            }
            return try running.compactMap { step in
                try StepRow.filter { $0.runID == step.runID && $0.index == step.index }.record(db)
            }
        }
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
    }

    /// One run event in one transaction: the machine loaded from the rows, its action written.
    @discardableResult
    private func transition(
        run: Int64, at: Date, attempt details: AttemptDetails = .init(),
        _ event: (inout RunMachine) -> RunMachine.Action
    ) throws(StoreError) -> [AttemptRecord] {
        try write { db in
            var machine = try runMachine(db, run: run)
            return try apply(db, run: run, event(&machine), at: at, attempt: details)
        }
    }

    /// The run's record; a run that does not exist is an error.
    func requireRun(_ db: Database, _ run: Int64) throws -> RunRecord {
        guard let record = try RunRow.filter(key: run).record(db) else {
            throw StoreError(.notFound, path: path, "no run \(run)")
        }
        return record
    }

    /// Loads a run's machine from its rows (with the drafts its announce steps wait on).
    func runMachine(_ db: Database, run: Int64) throws -> RunMachine {
        let state = try requireRun(db, run).state
        let waiting = OutboxRow.filter { $0.runID == run && $0.role == OutboxRecord.Role.message.rawValue }
            .filter { $0.state == OutboxState.drafted.rawValue }.order { $0.id }
        let drafts = Dictionary(
            try waiting.records(db).compactMap { draft in draft.step.map { ($0, draft.id) } }, uniquingKeysWith: { $1 })
        let steps = try StepRow.filter { $0.runID == run }.order { $0.index }.fetchAll(db).map { row in
            RunMachine.Step(
                name: row.record.name, kind: row.record.kind, state: row.record.state,
                idempotent: row.record.idempotent, reason: row.record.reason, reasonCode: row.reasonCode,
                draft: drafts[row.record.name])
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
                let attempts = AttemptRow.filter { $0.runID == run && $0.step == step.name }
                let number = (try attempts.select({ max($0.number) }, as: Int.self).fetchOne(db) ?? 0) + 1
                let paths = details.logs?(number) ?? nil
                let attempt = AttemptRecord(
                    runID: run, step: step.name, number: number, startedAt: at, stdoutPath: paths?.stdout,
                    stderrPath: paths?.stderr)
                try AttemptRow(record: attempt).insert(db)
                started.append(attempt)
            case .finish?, .interrupt?:
                var open = AttemptRow.filter { $0.runID == run && $0.step == step.name && $0.finishedAt == nil }
                if let number = details.number { open = open.filter { $0.number == number } }
                for var attempt in try open.fetchAll(db) {
                    attempt.record.finishedAt = at
                    attempt.record.exitCode = details.exitCode ?? attempt.record.exitCode
                    attempt.record.stdoutPath = details.stdoutPath ?? attempt.record.stdoutPath
                    attempt.record.stderrPath = details.stderrPath ?? attempt.record.stderrPath
                    attempt.record.outcome = step.attempt?.outcome
                    try attempt.update(db)
                }
            }
            let approvedAt: (any SQLExpressible)? =
                step.approved ? at : step.clearsApproval ? nil : StepRow.Columns.approvedAt
            try StepRow.filter { $0.runID == run && $0.name == step.name }.updateAll(db) {
                [
                    $0.state.set(to: step.state.rawValue), $0.reason.set(to: step.reason?.text),
                    $0.reasonCode.set(to: step.reason?.code?.rawValue), $0.updatedAt.set(to: at),
                    $0.approvedAt.set(to: approvedAt),
                ]
            }
        }
        if writes.supersededBy != nil || writes.run != nil {
            var record = try requireRun(db, run)
            record.supersededBy = writes.supersededBy ?? record.supersededBy
            record.state = writes.run?.state ?? record.state
            if let derived = writes.run { record.reason = derived.reason }
            record.updatedAt = at
            try RunRow(record: record).update(db)
        }
        if let draft = writes.approveDraft { try approveDraftOfStep(db, draft, at: at) }
        return started
    }

    private func illegal(_ message: String) -> StoreError {
        StoreError(.illegalTransition, path: path, message)
    }
}

/// A run as its `runs` row holds it. A new run's id is 0 until SQLite assigns one.
struct RunRow: RecordRow, PersistableRecord {
    let record: RunRecord

    static let databaseTableName = "runs"

    enum Columns: String, RecordColumn {
        case id, project, previous, target, sha256, nextRelease, advisories, isSecurity, state, reason, createdAt,
            updatedAt, forced, supersededBy
    }

    static func decode(_ row: StoredRow<Columns>) throws -> RunRecord {
        RunRecord(
            id: try row[.id], project: try row[.project],
            previous: try row.text(.previous, OpenSSLVersion.parse(bare:)),
            target: try row.text(.target, OpenSSLVersion.parse(bare:)), sha256: try row[.sha256],
            nextRelease: try row[.nextRelease], advisories: try row.json(.advisories),
            isSecurity: try row[.isSecurity], state: try row.text(.state, RunState.init(rawValue:)),
            reason: try row[.reason],
            createdAt: try row[.createdAt], updatedAt: try row[.updatedAt], forced: try row[.forced],
            supersededBy: try row[.supersededBy])
    }
}

/// A step as its `steps` row holds it, with the reason's code, which the record type itself
/// does not carry (the run machine's `Step` does).
struct StepRow: RecordRow, PersistableRecord {
    let record: StepRecord
    var reasonCode: StepReason.Code?

    init(record: StepRecord) {
        self.record = record
    }

    static let databaseTableName = "steps"
    static let keyColumns: [Columns] = [.runID, .index]

    enum Columns: String, RecordColumn {
        case runID, index, name, kind, state, idempotent, reason
        /// `StepReason.Code`, for reasons the run machine decided.
        case reasonCode, approvedAt, updatedAt

        static let renamed: [Columns: String] = [.index: "idx"]
    }

    init(row: Row) throws {
        let stored = StoredRow(row, table: Self.databaseTableName, keyColumns: Self.keyColumns)
        self.init(record: try Self.decode(stored))
        let code: String? = try stored[.reasonCode]
        reasonCode = code.flatMap(StepReason.Code.init(rawValue:))
    }

    static func decode(_ row: StoredRow<Columns>) throws -> StepRecord {
        StepRecord(
            runID: try row[.runID], index: try row[.index], name: try row[.name],
            kind: try row.text(.kind, StepKind.init(rawValue:)),
            state: try row.text(.state, StepState.init(rawValue:)), idempotent: try row[.idempotent],
            reason: try row[.reason],
            approvedAt: try row[.approvedAt], updatedAt: try row[.updatedAt])
    }

    func encode(to container: inout PersistenceContainer) throws {
        try encodeRecord(to: &container)
        container[Columns.reasonCode] = reasonCode?.rawValue
    }
}

/// An attempt as its `attempts` row holds it.
struct AttemptRow: RecordRow, PersistableRecord {
    var record: AttemptRecord

    static let databaseTableName = "attempts"
    static let keyColumns: [Columns] = [.runID, .step, .number]

    enum Columns: String, RecordColumn {
        case runID, step, number, startedAt, finishedAt, exitCode, stdoutPath, stderrPath, outcome
    }

    static func decode(_ row: StoredRow<Columns>) throws -> AttemptRecord {
        AttemptRecord(
            runID: try row[.runID], step: try row[.step], number: try row[.number], startedAt: try row[.startedAt],
            finishedAt: try row[.finishedAt], exitCode: try row[.exitCode], stdoutPath: try row[.stdoutPath],
            stderrPath: try row[.stderrPath],
            outcome: try row.optionalText(.outcome, AttemptOutcome.init(rawValue:)))
    }
}
