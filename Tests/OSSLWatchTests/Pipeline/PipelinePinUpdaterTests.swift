import Foundation
import OSSLWatchTestSupport
import Testing

@testable import OSSLWatch

/// `PinUpdater` against real git repositories made in temporary folders.
@Suite struct PipelinePinUpdaterTests {
    static let pinPath = "cryptography-linux/openssl-version.sh"
    static let digest = PipelinePinRewriterTests.digest

    let directory: URL
    let repository: URL
    let original: String

    init() throws {
        directory = try ScratchDirectory.make()
        repository = directory.appendingPathComponent("infra")
        original = try PipelinePinRewriterTests.fixture()
        let pin = repository.appendingPathComponent(Self.pinPath)
        try FileManager.default.createDirectory(
            at: pin.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(original.utf8).write(to: pin)
        try Data("# infra\n".utf8).write(to: repository.appendingPathComponent("README.md"))
        try git(["init", "--quiet", "--initial-branch=main"])
        try git(["add", "."])
        try git(["-c", "user.name=Maintainer", "-c", "user.email=m@example.org", "commit", "--quiet", "-m", "Initial"])
    }

    @discardableResult
    func git(_ arguments: [String]) throws -> String {
        try ChildProcess.runBlocking(["/usr/bin/git"] + arguments, in: repository.path, stderr: .merged).checked()
    }

    func updater() -> PinUpdater {
        PinUpdater(
            repository: repository.path, pinFile: Self.pinPath,
            rewriter: PinRewriter(
                versionPattern: PipelinePinRewriterTests.versionPattern,
                sha256Pattern: PipelinePinRewriterTests.sha256Pattern),
            authorName: "osslwatch bot", authorEmail: "osslwatch@example.org",
            runner: CommandRunner(
                logDirectory: directory.appendingPathComponent("logs").path,
                baseEnvironment: CommandRunner.minimalEnvironment(from: ProcessInfo.processInfo.environment)))
    }

    func facts(sha256: String = Self.digest) throws -> RunFacts {
        try PipelineScratch.facts(sha256: sha256)
    }

    @Test("the pin is committed on osslwatch/openssl-3.5.4 with only the two captured values changed")
    func commitsOnNewBranch() async throws {
        defer { ScratchDirectory.remove(directory) }
        let base = try git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let update = try await updater().update(facts())
        #expect(update.branch == "osslwatch/openssl-3.5.4")
        #expect(update.created)
        #expect(try git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines) == update.commit)
        #expect(try git(["symbolic-ref", "--short", "HEAD"]) == "osslwatch/openssl-3.5.4\n")
        #expect(try git(["rev-parse", "main"]).trimmingCharacters(in: .whitespacesAndNewlines) == base)
        let diff = try git(["diff", "--unified=0", "--no-color", base, update.commit])
        let changed = diff.split(separator: "\n").filter {
            ($0.hasPrefix("+") || $0.hasPrefix("-")) && !$0.hasPrefix("+++") && !$0.hasPrefix("---")
        }
        #expect(
            changed == [
                "-export OPENSSL_VERSION=\"openssl-3.5.3\"",
                "-export OPENSSL_SHA256=\"c9489d2abcf943cdc8329a57092331c598a402938054dc3a22218aea8a8ec3bf\"",
                "+export OPENSSL_VERSION=\"openssl-3.5.4\"",
                "+export OPENSSL_SHA256=\"\(Self.digest)\"",
            ])
        #expect(try git(["diff", "--name-only", base, update.commit]) == Self.pinPath + "\n")
        let onDisk = try String(
            contentsOf: repository.appendingPathComponent(Self.pinPath), encoding: .utf8)
        #expect(onDisk == (try git(["show", "\(update.commit):\(Self.pinPath)"])))
        #expect(onDisk.hasSuffix(original.split(separator: "\n", maxSplits: 4)[4]))
        #expect(try git(["status", "--porcelain"]) == "")
        let message = try git(["log", "-1", "--format=%an <%ae>%n%s%n%b", update.commit])
        #expect(message.hasPrefix("osslwatch bot <osslwatch@example.org>\nBump OpenSSL to 3.5.4\n"))
        #expect(message.contains("from OpenSSL 3.5.3 to 3.5.4"))
        #expect(message.contains(Self.digest))
    }

