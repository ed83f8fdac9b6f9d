import Foundation
import OSSLWatch
import OSSLWatchCore
import Testing

/// One fixture per kind of mistake, each derived from `good.yaml` by a single change
/// (see `Fixtures/config/gen.py`), so the reported key path is the only thing that differs.
@Suite struct ConfigFixtureErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let fixture: String
        let code: ConfigError.Code
        let keyPath: String
        let fragment: String

        var testDescription: String { fixture }
    }

    static let cases: [Case] = [
        Case(
            fixture: "unknown-key", code: .unknownKey, keyPath: "http.max_redirect",
            fragment: "did you mean \"max_redirects\""),
        Case(fixture: "unknown-top-key", code: .unknownKey, keyPath: "backof", fragment: "did you mean \"backoff\""),
        Case(fixture: "wrong-type-list", code: .wrongType, keyPath: "http.connect_timeout", fragment: "found a list"),
        Case(
            fixture: "wrong-type-bool", code: .wrongType, keyPath: "http.allow_http_loopback", fragment: "true or false"
        ),
        Case(
            fixture: "wrong-type-feeds", code: .wrongType, keyPath: "feeds",
            fragment: "expected a list, found a mapping"),
        Case(fixture: "url-scheme", code: .invalidURL, keyPath: "feeds[1].url", fragment: "scheme \"ftp\""),
        Case(fixture: "url-http-remote", code: .invalidURL, keyPath: "feeds[3].url", fragment: "scheme \"http\""),
        Case(fixture: "url-userinfo", code: .invalidURL, keyPath: "feeds[0].url", fragment: "user info"),
        Case(
            fixture: "url-loopback-not-allowed", code: .invalidURL, keyPath: "feeds[2].url",
            fragment: "allow_http_loopback"),
        Case(
            fixture: "url-not-a-url", code: .invalidURL, keyPath: "feeds[3].url", fragment: "not a valid absolute URL"),
        Case(
            fixture: "regex-does-not-compile", code: .invalidRegex, keyPath: "projects[0].linked.pin_file.pattern",
            fragment: "does not compile"),
        Case(
            fixture: "regex-no-version-group", code: .invalidRegex, keyPath: "projects[0].linked.pin_file.pattern",
            fragment: "regex has no named group \"version\""),
        Case(
            fixture: "regex-no-sha256-group", code: .invalidRegex,
            keyPath: "projects[0].linked.pin_file.sha256_pattern", fragment: "no named group \"sha256\""),
        Case(
            fixture: "duplicate-feed", code: .duplicateName, keyPath: "feeds[3].name",
            fragment: "already used by feeds[1]"),
        Case(
            fixture: "duplicate-project", code: .duplicateName, keyPath: "projects[2].name",
            fragment: "already used by projects[1]"),
        Case(
            fixture: "missing-pin-file", code: .missingFile, keyPath: "projects[0].linked.pin_file.path",
            fragment: "no-such-pin.sh does not exist"),
        Case(
            fixture: "missing-ca-file", code: .missingFile, keyPath: "http.ca_file",
            fragment: "/nonexistent/ca.pem does not exist"),
        Case(
            fixture: "missing-binary", code: .missingFile, keyPath: "projects[2].linked.binary",
            fragment: "bin/absent does not exist"),
        Case(
            fixture: "interval-too-short", code: .invalidValue, keyPath: "feeds[1].interval",
            fragment: "out of range 30s...7d"),
        Case(
            fixture: "interval-too-long", code: .invalidValue, keyPath: "feeds[1].interval",
            fragment: "8d is out of range"),
        Case(
            fixture: "interval-not-duration", code: .invalidValue, keyPath: "feeds[1].interval",
            fragment: "not a duration"),
        Case(
            fixture: "max-body-too-small", code: .invalidValue, keyPath: "http.max_body_bytes",
            fragment: "512 is out of range 1024...67108864"),
        Case(
            fixture: "max-body-too-large", code: .invalidValue, keyPath: "http.max_body_bytes", fragment: "out of range"
        ),
        Case(
            fixture: "max-redirects-too-many", code: .invalidValue, keyPath: "http.max_redirects",
            fragment: "6 is out of range 0...5"),
        Case(
            fixture: "backoff-max-below-initial", code: .invalidValue, keyPath: "backoff.max",
            fragment: "at least backoff.initial"),
        Case(fixture: "feeds-empty", code: .invalidValue, keyPath: "feeds", fragment: "at least one feed"),
        Case(fixture: "projects-empty", code: .invalidValue, keyPath: "projects", fragment: "at least one project"),
        Case(fixture: "projects-missing", code: .missingKey, keyPath: "projects", fragment: "required key is missing"),
        Case(fixture: "syntax-error", code: .syntax, keyPath: "", fragment: "YAML syntax error at line"),
        Case(fixture: "syntax-bad-indent", code: .syntax, keyPath: "", fragment: "YAML syntax error at line 5:"),
        Case(fixture: "duplicate-key", code: .syntax, keyPath: "", fragment: "duplicate key \"timeout\""),
        Case(
            fixture: "feed-kind-unknown", code: .invalidValue, keyPath: "feeds[1].kind",
            fragment: "did you mean \"github-tags-atom\""),
        Case(fixture: "feed-name-invalid", code: .invalidValue, keyPath: "feeds[3].name", fragment: "not a valid name"),
        Case(fixture: "feed-name-missing", code: .missingKey, keyPath: "feeds[3].name", fragment: "required"),
        Case(
            fixture: "project-name-invalid", code: .invalidValue, keyPath: "projects[1].name",
            fragment: "not a valid name"),
        Case(
            fixture: "linked-two-sources", code: .invalidValue, keyPath: "projects[1].linked",
            fragment: "found literal and binary"),
        Case(fixture: "linked-none", code: .missingKey, keyPath: "projects[1].linked", fragment: "exactly one of"),
        Case(
            fixture: "literal-not-a-version", code: .invalidValue, keyPath: "projects[1].linked.literal",
            fragment: "not an OpenSSL version"),
        Case(
            fixture: "tarball-url-no-version", code: .invalidValue, keyPath: "confirmation.tarball_url",
            fragment: "{version}"),
        Case(
            fixture: "min-feeds-unreachable", code: .invalidValue, keyPath: "confirmation.min_feeds",
            fragment: "no release would ever be confirmed"),
        Case(
            fixture: "eol-warning-negative", code: .invalidValue, keyPath: "projects[0].eol_warning_days",
            fragment: "out of range 0...3650"),
        Case(
            fixture: "timeout-below-connect", code: .invalidValue, keyPath: "http.timeout",
            fragment: "at least connect_timeout"),
    ]

    static func path(_ fixture: String) throws -> String {
        let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return root.appendingPathComponent("config/errors/\(fixture).yaml").path
    }

    @Test(
        "each broken fixture fails with one line naming the file, the key path and the problem, exit 78",
        arguments: cases)
    func reportsKeyPath(_ testCase: Case) throws {
        let path = try Self.path(testCase.fixture)
        let error = try #require(throws: ConfigError.self) {
            try ConfigLoader.load(path: path, environment: [:])
        }
        #expect(error.code == testCase.code)
        #expect(error.keyPath == testCase.keyPath)
        #expect(error.file == path)
        #expect(error.exitStatus == 78)
        #expect(error.description.contains(testCase.fragment), "\(error.description)")
        let prefix = testCase.keyPath.isEmpty ? "\(path): " : "\(path): \(testCase.keyPath): "
        #expect(error.description.hasPrefix(prefix))
        #expect(!error.description.contains("\n"))
    }

    @Test("every fixture in errors/ has an expectation, so none is silently untested")
    func everyFixtureCovered() throws {
        let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let names = try FileManager.default.contentsOfDirectory(
            atPath: root.appendingPathComponent("config/errors").path
        )
        .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }
        #expect(Set(names) == Set(Self.cases.map(\.fixture)))
    }
}
