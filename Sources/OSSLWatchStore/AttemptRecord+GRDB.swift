import Foundation
internal import GRDB
import OSSLWatchCore

/// An attempt read from its `attempts` row, as `RunRecord+GRDB` reads a run.
/// Internal, so that GRDB stays inside the store: the core type it carries knows nothing of it.
struct AttemptRow: RecordRow, TableRecord {
    let record: AttemptRecord

    static let databaseTableName = "attempts"

    /// The columns of `attempts`.
    enum Columns {
        static let runID = Column("run_id")
        static let step = Column("step")
        static let number = Column("number")
        static let startedAt = Column("started_at")
        static let finishedAt = Column("finished_at")
        static let exitCode = Column("exit_code")
        static let stdoutPath = Column("stdout_path")
        static let stderrPath = Column("stderr_path")
        static let outcome = Column("outcome")
    }

    init(row: Row) throws {
        let stored = StoredRow(
            row, table: Self.databaseTableName, keyColumns: Columns.runID.name, Columns.step.name,
            Columns.number.name, path: "")
        record = AttemptRecord(
            runID: try stored.value(Columns.runID.name), step: try stored.value(Columns.step.name),
            number: try stored.value(Columns.number.name), startedAt: try stored.date(Columns.startedAt.name),
            finishedAt: try stored.optionalDate(Columns.finishedAt.name),
            exitCode: try stored.value(Columns.exitCode.name), stdoutPath: try stored.value(Columns.stdoutPath.name),
            stderrPath: try stored.value(Columns.stderrPath.name),
            outcome: try stored.value(Columns.outcome.name, as: String?.self).flatMap(AttemptOutcome.init(rawValue:)))
    }
}
