import Foundation
import GRDB

/// A step read from its `steps` row, as `RunRecord+GRDB` reads a run.
extension StepRecord: FetchableRecord, TableRecord {
    public static let databaseTableName = "steps"

    /// The columns of `steps`.
    public enum Columns {
        public static let runID = Column("run_id")
        public static let index = Column("idx")
        public static let name = Column("name")
        public static let kind = Column("kind")
        public static let state = Column("state")
        public static let idempotent = Column("idempotent")
        public static let reason = Column("reason")
        /// `StepReason.Code`, for reasons the run machine decided.
        public static let reasonCode = Column("reason_code")
        public static let approvedAt = Column("approved_at")
        public static let updatedAt = Column("updated_at")
    }

    public init(row: Row) throws {
        let stored = StoredRow(
            row, table: Self.databaseTableName, keyColumns: Columns.runID.name, Columns.index.name, path: "")
        let run: Int64 = try stored.value(Columns.runID.name)
        let name: String = try stored.value(Columns.name.name)
        let kindText: String = try stored.value(Columns.kind.name)
        let stateText: String = try stored.value(Columns.state.name)
        guard let kind = StepKind(rawValue: kindText), let state = StepState(rawValue: stateText) else {
            throw StoreError(.corrupt, path: "", "run \(run) step \(name) has an unknown kind or state")
        }
        self.init(
            runID: run, index: try stored.value(Columns.index.name), name: name, kind: kind, state: state,
            idempotent: try stored.value(Columns.idempotent.name), reason: try stored.value(Columns.reason.name),
            approvedAt: try stored.optionalDate(Columns.approvedAt.name),
            updatedAt: try stored.date(Columns.updatedAt.name))
    }

    /// The reason's code, which the record type itself does not carry (the run machine's `Step` does).
    static func reasonCode(_ row: Row) throws -> StepReason.Code? {
        let stored = StoredRow(
            row, table: databaseTableName, keyColumns: Columns.runID.name, Columns.index.name, path: "")
        let text: String? = try stored.value(Columns.reasonCode.name)
        return text.flatMap(StepReason.Code.init(rawValue:))
    }
}
