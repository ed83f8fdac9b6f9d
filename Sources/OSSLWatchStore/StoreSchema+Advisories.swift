internal import GRDB

extension StoreSchema {
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
}
