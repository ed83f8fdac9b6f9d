import Foundation
import OSSLWatchTestSupport
import Testing

@testable import OSSLWatch

#if canImport(Glibc)
    import Glibc
#endif

/// Git lock files a killed osslwatch left are removed on the next attempt, but only when they
/// were made by a git of osslwatch and no program osslwatch started can still hold them; a
/// lock of anyone else stays and fails the step.
extension PipelinePinUpdaterTests {
    func lockingUpdater(gitTimeout: Double = 120) -> PinUpdater {
        var updater = updater()
        updater.runner.childLockPath = ChildLock.path(stateDirectory: directory.path)
        updater.journalDirectory = GitAttemptJournal.directory(stateDirectory: directory.path)
        updater.gitTimeout = gitTimeout
        return updater
    }

    var journal: GitAttemptJournal {
        GitAttemptJournal(
            root: GitAttemptJournal.directory(stateDirectory: directory.path), repository: repository.path)
    }

    /// Sets the mtime of `path` (created empty if missing) to `nanoseconds` since the epoch.
    func stamp(_ path: String, _ nanoseconds: Int64) throws {
        if !FileManager.default.fileExists(atPath: path) { try Data().write(to: URL(fileURLWithPath: path)) }
        let time = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var times = [time, time]
        try #require(utimensat(AT_FDCWD, path, &times, 0) == 0, "utimensat \(path)")
    }

    /// A journal saying a previous daemon died during a git command that started `ago`
    /// nanoseconds before this process did.
    func journalInterrupted(ago: Int64 = 2_000_000_000) throws {
        try FileManager.default.createDirectory(atPath: journal.directory, withIntermediateDirectories: true)
        try stamp(
            (journal.directory as NSString).appendingPathComponent("running"), GitAttemptJournal.processStart - ago)
    }

    /// The lock files a SIGKILL during update-ref and checkout leaves behind, made (per the
    /// journal) during the git command the killed daemon was running.
    func plantStaleLocks() throws -> [String] {
        try journalInterrupted()
        let git = repository.appendingPathComponent(".git")
        let refs = git.appendingPathComponent("refs/heads/osslwatch")
        try FileManager.default.createDirectory(at: refs, withIntermediateDirectories: true)
        let paths = [
            refs.appendingPathComponent("openssl-3.5.4.lock").path, git.appendingPathComponent("index.lock").path,
            git.appendingPathComponent("HEAD.lock").path,
        ]
        for path in paths { try stamp(path, GitAttemptJournal.processStart - 1_000_000_000) }
        return paths
    }

    @Test(
        "a lock made after osslwatch's last git command ended is someone else's: it stays and the step says what to do")
    func freshForeignLockKept() async throws {
        defer { ScratchDirectory.remove(directory) }
        // A first bump journals osslwatch's git commands; then a person's git takes the index.
        _ = try await lockingUpdater().update(facts())
        let lock = repository.appendingPathComponent(".git/index.lock").path
        try Data().write(to: URL(fileURLWithPath: lock))
        let error = await #expect(throws: StepError.self) {
            try await lockingUpdater().update(facts())
        }
        let message = error?.message ?? ""
        #expect(message.contains("git lock \(lock) exists and is not osslwatch's"), "\(message)")
        #expect(message.contains("rm \(lock)"), "\(message)")
        #expect(FileManager.default.fileExists(atPath: lock), "someone else's lock was removed")
    }

    @Test("after a killed attempt, a lock made since this daemon started is someone else's and stays")
    func lockNewerThanTheDaemonKept() async throws {
        defer { ScratchDirectory.remove(directory) }
        try journalInterrupted()
        let lock = repository.appendingPathComponent(".git/HEAD.lock").path
        try Data().write(to: URL(fileURLWithPath: lock))
        let error = await #expect(throws: StepError.self) {
            try await lockingUpdater().update(facts())
        }
        #expect(error?.message.contains("until this daemon started") == true, "\(error?.message ?? "")")
        #expect(FileManager.default.fileExists(atPath: lock), "someone else's lock was removed")
    }

    @Test("with no git command of osslwatch journaled, no lock is taken for its own")
    func lockWithoutJournalKept() async throws {
        defer { ScratchDirectory.remove(directory) }
        let lock = repository.appendingPathComponent(".git/index.lock").path
        try stamp(lock, GitAttemptJournal.processStart - 1_000_000_000)
        let error = await #expect(throws: StepError.self) {
            try await lockingUpdater().update(facts())
        }
        #expect(error?.message.contains("no git command of its own journaled") == true, "\(error?.message ?? "")")
        #expect(FileManager.default.fileExists(atPath: lock))
    }

    @Test("stale ref, index and HEAD locks of a killed attempt are removed and the bump is committed")
    func staleLocksRecovered() async throws {
        defer { ScratchDirectory.remove(directory) }
        let locks = try plantStaleLocks()
        let other = repository.appendingPathComponent(".git/refs/heads/feature.lock").path
        try Data().write(to: URL(fileURLWithPath: other))
        let update = try await lockingUpdater().update(facts())
        #expect(update.created)
        #expect(try git(["symbolic-ref", "--short", "HEAD"]) == "\(update.branch)\n")
        for lock in locks { #expect(!FileManager.default.fileExists(atPath: lock), "\(lock)") }
        #expect(FileManager.default.fileExists(atPath: other), "a lock osslwatch never takes stays")
    }

    @Test("while a child of osslwatch still holds the child lock, the git locks stay and the attempt fails")
    func locksKeptWhileAChildLives() async throws {
        defer { ScratchDirectory.remove(directory) }
        let locks = try plantStaleLocks()
        let path = ChildLock.path(stateDirectory: directory.path)
        let orphan = try #require(try? ChildLock.holdShared(path).get())
        defer { close(orphan) }
        let error = await #expect(throws: StepError.self) {
            try await lockingUpdater(gitTimeout: 0.5).update(facts())
        }
        #expect(error?.message.contains("lock") == true, "\(error?.message ?? "")")
        for lock in locks { #expect(FileManager.default.fileExists(atPath: lock), "\(lock)") }
    }
}
