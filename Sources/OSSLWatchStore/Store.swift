public import Foundation
internal import GRDB
public import OSSLWatchCore

/// The single source of truth shared by the daemon and the CLI: `<state dir>/osslwatch.sqlite`.
///
/// SQLite in WAL mode through a GRDB `DatabasePool`: readers never block the writer, and
/// writers from another process wait up to `busyTimeout` instead of failing with
/// `SQLITE_BUSY`. Every method is one transaction, so a poll is recorded entirely or not at all.
public final class Store: Sendable {
    /// How long a write waits for another process's write to finish.
    public static let busyTimeout: TimeInterval = 5
    /// The database file name inside the state directory.
    public static let fileName = "osslwatch.sqlite"

    /// The database file.
    public let path: String
    private let pool: DatabasePool

    /// Opens (creating if needed) the store in `directory`, creating the directory with mode 0700
    /// when missing, and brings the schema up to date.
    public init(directory: String) throws(StoreError) {
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        self.path = path
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StoreError(
                .cannotCreate, path: directory, "cannot create the state directory: \(error.localizedDescription)")
        }
        var configuration = GRDB.Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.label = "osslwatch"
        // Two processes opening a new store at once (the daemon starting, a CLI command) can
        // meet while one switches the file to WAL, or both see a migration as pending; the
        // loser fails cleanly (its transaction rolls back) and a later pass finds the work done.
        var attempt = 0
        while true {
            attempt += 1
            var failure = (code: StoreError.Code.cannotCreate, problem: "cannot open the database")
            do {
                let opened = try DatabasePool(path: path, configuration: configuration)
                failure = (.migration, "cannot migrate the database")
                try StoreSchema.migrator.migrate(opened)
                pool = opened
                break
            } catch {
                guard attempt < 6 else { throw StoreError(failure.code, path: path, "\(failure.problem): \(error)") }
                usleep(useconds_t(20_000 * attempt))
            }
        }
    }

    /// Closes the database at once instead of when the last reference goes, so that a caller
    /// removing the state directory afterwards (the dry run's copy) does not race SQLite
    /// deleting its `-wal` and `-shm` files as it closes. A store still in use stays open.
    public func close() {
        try? pool.close()
    }

    /// Every schema migration this build knows, in order; a fully migrated store has applied all.
    public static var migrationNames: [String] { StoreSchema.migrator.migrations }

    /// The names of the migrations applied, oldest first; for diagnostics and tests.
    public func appliedMigrations() throws(StoreError) -> [String] {
        try read { db in try StoreSchema.migrator.appliedMigrations(db) }
    }

    // MARK: - Feeds

    public func feedState(_ feed: String) throws(StoreError) -> FeedState? {
        try read { db in try FeedStateRow.filter(key: feed).record(db) }
    }

    /// Every feed polled at least once, by name.
    public func feedStates() throws(StoreError) -> [FeedState] {
        try read { db in try FeedStateRow.order { $0.name }.records(db) }
    }

    /// Records a 200 whose body parsed: validators, health, every observation and series fact,
    /// in one transaction. Returns the versions that became releases now, oldest first
    /// (drafts never become releases; a draft later published does, at that poll).
    @discardableResult
    public func recordSuccess(
        feed: String, status: Int, etag: String?, lastModified: String?, content: FeedContent, at: Date, nextPoll: Date,
        notBefore: Date? = nil
    ) throws(StoreError) -> [OpenSSLVersion] {
        try write { db in
            let state = FeedState(
                name: feed, etag: etag, lastModified: lastModified, lastAttempt: at, lastSuccess: at,
                lastStatus: status, nextPoll: nextPoll, lastChanged: at, notBefore: notBefore)
            try FeedStateRow(record: state).upsert(db)
            var new: [OpenSSLVersion] = []
            for observation in content.observations {
                var row = ObservationRow(record: observation)
                row.seen = at
                _ = try row.upsertAndFetch(db, onConflict: ["feed", "version"]) { _ in
                    [ObservationRow.Columns.firstSeen.noOverwrite]
                }
                guard !observation.isDraft else { continue }
                try ReleaseRow(record: Release(version: observation.version, sources: [], firstSeen: at))
                    .insert(db, onConflict: .ignore)
                if db.changesCount > 0 { new.append(observation.version) }
            }
            for info in content.series {
                var row = SeriesRow(record: info)
                row.updated = at
                try row.upsert(db)
            }
            try Self.insertAdvisoryContent(content, feed: feed, at: at, in: db)
            return new.sorted()
        }
    }

    /// Records a 304: the feed is healthy and unchanged; validators and observations stay as they are.
    public func recordNotModified(feed: String, at: Date, nextPoll: Date, notBefore: Date? = nil) throws(StoreError) {
        let state = FeedState(
            name: feed, lastAttempt: at, lastSuccess: at, lastStatus: 304, nextPoll: nextPoll, notBefore: notBefore)
        try record(state, keeping: [.etag, .lastModified, .lastChanged])
    }

    /// Records a failed poll (transport error, HTTP error, unparsable body): only the feed's
    /// health changes. Validators are kept, so the next success can still be a 304.
    public func recordFailure(
        feed: String, status: Int?, error: String, at: Date, nextPoll: Date, notBefore: Date? = nil
    ) throws(StoreError) {
        let state = FeedState(
            name: feed, lastAttempt: at, lastStatus: status, errorStreak: 1, lastError: error, nextPoll: nextPoll,
            notBefore: notBefore)
        try record(state, keeping: [.etag, .lastModified, .lastSuccess, .lastChanged], countingErrors: true)
    }

    /// Writes a feed's row; a row already there keeps the `kept` columns, and with
    /// `countingErrors` its error streak grows by one.
    private func record(_ state: FeedState, keeping kept: [FeedStateRow.Columns], countingErrors: Bool = false)
        throws(StoreError)
    {
        let streak = FeedStateRow.Columns.errorStreak
        try write { db in
            _ = try FeedStateRow(record: state).upsertAndFetch(db) { _ in
                kept.map(\.noOverwrite) + (countingErrors ? [streak.set(to: streak + 1)] : [])
            }
        }
    }

    // MARK: - Releases and series

    /// Every release seen by a non-draft observation, oldest version first, with the feeds that saw it.
    public func releases() throws(StoreError) -> [Release] {
        try read { db in
            try ReleaseRow.fetchAll(
                db,
                sql: """
                    SELECT r.*, (SELECT group_concat(o.feed, char(10)) FROM observations o
                                 WHERE o.version = r.version AND o.draft = 0) AS sources
                    FROM releases r
                    ORDER BY major, minor, patch, length(letters), letters, stage, stage_number
                    """
            ).map(\.record)
        }
    }

    /// Records the outcome of a tarball check for a release the store knows.
    public func recordChecksum(version: OpenSSLVersion, _ checksum: Release.Checksum, at: Date = Date())
        throws(StoreError)
    {
        let columns = ReleaseRow.checksumColumns(checksum).map { column, value in column.set(to: value) }
        let changed = try write { db in
            try ReleaseRow.filter(key: version.description).updateAll(
                db, columns + [ReleaseRow.Columns.checkedAt.set(to: at)])
        }
        guard changed == 1 else {
            throw StoreError(.notFound, path: path, "no release \(version) to record a checksum for")
        }
    }

    /// The series facts from the release-metadata feed, oldest series first.
    public func seriesInfo() throws(StoreError) -> [SeriesInfo] {
        try read { db in try SeriesRow.fetchAll(db).map(\.record) }.sorted { $0.series < $1.series }
    }

    /// Every stored observation, for reports: by feed, then version.
    public func observations() throws(StoreError) -> [Observation] {
        try read { db in try ObservationRow.order { [$0.feed, $0.id] }.records(db) }
    }

    // MARK: - Verdicts

    /// Stores each verdict as the latest for its project (one row per project, replaced in one
    /// transaction). Projects not in `verdicts` keep their previous row.
    public func saveVerdicts(_ verdicts: [Verdict], at: Date) throws(StoreError) {
        try write { db in
            for verdict in verdicts { try VerdictRow(record: (verdict, at)).upsert(db) }
        }
    }

    /// The latest verdict of every project that has one, by project name.
    public func latestVerdicts() throws(StoreError) -> [Verdict] {
        try latestVerdictsWithTime().map(\.verdict)
    }

    /// The latest verdicts with when each was computed, by project name.
    ///
    /// A verdict is derived data, computed anew every round. One this build cannot read (written
    /// by an older build, e.g. naming a linked "0.10.82" that the version grammar now refuses)
    /// counts as no verdict yet for its project, rather than making every project's unreadable:
    /// the next round replaces it.
    public func latestVerdictsWithTime() throws(StoreError) -> [(verdict: Verdict, computedAt: Date)] {
        try read { db in try VerdictRow.order { $0.project }.records(db) }.compactMap { verdict, computedAt in
            verdict.map { ($0, computedAt) }
        }
    }

    // MARK: - Internals

    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        try transaction("read") { try pool.read(body) }
    }

    /// One IMMEDIATE transaction (GRDB's default for pool writes): it takes the write lock up
    /// front, so a concurrent writer waits on the busy timeout instead of deadlocking on upgrade.
    @discardableResult
    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        try transaction("write") { try pool.write(body) }
    }

    /// Runs a read or write; an error from inside it (a row that does not read) gets this
    /// database file named.
    private func transaction<T>(_ kind: String, _ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error.path.isEmpty ? StoreError(error.code, path: path, error.message) : error
        } catch {
            throw StoreError(.database, path: path, "\(kind) failed: \(error)")
        }
    }

    static func json<T: Encodable>(_ value: T) throws(StoreError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw StoreError(.database, path: "", "cannot encode \(T.self): \(error)")
        }
    }
}

