import Foundation
import OSSLWatch
import OSSLWatchTestSupport
import OSSLWatchTransport
import Testing

/// `TarballVerifier` against a real tarball, `.sha256` and gpg signature served by nginx.
@Suite struct PipelineTarballVerifierTests {
    let scenario: PipelineTarballScenario

    init() async throws {
        scenario = try await PipelineTarballScenario(TestServices.load())
    }

    func expectFailure(_ verifier: TarballVerifier, _ code: StepError.Code, mentioning text: String) async {
        defer { scenario.cleanUp() }
        let error = await #expect(throws: StepError.self) {
            try await verifier.verify(scenario.version, workDirectory: scenario.workDirectory)
        }
        #expect(error?.code == code)
        #expect(error?.message.contains(text) == true, "message: \(error?.message ?? "none")")
        #expect(error?.message.contains("\n") == false)
    }

    @Test("a tarball matching its published .sha256 and signed by the keyring's key is verified")
    func goodRelease() async throws {
        defer { scenario.cleanUp() }
        let expected = try SHA256Stream.hex(of: Data(contentsOf: URL(fileURLWithPath: scenario.tarballPath)))
        let spaced = stride(from: 0, to: 40, by: 4).map { index in
            let start = scenario.trusted.fingerprint.index(scenario.trusted.fingerprint.startIndex, offsetBy: index)
            return String(scenario.trusted.fingerprint[start..<scenario.trusted.fingerprint.index(start, offsetBy: 4)])
        }.joined(separator: " ")
        let verified = try await scenario.verifier(expectedFingerprint: spaced.lowercased())
            .verify(scenario.version, workDirectory: scenario.workDirectory)
        #expect(verified.sha256 == expected)
        #expect(verified.signerFingerprint == scenario.trusted.fingerprint)
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: verified.tarballPath))
                == Data(contentsOf: URL(fileURLWithPath: scenario.tarballPath)))
        #expect(FileManager.default.fileExists(atPath: verified.signaturePath))
    }

    @Test("a published .sha256 holding the bare hex (the older form) is accepted too")
    func bareChecksumForm() async throws {
        defer { scenario.cleanUp() }
        let expected = try SHA256Stream.hex(of: Data(contentsOf: URL(fileURLWithPath: scenario.tarballPath)))
        try Data((expected + "\n").utf8).write(to: URL(fileURLWithPath: scenario.tarballPath + ".sha256"))
        let verified = try await scenario.verifier().verify(scenario.version, workDirectory: scenario.workDirectory)
        #expect(verified.sha256 == expected)
    }

    @Test("a tarball altered after publication fails on its SHA-256")
    func tamperedTarball() async throws {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: scenario.tarballPath))
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: scenario.tarballPath))
        await expectFailure(scenario.verifier(), .checksumMismatch, mentioning: "published .sha256 says")
    }

    @Test("a wrong published .sha256 fails with both digests named")
    func wrongChecksum() async throws {
        let wrong = String(repeating: "0", count: 64)
        try Data("\(wrong) *\(scenario.tarballName)\n".utf8)
            .write(to: URL(fileURLWithPath: scenario.tarballPath + ".sha256"))
        await expectFailure(scenario.verifier(), .checksumMismatch, mentioning: wrong)
    }

    @Test("a .sha256 naming another file is unusable")
    func checksumForAnotherFile() async throws {
        let digest = try SHA256Stream.hex(of: Data(contentsOf: URL(fileURLWithPath: scenario.tarballPath)))
        try Data("\(digest) *openssl-3.5.3.tar.gz\n".utf8)
            .write(to: URL(fileURLWithPath: scenario.tarballPath + ".sha256"))
        await expectFailure(scenario.verifier(), .checksumMismatch, mentioning: "openssl-3.5.3.tar.gz")
    }

    @Test("a tarball altered together with its .sha256 still fails: gpgv reports a BAD signature")
    func tamperedTarballAndChecksum() async throws {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: scenario.tarballPath))
        bytes.append(contentsOf: [0, 1, 2])
        try bytes.write(to: URL(fileURLWithPath: scenario.tarballPath))
        try await scenario.writeChecksum()
        await expectFailure(scenario.verifier(), .badSignature, mentioning: "BAD signature")
    }

    @Test("a signature by a key that is not in the keyring fails")
    func signedByAnotherKey() async throws {
        try await scenario.stranger.sign(scenario.tarballPath, output: scenario.tarballPath + ".asc")
        await expectFailure(scenario.verifier(), .badSignature, mentioning: "not in the keyring")
    }

    @Test("a good signature by a keyring key other than the configured fingerprint fails")
    func unexpectedFingerprint() async throws {
        let both = scenario.work.appendingPathComponent("both.gpg").path
        try await scenario.stranger.exportKeyring(to: both)
        var keys = try Data(contentsOf: URL(fileURLWithPath: both))
        keys.append(try Data(contentsOf: URL(fileURLWithPath: scenario.keyringPath)))
        try keys.write(to: URL(fileURLWithPath: both))
        try await scenario.stranger.sign(scenario.tarballPath, output: scenario.tarballPath + ".asc")
        let verifier = scenario.verifier(expectedFingerprint: scenario.trusted.fingerprint, keyringPath: both)
        await expectFailure(verifier, .badSignature, mentioning: "not the expected \(scenario.trusted.fingerprint)")
    }

    @Test("a missing keyring fails before anything is downloaded")
    func missingKeyring() async throws {
        let missing = scenario.work.appendingPathComponent("no-such-keyring.gpg").path
        await expectFailure(scenario.verifier(keyringPath: missing), .missingFile, mentioning: missing)
        #expect(!FileManager.default.fileExists(atPath: scenario.workDirectory))
    }

    @Test("a signature that cannot be fetched fails naming its URL")
    func missingSignature() async throws {
        try FileManager.default.removeItem(atPath: scenario.tarballPath + ".asc")
        await expectFailure(scenario.verifier(), .downloadFailed, mentioning: ".tar.gz.asc")
    }

    @Test("a .asc that is not a signature fails")
    func garbageSignature() async throws {
        try Data("not a signature\n".utf8).write(to: URL(fileURLWithPath: scenario.tarballPath + ".asc"))
        await expectFailure(scenario.verifier(), .badSignature, mentioning: "signature")
    }

    @Test("without gpgv on the PATH the step fails saying so, it never passes unverified")
    func gpgvMissing() async throws {
        var verifier = scenario.verifier()
        verifier.runner.baseEnvironment["PATH"] = scenario.work.appendingPathComponent("empty-bin").path
        await expectFailure(verifier, .spawnFailed, mentioning: "gpgv was not found")
    }
}
