import Foundation
import OSSLWatchTestSupport
import Synchronization

/// Real OpenPGP keys made at test time in a temporary GNUPGHOME, and the operations the
/// pipeline tests need: export a gpgv keyring, sign detached and armored.
///
/// Each process makes two keys once: `trusted` (the "OpenSSL team") and `stranger`. gpg-agent
/// is stopped after every operation so no daemon outlives the test run.
struct PipelineGPG: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let home: String
    let fingerprint: String

    /// The key that signs good tarballs, made once on a thread of its own.
    static let trusted = Task { await OwnThread.run { make(uid: "OpenSSL Test <openssl@example.org>") } }
    /// A key no keyring trusts.
    static let stranger = Task { await OwnThread.run { make(uid: "Stranger <stranger@example.org>") } }

    /// Homes made by this process, removed when it exits.
    private static let homes = Mutex<[String]>([])
    private static let removeHomesAtExit: Void = {
        atexit {
            for home in PipelineGPG.homes.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: home) }
        }
    }()

    private static func make(uid: String) -> Result<PipelineGPG, Failure> {
        do {
            let home = "/tmp/osslwatch-gpg-\(UUID().uuidString.prefix(8))"
            _ = removeHomesAtExit
            homes.withLock { $0.append(home) }
            try FileManager.default.createDirectory(
                atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try runBlocking(
                [
                    "gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key", uid,
                    "ed25519", "sign", "never",
                ], home: home, in: nil)
            let listing = try runBlocking(["gpg", "--batch", "--with-colons", "--list-keys"], home: home, in: nil)
            guard
                let line = listing.split(separator: "\n").first(where: { $0.hasPrefix("fpr:") }),
                let fingerprint = line.split(separator: ":", omittingEmptySubsequences: false).dropFirst(9).first
            else { return .failure(Failure(description: "no fingerprint in \(listing)")) }
            return .success(PipelineGPG(home: home, fingerprint: String(fingerprint)))
        } catch let failure as Failure {
            return .failure(failure)
        } catch {
            return .failure(Failure(description: "\(error)"))
        }
    }

    /// Writes the public key as a binary keyring gpgv reads.
    func exportKeyring(to path: String) async throws {
        try await Self.run(["gpg", "--batch", "--yes", "--output", path, "--export", fingerprint], home: home)
    }

    /// Writes `<file>.asc`, an armored detached signature of `file`.
    func sign(_ file: String, output: String) async throws {
        try await Self.run(
            [
                "gpg", "--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", "", "--local-user",
                fingerprint, "--armor", "--output", output, "--detach-sign", file,
            ], home: home)
    }

    /// Runs a program with GNUPGHOME set, stops gpg-agent afterwards, fails with its output unless
    /// it exits 0. All of it (the agent lock, the child, the wait for the agent's socket to go)
    /// happens on a thread of its own, never on the cooperative pool.
    @discardableResult
    static func run(_ argv: [String], home: String? = nil, in directory: String? = nil) async throws -> String {
        try await OwnThread.run { try runBlocking(argv, home: home, in: directory) }
    }

    /// `run` on the calling thread; only for threads of their own.
    @discardableResult
    private static func runBlocking(_ argv: [String], home: String?, in directory: String?) throws -> String {
        // Tests run in parallel; one test stopping the agent must not cut off another's signing.
        if home != nil { agentLock.lock() }
        defer { if home != nil { agentLock.unlock() } }
        defer {
            if let home { stopAgent(home: home) }
        }
        return try launch(argv, home: home, in: directory).checked()
    }

    private static let agentLock = NSLock()

    /// Stops gpg-agent and waits until its socket is gone, so the next operation starts a
    /// fresh agent instead of reaching one that is shutting down.
    private static func stopAgent(home: String) {
        let listed = try? launch(["gpgconf", "--list-dirs", "agent-socket"], home: home, in: nil)
        let socket = listed?.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) ?? home + "/S.gpg-agent"
        _ = try? launch(["gpgconf", "--kill", "gpg-agent"], home: home, in: nil)
        let deadline = ContinuousClock.now + .seconds(5)
        while FileManager.default.fileExists(atPath: socket) && ContinuousClock.now < deadline {
            usleep(10_000)
        }
    }

    private static func launch(_ argv: [String], home: String?, in directory: String?) throws -> ChildProcess.Output {
        try ChildProcess.runBlocking(
            argv, in: directory, environment: home.map { ChildProcess.environment(["GNUPGHOME": $0]) },
            stderr: .merged)
    }
}
