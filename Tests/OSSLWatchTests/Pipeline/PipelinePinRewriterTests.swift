import Foundation
import Testing

@testable import OSSLWatch

@Suite struct PipelinePinRewriterTests {
    static let versionPattern = #"^export OPENSSL_VERSION="(?<version>[^"]+)"$"#
    static let sha256Pattern = #"^export OPENSSL_SHA256="(?<sha256>[^"]+)"$"#
    static let digest = "ab8f2f4de8f6a2c21c8fd0e5d1c9fb4b1c7a1e3e2e0b2a8e52e1a3c9f6d1e0aa"

    static func fixture() throws -> String {
        let url = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return try String(
            contentsOf: url.appendingPathComponent("pipeline/openssl-version.sh"), encoding: .utf8)
    }

    let rewriter = PinRewriter(versionPattern: versionPattern, sha256Pattern: sha256Pattern)

    @Test("only the captured version and digest change; the tag form is kept; every other byte stays")
    func pycaInfraPin() throws {
        let original = try Self.fixture()
        let target = try PipelineScratch.version("3.5.4")
        let result = try rewriter.rewrite(original, target: target, sha256: Self.digest, file: "pin")
        let expected =
            original
            .replacingOccurrences(of: "\"openssl-3.5.3\"", with: "\"openssl-3.5.4\"")
            .replacingOccurrences(
                of: "c9489d2abcf943cdc8329a57092331c598a402938054dc3a22218aea8a8ec3bf", with: Self.digest)
        #expect(result == expected)
        #expect(Array(result.utf8).count == Array(original.utf8).count)
        #expect(result.contains("version 3.5.3 appears here too"))
        #expect(result.contains("\tenable-capieng\"  # a tab and trailing spaces   \n"))
    }

    @Test("a bare captured version is written bare, an upper-case digest stays upper-case, CRLF survives")
    func bareFormAndCase() throws {
        let text = "[openssl]\r\nversion = \"3.0.17\"\r\nsha256 = \"\(String(repeating: "AB", count: 32))\"\r\n"
        let rewriter = PinRewriter(
            versionPattern: #"^version = "(?<version>[^"]+)"\r?$"#, sha256Pattern: #"^sha256 = "(?<sha256>[^"]+)"\r?$"#)
        let result = try rewriter.rewrite(
            text, target: try PipelineScratch.version("3.0.18"), sha256: Self.digest, file: "pin.toml")
        #expect(
            result == "[openssl]\r\nversion = \"3.0.18\"\r\nsha256 = \"\(Self.digest.uppercased())\"\r\n")
    }

    @Test("one pattern capturing both groups works")
    func combinedPattern() throws {
        let text = "OPENSSL=openssl-3.5.3@\(String(repeating: "0", count: 64)) # keep\n"
        let rewriter = PinRewriter(versionPattern: #"OPENSSL=(?<version>[^@]+)@(?<sha256>[0-9a-f]{64})"#)
        let result = try rewriter.rewrite(
            text, target: try PipelineScratch.version("3.5.4"), sha256: Self.digest, file: "pin")
        #expect(result == "OPENSSL=openssl-3.5.4@\(Self.digest) # keep\n")
    }

    @Test("patterns that miss, lack their group, or capture garbage fail naming the file")
    func failures() throws {
        let original = try Self.fixture()
        let target = try PipelineScratch.version("3.5.4")
        let noDigestGroup = #expect(throws: StepError.self) {
            try PinRewriter(versionPattern: Self.versionPattern).rewrite(
                original, target: target, sha256: Self.digest, file: "pin.sh")
        }
        #expect(noDigestGroup?.code == .badPattern)
        #expect(noDigestGroup?.message.contains("pin.sh") == true)
        let missing = #expect(throws: StepError.self) {
            try rewriter.rewrite("nothing here\n", target: target, sha256: Self.digest, file: "pin.sh")
        }
        #expect(missing?.message.contains("matches nothing") == true)
        let garbage = #expect(throws: StepError.self) {
            try PinRewriter(versionPattern: #"^# (?<version>\w+)"#, sha256Pattern: Self.sha256Pattern).rewrite(
                original, target: target, sha256: Self.digest, file: "pin.sh")
        }
        #expect(garbage?.message.contains("not an OpenSSL version") == true)
        let badDigest = #expect(throws: StepError.self) {
            try rewriter.rewrite(original, target: target, sha256: "$(id)", file: "pin.sh")
        }
        #expect(badDigest?.code == .invalidInput)
    }
}
