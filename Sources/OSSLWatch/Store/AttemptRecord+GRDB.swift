import Foundation
import GRDB

/// An attempt read from its `attempts` row, as `RunRecord+GRDB` reads a run.
extension AttemptRecord: FetchableRecord, TableRecord {
    public static let databaseTableName = "attempts"

    /// The columns of `attempts`.
    public enum Columns {
        public static let runID = Column("run_id")
        public static let step = Column("step")
        public static let number = Column("number")
        public static let startedAt = Column("started_at")
        public static let finishedAt = Column("finished_at")
        public static let exitCode = Column("exit_code")
        public static let stdoutPath = Column("stdout_path")
        public static let stderrPath = Column("stderr_path")
        public static let outcome = Column("outcome")
    }

    public init(row: Row) throws {
        let stored = StoredRow(
            row, table: Self.databaseTableName, keyColumns: Columns.runID.name, Columns.step.name,
            Columns.number.name, path: "")
        self.init(
            runID: try stored.value(Columns.runID.name), step: try stored.value(Columns.step.name),
            number: try stored.value(Columns.number.name), startedAt: try stored.date(Columns.startedAt.name),
            finishedAt: try stored.optionalDate(Columns.finishedAt.name),
            exitCode: try stored.value(Columns.exitCode.name), stdoutPath: try stored.value(Columns.stdoutPath.name),
            stderrPath: try stored.value(Columns.stderrPath.name), outcome: try stored.value(Columns.outcome.name))
    }
}
