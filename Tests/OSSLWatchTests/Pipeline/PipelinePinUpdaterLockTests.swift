import Foundation
import Testing

@testable import OSSLWatch

#if canImport(Glibc)
    import Glibc
#endif

/// Git lock files a killed osslwatch left are removed on the next attempt, but only when no
/// program osslwatch started can still hold them.
extension PipelinePinUpdaterTests {
    func lockingUpdater(gitTimeout: Double = 120) -> PinUpdater {
        var updater = updater()
        updater.runner.childLockPath = ChildLock.path(stateDirectory: directory.path)
        updater.gitTimeout = gitTimeout
        return updater
    }

    /// The lock files a SIGKILL during update-ref and checkout leaves behind.
    func plantStaleLocks() throws -> [String] {
        let git = repository.appendingPathComponent(".git")
        let refs = git.appendingPathComponent("refs/heads/osslwatch")
        try FileManager.default.createDirectory(at: refs, withIntermediateDirectories: true)
        let paths = [
            refs.appendingPathComponent("openssl-3.5.4.lock").path, git.appendingPathComponent("index.lock").path,
            git.appendingPathComponent("HEAD.lock").path,
        ]
        for path in paths { try Data().write(to: URL(fileURLWithPath: path)) }
        return paths
    }

    @Test("stale ref, index and HEAD locks of a killed attempt are removed and the bump is committed")
    func staleLocksRecovered() async throws {
        defer { PipelineScratch.remove(directory) }
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
        defer { PipelineScratch.remove(directory) }
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
