import Foundation
import OSSLWatchTestSupport
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

@Suite struct BinaryAndWheelTests {
    static let sbomPath = "cryptography-47.0.0.dist-info/sboms/sbom.json"
    static let modulePath = "cryptography/hazmat/bindings/_rust.abi3.so"

    static func program() throws -> String {
        try LinkedScratch.staticProgram.get()
    }

    /// A wheel directory holding `files` (member path to contents), zipped with the system zip.
    static func wheel(_ files: [String: Data], name: String = "cryptography-47.0.0-cp311-abi3-linux_x86_64.whl")
        throws -> String
    {
        let root = try ScratchDirectory.make()
        let tree = root.appendingPathComponent("tree")
        for (member, contents) in files {
            let url = tree.appendingPathComponent(member)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try contents.write(to: url)
        }
        let wheel = root.appendingPathComponent(name).path
        try LinkedScratch.zip(tree, into: wheel)
        return wheel
    }

    @Test("a program linked statically against libcrypto.a reads as the header's OPENSSL_VERSION_TEXT")
    func realStaticBinary() throws {
        let program = try Self.program()
        let expected = try #require(OpenSSLVersion.parse(text: LinkedScratch.headerVersionText))
        let printed = try LinkedScratch.run(program, []).trimmingCharacters(in: .newlines)
        #expect(OpenSSLVersion.parse(text: printed) == expected)
        let linked = try LinkedVersionReader.read(.binary(path: program))
        #expect(linked.version == expected)
        #expect(linked.origin.contains(LinkedScratch.headerVersionText))
    }

    @Test("a version text straddling a read-chunk boundary is found")
    func straddlingChunkBoundary() throws {
        let directory = try ScratchDirectory.make()
        defer { ScratchDirectory.remove(directory) }
        let text = Array("OpenSSL 3.5.4 30 Sep 2025".utf8)
        for offset in [-20, -8, -7, -1, 0] {
            var bytes = [UInt8](repeating: 0, count: BinaryVersionReader.chunkSize + offset)
            bytes += text + [0] + [UInt8](repeating: 0x41, count: 10)
            let path = directory.appendingPathComponent("straddle\(offset)").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let linked = try LinkedVersionReader.read(.binary(path: path))
            #expect(linked.version == OpenSSLVersion("3.5.4"), "offset \(offset)")
        }
    }

    @Test("the scanner finds the text at every split point and for every chunk size, also at end of stream")
    func scannerSplits() {
        let text = Array("xx\u{0}OpenSSL 1.1.1w  11 Sep 2023\u{0}OpenSSL %s\u{0}OpenSSL 1.1.1 (compat)\u{0}".utf8)
        for chunk in 1...text.count {
            var scanner = VersionTextScanner()
            var index = 0
            while index < text.count {
                let end = min(index + chunk, text.count)
                text[index..<end].withUnsafeBytes { scanner.consume($0) }
                index = end
            }
            scanner.finish()
            #expect(scanner.versions == [OpenSSLVersion("1.1.1w")].compactMap { $0 }, "chunk \(chunk)")
        }
        var atEnd = VersionTextScanner()
        Array("OpenSSL 3.0.19 27 Jan 2026".utf8).withUnsafeBytes { atEnd.consume($0) }
        atEnd.finish()
        #expect(atEnd.versions == [OpenSSLVersion("3.0.19")].compactMap { $0 })
    }

