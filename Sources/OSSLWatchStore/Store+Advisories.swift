public import Foundation
internal import GRDB
public import OSSLWatchCore

extension Store {
    // MARK: - Advisories

    /// Every known CVE, merged from advisory texts and CVE records, oldest advisory first.
    public func advisories() throws(StoreError) -> [Advisory] {
        let rows = try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM advisories ORDER BY published IS NULL, published, cve")
        }
        return try rows.map { row throws(StoreError) in try decodeRecord(AdvisoryRow.self, row) }
    }

    /// How many CVEs are stored, without reading and merging them.
    public func advisoryCount() throws(StoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM advisories") ?? 0 }
    }

    /// The known CVEs among `ids`, in the same order as `advisories()`; unknown ids are left out.
    public func advisories(ids: [String]) throws(StoreError) -> [Advisory] {
        guard !ids.isEmpty else { return [] }
        let wanted = Set(ids)
        let rows = try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM advisories WHERE cve IN (SELECT value FROM json_each(?))
                    ORDER BY published IS NULL, published, cve
                    """,
                arguments: [String(decoding: try JSONEncoder().encode(Array(wanted)), as: UTF8.self)])
        }
        return try rows.map { row throws(StoreError) in try decodeRecord(AdvisoryRow.self, row) }
    }

    /// Stores advisories and pre-announcements a feed yielded outside `recordSuccess` (the
    /// expanded URLs of a templated feed), with that URL's validators, in one transaction.
    public func recordFetch(_ state: FeedURLState, content: FeedContent) throws(StoreError) {
        try write { db in
            try Self.upsertURLState(state, in: db)
            try Self.insertAdvisoryContent(content, feed: state.feed, at: state.lastAttempt, in: db)
        }
    }

    /// Records a fetch of an expanded URL that yielded no body: a 304, or a 404 meaning
    /// "not published yet". Validators from an earlier 200 are kept.
    public func recordFetch(_ state: FeedURLState) throws(StoreError) {
        try write { db in try Self.upsertURLState(state, in: db) }
    }

    /// What is known about every URL `feed` expanded to, by key.
    public func feedURLStates(feed: String) throws(StoreError) -> [FeedURLState] {
        let rows = try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM feed_urls WHERE feed = ? ORDER BY key", arguments: [feed])
        }
        return try rows.map { row throws(StoreError) in try decodeRecord(FeedURLStateRow.self, row) }
    }

    /// Forgets expanded URLs of `feed` that last answered 404 before `notFoundBefore` (a day
    /// without an advisory), so the table does not grow by a row per day forever.
    public func pruneFeedURLs(feed: String, notFoundBefore: Date) throws(StoreError) {
        try write { db in
            try db.execute(
                sql: """
                    DELETE FROM feed_urls
                    WHERE feed = ? AND last_status IN (404, 410) AND last_success IS NULL AND last_attempt < ?
                    """,
                arguments: [feed, notFoundBefore])
        }
    }

    // MARK: - Pre-announcements

    /// Pre-announced releases still expected at `now`, by the one rule `ExpectedReleases.pending`
    /// applies, soonest first.
    public func preAnnouncements(now: Date = Date()) throws(StoreError) -> [PreAnnouncement] {
        ExpectedReleases.pending(try allPreAnnouncements(), releases: try releases(), now: now)
    }

    /// Every stored pre-announcement, matched or not, soonest first; for reports and tests.
    public func allPreAnnouncements() throws(StoreError) -> [PreAnnouncement] {
        let rows = try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM pre_announcements ORDER BY expected, feed")
        }
        return try rows.map { row throws(StoreError) in try decodeRecord(PreAnnouncementRow.self, row) }
    }

    // MARK: - Writing (inside another transaction)

    /// Merges `content`'s advisories and pre-announcements into the store; called inside the
    /// transaction that records the poll, so a poll is stored entirely or not at all.
    static func insertAdvisoryContent(_ content: FeedContent, feed: String, at: Date, in db: Database) throws {
        for var advisory in content.advisories {
            advisory.sources.insert(feed)
            let existing = try AdvisoryRow.fetchOne(
                db, sql: "SELECT * FROM advisories WHERE cve = ?", arguments: [advisory.cve])
            let merged = existing.map { $0.record.merging(advisory) } ?? advisory
            try db.execute(
                sql: """
                    INSERT INTO advisories (cve, title, severity, published, fixed_in, affected, sources,
                                            premium_only, first_seen, updated)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(cve) DO UPDATE SET
                        title = excluded.title, severity = excluded.severity, published = excluded.published,
                        fixed_in = excluded.fixed_in, affected = excluded.affected, sources = excluded.sources,
                        premium_only = excluded.premium_only, updated = excluded.updated
                    """,
                arguments: [
                    merged.cve, merged.title, merged.severity?.rawValue, StoredRow.storable(merged.published),
                    try json(merged.fixedIn),
                    try json(merged.affected), try json(merged.sources.sorted()),
                    try json(merged.premiumOnly.sorted()), at, at,
                ])
        }
        // A day the store could not read back is no announcement it can use.
        for announcement in content.preAnnouncements where StoredRow.storable(announcement.expected) != nil {
            try db.execute(
                sql: """
                    INSERT INTO pre_announcements (feed, expected, severity, versions, title, link, first_seen, updated)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(feed, expected) DO UPDATE SET
                        severity = coalesce(excluded.severity, pre_announcements.severity),
                        versions = CASE WHEN excluded.versions = '[]' THEN pre_announcements.versions
                                        ELSE excluded.versions END,
                        title = CASE WHEN excluded.title = '' THEN pre_announcements.title ELSE excluded.title END,
                        link = coalesce(excluded.link, pre_announcements.link),
                        updated = excluded.updated
                    """,
                arguments: [
                    feed, announcement.expected, announcement.highestSeverity?.rawValue,
                    try json(announcement.versions), announcement.title, announcement.link, at, at,
                ])
        }
    }

    private static func upsertURLState(_ state: FeedURLState, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO feed_urls (feed, key, url, etag, last_modified, last_status, last_attempt, last_success)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(feed, key) DO UPDATE SET
                    url = excluded.url,
                    etag = CASE WHEN excluded.last_status = 200 THEN excluded.etag ELSE feed_urls.etag END,
                    last_modified = CASE WHEN excluded.last_status = 200 THEN excluded.last_modified
                                         ELSE feed_urls.last_modified END,
                    last_status = excluded.last_status, last_attempt = excluded.last_attempt,
                    last_success = coalesce(excluded.last_success, feed_urls.last_success)
                """,
            arguments: [
                state.feed, state.key, state.url, state.etag, state.lastModified, state.lastStatus, state.lastAttempt,
                state.lastSuccess,
            ])
    }
}
