public import Foundation
internal import GRDB
public import OSSLWatchCore

extension Store {
    /// Records a manual request; the daemon picks it up on its next SIGUSR1 or at start.
    ///
    /// The caller validates `project` against the configuration; the version is stored in its
    /// canonical form, so nothing but a parsed `OpenSSLVersion` ever reaches the row.
    public func addRequest(kind: ControlRequest.Kind, project: String?, version: OpenSSLVersion?, at: Date)
        throws(StoreError) -> ControlRequest
    {
        var request = ControlRequest(id: 0, kind: kind, project: project, version: version, createdAt: at)
        request.id = try write { db in
            try RequestRow(record: request).insert(db)
            return db.lastInsertedRowID
        }
        return request
    }

    /// Requests not yet handled, oldest first.
    public func pendingRequests() throws(StoreError) -> [ControlRequest] {
        try read { db in try RequestRow.filter { $0.handledAt == nil }.order { $0.id }.records(db) }
    }

    /// The most recent requests of any state, newest first; for `status`.
    public func recentRequests(limit: Int) throws(StoreError) -> [ControlRequest] {
        try read { db in try RequestRow.order { $0.id.desc }.limit(max(0, limit)).records(db) }
    }

    /// Marks a request handled with what was done about it. Marking one twice keeps the first
    /// time and note, so a daemon restarted mid-handling cannot rewrite history.
    public func markHandled(_ id: Int64, at: Date, note: String?) throws(StoreError) {
        let found = try write { db in
            let pending = RequestRow.filter { $0.id == id && $0.handledAt == nil }
            let marked = try pending.updateAll(db) { [$0.handledAt.set(to: at), $0.note.set(to: note)] }
            return try marked == 1 || RequestRow.exists(db, key: id)
        }
        guard found else { throw StoreError(.notFound, path: path, "no request \(id) to mark handled") }
    }
}

/// A control request as its `requests` row holds it. A new request's id is 0 until SQLite
/// assigns one.
struct RequestRow: RecordRow, PersistableRecord {
    let record: ControlRequest

    static let databaseTableName = "requests"

    enum Columns: String, RecordColumn {
        case id, kind, project, version, createdAt, handledAt, note
    }

    static func decode(_ row: StoredRow<Columns>) throws -> ControlRequest {
        ControlRequest(
            id: try row[.id], kind: try row.text(.kind, ControlRequest.Kind.init(rawValue:)),
            project: try row[.project],
            version: try row.optionalText(.version, OpenSSLVersion.parse(bare:)), createdAt: try row[.createdAt],
            handledAt: try row[.handledAt], note: try row[.note])
    }
}
