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
            let opened: DatabasePool
            do {
                opened = try DatabasePool(path: path, configuration: configuration)
            } catch {
                guard attempt < 6 else {
                    throw StoreError(.cannotCreate, path: path, "cannot open the database: \(error)")
                }
                usleep(useconds_t(20_000 * attempt))
                continue
            }
            do {
                try StoreSchema.migrator.migrate(opened)
                pool = opened
                break
            } catch {
                guard attempt < 6 else {
                    throw StoreError(.migration, path: path, "cannot migrate the database: \(error)")
                }
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

    /// The names of the migrations applied, oldest first; for diagnostics and tests.
    /// Every schema migration this build knows, in order; a fully migrated store has applied all.
    public static var migrationNames: [String] { StoreSchema.migrator.migrations }

    public func appliedMigrations() throws(StoreError) -> [String] {
        try read { db in try StoreSchema.migrator.appliedMigrations(db) }
    }

    // MARK: - Feeds

    public func feedState(_ feed: String) throws(StoreError) -> FeedState? {
        let row = try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM feeds WHERE name = ?", arguments: [feed])
        }
        return try row.map { row throws(StoreError) in try decodeRecord(FeedStateRow.self, row) }
    }

    /// Every feed polled at least once, by name.
    public func feedStates() throws(StoreError) -> [FeedState] {
        let rows = try read { db in try Row.fetchAll(db, sql: "SELECT * FROM feeds ORDER BY name") }
        return try rows.map { row throws(StoreError) in try decodeRecord(FeedStateRow.self, row) }
    }

    /// Records a 200 whose body parsed: validators, health, every observation and series fact,
    /// in one transaction. Returns the versions that became releases now, oldest first
    /// (drafts never become releases; a draft later published does, at that poll).
    @discardableResult
    public func recordSuccess(
        feed: String, status: Int, etag: String?, lastModified: String?, content: FeedContent, at: Date, nextPoll: Date,
        notBefore: Date? = nil
    ) throws(StoreError) -> [OpenSSLVersion] {
        let assets = try content.observations.map { observation throws(StoreError) in
            try Self.json(observation.assets)
        }
        return try write { db in
            try db.execute(
                sql: """
                    INSERT INTO feeds (name, etag, last_modified, last_attempt, last_success, last_status,
                                       error_streak, last_error, next_poll, last_changed, not_before)
                    VALUES (?, ?, ?, ?, ?, ?, 0, NULL, ?, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET
                        etag = excluded.etag, last_modified = excluded.last_modified,
                        last_attempt = excluded.last_attempt, last_success = excluded.last_success,
                        last_status = excluded.last_status, error_streak = 0, last_error = NULL,
                        next_poll = excluded.next_poll, last_changed = excluded.last_changed,
                        not_before = excluded.not_before
                    """,
                arguments: [feed, etag, lastModified, at, at, status, nextPoll, at, notBefore])
            var new: [OpenSSLVersion] = []
            for (observation, assetsJSON) in zip(content.observations, assets) {
                let version = observation.version
                try db.execute(
                    sql: """
                        INSERT INTO observations (feed, version, tag, time, link, prerelease, draft, assets,
                                                  first_seen, last_seen)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(feed, version) DO UPDATE SET
                            tag = excluded.tag, time = excluded.time, link = excluded.link,
                            prerelease = excluded.prerelease, draft = excluded.draft, assets = excluded.assets,
                            last_seen = excluded.last_seen
                        """,
                    arguments: [
                        feed, version.description, observation.tag,
                        StoredRow.storable(observation.time), observation.link,
                        observation.isPrerelease, observation.isDraft, assetsJSON, at, at,
                    ])
                guard !observation.isDraft else { continue }
                let stage: Int
                switch version.prerelease?.stage {
                case .alpha: stage = 0
                case .beta: stage = 1
                case nil: stage = 2
                }
                try db.execute(
                    sql: """
                        INSERT INTO releases (version, major, minor, patch, letters, stage, stage_number, series,
                                              prerelease, first_seen)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(version) DO NOTHING
                        """,
                    arguments: [
                        version.description, version.major, version.minor, version.patch, version.letters, stage,
                        version.prerelease?.number ?? 0, version.series.description, version.isPrerelease, at,
                    ])
                if db.changesCount > 0 { new.append(version) }
            }
            for info in content.series {
                try db.execute(
                    sql: """
                        INSERT INTO series (series, release, eol, lts, updated) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT(series) DO UPDATE SET
                            release = excluded.release, eol = excluded.eol, lts = excluded.lts, updated = excluded.updated
                        """,
                    arguments: [info.series.description, info.release.description, info.eol.description, info.lts, at])
            }
            try Self.insertAdvisoryContent(content, feed: feed, at: at, in: db)
            return new.sorted()
        }
    }

    /// Records a 304: the feed is healthy and unchanged; validators and observations stay as they are.
    public func recordNotModified(feed: String, at: Date, nextPoll: Date, notBefore: Date? = nil) throws(StoreError) {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO feeds (name, last_attempt, last_success, last_status, error_streak, next_poll,
                                       not_before)
                    VALUES (?, ?, ?, 304, 0, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET
                        last_attempt = excluded.last_attempt, last_success = excluded.last_success,
                        last_status = 304, error_streak = 0, last_error = NULL, next_poll = excluded.next_poll,
                        not_before = excluded.not_before
                    """,
                arguments: [feed, at, at, nextPoll, notBefore])
        }
    }

    /// Records a failed poll (transport error, HTTP error, unparsable body): only the feed's
    /// health changes. Validators are kept, so the next success can still be a 304.
    public func recordFailure(
        feed: String, status: Int?, error: String, at: Date, nextPoll: Date, notBefore: Date? = nil
    ) throws(StoreError) {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO feeds (name, last_attempt, last_status, error_streak, last_error, next_poll,
                                       not_before)
                    VALUES (?, ?, ?, 1, ?, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET
                        last_attempt = excluded.last_attempt, last_status = excluded.last_status,
                        error_streak = feeds.error_streak + 1, last_error = excluded.last_error,
                        next_poll = excluded.next_poll, not_before = excluded.not_before
                    """,
                arguments: [feed, at, status, error, nextPoll, notBefore])
        }
    }

    // MARK: - Releases and series

    /// Every release seen by a non-draft observation, oldest version first, with the feeds that saw it.
    public func releases() throws(StoreError) -> [Release] {
        let rows = try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT r.*, (SELECT group_concat(o.feed, char(10)) FROM observations o
                                 WHERE o.version = r.version AND o.draft = 0) AS sources
                    FROM releases r
                    ORDER BY major, minor, patch, length(letters), letters, stage, stage_number
                    """)
        }
        return try rows.map { row throws(StoreError) in try release(from: row) }
    }

    /// Records the outcome of a tarball check for a release the store knows.
    public func recordChecksum(version: OpenSSLVersion, _ checksum: Release.Checksum, at: Date = Date())
        throws(StoreError)
    {
        let state: String
        var sha256: String?
        var reason: String?
        switch checksum {
        case .unchecked: state = "unchecked"
        case .matched(let digest):
            state = "matched"
            sha256 = digest
        case .mismatched(let why):
            state = "mismatched"
            reason = why
        }
        let changed = try write { db in
            try db.execute(
                sql: """
                    UPDATE releases SET checksum_state = ?, checksum_sha256 = ?, checksum_reason = ?, checked_at = ?
                    WHERE version = ?
                    """,
                arguments: [state, sha256, reason, at, version.description])
            return db.changesCount
        }
        guard changed == 1 else {
            throw StoreError(.notFound, path: path, "no release \(version) to record a checksum for")
        }
    }

    /// The series facts from the release-metadata feed, oldest series first.
    public func seriesInfo() throws(StoreError) -> [SeriesInfo] {
        let rows = try read { db in try Row.fetchAll(db, sql: "SELECT * FROM series") }
        return try rows.map { row throws(StoreError) in
            let stored = StoredRow(row, table: "series", keyColumns: "series", path: path)
            let name: String = try stored.value("series")
            let release: String = try stored.value("release")
            let eol: String = try stored.value("eol")
            guard let series = Series(name), let releaseDate = MetadataDate(release), let eolDate = MetadataDate(eol)
            else { throw StoreError(.corrupt, path: path, "unreadable series row \(name)") }
            return SeriesInfo(series: series, release: releaseDate, eol: eolDate, lts: try stored.value("lts"))
        }.sorted { $0.series < $1.series }
    }

    /// Every stored observation, for reports: by feed, then version.
    public func observations() throws(StoreError) -> [Observation] {
        let rows = try read { db in try Row.fetchAll(db, sql: "SELECT * FROM observations ORDER BY feed, id") }
        return try rows.map { row throws(StoreError) in
            let stored = StoredRow(row, table: "observations", keyColumns: "id", path: path)
            let text: String = try stored.value("version")
            let assetsJSON: String = try stored.value("assets")
            guard let version = OpenSSLVersion.parse(bare: text),
                let assets = try? JSONDecoder().decode([Observation.Asset].self, from: Data(assetsJSON.utf8))
            else { throw StoreError(.corrupt, path: path, "unreadable observation of \(text)") }
            return Observation(
                feed: try stored.value("feed"), version: version, tag: try stored.value("tag"),
                time: try stored.optionalDate("time"), link: try stored.value("link"),
                isPrerelease: try stored.value("prerelease"), isDraft: try stored.value("draft"), assets: assets)
        }
    }

    // MARK: - Verdicts

    /// Stores each verdict as the latest for its project (one row per project, replaced in one
    /// transaction). Projects not in `verdicts` keep their previous row.
    public func saveVerdicts(_ verdicts: [Verdict], at: Date) throws(StoreError) {
        let encoded = try verdicts.map { verdict throws(StoreError) in (verdict, try Self.json(verdict)) }
        try write { db in
            for (verdict, json) in encoded {
                try db.execute(
                    sql: """
                        INSERT INTO verdicts (project, computed_at, kind, json) VALUES (?, ?, ?, ?)
                        ON CONFLICT(project) DO UPDATE SET
                            computed_at = excluded.computed_at, kind = excluded.kind, json = excluded.json
                        """,
                    arguments: [verdict.project, at, verdict.kind.rawValue, json])
            }
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
        let rows = try read { db in try Row.fetchAll(db, sql: "SELECT * FROM verdicts ORDER BY project") }
        var verdicts: [(verdict: Verdict, computedAt: Date)] = []
        for row in rows {
            let stored = StoredRow(row, table: "verdicts", keyColumns: "project", path: path)
            let json: String = try stored.value("json")
            guard let verdict = try? JSONDecoder().decode(Verdict.self, from: Data(json.utf8)) else { continue }
            verdicts.append((verdict, try stored.date("computed_at")))
        }
        return verdicts
    }

    // MARK: - Internals

    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw StoreError(.database, path: path, "read failed: \(error)")
        }
    }

    /// One IMMEDIATE transaction (GRDB's default for pool writes): it takes the write lock up
    /// front, so a concurrent writer waits on the busy timeout instead of deadlocking on upgrade.
    @discardableResult
    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.write(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.database, path: path, "write failed: \(error)")
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

    private func release(from row: Row) throws(StoreError) -> Release {
        let stored = StoredRow(row, table: "releases", keyColumns: "version", path: path)
        let text: String = try stored.value("version")
        guard let version = OpenSSLVersion.parse(bare: text) else {
            throw StoreError(.corrupt, path: path, "unreadable release version \(text.debugDescription)")
        }
        let sources: String? = try stored.value("sources")
        let checksum: Release.Checksum
        let state: String = try stored.value("checksum_state")
        switch state {
        case "matched":
            guard let sha256: String = try stored.value("checksum_sha256") else {
                throw StoreError(.corrupt, path: path, "release \(text) matched without a digest")
            }
            checksum = .matched(sha256: sha256)
        case "mismatched":
            checksum = .mismatched(reason: try stored.value("checksum_reason", as: String?.self) ?? "mismatched")
        default: checksum = .unchecked
        }
        return Release(
            version: version, sources: Set((sources ?? "").split(separator: "\n").map(String.init)),
            firstSeen: try stored.date("first_seen"), checksum: checksum)
    }
}
