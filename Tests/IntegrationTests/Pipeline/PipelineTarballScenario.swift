import Foundation
import OSSLWatchCore
import OSSLWatchTestSupport
import OSSLWatchTransport

@testable import OSSLWatch

/// One verify-tarball world: a real tarball with its `.sha256` and detached signature served
/// from a per-test folder of nginx's docroot, a keyring of the trusted test key, and a work
/// directory for the verifier.
struct PipelineTarballScenario {
    let services: TestServices
    let name: String
    let served: URL
    let work: URL
    let version: OpenSSLVersion
    let keyringPath: String
    let trusted: PipelineGPG
    let stranger: PipelineGPG

    var tarballName: String { "openssl-\(version).tar.gz" }
    var tarballPath: String { served.appendingPathComponent(tarballName).path }

    init(_ services: TestServices, version: String = "3.5.4") async throws {
        self.services = services
        guard let parsed = OpenSSLVersion(version) else { throw PipelineGPG.Failure(description: "bad version") }
        self.version = parsed
        trusted = try await PipelineGPG.trusted.value.get()
        stranger = try await PipelineGPG.stranger.value.get()
        name = "pipeline-\(UUID().uuidString.lowercased())"
        served = URL(fileURLWithPath: services.docroot).appendingPathComponent(name)
        work = FileManager.default.temporaryDirectory.appendingPathComponent("osslwatch-\(name)")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        keyringPath = work.appendingPathComponent("openssl-keyring.gpg").path
        do {
            try await trusted.exportKeyring(to: keyringPath)
            try await publishGoodRelease()
        } catch {
            cleanUp()
            throw error
        }
    }

    /// Builds a real tarball with `tar czf`, its `<hex> *name` checksum with `sha256sum -b`,
    /// and an armored detached signature by the trusted key.
    func publishGoodRelease() async throws {
        let source = work.appendingPathComponent("src/openssl-\(version)")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try Data("OpenSSL \(version) test tree\n".utf8).write(to: source.appendingPathComponent("README"))
        try Data("#define OPENSSL_VERSION_TEXT \"OpenSSL \(version) 30 Sep 2025\"\n".utf8)
            .write(to: source.appendingPathComponent("opensslv.h"))
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(
            to: source.appendingPathComponent("blob"))
        try await PipelineGPG.run(
            ["tar", "czf", tarballPath, "-C", source.deletingLastPathComponent().path, "openssl-\(version)"])
        try await writeChecksum()
        try await trusted.sign(tarballPath, output: tarballPath + ".asc")
    }

    /// (Re)writes the `.sha256` of the served tarball in sha256sum's binary form.
    func writeChecksum() async throws {
        let line = try await PipelineGPG.run(["sha256sum", "-b", tarballName], in: served.path)
        try Data(line.utf8).write(to: URL(fileURLWithPath: tarballPath + ".sha256"))
    }

    func verifier(expectedFingerprint: String? = nil, keyringPath: String? = nil) -> TarballVerifier {
        let client = HTTPClient(settings: HTTPSettings(connectTimeout: 2, caFile: services.caFile))
        return TarballVerifier(
            tarballURLTemplate: services.httpsURL("/\(name)/openssl-{version}.tar.gz"),
            keyringPath: keyringPath ?? self.keyringPath, expectedFingerprint: expectedFingerprint,
            maxTarballBytes: 1 << 20, client: client,
            runner: CommandRunner(
                logDirectory: work.appendingPathComponent("logs").path,
                baseEnvironment: CommandRunner.minimalEnvironment(from: ProcessInfo.processInfo.environment)))
    }

    var workDirectory: String { work.appendingPathComponent("download").path }

    func cleanUp() {
        try? FileManager.default.removeItem(at: served)
        try? FileManager.default.removeItem(at: work)
    }
}
