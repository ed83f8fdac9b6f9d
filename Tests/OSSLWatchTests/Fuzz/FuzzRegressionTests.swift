import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

/// Inputs `make fuzz` found that broke a parser's promise, kept under `Fixtures/fuzz/<feed kind>/`
/// exactly as libFuzzer saved them, each run through the check its harness makes.
@Suite struct FuzzRegressionTests {
    static let kinds: [FeedKind] = [.releaseMetadata, .announceList, .githubReleasesAtom]

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
}
