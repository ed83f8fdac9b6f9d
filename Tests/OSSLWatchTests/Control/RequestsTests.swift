import Foundation
import Logging
import OSSLWatch
import OSSLWatchStore
import Testing

@Suite struct RequestsTests {
    typealias S = StoreSamples

    @Test("the v3-requests migration is the last one and a fresh store has no pending request")
    func migration() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        #expect(Store.migrationNames.contains("v3-requests"))
        #expect(try store.appliedMigrations().contains("v3-requests"))
        #expect(try store.pendingRequests().isEmpty)
    }

    @Test(
        "pending requests are read once and split: polls for the round, runs for the pipeline; handled ones in neither")
    func pendingByKind() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        let poll = try store.addRequest(kind: .poll, project: nil, version: nil, at: S.start)
        let run = try store.addRequest(
            kind: .run, project: "cryptography", version: S.version("openssl-3.5.4"), at: S.start + 1)
        let handled = try store.addRequest(kind: .poll, project: nil, version: nil, at: S.start + 2)
        try store.markHandled(handled.id, at: S.start + 3, note: "polled 5 feeds")
        let pending = PendingRequests.read(from: store, logger: Logger(label: "test"))
        #expect(pending == PendingRequests(polls: [poll], runs: [run]))
    }

    @Test("requests come back oldest first with their kind, project and canonical version")
    func addAndList() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        let poll = try store.addRequest(kind: .poll, project: nil, version: nil, at: S.start)
        let run = try store.addRequest(
            kind: .run, project: "cryptography", version: S.version("openssl-3.5.4"), at: S.start + 1)
        #expect(run.id > poll.id)
        let reopened = try Store(directory: directory.path)
        let pending = try reopened.pendingRequests()
        #expect(pending == [poll, run])
        #expect(pending[1].version?.description == "3.5.4")
        #expect(pending[1].kind == .run)
        #expect(pending.allSatisfy { $0.isPending })
    }

    @Test("a handled request leaves the pending list and keeps its first time and note")
    func markHandled() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        let first = try store.addRequest(kind: .poll, project: nil, version: nil, at: S.start)
        let second = try store.addRequest(kind: .poll, project: nil, version: nil, at: S.start + 1)
        try store.markHandled(first.id, at: S.start + 10, note: "polled 5 feeds")
        try store.markHandled(first.id, at: S.start + 20, note: "again")
        #expect(try store.pendingRequests() == [second])
        let recent = try store.recentRequests(limit: 5)
        #expect(recent.map(\.id) == [second.id, first.id])
        #expect(recent[1].handledAt == S.start + 10)
        #expect(recent[1].note == "polled 5 feeds")
    }

    @Test("marking an unknown request handled is a notFound error")
    func markUnknown() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        let error = try #require(throws: StoreError.self) { try store.markHandled(42, at: S.start, note: nil) }
        #expect(error.code == .notFound)
    }

    @Test("a request row edited to hold a non-version is reported corrupt, not returned")
    func corruptRow() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        _ = try store.addRequest(kind: .run, project: "p", version: S.version("3.5.4"), at: S.start)
        try SQLiteShell.run(database: store.path, script: "UPDATE requests SET version = '3.5.4; touch /tmp/x';")
        let error = try #require(throws: StoreError.self) { try store.pendingRequests() }
        #expect(error.code == .corrupt)
    }
}
