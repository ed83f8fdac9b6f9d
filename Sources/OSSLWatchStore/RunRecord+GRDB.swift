import Foundation
internal import GRDB
import OSSLWatchCore

/// A run read from its `runs` row. The columns are named once (`Columns`); every value goes
/// through `StoredRow`'s throwing decoders, so a damaged row is an error naming it, never a
/// trap. The error's path is filled in by `Store.decodeRecord(_:_:)`.
/// Internal, so that GRDB stays inside the store: the core type it carries knows nothing of it.
struct RunRow: RecordRow, TableRecord {
    let record: RunRecord

    static let databaseTableName = "runs"

    /// The columns of `runs`.
    enum Columns {
        static let id = Column("id")
        static let project = Column("project")
        static let previous = Column("previous")
        static let target = Column("target")
        static let sha256 = Column("sha256")
        static let nextRelease = Column("next_release")
        static let advisories = Column("advisories")
        static let isSecurity = Column("is_security")
        static let state = Column("state")
        static let reason = Column("reason")
        static let createdAt = Column("created_at")
        static let updatedAt = Column("updated_at")
        static let forced = Column("forced")
        static let supersededBy = Column("superseded_by")
    }

    init(row: Row) throws {
        let stored = StoredRow(row, table: Self.databaseTableName, keyColumns: Columns.id.name, path: "")
        let id: Int64 = try stored.value(Columns.id.name)
        let previousText: String = try stored.value(Columns.previous.name)
        let targetText: String = try stored.value(Columns.target.name)
        let stateText: String = try stored.value(Columns.state.name)
        let advisoriesText: String = try stored.value(Columns.advisories.name)
        guard let previous = OpenSSLVersion.parse(bare: previousText),
            let target = OpenSSLVersion.parse(bare: targetText)
        else { throw StoreError(.corrupt, path: "", "run \(id) has an unreadable version") }
        guard let state = RunState(rawValue: stateText) else {
            throw StoreError(.corrupt, path: "", "run \(id) has unknown state \(stateText.debugDescription)")
        }
        guard let advisories = try? JSONDecoder().decode([String].self, from: Data(advisoriesText.utf8)) else {
            throw StoreError(.corrupt, path: "", "run \(id) has unreadable advisories")
        }
        record = RunRecord(
            id: id, project: try stored.value(Columns.project.name), previous: previous, target: target,
            sha256: try stored.value(Columns.sha256.name), nextRelease: try stored.value(Columns.nextRelease.name),
            advisories: advisories, isSecurity: try stored.value(Columns.isSecurity.name), state: state,
            reason: try stored.value(Columns.reason.name), createdAt: try stored.date(Columns.createdAt.name),
            updatedAt: try stored.date(Columns.updatedAt.name), forced: try stored.value(Columns.forced.name),
            supersededBy: try stored.value(Columns.supersededBy.name))
    }
}
