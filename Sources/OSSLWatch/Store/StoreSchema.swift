import GRDB

/// The versioned schema of `osslwatch.sqlite`.
///
/// Migrations are append-only: a released migration is never edited, a change is a new
/// named migration, so a daemon and a CLI of the same version always agree on the schema.
/// Verdicts keep only the latest per project: history lives in the journal, and the
/// pipeline records what it acted on in its own rows.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-feeds-observations-releases-verdicts") { db in
            try db.create(table: "feeds") { table in
                table.primaryKey("name", .text)
                table.column("etag", .text)
                table.column("last_modified", .text)
                table.column("last_attempt", .datetime)
                table.column("last_success", .datetime)
                table.column("last_status", .integer)
                table.column("error_streak", .integer).notNull().defaults(to: 0)
                table.column("last_error", .text)
                table.column("next_poll", .datetime)
                table.column("last_changed", .datetime)
            }
            try db.create(table: "observations") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("feed", .text).notNull().references("feeds", onDelete: .cascade)
                table.column("version", .text).notNull()
                table.column("tag", .text).notNull()
                table.column("time", .datetime)
                table.column("link", .text)
                table.column("prerelease", .boolean).notNull()
                table.column("draft", .boolean).notNull()
                table.column("assets", .jsonText).notNull()
                table.column("first_seen", .datetime).notNull()
                table.column("last_seen", .datetime).notNull()
                table.uniqueKey(["feed", "version"])
            }
            try db.create(index: "observations_version", on: "observations", columns: ["version"])
            try db.create(table: "releases") { table in
                // The canonical bare version; the key columns below order it without parsing.
                table.primaryKey("version", .text)
                table.column("major", .integer).notNull()
                table.column("minor", .integer).notNull()
                table.column("patch", .integer).notNull()
                table.column("letters", .text).notNull()
                // 0 alpha, 1 beta, 2 final: finals sort after their pre-releases.
                table.column("stage", .integer).notNull()
                table.column("stage_number", .integer).notNull()
                table.column("series", .text).notNull()
                table.column("prerelease", .boolean).notNull()
                table.column("first_seen", .datetime).notNull()
                table.column("checksum_state", .text).notNull().defaults(to: "unchecked")
                    .check(sql: "checksum_state IN ('unchecked', 'matched', 'mismatched')")
                table.column("checksum_sha256", .text)
                table.column("checksum_reason", .text)
                table.column("checked_at", .datetime)
            }
            try db.create(table: "series") { table in
                table.primaryKey("series", .text)
                table.column("release", .text).notNull()
                table.column("eol", .text).notNull()
                table.column("lts", .boolean).notNull()
                table.column("updated", .datetime).notNull()
            }
            try db.create(table: "verdicts") { table in
                table.primaryKey("project", .text)
                table.column("computed_at", .datetime).notNull()
                table.column("kind", .text).notNull()
                table.column("json", .jsonText).notNull()
            }
        }
        migrator.registerMigration("v2-feeds-not-before") { db in
            // The earliest time the server allows the next request (Retry-After, GitHub's
            // X-RateLimit-Reset). Unlike next_poll, which is our own schedule, nothing polls earlier.
            try db.alter(table: "feeds") { table in
                table.add(column: "not_before", .datetime)
            }
        }
        migrator.registerMigration("v3-requests") { db in
            // Manual requests from `osslwatch trigger`: recorded by the CLI, handled by the
            // daemon, which sets handled_at; a request made while the daemon is down waits here.
            try db.create(table: "requests") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("kind", .text).notNull().check(sql: "kind IN ('poll', 'run')")
                table.column("project", .text)
                table.column("version", .text)
                table.column("created_at", .datetime).notNull()
                table.column("handled_at", .datetime)
                table.column("note", .text)
            }
            try db.create(index: "requests_pending", on: "requests", columns: ["handled_at", "id"])
        }
        return migrator
    }
}
