import Foundation
import OSSLWatch
import OSSLWatchCore
import OSSLWatchStore
import Testing

/// The daemon and the CLI open the same database at once; neither may fail with SQLITE_BUSY.
@Suite struct StoreConcurrencyTests {
    typealias S = StoreSamples

    @Test("two Store instances on one file, written from many tasks at once, lose no write and never fail")
    func twoInstancesManyTasks() async throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let daemon = try Store(directory: directory.path)
        let cli = try Store(directory: directory.path)
        let rounds = 40
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<rounds {
                let store = index.isMultiple(of: 2) ? daemon : cli
                group.addTask {
                    let version = try #require(OpenSSLVersion("3.\(index).0"))
                    let content = FeedContent(observations: [
                        Observation(feed: "feed-\(index % 4)", version: version, tag: version.tag)
                    ])
                    try store.recordSuccess(
                        feed: "feed-\(index % 4)", status: 200, etag: nil, lastModified: nil, content: content,
                        at: S.start, nextPoll: S.start)
                    try store.recordFailure(
                        feed: "failing", status: 503, error: "HTTP 503", at: S.start, nextPoll: S.start)
                    _ = try store.releases()
                    _ = try store.feedStates()
                }
            }
            try await group.waitForAll()
        }
        #expect(try daemon.releases().count == rounds)
        #expect(try cli.feedState("failing")?.errorStreak == rounds)
        #expect(try cli.feedStates().count == 5)
    }

    @Test("several Store instances opening a fresh state directory at once all end up on the migrated schema")
    func concurrentFirstOpen() async throws {
        for _ in 0..<5 {
            let directory = TemporaryStateDirectory()
            defer { directory.remove() }
            let migrations = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<8 {
                    group.addTask { try Store(directory: directory.path).appliedMigrations() }
                }
                var all: [[String]] = []
                for try await applied in group { all.append(applied) }
                return all
            }
            #expect(migrations.count == 8)
            #expect(migrations.allSatisfy { $0 == Store.migrationNames })
        }
    }

    @Test(
        "a write waits while another process holds the write lock, then succeeds",
        .enabled(if: SQLiteShell.isAvailable, "needs the sqlite3 shell as the second process"))
    func waitsForAnotherProcess() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: SQLiteShell.executable)
        process.arguments = ["-batch", store.path]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let writer = input.fileHandleForWriting
        writer.write(
            Data(
                """
                .timeout 5000
                BEGIN IMMEDIATE;
                INSERT INTO feeds (name, error_streak) VALUES ('other-process', 0);
                SELECT 'locked';

                """.utf8))
        // Wait for the other process to hold the lock before writing ourselves.
        var seen = ""
        while !seen.contains("locked") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        #expect(seen.contains("locked"))
        // The other process keeps the lock a moment longer, then commits.
        writer.write(Data(".shell sleep 1\nCOMMIT;\n".utf8))
        try writer.close()
        try store.recordFailure(feed: "daemon", status: nil, error: "timed out", at: S.start, nextPoll: S.start)
        // Our write could only commit after the other process released its lock by committing.
        #expect(try store.feedStates().map(\.name) == ["daemon", "other-process"])
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
