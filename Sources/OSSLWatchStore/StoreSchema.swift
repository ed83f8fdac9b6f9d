internal import GRDB
import OSSLWatchCore

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
        migrator.registerMigration("v4-runs") { db in
            // The pipeline: one run per (project, target); its steps copied from the config at
            // creation; one attempt row per execution, written before the effect starts.
            let runStates = RunState.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            let stepStates = StepState.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            try db.create(table: "runs") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("project", .text).notNull()
                table.column("previous", .text).notNull()
                table.column("target", .text).notNull()
                table.column("sha256", .text)
                table.column("next_release", .text)
                table.column("advisories", .jsonText).notNull().defaults(to: "[]")
                table.column("is_security", .boolean).notNull().defaults(to: false)
                table.column("state", .text).notNull().check(sql: "state IN (\(runStates))")
                table.column("reason", .text)
                table.column("created_at", .datetime).notNull()
                table.column("updated_at", .datetime).notNull()
                table.column("forced", .boolean).notNull().defaults(to: false)
                table.column("superseded_by", .integer)
                table.uniqueKey(["project", "target"])
            }
            try db.create(index: "runs_state", on: "runs", columns: ["state"])
            try db.create(table: "steps") { table in
                table.column("run_id", .integer).notNull().references("runs", onDelete: .cascade)
                table.column("idx", .integer).notNull()
                table.column("name", .text).notNull()
                table.column("kind", .text).notNull()
                table.column("state", .text).notNull().check(sql: "state IN (\(stepStates))")
                table.column("idempotent", .boolean).notNull()
                table.column("reason", .text)
                table.column("approved_at", .datetime)
                table.column("updated_at", .datetime).notNull()
                table.primaryKey(["run_id", "idx"])
                table.uniqueKey(["run_id", "name"])
            }
            try db.create(table: "attempts") { table in
                table.column("run_id", .integer).notNull().references("runs", onDelete: .cascade)
                table.column("step", .text).notNull()
                table.column("number", .integer).notNull()
                table.column("started_at", .datetime).notNull()
                table.column("finished_at", .datetime)
                table.column("exit_code", .integer)
                table.column("stdout_path", .text)
                table.column("stderr_path", .text)
                table.column("outcome", .text)
                table.primaryKey(["run_id", "step", "number"])
            }
        }
        migrator.registerMigration("v5-advisories") { db in try advisoriesMigration(db) }
        migrator.registerMigration("v6-mail") { db in try mailMigration(db) }
        migrator.registerMigration("v7-step-reason-codes") { db in try stepReasonCodesMigration(db) }
        return migrator
    }

    /// v5: advisories, the releases that fix them, pre-announcements, and the validators of
    /// the URLs a templated feed expands to.
    ///
    /// `advisories` holds one row per CVE, merged from every source that named it: the advisory
    /// text gives the fixing release per series, the CVE record the affected ranges; both give
    /// title and severity. `fixed_in` is a JSON object `{"3.5": "3.5.4"}`, `affected` a JSON
    /// array of `{"introduced", "fixed", "lastAffected"}`, `sources` a JSON array of feed names,
    /// `premium_only` a JSON array of the series whose fix is for premium customers only.
    ///
    /// `feed_urls` keeps, per configured feed and expansion key (the `{date}` or `{cve}` the URL
    /// template was filled with), the URL fetched and its validators. The `feeds` row of the
    /// configured feed keeps its health only, so `status` lists each configured feed once.
    static func advisoriesMigration(_ db: Database) throws {
        try db.create(table: "advisories") { table in
            table.primaryKey("cve", .text)
            table.column("title", .text).notNull()
            table.column("severity", .text).check(sql: "severity IN ('Low', 'Moderate', 'High', 'Critical')")
            table.column("published", .datetime)
            table.column("fixed_in", .jsonText).notNull().defaults(to: "{}")
            table.column("affected", .jsonText).notNull().defaults(to: "[]")
            table.column("sources", .jsonText).notNull().defaults(to: "[]")
            table.column("premium_only", .jsonText).notNull().defaults(to: "[]")
            table.column("first_seen", .datetime).notNull()
            table.column("updated", .datetime).notNull()
        }
        try db.create(table: "pre_announcements") { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("feed", .text).notNull()
            // Midnight UTC of the announced release day.
            table.column("expected", .datetime).notNull()
            table.column("severity", .text).check(sql: "severity IN ('Low', 'Moderate', 'High', 'Critical')")
            table.column("versions", .jsonText).notNull().defaults(to: "[]")
            table.column("title", .text).notNull()
            table.column("link", .text)
            table.column("first_seen", .datetime).notNull()
            table.column("updated", .datetime).notNull()
            table.uniqueKey(["feed", "expected"])
        }
        try db.create(table: "feed_urls") { table in
            table.column("feed", .text).notNull()
            table.column("key", .text).notNull()
            table.column("url", .text).notNull()
            table.column("etag", .text)
            table.column("last_modified", .text)
            table.column("last_status", .integer)
            table.column("last_attempt", .datetime).notNull()
            table.column("last_success", .datetime)
            table.primaryKey(["feed", "key"])
        }
    }

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

    /// v7: a step's reason as a code (`StepReason.Code`) beside its words, so the store asks
    /// for "skipped because not a security release" by code, never by the wording. Rows
    /// written before keep their words; the reasons the machine decides get their code from
    /// the words those versions wrote.
    static func stepReasonCodesMigration(_ db: Database) throws {
        try db.alter(table: "steps") { table in
            table.add(column: "reason_code", .text)
        }
        let earlierWords: [(StepReason.Code, StepState, String)] = [
            (.notSecurity, .skipped, "not a security release"),
            (.skippedByOperator, .skipped, "skipped by operator"),
            (
                .interrupted, .needsAttention,
                "interrupted while running; it may or may not have taken effect: retry or skip"
            ),
        ]
        for (code, state, words) in earlierWords {
            try db.execute(
                sql: "UPDATE steps SET reason_code = ? WHERE state = ? AND reason = ?",
                arguments: [code.rawValue, state.rawValue, words])
        }
    }
}
