import Foundation
import OSSLWatch
import OSSLWatchCore
import OSSLWatchStore
import Testing

/// A row the store cannot read back (edited, damaged, or written by an older build) is an
/// error naming its table, key and column; never a trap inside the database library.
@Suite(.enabled(if: SQLiteShell.isAvailable, "needs /usr/bin/sqlite3"))
struct StoreUnreadableRowTests {
    typealias S = StoreSamples

    /// A store with one healthy feed row, then `sql` applied by a second process.
    private func planted(_ sql: String, in directory: TemporaryStateDirectory) throws -> Store {
        let store = try Store(directory: directory.path)
        try store.recordNotModified(feed: "github-releases", at: S.start, nextPoll: S.start + 300)
        try SQLiteShell.run(database: store.path, script: sql)
        return store
    }

    @Test(
        "a feed row with a date in the year 10000 is an error naming the table, the feed and the column",
        arguments: ["next_poll", "not_before", "last_attempt", "last_success"])
    func yearTenThousand(column: String) throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try planted(
            "UPDATE feeds SET \(column) = '10000-01-01 00:00:00.000' WHERE name = 'github-releases';", in: directory)
        for read in [{ _ = try store.feedStates() }, { _ = try store.feedState("github-releases") }] {
            let error = try #require(throws: StoreError.self, performing: read)
            #expect(error.code == .corrupt)
            #expect(error.message.contains("table feeds"), "\(error)")
            #expect(error.message.contains("name = \"github-releases\""), "\(error)")
            #expect(error.message.contains("column \(column)"), "\(error)")
            #expect(error.message.contains("10000-01-01"), "\(error)")
        }
    }

    @Test("a number far outside any calendar in a date column is refused, not turned into a date")
    func hugeNumber() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try planted("UPDATE feeds SET next_poll = 1e300 WHERE name = 'github-releases';", in: directory)
        let error = try #require(throws: StoreError.self) { try store.feedStates() }
        #expect(error.message.contains("column next_poll"), "\(error)")
    }

    @Test("text in an integer column and a bad release date are errors with their keys")
    func wrongTypes() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try planted(
            """
            UPDATE feeds SET error_streak = 'many' WHERE name = 'github-releases';
            INSERT INTO releases (version, major, minor, patch, letters, stage, stage_number, series, prerelease,
                                  first_seen)
            VALUES ('3.5.4', 3, 5, 4, '', 2, 0, '3.5', 0, 'yesterday');
            """, in: directory)
        let feeds = try #require(throws: StoreError.self) { try store.feedStates() }
        #expect(feeds.message.contains("column error_streak"), "\(feeds)")
        let releases = try #require(throws: StoreError.self) { try store.releases() }
        #expect(releases.message.contains("table releases, row version = \"3.5.4\""), "\(releases)")
        #expect(releases.message.contains("column first_seen"), "\(releases)")
    }

    @Test("a feed's timestamp the store could not read back (year 10000) is dropped on write, never stored")
    func farTimestampNotStored() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        var observation = S.observation("atom", "3.5.4")
        observation.time = Date(timeIntervalSince1970: 253_402_300_800)
        try store.recordSuccess(
            feed: "atom", status: 200, etag: nil, lastModified: nil, content: FeedContent(observations: [observation]),
            at: S.start, nextPoll: S.start + 300)
        let read = try store.observations()
        #expect(read.count == 1 && read.first?.time == nil)
    }
    @Test(
        "a verdict an older build wrote with a linked 0.10.82 counts as no verdict for its project, not an error for all"
    )
    func olderBuildVerdict() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        let healthy = Verdict(
            project: "node", linked: S.version("3.0.18"), kind: .upToDate, findings: [.upToDate], target: nil,
            latestPerSeries: [:], confirmation: nil, eol: nil, message: "up to date")
        let misread = Verdict(
            project: "cryptography", linked: S.version("3.5.3"), kind: .upToDate, findings: [.upToDate], target: nil,
            latestPerSeries: [:], confirmation: nil, eol: nil, message: "up to date")
        try store.saveVerdicts([healthy, misread], at: S.start)
        // What the wheel reader stored before it knew the Rust crate from OpenSSL.
        try SQLiteShell.run(
            database: store.path,
            script: "UPDATE verdicts SET json = replace(json, '3.5.3', '0.10.82') WHERE project = 'cryptography';")
        #expect(try store.latestVerdicts() == [healthy])
        try store.saveVerdicts([misread], at: S.start + 60)
        #expect(try store.latestVerdicts() == [misread, healthy])
    }
}
