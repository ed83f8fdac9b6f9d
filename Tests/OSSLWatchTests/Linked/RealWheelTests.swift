import Foundation
import OSSLWatchTestSupport
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

/// The wheel reader over wheels in the shape pyca ships on PyPI: several SBOMs, one of them
/// naming the Rust `openssl` crate, and an extension module per platform format.
@Suite struct RealWheelTests {
    let directory: URL

    init() throws {
        directory = try ScratchDirectory.make()
    }

    @Test(
        "every platform's wheel reads the OpenSSL of sbom.json and its module, never the Rust crate",
        arguments: RealWheel.Platform.allCases)
    func everyPlatform(platform: RealWheel.Platform) throws {
        defer { ScratchDirectory.remove(directory) }
        let wheel = RealWheel(platform: platform)
        let path = try wheel.write(in: directory)
        let linked = try LinkedVersionReader.read(.wheel(path: path))
        #expect(linked.version == OpenSSLVersion("4.1.1"))
        #expect(linked.sha256 == RealWheel.tarballSHA256)
        #expect(linked.origin.contains(wheel.sbomPath), "\(linked.origin)")
        #expect(linked.origin.contains(platform.modulePath), "\(linked.origin)")
        #expect(linked.origin.contains("OpenSSL 4.1.1 1 Dec 2026"), "\(linked.origin)")
    }

    @Test(
        "a wheel whose only SBOM is the Rust tree reads the module's version text",
        arguments: [RealWheel.Platform.manylinuxX64, .macOSUniversal2, .windowsAMD64])
    func onlyRustSBOM(platform: RealWheel.Platform) throws {
        defer { ScratchDirectory.remove(directory) }
        var wheel = RealWheel(platform: platform)
        wheel.sbomVersion = nil
        let linked = try LinkedVersionReader.read(.wheel(path: try wheel.write(in: directory)))
        #expect(linked.version == OpenSSLVersion("4.1.1"))
        #expect(linked.sha256 == nil)
        #expect(!linked.origin.contains("sboms/"), "\(linked.origin)")
    }

    @Test("a 46.0.x wheel without any SBOM reads the module's version text", arguments: RealWheel.Platform.allCases)
    func noSBOMs(platform: RealWheel.Platform) throws {
        defer { ScratchDirectory.remove(directory) }
        var wheel = RealWheel(platform: platform)
        wheel.release = "46.0.7"
        wheel.sbomVersion = nil
        wheel.rustSBOM = false
        wheel.moduleText = "OpenSSL 3.5.5 27 Jan 2026"
        let linked = try LinkedVersionReader.read(.wheel(path: try wheel.write(in: directory)))
        #expect(linked.version == OpenSSLVersion("3.5.5"))
    }

    @Test(
        "sbom.json and the module disagreeing is an error naming both members and both versions",
        arguments: RealWheel.Platform.allCases)
    func disagreement(platform: RealWheel.Platform) throws {
        defer { ScratchDirectory.remove(directory) }
        var wheel = RealWheel(platform: platform)
        wheel.moduleText = "OpenSSL 4.0.1 9 Jun 2026"
        let path = try wheel.write(in: directory)
        let error = #expect(throws: LinkedError.self) { try LinkedVersionReader.read(.wheel(path: path)) }
        #expect(error?.code == .disagreement)
        let message = error?.message ?? ""
        for part in [path, wheel.sbomPath, "4.1.1", platform.modulePath, "OpenSSL 4.0.1 9 Jun 2026"] {
            #expect(message.contains(part), "\(part) missing from: \(message)")
        }
    }

    @Test("verify-artifact passes the real-shape wheels of every platform for the OpenSSL they link")
    func verifyArtifact() throws {
        defer { ScratchDirectory.remove(directory) }
        let dist = directory.appendingPathComponent("dist")
        try FileManager.default.createDirectory(at: dist, withIntermediateDirectories: true)
        for platform in RealWheel.Platform.allCases { _ = try RealWheel(platform: platform).write(in: dist) }
        let target = try #require(OpenSSLVersion("4.1.1"))
        let report = try ArtifactVerifier.inspect(dist.path, target: target)
        #expect(report.entries.count == RealWheel.Platform.allCases.count)
        #expect(report.failures.isEmpty, "\(report.failures.map { "\($0.path): \($0.problem ?? "")" })")
        #expect(report.entries.allSatisfy { $0.found == target })
    }

    @Test("the two slices of a universal2 module naming different versions are ambiguous")
    func universal2Slices() throws {
        defer { ScratchDirectory.remove(directory) }
        var wheel = RealWheel(platform: .macOSUniversal2)
        wheel.secondSliceText = "OpenSSL 4.0.1 9 Jun 2026"
        let path = try wheel.write(in: directory)
        let error = #expect(throws: LinkedError.self) { try LinkedVersionReader.read(.wheel(path: path)) }
        #expect(error?.code == .ambiguous)
        #expect(error?.message.contains("4.0.1") == true && error?.message.contains("4.1.1") == true)
    }

