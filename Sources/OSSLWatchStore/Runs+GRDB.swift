import Foundation
internal import GRDB
import OSSLWatchCore

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
            stderrPath: try row[.stderrPath], outcome: try row[.outcome])
    }
}
