import Foundation
import GRDB

/// A run read from its `runs` row. The columns are named once (`Columns`); every value goes
/// through `StoredRow`'s throwing decoders, so a damaged row is an error naming it, never a
/// trap. The error's path is filled in by `Store.decodeRecord(_:_:)`.
extension RunRecord: FetchableRecord, TableRecord {
    public static let databaseTableName = "runs"

    /// The columns of `runs`.
    public enum Columns {
        public static let id = Column("id")
        public static let project = Column("project")
        public static let previous = Column("previous")
        public static let target = Column("target")
        public static let sha256 = Column("sha256")
        public static let nextRelease = Column("next_release")
        public static let advisories = Column("advisories")
        public static let isSecurity = Column("is_security")
        public static let state = Column("state")
        public static let reason = Column("reason")
        public static let createdAt = Column("created_at")
        public static let updatedAt = Column("updated_at")
        public static let forced = Column("forced")
        public static let supersededBy = Column("superseded_by")
    }

    public init(row: Row) throws {
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
        self.init(
            id: id, project: try stored.value(Columns.project.name), previous: previous, target: target,
            sha256: try stored.value(Columns.sha256.name), nextRelease: try stored.value(Columns.nextRelease.name),
            advisories: advisories, isSecurity: try stored.value(Columns.isSecurity.name), state: state,
            reason: try stored.value(Columns.reason.name), createdAt: try stored.date(Columns.createdAt.name),
            updatedAt: try stored.date(Columns.updatedAt.name), forced: try stored.value(Columns.forced.name),
            supersededBy: try stored.value(Columns.supersededBy.name))
    }
}
