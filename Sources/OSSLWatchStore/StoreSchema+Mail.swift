internal import GRDB
import OSSLWatchCore

extension StoreSchema {
    /// v6: the outbox of drafted and sent messages. One row per message and role (the
    /// message, its review copy); the key makes drafting idempotent, the state makes delivery
    /// at most once (see `OutboxState`).
    static func mailMigration(_ db: Database) throws {
        let states = OutboxState.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        try db.create(table: "outbox") { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("key", .text).notNull().unique()
            table.column("role", .text).notNull().check(sql: "role IN ('message', 'review')")
            table.column("kind", .text).notNull()
            table.column("project", .text).notNull()
            table.column("run_id", .integer).references("runs", onDelete: .setNull)
            table.column("step", .text)
            table.column("message_id", .text).notNull()
            table.column("subject", .text).notNull()
            table.column("maildir_file", .text).notNull()
            table.column("message", .blob).notNull()
            table.column("envelope_from", .text).notNull()
            table.column("recipients", .jsonText).notNull()
            table.column("state", .text).notNull().check(sql: "state IN (\(states))")
            table.column("attempts", .integer).notNull().defaults(to: 0)
            table.column("next_attempt", .datetime)
            table.column("reply_code", .integer)
            table.column("reply_text", .text)
            table.column("reason", .text)
            table.column("created_at", .datetime).notNull()
            table.column("updated_at", .datetime).notNull()
            table.column("approved_at", .datetime)
            table.column("sent_at", .datetime)
            table.uniqueKey(["message_id", "role"])
        }
        try db.create(index: "outbox_state", on: "outbox", columns: ["state", "next_attempt"])
    }
}
