import Foundation
internal import GRDB
import OSSLWatchCore

/// A feed's health and validators, read from its `feeds` row (see `RunRow` for the pattern).
struct FeedStateRow: RecordRow, TableRecord {
    let record: FeedState

    static let databaseTableName = "feeds"

    /// The columns of `feeds`.
    enum Columns {
        static let name = Column("name")
        static let etag = Column("etag")
        static let lastModified = Column("last_modified")
        static let lastAttempt = Column("last_attempt")
        static let lastSuccess = Column("last_success")
        static let lastStatus = Column("last_status")
        static let errorStreak = Column("error_streak")
        static let lastError = Column("last_error")
        static let nextPoll = Column("next_poll")
        static let lastChanged = Column("last_changed")
        static let notBefore = Column("not_before")
    }

    init(row: Row) throws {
        let stored = StoredRow(row, table: Self.databaseTableName, keyColumns: Columns.name.name, path: "")
        record = FeedState(
            name: try stored.value(Columns.name.name), etag: try stored.value(Columns.etag.name),
            lastModified: try stored.value(Columns.lastModified.name),
            lastAttempt: try stored.optionalDate(Columns.lastAttempt.name),
            lastSuccess: try stored.optionalDate(Columns.lastSuccess.name),
            lastStatus: try stored.value(Columns.lastStatus.name),
            errorStreak: try stored.value(Columns.errorStreak.name),
            lastError: try stored.value(Columns.lastError.name),
            nextPoll: try stored.optionalDate(Columns.nextPoll.name),
            lastChanged: try stored.optionalDate(Columns.lastChanged.name),
            notBefore: try stored.optionalDate(Columns.notBefore.name))
    }
}

/// One expanded URL of a templated feed, read from its `feed_urls` row.
struct FeedURLStateRow: RecordRow, TableRecord {
    let record: FeedURLState

    static let databaseTableName = "feed_urls"

    /// The columns of `feed_urls`.
    enum Columns {
        static let feed = Column("feed")
        static let key = Column("key")
        static let url = Column("url")
        static let etag = Column("etag")
        static let lastModified = Column("last_modified")
        static let lastStatus = Column("last_status")
        static let lastAttempt = Column("last_attempt")
        static let lastSuccess = Column("last_success")
    }

    init(row: Row) throws {
        let stored = StoredRow(
            row, table: Self.databaseTableName, keyColumns: Columns.feed.name, Columns.key.name, path: "")
        record = FeedURLState(
            feed: try stored.value(Columns.feed.name), key: try stored.value(Columns.key.name),
            url: try stored.value(Columns.url.name), etag: try stored.value(Columns.etag.name),
            lastModified: try stored.value(Columns.lastModified.name),
            lastStatus: try stored.value(Columns.lastStatus.name),
            lastAttempt: try stored.date(Columns.lastAttempt.name),
            lastSuccess: try stored.optionalDate(Columns.lastSuccess.name))
    }
}

/// One CVE, read from its `advisories` row; the JSON columns hold what the advisory text and the
/// CVE record said, merged.
struct AdvisoryRow: RecordRow, TableRecord {
    let record: Advisory

    static let databaseTableName = "advisories"

    /// The columns of `advisories`.
    enum Columns {
        static let cve = Column("cve")
        static let title = Column("title")
        static let severity = Column("severity")
        static let published = Column("published")
        static let fixedIn = Column("fixed_in")
        static let affected = Column("affected")
        static let sources = Column("sources")
        static let premiumOnly = Column("premium_only")
    }

    init(row: Row) throws {
        let stored = StoredRow(row, table: Self.databaseTableName, keyColumns: Columns.cve.name, path: "")
        let severityText: String? = try stored.value(Columns.severity.name)
        var severity: Severity?
        if let severityText {
            guard let known = Severity(rawValue: severityText) else {
                throw stored.corrupt(Columns.severity.name, "is not a known severity")
            }
            severity = known
        }
        record = Advisory(
            cve: try stored.value(Columns.cve.name), title: try stored.value(Columns.title.name), severity: severity,
            published: try stored.optionalDate(Columns.published.name),
            fixedIn: try stored.json([Series: OpenSSLVersion].self, Columns.fixedIn.name),
            affected: try stored.json([AffectedRange].self, Columns.affected.name),
            sources: Set(try stored.json([String].self, Columns.sources.name)),
            premiumOnly: Set(try stored.json([Series].self, Columns.premiumOnly.name)))
    }
}

/// A pre-announced release, read from its `pre_announcements` row.
struct PreAnnouncementRow: RecordRow, TableRecord {
    let record: PreAnnouncement

    static let databaseTableName = "pre_announcements"

    /// The columns of `pre_announcements` that make the record.
    enum Columns {
        static let id = Column("id")
        static let expected = Column("expected")
        static let severity = Column("severity")
        static let versions = Column("versions")
        static let title = Column("title")
        static let link = Column("link")
        static let feed = Column("feed")
    }

    init(row: Row) throws {
        let stored = StoredRow(row, table: Self.databaseTableName, keyColumns: Columns.id.name, path: "")
        let severityText: String? = try stored.value(Columns.severity.name)
        record = PreAnnouncement(
            expected: try stored.date(Columns.expected.name),
            highestSeverity: severityText.flatMap(Severity.init(rawValue:)),
            versions: try stored.json([OpenSSLVersion].self, Columns.versions.name),
            title: try stored.value(Columns.title.name), link: try stored.value(Columns.link.name),
            feed: try stored.value(Columns.feed.name))
    }
}
