import Foundation
import OSSLWatch
import OSSLWatchCore
import OSSLWatchStore
import Testing

/// Runs, steps, attempts and outbox rows are read through their GRDB record conformances: a
/// damaged row is still an error naming the database file, the table, the key and the column.
@Suite(.enabled(if: SQLiteShell.isAvailable, "needs /usr/bin/sqlite3"))
struct StoreRecordRowTests {
    typealias S = StoreSamples

    /// A store with one run (one step begun) and one notice, then `sql` applied by a second process.
    private func planted(_ sql: String, in directory: TemporaryStateDirectory) throws -> Store {
        let store = try Store(directory: directory.path)
        _ = try store.createRun(
            project: "cryptography", previous: S.version("3.5.3"), target: S.version("3.5.4"), nextRelease: nil,
            steps: [StepPlan(name: "build", kind: .command, idempotent: false)], at: S.start)
        _ = try store.beginStep(run: 1, step: "build", at: S.start)
        _ = try store.createDraft(
            OutboxDraft(
                key: "notice:p:new-series:3.6", kind: "notice", project: "cryptography", messageID: "n@example.org",
                subject: "s", maildirFile: "f", envelopeFrom: "from@example.org", recipients: ["m@example.org"],
                message: Array("m\r\n".utf8), state: .drafted), at: S.start)
        try SQLiteShell.run(database: store.path, script: sql)
        return store
    }

    @Test(
        "a damaged column of a run, step, attempt or outbox row is an error naming it",
        arguments: [
            ("UPDATE runs SET created_at = 'yesterday';", "table runs, row id = 1", "column created_at"),
            ("UPDATE steps SET updated_at = 'later';", "table steps, row run_id = 1, idx = 0", "column updated_at"),
            ("UPDATE attempts SET started_at = 'soon';", "table attempts, row run_id = 1", "column started_at"),
            ("UPDATE outbox SET attempts = 'many';", "table outbox, row id = 1", "column attempts"),
        ])
    func damagedColumn(sql: String, row: String, column: String) throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try planted(sql, in: directory)
        let reads: [() throws -> Void] = [
            { _ = try store.runs() }, { _ = try store.steps(run: 1) }, { _ = try store.attempts(run: 1) },
            { _ = try store.outboxRecords() },
        ]
        var errors: [StoreError] = []
        for read in reads {
            do {
                try read()
            } catch let error as StoreError {
                errors.append(error)
            }
        }
        let error = try #require(errors.first)
        #expect(errors.count == 1)
        #expect(error.code == .corrupt && error.path == store.path, "\(error)")
        #expect(error.message.contains(row) && error.message.contains(column), "\(error)")
    }
}
