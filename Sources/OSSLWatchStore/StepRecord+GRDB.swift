import Foundation
internal import GRDB
import OSSLWatchCore

/// A step read from its `steps` row, as `RunRecord+GRDB` reads a run.
/// Internal, so that GRDB stays inside the store: the core type it carries knows nothing of it.
struct StepRow: RecordRow, TableRecord {
    let record: StepRecord

    static let databaseTableName = "steps"

    /// The columns of `steps`.
    enum Columns {
        static let runID = Column("run_id")
        static let index = Column("idx")
        static let name = Column("name")
        static let kind = Column("kind")
        static let state = Column("state")
        static let idempotent = Column("idempotent")
        static let reason = Column("reason")
        /// `StepReason.Code`, for reasons the run machine decided.
        static let reasonCode = Column("reason_code")
        static let approvedAt = Column("approved_at")
        static let updatedAt = Column("updated_at")
    }

    init(row: Row) throws {
        let stored = StoredRow(
            row, table: Self.databaseTableName, keyColumns: Columns.runID.name, Columns.index.name, path: "")
        let run: Int64 = try stored.value(Columns.runID.name)
        let name: String = try stored.value(Columns.name.name)
        let kindText: String = try stored.value(Columns.kind.name)
        let stateText: String = try stored.value(Columns.state.name)
        guard let kind = StepKind(rawValue: kindText), let state = StepState(rawValue: stateText) else {
            throw StoreError(.corrupt, path: "", "run \(run) step \(name) has an unknown kind or state")
        }
        record = StepRecord(
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
