import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

/// Inputs `make fuzz` found that broke a parser's promise, kept under `Fixtures/fuzz/<feed kind>/`
/// exactly as libFuzzer saved them, each run through the check its harness makes.
@Suite struct FuzzRegressionTests {
    static let kinds: [FeedKind] = [.releaseMetadata, .announceList, .githubReleasesAtom, .secadv]

    @Test("a body parses to the same content or the same error every time", arguments: kinds)
    func deterministic(kind: FeedKind) throws {
        let directory = try FeedFixtures.url("fuzz/\(kind.rawValue)")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(!files.isEmpty)
        let parser = FeedParsers.parser(for: kind)
        for file in files {
            let body = try Data(contentsOf: directory.appendingPathComponent(file))
            let results = (0..<32).map { _ in
                Result { () throws(FeedError) in try parser.parse(body, contentType: nil, feed: "fuzz") }
            }
            #expect(Set(results).count == 1, "\(file): \(Set(results).count) different results from one body")
        }
    }

    @Test("of several broken series, data.json names the first by key, whatever order the decoder yields")
    func metadataErrorNamesFirstSeries() throws {
        let found = try FeedFixtures.data("fuzz/release-metadata/crash-c126ba71844cbfe245ddf890941a0e1a559f1bf5")
        // Ten broken series: a dictionary's order puts "3.0" first about one time in ten.
        let ten = (0...9).map { #""3.\#($0)": {"release": "01 Oct 2025", "eol": "01 Nov 2026", "lts": "no"}"# }
        let many = Data(("{" + ten.reversed().joined(separator: ", ") + "}").utf8)
        for (body, first) in [(found, "3.5"), (many, "3.0")] {
            for _ in 0..<32 {
                do {
                    _ = try ReleaseMetadataParser().parse(body, contentType: nil, feed: "m")
                    Issue.record("a document with broken series parsed")
                } catch {
                    #expect(error.message.contains("series \"\(first)\""), "\(error.message)")
                }
            }
        }
    }

    /// Found by the announce-list harness: `<title\u{8A}` (a C1 control after the name) made
    /// the XML reader quote the control character in its error, breaking the one-line promise.
    /// The atom-releases harness found the same in a GitHub feed (`<id\u{8B}ag:github.com`).
    @Test(
        "an element name with a control character fails with a one-line error",
        arguments: [
            (FeedKind.announceList, "fuzz/announce-list/crash-4a4408d6d2a12e488302f9e11c41ea4cb4180dfa"),
            (.githubReleasesAtom, "fuzz/github-releases-atom/crash-7dab84149d7176feecd2593fa2b594fd333cba79"),
        ])
    func controlCharacterInElementName(kind: FeedKind, fixture: String) throws {
        let body = try FeedFixtures.data(fixture)
        #expect {
            _ = try FeedParsers.parser(for: kind).parse(body, contentType: nil, feed: "fuzz")
        } throws: { error in
            guard let error = error as? FeedError else { return false }
            return error.code == .malformed
                && !error.message.unicodeScalars.contains { $0.properties.generalCategory == .control }
        }
    }

    /// Found by the wheel harness: a deflated SBOM member whose stream does not end before the
    /// file does. ZIPFoundation 0.9.20's inflate loop keeps asking for input at end of file and
    /// never returns, so `check` would hang on such a wheel. The wheel reader serves each member
    /// only its own compressed bytes (`WheelArchive`): the read must end with an error.
    @Test func unterminatedDeflateMemberFails() throws {
        let wheel = try FeedFixtures.url("fuzz/wheel/timeout-9dc87c17c3e5cc713ffb20135f3774dde41a01f0.whl")
        #expect(throws: LinkedError.self) { try LinkedVersionReader.read(.wheel(path: wheel.path)) }
    }
    @Test(
        "a config key with tabs or line breaks fails with a one-line error that shows them escaped",
        arguments: [
            "fuzz/config/crash-3c0205673c7c0e29c8535044360ef0d5a90b00a1",
            "fuzz/config/crash-cc6c30baa2a0af7e2c72d06354eddc325a83912f",
            // Repeated keys with tabs in them: the duplicate-key error listed them raw.
            "fuzz/config/crash-7ee46b670bda2510a29e2f08ab00c3c8c8cf5007",
        ])
    func controlCharacterInConfigKey(fixture: String) throws {
        let yaml = String(decoding: try FeedFixtures.data(fixture), as: UTF8.self)
        for text in [yaml, "feeds: []\n\"bad\\tkey\\nhere\": 1\n"] {
            #expect {
                _ = try ConfigLoader.load(
                    yaml: text, file: "fuzz.yaml", environment: [:], options: ConfigLoader.Options(checkFiles: false))
            } throws: { error in
                guard let error = error as? ConfigError else { return false }
                return !error.description.unicodeScalars.contains {
                    $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}"
                }
            }
        }
    }

    /// Found by the secadv harness: an upgrade line `OpenSSL users should upgrade to …` (no
    /// series) put the marker inside the `OpenSSL ` prefix, and slicing the series text
    /// between them trapped ("Range requires lowerBound <= upperBound"): one hostile
    /// advisory would have stopped the daemon. It is now a shape error like any other.
    @Test func upgradeLineWithoutSeriesIsAnError() throws {
        let body = try FeedFixtures.data("fuzz/secadv/crash-5dcc31fcafd6f524b1d4bd74746447d4ffa42027")
        #expect(throws: FeedError.self) { try SecurityAdvisoryParser().parse(body, contentType: nil, feed: "fuzz") }
        for line in ["OpenSSL users should upgrade to OpenSSL 3.5.4.", "OpenSSL  users should upgrade to 3.5.4"] {
            #expect(throws: FeedError.self) {
                try SecurityAdvisoryParser.upgrade(line, cve: "CVE-2025-0001", feed: "f")
            }
        }
    }

    /// Found by the config harness: two loads of one text gave two different errors. The text
    /// repeats top-level keys and uses complex (`? `) keys; the error must not depend on the
    /// order a dictionary happens to yield.
    @Test(
        arguments: [
            "fuzz/config/crash-acff1648d8c44585d99ecb9a195210acd110055f",
            // Equal keys under different tags (`!j`, `!`): Yams' position for them was unstable.
            "fuzz/config/crash-f26aed429bd63040e4e926c8c056656fd2b6a21d",
        ])
    func configErrorIsTheSameEveryTime(fixture: String) throws {
        let yaml = String(decoding: try FeedFixtures.data(fixture), as: UTF8.self)
        let results = (0..<32).map { _ in
            Result { () throws(ConfigError) in
                try ConfigLoader.load(
                    yaml: yaml, file: "/nonexistent/fuzz/osslwatch.yaml", environment: ["HOME": "/nonexistent"],
                    options: ConfigLoader.Options(checkFiles: false))
            }
        }
        let messages = Set(results.map { "\($0)" })
        #expect(Set(results).count == 1)
        #expect(messages.count == 1, "\(messages.sorted().joined(separator: " | "))")
        // The error Yams gives names its complex key "<uncovertable>" and takes its position
        // from whichever key sorts first; neither reaches the message.
        guard case .failure(let error) = results[0] else {
            Issue.record("a config with repeated keys loaded")
            return
        }
        #expect(error.description.contains("duplicate key") && !error.description.contains(" at line "))
        guard fixture.hasSuffix("acff1648d8c44585d99ecb9a195210acd110055f") else { return }
        #expect(
            error.description.hasSuffix(
                #"YAML syntax error: duplicate key "feeds", "http", "pr;ojects", "state_directory", a complex ("? ") key"#
            ),
            "\(error.description)")
    }
}