    @Test("running it again finds its own commit and makes no second one")
    func idempotentRerun() async throws {
        defer { ScratchDirectory.remove(directory) }
        let first = try await updater().update(facts())
        let again = try await updater().update(facts(), attempt: 2)
        #expect(again == PinUpdate(branch: first.branch, commit: first.commit, created: false))
        #expect(try git(["rev-list", "--count", first.branch]) == "2\n")
        try git(["checkout", "--quiet", "main"])
        let fromMain = try await updater().update(facts(), attempt: 3)
        #expect(fromMain.commit == first.commit)
        #expect(try git(["symbolic-ref", "--short", "HEAD"]) == "osslwatch/openssl-3.5.4\n")
    }

    @Test("a checkout of its branch cut short (content written, HEAD still on the base) is finished on the next run")
    func interruptedCheckout() async throws {
        defer { ScratchDirectory.remove(directory) }
        let first = try await updater().update(facts())
        // What a SIGKILL during `git checkout` can leave: the branch's tree in the index and the
        // worktree, HEAD still naming main.
        try git(["symbolic-ref", "HEAD", "refs/heads/main"])
        #expect(try git(["status", "--porcelain"]) == "M  \(Self.pinPath)\n")
        let again = try await updater().update(facts(), attempt: 2)
        #expect(again == PinUpdate(branch: first.branch, commit: first.commit, created: false))
        #expect(try git(["symbolic-ref", "--short", "HEAD"]) == "osslwatch/openssl-3.5.4\n")
        #expect(try git(["status", "--porcelain"]) == "")
        // Someone's own edit on top of it is still refused.
        try git(["symbolic-ref", "HEAD", "refs/heads/main"])
        try Data("# infra, edited\n".utf8).write(to: repository.appendingPathComponent("README.md"))
        let error = await #expect(throws: StepError.self) { try await updater().update(facts(), attempt: 3) }
        #expect(error?.message.contains("uncommitted changes") == true)
    }

    @Test("a dirty worktree is refused before anything changes")
    func dirtyWorktree() async throws {
        defer { ScratchDirectory.remove(directory) }
        try Data("# infra, edited\n".utf8).write(to: repository.appendingPathComponent("README.md"))
        let error = await #expect(throws: StepError.self) { try await updater().update(facts()) }
        #expect(error?.code == .repositoryState)
        #expect(error?.message.contains("uncommitted changes") == true)
        #expect(error?.message.contains("README.md") == true)
        #expect(try git(["branch", "--list", "osslwatch/*"]) == "")
        try git(["checkout", "--", "README.md"])
        try Data("scratch\n".utf8).write(to: repository.appendingPathComponent("untracked.txt"))
        await #expect(throws: StepError.self) { try await updater().update(facts()) }
    }

    @Test("an existing branch with other content is refused, not overwritten")
    func conflictingBranch() async throws {
        defer { ScratchDirectory.remove(directory) }
        try git(["branch", "osslwatch/openssl-3.5.4"])
        let error = await #expect(throws: StepError.self) { try await updater().update(facts()) }
        #expect(error?.code == .repositoryState)
        #expect(error?.message.contains("already exists") == true)

        try git(["branch", "-D", "osslwatch/openssl-3.5.4"])
        _ = try await updater().update(facts())
        try git(["checkout", "--quiet", "main"])
        let otherDigest = String(repeating: "e", count: 64)
        let different = await #expect(throws: StepError.self) { try await updater().update(facts(sha256: otherDigest)) }
        #expect(different?.message.contains("different content") == true)
    }

    @Test("a pin already at the target is reported, not committed again")
    func alreadyCurrent() async throws {
        defer { ScratchDirectory.remove(directory) }
        let first = try await updater().update(facts())
        try git(["checkout", "--quiet", "main"])
        try git(["merge", "--quiet", "--ff-only", first.branch])
        try git(["branch", "-D", first.branch])
        let error = await #expect(throws: StepError.self) { try await updater().update(facts()) }
        #expect(error?.code == .alreadyCurrent)
    }

    @Test("without a verified digest, or with a path leaving the checkout, nothing runs")
    func refusals() async throws {
        defer { ScratchDirectory.remove(directory) }
        let noDigest = await #expect(throws: StepError.self) {
            try await updater().update(PipelineScratch.facts())
        }
        #expect(noDigest?.message.contains("verify-tarball") == true)
        var escaping = updater()
        escaping.pinFile = "../outside.sh"
        await #expect(throws: StepError.self) { try await escaping.update(facts()) }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("logs").path))
    }
}