    @Test("openssl components of other ecosystems (apk, pypi, deb, cargo) are never OpenSSL")
    func otherEcosystems() throws {
        defer { ScratchDirectory.remove(directory) }
        var wheel = RealWheel(platform: .musllinuxX64)
        wheel.extraAuditwheelComponents = [
            ["type": "library", "name": "openssl", "version": "3.5.4-r0", "purl": "pkg:apk/alpine/openssl@3.5.4-r0"],
            ["type": "library", "name": "openssl", "version": "3.0.2", "purl": "pkg:pypi/openssl@3.0.2"],
            [
                "type": "library", "name": "openssl", "version": "3.0.17-1~deb12u2",
                "purl": "pkg:deb/debian/openssl@3.0.17-1~deb12u2",
            ],
        ]
        let linked = try LinkedVersionReader.read(.wheel(path: try wheel.write(in: directory)))
        #expect(linked.version == OpenSSLVersion("4.1.1"))
    }

    @Test("a component named openssl without a purl is not counted, and the no-match error says it was ignored")
    func nameWithoutPurl() throws {
        defer { ScratchDirectory.remove(directory) }
        var wheel = RealWheel(platform: .manylinuxX64)
        wheel.sbomComponents = [["type": "library", "name": "OpenSSL", "version": "3.0.2"]]
        let linked = try LinkedVersionReader.read(.wheel(path: try wheel.write(in: directory)))
        #expect(linked.version == OpenSSLVersion("4.1.1"))
        #expect(linked.sha256 == nil)

        wheel.moduleText = nil
        wheel.release = "51.0.2"
        let path = try wheel.write(in: directory)
        let error = #expect(throws: LinkedError.self) { try LinkedVersionReader.read(.wheel(path: path)) }
        #expect(error?.code == .noMatch)
        #expect(error?.message.contains("no purl") == true, "\(error?.message ?? "")")
    }

    @Test("OpenSSL named by a GitHub purl counts, with the version taken from the purl's tag")
    func githubPurl() throws {
        defer { ScratchDirectory.remove(directory) }
        var wheel = RealWheel(platform: .manylinuxAarch64)
        wheel.sbomComponents = [
            ["type": "library", "name": "openssl", "purl": "pkg:github/openssl/openssl@openssl-4.1.1"]
        ]
        let linked = try LinkedVersionReader.read(.wheel(path: try wheel.write(in: directory)))
        #expect(linked.version == OpenSSLVersion("4.1.1"))
        #expect(linked.origin.contains(wheel.sbomPath))
    }

    @Test("an OpenSSL component whose version and purl version differ is refused")
    func versionAndPurlDiffer() throws {
        defer { ScratchDirectory.remove(directory) }
        var wheel = RealWheel(platform: .manylinuxX64)
        var component = RealWheel.opensslComponent("4.1.1")
        component["purl"] = "pkg:generic/openssl@4.0.1"
        wheel.sbomComponents = [component]
        let path = try wheel.write(in: directory)
        let error = #expect(throws: LinkedError.self) { try LinkedVersionReader.read(.wheel(path: path)) }
        #expect(error?.code == .ambiguous)
        #expect(error?.message.contains("4.0.1") == true && error?.message.contains("4.1.1") == true)
    }

    @Test("two OpenSSL components with different versions are ambiguous, naming both")
    func twoOpenSSLComponents() throws {
        defer { ScratchDirectory.remove(directory) }
        var wheel = RealWheel(platform: .windowsAMD64)
        wheel.sbomComponents = [RealWheel.opensslComponent("4.1.1"), RealWheel.opensslComponent("3.5.4")]
        let path = try wheel.write(in: directory)
        let error = #expect(throws: LinkedError.self) { try LinkedVersionReader.read(.wheel(path: path)) }
        #expect(error?.code == .ambiguous)
        #expect(error?.message.contains("3.5.4") == true && error?.message.contains("4.1.1") == true)
    }

    @Test("an SBOM member that is not JSON is an error naming it, not skipped")
    func brokenSBOM() throws {
        defer { ScratchDirectory.remove(directory) }
        let tree = directory.appendingPathComponent("broken")
        let member = "cryptography-51.0.1.dist-info/sboms/sbom.json"
        _ = try LinkedScratch.write("{\"components\": [", to: member, in: tree)
        _ = try LinkedScratch.write(
            "\u{0}OpenSSL 4.1.1 1 Dec 2026\u{0}", to: "cryptography/hazmat/bindings/_rust.abi3.so", in: tree)
        let wheel = directory.appendingPathComponent("broken.whl").path
        try LinkedScratch.zip(tree, into: wheel)
        let error = #expect(throws: LinkedError.self) { try LinkedVersionReader.read(.wheel(path: wheel)) }
        #expect(error?.code == .unreadable)
        #expect(error?.message.contains(member) == true)
    }

    @Test(
        "every real extension-module member name is scanned",
        arguments: [
            "cryptography/hazmat/bindings/_rust.abi3.so", "cryptography/hazmat/bindings/_rust.pyd",
            "cryptography.libs/libgcc_s-0cd532bd.so.1", "cryptography.libs/libcrypto-3-x64.dll",
            "pkg/_speedups.cpython-312-darwin.so", "pkg/.dylibs/libcrypto.3.dylib",
        ])
    func extensionMemberNames(member: String) {
        #expect(WheelVersionReader.isExtensionModule(member))
    }

    @Test(
        "every SBOM document under sboms/ is read",
        arguments: ["sbom.json", "cryptography-rust.cyclonedx.json", "auditwheel.cdx.json"])
    func sbomMemberNames(name: String) {
        #expect(WheelVersionReader.isSBOM("cryptography-51.0.1.dist-info/sboms/\(name)"))
    }
}
