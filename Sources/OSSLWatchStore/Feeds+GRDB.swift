import Foundation
internal import GRDB
import OSSLWatchCore

/// A feed's health and validators as its `feeds` row holds them.
struct FeedStateRow: RecordRow, PersistableRecord {
    let record: FeedState

    static let databaseTableName = "feeds"
    static let keyColumns: [Columns] = [.name]

    enum Columns: String, RecordColumn {
        case name, etag, lastModified, lastAttempt, lastSuccess, lastStatus, errorStreak, lastError, nextPoll,
            lastChanged, notBefore
    }

    static func decode(_ row: StoredRow<Columns>) throws -> FeedState {
        FeedState(
            name: try row[.name], etag: try row[.etag], lastModified: try row[.lastModified],
            lastAttempt: try row[.lastAttempt], lastSuccess: try row[.lastSuccess], lastStatus: try row[.lastStatus],
            errorStreak: try row[.errorStreak], lastError: try row[.lastError], nextPoll: try row[.nextPoll],
            lastChanged: try row[.lastChanged], notBefore: try row[.notBefore])
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

/// What one feed said about one version, as its `observations` row holds it; `firstSeen` and
/// `lastSeen` are the poll's time when written.
struct ObservationRow: RecordRow, PersistableRecord {
    let record: Observation
    var seen: Date?

    init(record: Observation) {
        self.record = record
    }

    static let databaseTableName = "observations"

    enum Columns: String, RecordColumn {
        case id, feed, version, tag, time, link, isPrerelease, isDraft, assets, firstSeen, lastSeen

        static let renamed: [Columns: String] = [.isPrerelease: "prerelease", .isDraft: "draft"]
    }

    static func decode(_ row: StoredRow<Columns>) throws -> Observation {
        Observation(
            feed: try row[.feed], version: try row.text(.version, OpenSSLVersion.parse(bare:)), tag: try row[.tag],
            time: try row[.time], link: try row[.link], isPrerelease: try row[.isPrerelease],
            isDraft: try row[.isDraft],
            assets: try row.json(.assets))
    }

    func encode(to container: inout PersistenceContainer) throws {
        try encodeRecord(to: &container)
        container[Columns.time] = StoredDate.storable(record.time)
        container[Columns.firstSeen] = seen
        container[Columns.lastSeen] = seen
    }
}

/// A release as its `releases` row holds it: the version, its parts (so that SQL orders
/// versions without parsing them) and the tarball check. `sources` is no column of the table:
/// `Store.releases()` selects it from the observations.
struct ReleaseRow: RecordRow, PersistableRecord {
    let record: Release

    static let databaseTableName = "releases"
    static let keyColumns: [Columns] = [.version]

    enum Columns: String, RecordColumn {
        case version, major, minor, patch, letters, stage, stageNumber, series, prerelease, firstSeen, checksumState,
            checksumSHA256, checksumReason, checkedAt, sources
    }

    static func decode(_ row: StoredRow<Columns>) throws -> Release {
        let checksum: Release.Checksum
        switch try row[.checksumState] as String {
        case "matched": checksum = .matched(sha256: try row.text(.checksumSHA256) { $0 })
        case "mismatched": checksum = .mismatched(reason: try row[.checksumReason] ?? "mismatched")
        default: checksum = .unchecked
        }
        let sources: String? = try row[.sources]
        return Release(
            version: try row.text(.version, OpenSSLVersion.parse(bare:)),
            sources: Set((sources ?? "").split(separator: "\n").map(String.init)), firstSeen: try row[.firstSeen],
            checksum: checksum)
    }

    func encode(to container: inout PersistenceContainer) {
        let version = record.version
        container[Columns.version] = version.description
        container[Columns.major] = version.major
        container[Columns.minor] = version.minor
        container[Columns.patch] = version.patch
        container[Columns.letters] = version.letters
        // 0 alpha, 1 beta, 2 final: finals sort after their pre-releases.
        switch version.prerelease?.stage {
        case .alpha: container[Columns.stage] = 0
        case .beta: container[Columns.stage] = 1
        case nil: container[Columns.stage] = 2
        }
        container[Columns.stageNumber] = version.prerelease?.number ?? 0
        container[Columns.series] = version.series.description
        container[Columns.prerelease] = version.isPrerelease
        container[Columns.firstSeen] = record.firstSeen
        for (column, value) in Self.checksumColumns(record.checksum) { container[column] = value }
    }

    /// How the check is stored: its state and its digest or reason.
    static func checksumColumns(_ checksum: Release.Checksum) -> [Columns: String?] {
        switch checksum {
        case .unchecked: return [.checksumState: "unchecked", .checksumSHA256: nil, .checksumReason: nil]
        case .matched(let digest): return [.checksumState: "matched", .checksumSHA256: digest, .checksumReason: nil]
        case .mismatched(let why): return [.checksumState: "mismatched", .checksumSHA256: nil, .checksumReason: why]
        }
    }
}

/// A series' support facts as its `series` row holds them; `updated` is the poll's time when written.
struct SeriesRow: RecordRow, PersistableRecord {
    let record: SeriesInfo
    var updated: Date?

    init(record: SeriesInfo) {
        self.record = record
    }

    static let databaseTableName = "series"
    static let keyColumns: [Columns] = [.series]

    enum Columns: String, RecordColumn {
        case series, release, eol, lts, updated
    }

    static func decode(_ row: StoredRow<Columns>) throws -> SeriesInfo {
        SeriesInfo(
            series: try row.text(.series) { Series($0) }, release: try row.text(.release) { MetadataDate($0) },
            eol: try row.text(.eol) { MetadataDate($0) }, lts: try row[.lts])
    }

    func encode(to container: inout PersistenceContainer) {
        container[Columns.series] = record.series.description
        container[Columns.release] = record.release.description
        container[Columns.eol] = record.eol.description
        container[Columns.lts] = record.lts
        container[Columns.updated] = updated
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
/// `Store.insertAdvisoryContent`, which merges a repeated announcement into its row).
struct PreAnnouncementRow: RecordRow {
    let record: PreAnnouncement

    static let databaseTableName = "pre_announcements"

    enum Columns: String, RecordColumn {
        case id, expected, severity, versions, title, link, feed
    }

    static func decode(_ row: StoredRow<Columns>) throws -> PreAnnouncement {
        let severity: String? = try row[.severity]
        return PreAnnouncement(
            expected: try row[.expected], highestSeverity: severity.flatMap(Severity.init(rawValue:)),
            versions: try row.json(.versions), title: try row[.title], link: try row[.link], feed: try row[.feed])
    }
}
