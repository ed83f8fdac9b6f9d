import Foundation
import OSSLWatchTestSupport
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

/// `ArtifactVerifier` over a real statically linked program and real zipped wheels.
@Suite struct PipelineArtifactVerifierTests {
    let directory: URL

    init() throws {
        directory = try ScratchDirectory.make()
    }

    /// A wheel whose extension module carries `OpenSSL <version> 30 Sep 2025`, zipped with the system zip.
    func wheel(named name: String, linking version: String, in folder: URL) throws {
        let tree = directory.appendingPathComponent("tree-\(UUID().uuidString)")
        let module = tree.appendingPathComponent("cryptography/hazmat/bindings/_rust.abi3.so")
        try FileManager.default.createDirectory(
            at: module.deletingLastPathComponent(), withIntermediateDirectories: true)
        var bytes = Data([0x7F, 0x45, 0x4C, 0x46] + [UInt8](repeating: 0, count: 512))
        bytes.append(contentsOf: Array("OpenSSL \(version) 30 Sep 2025".utf8) + [0])
        try bytes.write(to: module)
        try LinkedScratch.zip(tree, into: folder.appendingPathComponent(name).path)
    }

    func facts(target: String) throws -> RunFacts {
        try PipelineScratch.facts(target: target, sha256: String(repeating: "a", count: 64), nextRelease: "46.0.2")
    }

    @Test("a real program linked statically against libcrypto.a passes for its own version and fails for another")
    func staticBinary() async throws {
        defer { ScratchDirectory.remove(directory) }
        let program = try LinkedScratch.staticProgram.get()
        let linked = try #require(OpenSSLVersion.parse(text: LinkedScratch.headerVersionText))
        let verifier = ArtifactVerifier(pathTemplate: program)
        let other = try #require(OpenSSLVersion(major: linked.major, minor: linked.minor, patch: linked.patch + 1))
        let good = try await verifier.verify(
            RunFacts(
                runID: 1, project: "p", previous: other, target: linked, nextRelease: "1.0.1"))
        #expect(good.entries.map(\.kind) == [.binary])
        #expect(good.entries.first?.found == linked)
        let error = await #expect(throws: StepError.self) {
            try await verifier.verify(
                RunFacts(runID: 1, project: "p", previous: linked, target: other, nextRelease: "1.0.1"))
        }
        #expect(error?.code == .artifactMismatch)
        #expect(error?.message.contains("links OpenSSL \(linked), not \(other)") == true)
    }

    @Test("in a directory from the template every wheel is checked and the ones not linking the target are named")
    func directoryOfWheels() async throws {
        defer { ScratchDirectory.remove(directory) }
        let dist = directory.appendingPathComponent("dist-46.0.2")
        try FileManager.default.createDirectory(at: dist, withIntermediateDirectories: true)
        try wheel(named: "cryptography-46.0.2-cp311-abi3-manylinux_x86_64.whl", linking: "3.5.4", in: dist)
        try wheel(named: "cryptography-46.0.2-cp311-abi3-musllinux_x86_64.whl", linking: "3.5.3", in: dist)
        try Data("sdist".utf8).write(to: dist.appendingPathComponent("cryptography-46.0.2.tar.gz"))
        let verifier = ArtifactVerifier(pathTemplate: directory.path + "/dist-{next_release}")
        let facts = try facts(target: "3.5.4")
        #expect(verifier.path(for: facts) == dist.path)
        let report = try await verifier.check(facts)
        #expect(report.entries.count == 2)
        #expect(report.skipped == [dist.appendingPathComponent("cryptography-46.0.2.tar.gz").path])
        #expect(
            report.failures.map(\.path) == [
                dist.appendingPathComponent("cryptography-46.0.2-cp311-abi3-musllinux_x86_64.whl").path
            ])
        #expect(report.failures.first?.found == OpenSSLVersion("3.5.3"))
        let error = await #expect(throws: StepError.self) { try await verifier.verify(facts) }
        #expect(error?.message.contains("1 of 2 artifacts") == true)
        #expect(error?.message.contains("musllinux") == true)
        #expect(error?.message.contains("manylinux") == false)

        try FileManager.default.removeItem(
            at: dist.appendingPathComponent("cryptography-46.0.2-cp311-abi3-musllinux_x86_64.whl"))
        let passing = try await verifier.verify(facts)
        #expect(passing.failures.isEmpty)
    }

    @Test("a missing path, an empty directory and an unreadable artifact are reported")
    func nothingToCheck() async throws {
        defer { ScratchDirectory.remove(directory) }
        let facts = try facts(target: "3.5.4")
        let missing = await #expect(throws: StepError.self) {
            try await ArtifactVerifier(pathTemplate: directory.path + "/no-{version}").check(facts)
        }
        #expect(missing?.code == .missingFile)
        #expect(missing?.message.contains("no-3.5.4") == true)
        let empty = directory.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        await #expect(throws: StepError.self) { try await ArtifactVerifier(pathTemplate: empty.path).check(facts) }
        let notAWheel = directory.appendingPathComponent("broken.whl")
        try Data("not a zip".utf8).write(to: notAWheel)
        let report = try await ArtifactVerifier(pathTemplate: notAWheel.path).check(facts)
        #expect(report.failures.count == 1)
        #expect(report.failures.first?.found == nil)
    }
}
