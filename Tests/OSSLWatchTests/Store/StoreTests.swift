import Foundation
import OSSLWatch
import OSSLWatchCore
import OSSLWatchStore
import Testing

@Suite struct StoreTests {
    typealias S = StoreSamples

    @Test("a new store creates its directory 0700, the database file and runs every migration once")
    func migratesFromEmpty() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let nested = directory.path + "/state"
        let store = try Store(directory: nested)
        #expect(store.path == nested + "/osslwatch.sqlite")
        #expect(FileManager.default.fileExists(atPath: store.path))
        let attributes = try FileManager.default.attributesOfItem(atPath: nested)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        #expect(try store.appliedMigrations() == Store.migrationNames)
        let reopened = try Store(directory: nested)
        #expect(try reopened.appliedMigrations() == Store.migrationNames)
        #expect(try reopened.feedStates().isEmpty)
        #expect(try reopened.releases().isEmpty)
    }

    @Test("a state directory that cannot be created is a cannotCreate error with exit status 73")
    func cannotCreate() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        try Data("x".utf8).write(to: URL(fileURLWithPath: directory.path))
        let error = try #require(throws: StoreError.self) { try Store(directory: directory.path + "/state") }
        #expect(error.code == .cannotCreate)
        #expect(error.exitStatus == 73)
    }

    @Test("recordSuccess returns only versions new to the store, and a second feed adds a source, not a release")
    func newVersionDetection() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        let first = FeedContent(observations: [S.observation("atom", "3.5.4"), S.observation("atom", "3.0.18")])
        let new = try store.recordSuccess(
            feed: "atom", status: 200, etag: "\"e1\"", lastModified: "Tue, 30 Sep 2025 10:00:00 GMT", content: first,
            at: S.start, nextPoll: S.start + 300)
        #expect(new == [S.version("3.0.18"), S.version("3.5.4")])
        let again = try store.recordSuccess(
            feed: "atom", status: 200, etag: "\"e2\"", lastModified: nil, content: first, at: S.start + 300,
            nextPoll: S.start + 600)
        #expect(again.isEmpty)
        let other = try store.recordSuccess(
            feed: "tags", status: 200, etag: nil, lastModified: nil,
            content: FeedContent(observations: [S.observation("tags", "3.5.4"), S.observation("tags", "3.6.0")]),
            at: S.start + 400, nextPoll: S.start + 700)
        #expect(other == [S.version("3.6.0")])
        let releases = try store.releases()
        #expect(releases.map(\.version.description) == ["3.0.18", "3.5.4", "3.6.0"])
        #expect(releases[1].sources == ["atom", "tags"])
        #expect(releases[1].firstSeen == S.start)
        #expect(releases[2].sources == ["tags"])
        #expect(releases.allSatisfy { $0.checksum == .unchecked })
    }

    @Test("a draft never becomes a release until a poll sees it published")
    func draftsDoNotCount() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        let draft = FeedContent(observations: [S.observation("api", "3.5.5", draft: true)])
        #expect(
            try store.recordSuccess(
                feed: "api", status: 200, etag: nil, lastModified: nil, content: draft, at: S.start,
                nextPoll: S.start + 60
            ).isEmpty)
        #expect(try store.releases().isEmpty)
        #expect(try store.observations().map(\.isDraft) == [true])
        let published = FeedContent(observations: [S.observation("api", "3.5.5")])
        #expect(
            try store.recordSuccess(
                feed: "api", status: 200, etag: nil, lastModified: nil, content: published, at: S.start + 60,
                nextPoll: S.start + 120) == [S.version("3.5.5")])
        #expect(try store.releases().first?.firstSeen == S.start + 60)
    }

    @Test("observations round-trip with their assets, prerelease flag, time and link")
    func observationsRoundTrip() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        let asset = Observation.Asset(
            name: "openssl-3.6.0-beta1.tar.gz", size: 53_000_000,
            url: "https://github.com/openssl/openssl/releases/download/openssl-3.6.0-beta1/openssl-3.6.0-beta1.tar.gz")
        let observation = S.observation("api", "3.6.0-beta1", assets: [asset])
        try store.recordSuccess(
            feed: "api", status: 200, etag: nil, lastModified: nil, content: FeedContent(observations: [observation]),
            at: S.start, nextPoll: S.start + 60)
        #expect(try store.observations() == [observation])
        #expect(try store.observations().first?.isPrerelease == true)
    }

    @Test("releases come back in OpenSSL order: 3.10.0 after 3.5.2, betas before finals, 1.1.1za after 1.1.1z")
    func releaseOrdering() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        let texts = ["3.10.0", "3.5.2", "1.1.1za", "3.6.0", "3.6.0-beta1", "1.1.1z", "3.6.0-alpha2", "1.1.1"]
        try store.recordSuccess(
            feed: "tags", status: 200, etag: nil, lastModified: nil,
            content: FeedContent(observations: texts.map { S.observation("tags", $0) }), at: S.start,
            nextPoll: S.start)
        let stored = try store.releases().map(\.version)
        #expect(stored == texts.map(S.version).sorted())
        #expect(
            stored.map(\.description) == [
                "1.1.1", "1.1.1z", "1.1.1za", "3.5.2", "3.6.0-alpha2", "3.6.0-beta1", "3.6.0", "3.10.0",
            ])
    }

    @Test("feed health: a failure keeps validators and counts the streak; 304 and 200 reset it")
    func feedHealth() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        #expect(try store.feedState("atom") == nil)
        try store.recordSuccess(
            feed: "atom", status: 200, etag: "\"abc\"", lastModified: "Tue, 30 Sep 2025 10:00:00 GMT",
            content: FeedContent(), at: S.start, nextPoll: S.start + 300)
        try store.recordFailure(
            feed: "atom", status: 503, error: "HTTP 503", at: S.start + 300, nextPoll: S.start + 360)
        try store.recordFailure(
            feed: "atom", status: nil, error: "timed out", at: S.start + 360, nextPoll: S.start + 480)
        var state = try #require(try store.feedState("atom"))
        #expect(state.errorStreak == 2)
        #expect(state.isFailing)
        #expect(state.lastError == "timed out")
        #expect(state.lastStatus == nil)
        #expect(state.etag == "\"abc\"")
        #expect(state.lastModified == "Tue, 30 Sep 2025 10:00:00 GMT")
        #expect(state.lastSuccess == S.start)
        #expect(state.lastAttempt == S.start + 360)
        #expect(state.nextPoll == S.start + 480)
        #expect(state.lastChanged == S.start)
        try store.recordNotModified(feed: "atom", at: S.start + 480, nextPoll: S.start + 780)
        state = try #require(try store.feedState("atom"))
        #expect(state.errorStreak == 0 && state.lastError == nil && state.lastStatus == 304)
        #expect(state.etag == "\"abc\"")
        #expect(state.lastSuccess == S.start + 480)
        #expect(state.lastChanged == S.start)
        try store.recordFailure(feed: "fresh", status: 404, error: "HTTP 404", at: S.start, nextPoll: S.start + 60)
        let fresh = try #require(try store.feedState("fresh"))
        #expect(fresh.errorStreak == 1 && fresh.etag == nil && fresh.lastSuccess == nil)
        #expect(try store.feedStates().map(\.name) == ["atom", "fresh"])
    }

    @Test("a server's not-before time is kept with a failure or a success and cleared by a poll without one")
    func notBefore() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        try store.recordFailure(
            feed: "api", status: 429, error: "HTTP 429", at: S.start, nextPoll: S.start + 60, notBefore: S.start + 120)
        #expect(try store.feedState("api")?.notBefore == S.start + 120)
        try store.recordSuccess(
            feed: "api", status: 200, etag: nil, lastModified: nil, content: FeedContent(), at: S.start + 200,
            nextPoll: S.start + 3600, notBefore: S.start + 3600)
        #expect(try store.feedState("api")?.notBefore == S.start + 3600)
        try store.recordNotModified(feed: "api", at: S.start + 3700, nextPoll: S.start + 4000)
        #expect(try store.feedState("api")?.notBefore == nil)
    }

    @Test("a failed poll leaves no observation or release behind")
    func failureKeepsNothing() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        try store.recordFailure(feed: "atom", status: 200, error: "malformed XML", at: S.start, nextPoll: S.start + 60)
        #expect(try store.observations().isEmpty)
        #expect(try store.releases().isEmpty)
    }

    @Test("recordSuccess is one transaction: when any write fails, nothing of the poll is kept")
    func successIsAtomic() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        // A trigger standing in for a failure half-way (disk full, constraint): it rejects one release.
        try SQLiteShell.run(
            database: store.path,
            script: """
                CREATE TRIGGER reject_999 BEFORE INSERT ON releases WHEN NEW.version = '9.9.9'
                BEGIN SELECT RAISE(ABORT, 'rejected'); END;
                """)
        let content = FeedContent(observations: [S.observation("atom", "3.5.4"), S.observation("atom", "9.9.9")])
        let error = try #require(throws: StoreError.self) {
            try store.recordSuccess(
                feed: "atom", status: 200, etag: "\"x\"", lastModified: nil, content: content, at: S.start,
                nextPoll: S.start + 60)
        }
        #expect(error.code == .database)
        #expect(try store.feedState("atom") == nil)
        #expect(try store.observations().isEmpty)
        #expect(try store.releases().isEmpty)
    }

    @Test("series facts round-trip and a later poll replaces them")
    func seriesRoundTrip() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        func info(_ series: String, _ release: String, _ eol: String, lts: Bool) throws -> SeriesInfo {
            SeriesInfo(
                series: try #require(Series(series)), release: try #require(MetadataDate(release)),
                eol: try #require(MetadataDate(eol)), lts: lts)
        }
        let first = [
            try info("3.5", "08 Apr 2025", "08 Apr 2030", lts: true),
            try info("3.0", "07 Sep 2021", "07 Sep 2026", lts: true),
        ]
        try store.recordSuccess(
            feed: "meta", status: 200, etag: nil, lastModified: nil, content: FeedContent(series: first), at: S.start,
            nextPoll: S.start)
        #expect(try store.seriesInfo() == first.sorted { $0.series < $1.series })
        let updated = [try info("3.0", "07 Sep 2021", "Sep 2026", lts: false)]
        try store.recordSuccess(
            feed: "meta", status: 200, etag: nil, lastModified: nil, content: FeedContent(series: updated),
            at: S.start + 60, nextPoll: S.start)
        #expect(try store.seriesInfo().first == updated[0])
        #expect(try store.seriesInfo().count == 2)
    }

    @Test("checksum outcomes round-trip; recording one for an unknown release is notFound")
    func checksums() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        try store.recordSuccess(
            feed: "atom", status: 200, etag: nil, lastModified: nil,
            content: FeedContent(observations: [S.observation("atom", "3.5.4"), S.observation("atom", "3.0.18")]),
            at: S.start, nextPoll: S.start)
        let digest = String(repeating: "ab", count: 32)
        try store.recordChecksum(version: S.version("3.5.4"), .matched(sha256: digest), at: S.start)
        try store.recordChecksum(version: S.version("3.0.18"), .mismatched(reason: "digest differs"), at: S.start)
        let releases = try store.releases()
        #expect(releases.map(\.checksum) == [.mismatched(reason: "digest differs"), .matched(sha256: digest)])
        let error = try #require(throws: StoreError.self) {
            try store.recordChecksum(version: S.version("3.9.9"), .matched(sha256: digest))
        }
        #expect(error.code == .notFound)
    }

    @Test("verdicts keep the latest per project and round-trip through JSON")
    func verdicts() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        let old = Verdict(
            project: "cryptography", linked: S.version("3.5.3"), kind: .upToDate, findings: [.upToDate], target: nil,
            latestPerSeries: [try #require(Series("3.5")): S.version("3.5.3")], confirmation: nil, eol: nil,
            message: "up to date")
        let confirmation = Confirmation(
            version: S.version("3.5.4"), isConfirmed: true, sources: ["atom", "tags"], checksum: .unchecked, minFeeds: 2
        )
        let new = Verdict(
            project: "cryptography", linked: S.version("3.5.3"), kind: .patchUpdate, findings: [.patchUpdate],
            target: S.version("3.5.4"),
            latestPerSeries: [
                try #require(Series("3.5")): S.version("3.5.4"), try #require(Series("3.6")): S.version("3.6.0"),
            ],
            confirmation: confirmation, eol: MetadataDate("08 Apr 2030"), message: "3.5.4 released")
        let other = Verdict(
            project: "node", linked: S.version("3.0.18"), kind: .upToDate, findings: [.upToDate], target: nil,
            latestPerSeries: [:], confirmation: nil, eol: nil, message: "up to date")
        try store.saveVerdicts([old, other], at: S.start)
        try store.saveVerdicts([new], at: S.start + 60)
        #expect(try store.latestVerdicts() == [new, other])
        let timed = try store.latestVerdictsWithTime()
        #expect(timed.map(\.computedAt) == [S.start + 60, S.start])
    }
}
