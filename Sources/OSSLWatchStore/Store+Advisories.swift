public import Foundation
internal import GRDB
public import OSSLWatchCore

extension Store {
    // MARK: - Advisories

    /// Every known CVE, merged from advisory texts and CVE records, oldest advisory first.
    public func advisories() throws(StoreError) -> [Advisory] {
        try read { db in try Self.advisoriesByDate.records(db) }
    }

    /// Oldest advisory first; those without a date last.
    private static var advisoriesByDate: QueryInterfaceRequest<AdvisoryRow> {
        AdvisoryRow.order { [$0.published == nil, $0.published, $0.cve] }
    }

    /// How many CVEs are stored, without reading and merging them.
    public func advisoryCount() throws(StoreError) -> Int {
        try read { db in try AdvisoryRow.fetchCount(db) }
    }

    /// The known CVEs among `ids`, in the same order as `advisories()`; unknown ids are left out.
    public func advisories(ids: [String]) throws(StoreError) -> [Advisory] {
        guard !ids.isEmpty else { return [] }
        let wanted = Set(ids)
        return try read { db in try Self.advisoriesByDate.filter { wanted.contains($0.cve) }.records(db) }
    }

    /// Records a fetch of an expanded URL of a templated feed over its row
    /// (`FeedURLState.recorded(over:)`) and the advisories and pre-announcements it yielded
    /// outside `recordSuccess`, in one transaction. A fetch without a body (a 304, or "not
    /// published yet") yields no content.
    public func recordFetch(_ state: FeedURLState, content: FeedContent = FeedContent()) throws(StoreError) {
        try write { db in
            let known = try FeedURLStateRow.filter { $0.feed == state.feed && $0.key == state.key }.record(db)
            try FeedURLStateRow(record: state.recorded(over: known)).upsert(db)
            try Self.insertAdvisoryContent(content, feed: state.feed, at: state.lastAttempt, in: db)
        }
    }

    /// What is known about every URL `feed` expanded to, by key.
    public func feedURLStates(feed: String) throws(StoreError) -> [FeedURLState] {
        try read { db in try FeedURLStateRow.filter { $0.feed == feed }.order { $0.key }.records(db) }
    }

    /// Forgets expanded URLs of `feed` that last answered 404 before `notFoundBefore` (a day
    /// without an advisory), so the table does not grow by a row per day forever.
    public func pruneFeedURLs(feed: String, notFoundBefore: Date) throws(StoreError) {
        try write { db in
            let states = try FeedURLStateRow.filter { $0.feed == feed }.records(db)
            let forgotten = states.filter { $0.isForgotten(notFoundBefore: notFoundBefore) }.map(\.key)
            try FeedURLStateRow.filter { $0.feed == feed && forgotten.contains($0.key) }.deleteAll(db)
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
        try read { db in try PreAnnouncementRow.order { [$0.expected, $0.feed] }.records(db) }
    }

    // MARK: - Writing (inside another transaction)

    /// Merges `content`'s advisories and pre-announcements into the store; called inside the
    /// transaction that records the poll, so a poll is stored entirely or not at all.
    static func insertAdvisoryContent(_ content: FeedContent, feed: String, at: Date, in db: Database) throws {
        for var advisory in content.advisories {
            advisory.sources.insert(feed)
            let existing = try AdvisoryRow.filter(key: advisory.cve).record(db)
            var row = AdvisoryRow(record: existing.map { $0.merging(advisory) } ?? advisory)
            row.seen = at
            _ = try row.upsertAndFetch(db) { _ in [AdvisoryRow.Columns.firstSeen.noOverwrite] }
        }
        // A day the store could not read back is no announcement it can use.
        for var announcement in content.preAnnouncements where StoredDate.storable(announcement.expected) != nil {
            announcement.feed = feed
            let day = announcement.expected
            let stored = try PreAnnouncementRow.filter { $0.feed == feed && $0.expected == day }.record(db)
            var row = PreAnnouncementRow(record: stored.map { $0.updated(by: announcement) } ?? announcement)
            row.seen = at
            _ = try row.upsertAndFetch(db) { _ in [PreAnnouncementRow.Columns.firstSeen.noOverwrite] }
        }
    }
}

/// One expanded URL of a templated feed as its `feed_urls` row holds it.
struct FeedURLStateRow: RecordRow, PersistableRecord {
    let record: FeedURLState