    @Test("two different version texts in one binary are ambiguous; identical repeats and junk are not")
    func ambiguousBinary() throws {
        let directory = try ScratchDirectory.make()
        defer { ScratchDirectory.remove(directory) }
        let two = directory.appendingPathComponent("two").path
        try Data("\u{0}OpenSSL 3.0.19 27 Jan 2026\u{0}OpenSSL 3.5.4 30 Sep 2025\u{0}".utf8)
            .write(to: URL(fileURLWithPath: two))
        let error = #expect(throws: LinkedError.self) { try LinkedVersionReader.read(.binary(path: two)) }
        #expect(error?.code == .ambiguous)
        #expect(error?.description.contains("3.0.19") == true && error?.description.contains("3.5.4") == true)
        let repeated = directory.appendingPathComponent("repeated").path
        try Data(
            "\u{0}OpenSSL 3.0.19 27 Jan 2026\u{0}OpenSSL 3.0.19 27 Jan 2026\u{0}OpenSSL 9.9.9; rm -rf /\u{0}".utf8
        ).write(to: URL(fileURLWithPath: repeated))
        #expect(try LinkedVersionReader.read(.binary(path: repeated)).version == OpenSSLVersion("3.0.19"))
    }

    @Test("a binary without the version text, and a missing binary, are clear errors")
    func noVersionText() throws {
        let directory = try ScratchDirectory.make()
        defer { ScratchDirectory.remove(directory) }
        let plain = directory.appendingPathComponent("plain").path
        try Data("OpenSSL 3.5.4\u{0}built with OpenSSL\u{0}".utf8).write(to: URL(fileURLWithPath: plain))
        let none = #expect(throws: LinkedError.self) { try LinkedVersionReader.read(.binary(path: plain)) }
        #expect(none?.code == .noMatch)
        let missing = #expect(throws: LinkedError.self) {
            try LinkedVersionReader.read(.binary(path: directory.appendingPathComponent("absent").path))
        }
        #expect(missing?.code == .missingFile)
    }

    @Test("a wheel with the statically linked module reads the module's version")
    func wheelFromModule() throws {
        let module = try Data(contentsOf: URL(fileURLWithPath: try Self.program()))
        let wheel = try Self.wheel([
            Self.modulePath: module, "cryptography/__init__.py": Data("__version__ = '47.0.0'\n".utf8),
            "cryptography-47.0.0.dist-info/METADATA": Data("Name: cryptography\n".utf8),
        ])
        defer { ScratchDirectory.remove(URL(fileURLWithPath: wheel).deletingLastPathComponent()) }
        let expected = try #require(OpenSSLVersion.parse(text: LinkedScratch.headerVersionText))
        let linked = try LinkedVersionReader.read(.wheel(path: wheel))
        #expect(linked.version == expected)
        #expect(linked.sha256 == nil)
    }

    @Test("a wheel's CycloneDX SBOM agreeing with the module text gives the version and the SHA-256")
    func wheelFromSBOM() throws {
        let sbom = try Data(contentsOf: URL(fileURLWithPath: try LinkedScratch.fixture("sbom.json")))
        let wheel = try Self.wheel([
            Self.modulePath: Data("\u{0}OpenSSL 4.0.1 9 Jun 2026\u{0}".utf8), Self.sbomPath: sbom,
        ])
        defer { ScratchDirectory.remove(URL(fileURLWithPath: wheel).deletingLastPathComponent()) }
        let linked = try LinkedVersionReader.read(.wheel(path: wheel))
        #expect(linked.version == OpenSSLVersion("4.0.1"))
        #expect(linked.sha256 == "9a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b")
        #expect(linked.origin.contains("sbom.json"))
    }

    @Test("a wheel whose SBOM names another OpenSSL than its real statically linked module is refused")
    func sbomAgainstRealModule() throws {
        let module = try Data(contentsOf: URL(fileURLWithPath: try Self.program()))
        let sbom = try Data(contentsOf: URL(fileURLWithPath: try LinkedScratch.fixture("sbom.json")))
        let wheel = try Self.wheel([Self.modulePath: module, Self.sbomPath: sbom])
        defer { ScratchDirectory.remove(URL(fileURLWithPath: wheel).deletingLastPathComponent()) }
        let error = #expect(throws: LinkedError.self) { try LinkedVersionReader.read(.wheel(path: wheel)) }
        #expect(error?.code == .disagreement)
        #expect(error?.message.contains(LinkedScratch.headerVersionText) == true)
        #expect(error?.message.contains("4.0.1") == true)
    }

    @Test("an SBOM without openssl falls back to the module text")
    func sbomWithoutOpenSSL() throws {
        let sbom = Data(#"{"bomFormat":"CycloneDX","components":[{"name":"cffi","version":"2.0.0"}]}"#.utf8)
        let wheel = try Self.wheel([
            Self.sbomPath: sbom, Self.modulePath: Data("\u{0}OpenSSL 3.5.4 30 Sep 2025\u{0}".utf8),
        ])
        defer { ScratchDirectory.remove(URL(fileURLWithPath: wheel).deletingLastPathComponent()) }
        #expect(try LinkedVersionReader.read(.wheel(path: wheel)).version == OpenSSLVersion("3.5.4"))
    }

    @Test("an SBOM naming openssl with a hostile version is refused")
    func hostileSBOM() throws {
        let sbom = Data(
            #"{"components":[{"name":"OpenSSL","version":"4.0.1$(id)","purl":"pkg:generic/openssl"}]}"#.utf8)
        let wheel = try Self.wheel([Self.sbomPath: sbom])
        defer { ScratchDirectory.remove(URL(fileURLWithPath: wheel).deletingLastPathComponent()) }
        let error = #expect(throws: LinkedError.self) { try LinkedVersionReader.read(.wheel(path: wheel)) }
        #expect(error?.code == .notAVersion)
    }

    @Test("a file that is not a zip is refused as not-a-zip")
    func notAZip() throws {
        let directory = try ScratchDirectory.make()
        defer { ScratchDirectory.remove(directory) }
        let path = try LinkedScratch.write("PK but not really a zip archive\n", to: "fake.whl", in: directory)
        let error = #expect(throws: LinkedError.self) { try LinkedVersionReader.read(.wheel(path: path)) }
        #expect(error?.code == .notAZip)
        #expect(error?.description.contains(path) == true)
    }

    @Test("a wheel with no openssl anywhere is a no-match error")
    func wheelWithoutOpenSSL() throws {
        let wheel = try Self.wheel([
            "pure/__init__.py": Data("x = 1\n".utf8), "pure/_speedups.abi3.so": Data(repeating: 0x7F, count: 4096),
        ])
        defer { ScratchDirectory.remove(URL(fileURLWithPath: wheel).deletingLastPathComponent()) }
        let error = #expect(throws: LinkedError.self) { try LinkedVersionReader.read(.wheel(path: wheel)) }
        #expect(error?.code == .noMatch)
    }

    @Test("a member bigger than the cap is refused, by declared size and while extracting")
    func oversizedMember() throws {
        let zeros = Data(repeating: 0, count: 3 << 20)
        let wheel = try Self.wheel([Self.modulePath: zeros])
        defer { ScratchDirectory.remove(URL(fileURLWithPath: wheel).deletingLastPathComponent()) }
        let declared = #expect(throws: LinkedError.self) {
            try WheelVersionReader.read(path: wheel, maxMemberBytes: 1 << 20)
        }
        #expect(declared?.code == .tooLarge)
        // The same archive with its size fields rewritten to claim 1000 bytes: the cap must hold while inflating.
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: wheel)))
        for (signature, offset) in [([0x50, 0x4B, 0x03, 0x04] as [UInt8], 22), ([0x50, 0x4B, 0x01, 0x02], 24)] {
            var index = 0
            while index + 4 <= bytes.count {
                if Array(bytes[index..<index + 4]) == signature {
                    bytes.replaceSubrange(index + offset..<index + offset + 4, with: [0xE8, 0x03, 0, 0])
                }
                index += 1
            }
        }
        let lying = wheel + ".lying.whl"
        try Data(bytes).write(to: URL(fileURLWithPath: lying))
        let extracted = #expect(throws: LinkedError.self) {
            try WheelVersionReader.read(path: lying, maxMemberBytes: 1 << 20)
        }
        #expect(extracted?.code == .tooLarge, "\(String(describing: extracted))")
    }
}
