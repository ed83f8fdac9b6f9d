import Foundation
import Logging
import OSSLWatchCore
import OSSLWatchTestSupport
import OSSLWatchTransport
import Testing

@testable import OSSLWatch

/// The verify-artifact step with a URL template: a real program linked statically against
/// Debian's `libcrypto.a`, served by the test nginx over https, downloaded and read.
@Suite struct PipelineArtifactURLTests {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let services: TestServices
    let name: String
    let served: URL
    let work: URL

    init() throws {
        services = try TestServices.load()
        name = "artifact-\(UUID().uuidString.lowercased())"
        served = URL(fileURLWithPath: services.docroot).appendingPathComponent(name)
        work = FileManager.default.temporaryDirectory.appendingPathComponent("osslwatch-\(name)")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: served)
        try? FileManager.default.removeItem(at: work)
    }

    /// The program `StaticLibcryptoProgram` builds and the OpenSSL version it reports when run,
    /// which is the one its embedded version text must name.
    static let staticProgram = Task<Result<(path: String, version: OpenSSLVersion), Failure>, Never> {
        do {
            let program = try await StaticLibcryptoProgram.path()
            let text = try await run([program]).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let version = OpenSSLVersion.parse(text: text) else {
                return .failure(Failure(description: "\(program) printed no OpenSSL version: \(text)"))
            }
            return .success((program, version))
        } catch let failure as Failure {
            return .failure(failure)
        } catch {
            return .failure(Failure(description: "\(error)"))
        }
    }

    @discardableResult
    static func run(_ argv: [String]) async throws -> String {
        try await ChildProcess.run(argv, stderr: .merged).checked()
    }

    func client(allowHTTPLoopback: Bool = false) -> HTTPClient {
        HTTPClient(
            settings: HTTPSettings(connectTimeout: 2, caFile: services.caFile, allowHTTPLoopback: allowHTTPLoopback))
    }

    /// Publishes the static program as `linked-<version>` in this test's docroot folder.
    func publishProgram() async throws -> OpenSSLVersion {
        let program = try await Self.staticProgram.value.get()
        try FileManager.default.copyItem(
            atPath: program.path, toPath: served.appendingPathComponent("linked-\(program.version)").path)
        return program.version
    }

    func facts(target: OpenSSLVersion, previous: OpenSSLVersion) throws -> RunFacts {
        try RunFacts(runID: 7, project: "linked", previous: previous, target: target, nextRelease: "1.0.1")
    }

    func neighbour(of version: OpenSSLVersion) throws -> OpenSSLVersion {
        try #require(OpenSSLVersion(major: version.major, minor: version.minor, patch: version.patch + 1))
    }

    func execute(_ template: String, facts: RunFacts) async -> StepResult {
        let executor = StepExecutor(
            stateDirectory: work.path, client: client(), logger: Logger(label: "test"), dryRun: false,
            environment: ProcessInfo.processInfo.environment)
        let step = StepSettings(name: "verify-linked", action: .verifyArtifact(path: template, maxBytes: 64 << 20))
        return await executor.execute(
            step, facts: facts, attempt: 1, project: ProjectSettings(name: "linked", linked: .literal(facts.target)))
    }

    @Test("a static binary served over https passes the step for the OpenSSL it links, fetched into the run directory")
    func binaryOverHTTPSMatches() async throws {
        defer { cleanUp() }
        let linked = try await publishProgram()
        let template = services.httpsURL("/\(name)/linked-{version}")
        let result = await execute(template, facts: try facts(target: linked, previous: try neighbour(of: linked)))
        #expect(result.state == .done, "reason: \(result.reason ?? "none")")
        #expect(result.reason == "1 artifacts link OpenSSL \(linked)")
        let downloaded = work.appendingPathComponent("runs/7/artifact/linked-\(linked)").path
        #expect(FileManager.default.fileExists(atPath: downloaded))
    }

    @Test("the same served binary fails the step for another target, naming the URL and both versions")
    func binaryOverHTTPSMismatch() async throws {
        defer { cleanUp() }
        let linked = try await publishProgram()
        let other = try neighbour(of: linked)
        let url = services.httpsURL("/\(name)/linked-\(linked)")
        let result = await execute(url, facts: try facts(target: other, previous: linked))
        #expect(result.state == .failed)
        let reason = result.reason ?? ""
        #expect(reason.contains(url), "reason: \(reason)")
        #expect(reason.contains("links OpenSSL \(linked), not \(other)"), "reason: \(reason)")
        #expect(!reason.contains("\n"))
    }

    @Test("a URL the server answers with 404 fails with download-failed naming the URL")
    func missingArtifact() async throws {
        defer { cleanUp() }
        let url = services.httpsURL("/\(name)/no-such-artifact.whl")
        let verifier = ArtifactVerifier(pathTemplate: url, client: client(), workDirectory: work.path)
        let version = try #require(OpenSSLVersion("3.5.4"))
        let error = await #expect(throws: StepError.self) {
            try await verifier.verify(try facts(target: version, previous: try neighbour(of: version)))
        }
        #expect(error?.code == .downloadFailed)
        #expect(error?.message.contains(url) == true, "message: \(error?.message ?? "none")")
        #expect(error?.message.contains("404") == true, "message: \(error?.message ?? "none")")
        #expect(error?.message.contains("\n") == false)
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("no-such-artifact.whl.part").path))
    }

    @Test("plain http to a host that is not loopback is refused even when loopback http is allowed")
    func plainHTTPRemoteRefused() async throws {
        defer { cleanUp() }
        let verifier = ArtifactVerifier(
            pathTemplate: "http://user:secret@example.com/dist/linked-{version}",
            client: client(allowHTTPLoopback: true), workDirectory: work.path)
        let version = try #require(OpenSSLVersion("3.5.4"))
        let error = await #expect(throws: StepError.self) {
            try await verifier.verify(try facts(target: version, previous: try neighbour(of: version)))
        }
        #expect(error?.code == .downloadFailed)
        let message = error?.message ?? ""
        #expect(message.contains("http://example.com/dist/linked-3.5.4"), "message: \(message)")
        #expect(message.contains("not loopback"), "message: \(message)")
        #expect(!message.contains("secret"))
    }

    @Test("plain http to loopback is fetched when allow_http_loopback is on")
    func plainHTTPLoopbackAllowed() async throws {
        defer { cleanUp() }
        let linked = try await publishProgram()
        let verifier = ArtifactVerifier(
            pathTemplate: services.httpURL("/\(name)/linked-{version}"), client: client(allowHTTPLoopback: true),
            workDirectory: work.path)
        let report = try await verifier.verify(try facts(target: linked, previous: try neighbour(of: linked)))
        #expect(report.entries.map(\.kind) == [.binary])
        #expect(report.entries.first?.found == linked)
    }
}
