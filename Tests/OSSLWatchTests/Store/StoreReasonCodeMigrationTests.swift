import Foundation
import OSSLWatch
import OSSLWatchCore
import OSSLWatchStore
import Testing

/// A store written before step reasons had codes (v6) still opens, and the reasons those
/// versions wrote as words are found by code afterwards.
@Suite(.enabled(if: SQLiteShell.isAvailable, "needs /usr/bin/sqlite3"))
struct StoreReasonCodeMigrationTests {
    typealias S = StoreSamples

    @Test("a v6 store opens; a step it skipped as not a security release reopens on late advisories")
    func existingStore() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let plan = [
            StepPlan(name: "advisory", kind: .command, idempotent: true),
            StepPlan(name: "gate", kind: .approval, idempotent: true),
        ]
        do {
            let store = try Store(directory: directory.path)
            let run = try #require(
                try store.createRun(
                    project: "cryptography", previous: S.version("3.5.3"), target: S.version("3.5.4"),
                    nextRelease: "46.0.2", steps: plan, at: S.start))
            #expect(run.id == 1)
        }
        // Back to the v6 schema, with the step as v6 wrote it: skipped, the reason in words only.
        let database = directory.path + "/" + Store.fileName
        try SQLiteShell.run(
            database: database,
            script: """
                UPDATE steps SET state = 'skipped', reason = 'not a security release' WHERE name = 'advisory';
                ALTER TABLE steps DROP COLUMN reason_code;
                DELETE FROM grdb_migrations WHERE identifier = 'v7-step-reason-codes';
                """)
        let reopened = try Store(directory: directory.path)
        #expect(try reopened.appliedMigrations() == Store.migrationNames)
        let update = try #require(try reopened.addAdvisories(run: 1, cves: ["CVE-2025-9230"], at: S.start + 5))
        #expect(update.reopened == ["advisory"])
        #expect(try reopened.steps(run: 1).first?.state == .pending)
    }
}
