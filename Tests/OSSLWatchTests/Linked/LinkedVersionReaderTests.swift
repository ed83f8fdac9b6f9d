import Foundation
import OSSLWatchTestSupport
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

@Suite struct LinkedVersionReaderTests {
    static let pinPattern = #"^export OPENSSL_VERSION="(?<version>[^"]*)"$"#
    static let shaPattern = #"^export OPENSSL_SHA256="(?<sha256>[^"]*)"$"#

    @Test("a literal is the version itself")
    func literal() throws {
        let version = try #require(OpenSSLVersion("3.5.4"))
        let linked = try LinkedVersionReader.read(.literal(version))
        #expect(linked.version == version)
        #expect(linked.sha256 == nil)
    }

    @Test("the pyca/infra pin file yields the tag's version and the lower-cased SHA-256")
    func pycaPinFile() throws {
        let path = try LinkedScratch.fixture("openssl-version.sh")
        let linked = try LinkedVersionReader.read(
            .pinFile(path: path, pattern: Self.pinPattern, sha256Pattern: Self.shaPattern))
        #expect(linked.version == OpenSSLVersion("4.0.1"))
        #expect(linked.sha256 == "9a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b")
        #expect(linked.origin.contains(path))
    }

    @Test("one pattern with both named groups reads version and hash; no sha256 group means no hash")
    func singlePattern() throws {
        let directory = try ScratchDirectory.make()
        defer { ScratchDirectory.remove(directory) }
        let path = try LinkedScratch.write(
            "openssl = \"3.5.4\" # sha256:" + String(repeating: "ab", count: 32) + "\n", to: "pin.toml", in: directory)
        let both = try LinkedVersionReader.read(
            .pinFile(
                path: path, pattern: #"openssl = "(?<version>[0-9.]+)" # sha256:(?<sha256>[0-9a-f]{64})"#,
                sha256Pattern: nil))
        #expect(both.version == OpenSSLVersion("3.5.4"))
        #expect(both.sha256 == String(repeating: "ab", count: 32))
        let versionOnly = try LinkedVersionReader.read(
            .pinFile(path: path, pattern: #"openssl = "(?<version>[^"]+)""#, sha256Pattern: nil))
        #expect(versionOnly.version == OpenSSLVersion("3.5.4"))
        #expect(versionOnly.sha256 == nil)
    }

    @Test(
        "pin file failures are one-line errors with the right code naming file and pattern",
        arguments: [
            ("export OPENSSL_VERSION=\"openssl-4.0.1\"\n", #"^VERSION=(?<version>\S+)$"#, LinkedError.Code.noMatch),
            (
                "export OPENSSL_VERSION=\"openssl-4.0.1\"\nexport OPENSSL_VERSION=\"openssl-3.5.4\"\n",
                pinPattern, .ambiguous
            ),
            ("export OPENSSL_VERSION=\"openssl-4.0.1; touch /tmp/x\"\n", pinPattern, .notAVersion),
            ("export OPENSSL_VERSION=\"$(id)\"\n", pinPattern, .notAVersion),
            ("export OPENSSL_VERSION=\"OpenSSL_3_0_0\"\n", pinPattern, .notAVersion),
            ("export OPENSSL_VERSION=\"openssl-4.0.1\"\n", #"(?<version"#, .badPattern),
            ("export OPENSSL_VERSION=\"openssl-4.0.1\"\n", #"OPENSSL_VERSION="([^"]*)""#, .badPattern),
        ]
    )
    func pinFileErrors(contents: String, pattern: String, code: LinkedError.Code) throws {
        let directory = try ScratchDirectory.make()
        defer { ScratchDirectory.remove(directory) }
        let path = try LinkedScratch.write(contents, to: "openssl-version.sh", in: directory)
        let error = #expect(throws: LinkedError.self) {
            try LinkedVersionReader.read(.pinFile(path: path, pattern: pattern, sha256Pattern: nil))
        }
        #expect(error?.code == code)
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains(pattern) == true)
        #expect(error?.description.contains("\n") == false)
    }

    @Test("identical repeated pins are not ambiguous")
    func repeatedPin() throws {
        let directory = try ScratchDirectory.make()
        defer { ScratchDirectory.remove(directory) }
        let path = try LinkedScratch.write(
            "export OPENSSL_VERSION=\"openssl-3.5.4\"\nexport OPENSSL_VERSION=\"3.5.4\"\n", to: "pin.sh", in: directory)
        let linked = try LinkedVersionReader.read(.pinFile(path: path, pattern: Self.pinPattern, sha256Pattern: nil))
        #expect(linked.version == OpenSSLVersion("3.5.4"))
    }

    @Test("a sha256 pattern that matches nothing or captures non-hex is refused")
    func badHashes() throws {
        let directory = try ScratchDirectory.make()
        defer { ScratchDirectory.remove(directory) }
        let noHash = try LinkedScratch.write("export OPENSSL_VERSION=\"openssl-3.5.4\"\n", to: "a.sh", in: directory)
        let missing = #expect(throws: LinkedError.self) {
            try LinkedVersionReader.read(
                .pinFile(path: noHash, pattern: Self.pinPattern, sha256Pattern: Self.shaPattern))
        }
        #expect(missing?.code == .noMatch)
        let shortHash = try LinkedScratch.write(
            "export OPENSSL_VERSION=\"openssl-3.5.4\"\nexport OPENSSL_SHA256=\"abc\"\n", to: "b.sh", in: directory)
        let short = #expect(throws: LinkedError.self) {
            try LinkedVersionReader.read(
                .pinFile(path: shortHash, pattern: Self.pinPattern, sha256Pattern: Self.shaPattern))
        }
        #expect(short?.code == .notAVersion)
    }

    @Test("a missing or unreadable pin file names the file")
    func missingAndUnreadable() throws {
        let directory = try ScratchDirectory.make()
        defer { ScratchDirectory.remove(directory) }
        let missingPath = directory.appendingPathComponent("absent.sh").path
        let missing = #expect(throws: LinkedError.self) {
            try LinkedVersionReader.read(.pinFile(path: missingPath, pattern: Self.pinPattern, sha256Pattern: nil))
        }
        #expect(missing?.code == .missingFile)
        #expect(missing?.description.contains(missingPath) == true)
        let folder = #expect(throws: LinkedError.self) {
            try LinkedVersionReader.read(.pinFile(path: directory.path, pattern: Self.pinPattern, sha256Pattern: nil))
        }
        #expect(folder?.code == .unreadable)
        let binaryPath = directory.appendingPathComponent("latin1.sh").path
        try Data([0x4F, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: binaryPath))
        let notText = #expect(throws: LinkedError.self) {
            try LinkedVersionReader.read(.pinFile(path: binaryPath, pattern: Self.pinPattern, sha256Pattern: nil))
        }
        #expect(notText?.code == .unreadable)
    }

    @Test("validate accepts a pattern with a version group and refuses broken or group-less ones")
    func validate() throws {
        try LinkedVersionReader.validate(pattern: Self.pinPattern)
        try LinkedVersionReader.validate(sha256Pattern: Self.shaPattern)
        #expect(throws: LinkedError.self) { try LinkedVersionReader.validate(pattern: "([") }
        #expect(throws: LinkedError.self) { try LinkedVersionReader.validate(pattern: "(?<other>.*)") }
        #expect(throws: LinkedError.self) { try LinkedVersionReader.validate(sha256Pattern: Self.pinPattern) }
    }
}