    static let databaseTableName = "feed_urls"
    static let keyColumns: [Columns] = [.feed, .key]

    enum Columns: String, RecordColumn {
        case feed, key, url, etag, lastModified, lastStatus, lastAttempt, lastSuccess
    }

    static func decode(_ row: StoredRow<Columns>) throws -> FeedURLState {
        FeedURLState(
            feed: try row[.feed], key: try row[.key], url: try row[.url], etag: try row[.etag],
            lastModified: try row[.lastModified], lastStatus: try row[.lastStatus], lastAttempt: try row[.lastAttempt],
            lastSuccess: try row[.lastSuccess])
    }
}

/// One CVE as its `advisories` row holds it; the JSON columns hold what the advisory text and
/// the CVE record said, merged. `firstSeen`/`updated` are the poll's time when written.
struct AdvisoryRow: RecordRow, PersistableRecord {
    let record: Advisory
    var seen: Date?

    init(record: Advisory) {
        self.record = record
    }

    static let databaseTableName = "advisories"
    static let keyColumns: [Columns] = [.cve]

    enum Columns: String, RecordColumn {
        case cve, title, severity, published, fixedIn, affected, sources, premiumOnly, firstSeen, updated
    }

    static func decode(_ row: StoredRow<Columns>) throws -> Advisory {
        Advisory(
            cve: try row[.cve], title: try row[.title],
            severity: try row.optionalText(.severity, Severity.init(rawValue:)), published: try row[.published],
            fixedIn: try row.json(.fixedIn, as: [Series: OpenSSLVersion].self),
            affected: try row.json(.affected, as: [AffectedRange].self),
            sources: Set(try row.json(.sources, as: [String].self)),
            premiumOnly: Set(try row.json(.premiumOnly, as: [Series].self)))
    }

    func encode(to container: inout PersistenceContainer) throws {
        container[Columns.cve] = record.cve
        container[Columns.title] = record.title
        container[Columns.severity] = record.severity?.rawValue
        container[Columns.published] = StoredDate.storable(record.published)
        container[Columns.fixedIn] = try Store.json(record.fixedIn)
        container[Columns.affected] = try Store.json(record.affected)
        container[Columns.sources] = try Store.json(record.sources.sorted())
        container[Columns.premiumOnly] = try Store.json(record.premiumOnly.sorted())
        container[Columns.firstSeen] = seen
        container[Columns.updated] = seen
    }
}

/// A pre-announced release as its `pre_announcements` row holds it (written by
/// `Store.insertAdvisoryContent`, which merges a repeated announcement into its row by
/// `PreAnnouncement.updated(by:)`). `firstSeen`/`updated` are the poll's time when written.
struct PreAnnouncementRow: RecordRow, PersistableRecord {
    let record: PreAnnouncement
    var seen: Date?

    init(record: PreAnnouncement) {
        self.record = record
    }

    static let databaseTableName = "pre_announcements"

    enum Columns: String, RecordColumn {
        case id, expected, highestSeverity, versions, title, link, feed, firstSeen, updated

        static let renamed: [Columns: String] = [.highestSeverity: "severity"]
    }

    static func decode(_ row: StoredRow<Columns>) throws -> PreAnnouncement {
        PreAnnouncement(
            expected: try row[.expected],
            highestSeverity: try row.optionalText(.highestSeverity, Severity.init(rawValue:)),
            versions: try row.json(.versions), title: try row[.title], link: try row[.link], feed: try row[.feed])
    }

    func encode(to container: inout PersistenceContainer) throws {
        try encodeRecord(to: &container)
        container[Columns.firstSeen] = seen
        container[Columns.updated] = seen
    }
}