extension Store {
    /// Copies the store of `source` (a state directory) into `destination`, a consistent
    /// snapshot taken with SQLite's online backup while a daemon may be writing it. The source
    /// is opened read-only and never migrated; a source without a store yields no file, so the
    /// copy starts empty. Only the database is copied: run logs, downloads and drafts are not.
    public static func snapshot(from source: String, to destination: String) throws(StoreError) {
        let sourcePath = (source as NSString).appendingPathComponent(fileName)
        let destinationPath = (destination as NSString).appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: sourcePath) else { return }
        do {
            var readOnly = GRDB.Configuration()
            readOnly.readonly = true
            readOnly.busyMode = .timeout(busyTimeout)
            let reader = try DatabaseQueue(path: sourcePath, configuration: readOnly)
            let writer = try DatabaseQueue(path: destinationPath)
            try reader.backup(to: writer)
            try reader.close()
            try writer.close()
        } catch {
            throw StoreError(.cannotCreate, path: destinationPath, "cannot copy \(sourcePath): \(error)")
        }
    }
}

/// A project's latest verdict as its `verdicts` row holds it. A verdict this build cannot read
/// is nil (see `Store.latestVerdictsWithTime()`).
struct VerdictRow: RecordRow, PersistableRecord {
    let record: (verdict: Verdict?, computedAt: Date)

    static let databaseTableName = "verdicts"
    static let keyColumns: [Columns] = [.project]

    enum Columns: String, RecordColumn {
        case project, computedAt, kind, json
    }

    static func decode(_ row: StoredRow<Columns>) throws -> (verdict: Verdict?, computedAt: Date) {
        let json: String = try row[.json]
        return (try? JSONDecoder().decode(Verdict.self, from: Data(json.utf8)), try row[.computedAt])
    }

    func encode(to container: inout PersistenceContainer) throws {
        guard let verdict = record.verdict else { return }
        container[Columns.project] = verdict.project
        container[Columns.computedAt] = record.computedAt
        container[Columns.kind] = verdict.kind.rawValue
        container[Columns.json] = try Store.json(verdict)
    }
}

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
