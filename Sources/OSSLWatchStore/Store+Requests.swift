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
        let id = try write { db in
            try db.execute(
                sql: "INSERT INTO requests (kind, project, version, created_at) VALUES (?, ?, ?, ?)",
                arguments: [kind.rawValue, project, version?.description, at])
            return db.lastInsertedRowID
        }
        return ControlRequest(id: id, kind: kind, project: project, version: version, createdAt: at)
    }

    /// Requests not yet handled, oldest first.
    public func pendingRequests() throws(StoreError) -> [ControlRequest] {
        try requests(sql: "SELECT * FROM requests WHERE handled_at IS NULL ORDER BY id")
    }

    /// The most recent requests of any state, newest first; for `status`.
    public func recentRequests(limit: Int) throws(StoreError) -> [ControlRequest] {
        try requests(sql: "SELECT * FROM requests ORDER BY id DESC LIMIT \(max(0, limit))")
    }

    /// Marks a request handled with what was done about it. Marking one twice keeps the first
    /// time and note, so a daemon restarted mid-handling cannot rewrite history.
    public func markHandled(_ id: Int64, at: Date, note: String?) throws(StoreError) {
        let found = try write { db in
            try db.execute(
                sql: "UPDATE requests SET handled_at = ?, note = ? WHERE id = ? AND handled_at IS NULL",
                arguments: [at, note, id])
            if db.changesCount == 1 { return true }
            return try Bool.fetchOne(db, sql: "SELECT 1 FROM requests WHERE id = ?", arguments: [id]) ?? false
        }
        guard found else { throw StoreError(.notFound, path: path, "no request \(id) to mark handled") }
    }

    private func requests(sql: String) throws(StoreError) -> [ControlRequest] {
        let rows = try read { db in try Row.fetchAll(db, sql: sql) }
        return try rows.map { row throws(StoreError) in
            let stored = StoredRow(row, table: "requests", keyColumns: "id", path: path)
            let id: Int64 = try stored.value("id")
            let kindText: String = try stored.value("kind")
            let versionText: String? = try stored.value("version")
            guard let kind = ControlRequest.Kind(rawValue: kindText) else {
                throw StoreError(.corrupt, path: path, "request \(id) has unknown kind \(kindText.debugDescription)")
            }
            var version: OpenSSLVersion?
            if let versionText {
                guard let parsed = OpenSSLVersion.parse(bare: versionText) else {
                    throw StoreError(
                        .corrupt, path: path, "request \(id) has unreadable version \(versionText.debugDescription)")
                }
                version = parsed
            }
            return ControlRequest(
                id: id, kind: kind, project: try stored.value("project"), version: version,
                createdAt: try stored.date("created_at"), handledAt: try stored.optionalDate("handled_at"),
                note: try stored.value("note"))
        }
    }
}
