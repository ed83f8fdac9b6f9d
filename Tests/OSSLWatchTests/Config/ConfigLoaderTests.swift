import Foundation
import OSSLWatch
import OSSLWatchCore
import Testing

@Suite struct ConfigLoaderTests {
    static func fixtures() throws -> URL {
        try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil)).appendingPathComponent("config")
    }

    /// The repository root, found from this source file (the shipped configs are not test resources).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test("good.yaml loads with every key honoured, durations in seconds and paths made absolute")
    func loadsEveryKey() throws {
        let directory = try Self.fixtures()
        let config = try ConfigLoader.load(path: directory.appendingPathComponent("good.yaml").path, environment: [:])
        let base = directory.standardizedFileURL.path
        #expect(config.stateDirectory == base + "/state")
        #expect(config.http.connectTimeout == 5)
        #expect(config.http.timeout == 120)
        #expect(config.http.maxBodyBytes == 1_048_576)
        #expect(config.http.maxRedirects == 3)
        #expect(config.http.caFile == base + "/ca-bundle.pem")
        #expect(config.http.allowHTTPLoopback)
        #expect(config.http.githubTokenFile == base + "/github-token")
        #expect(config.backoff == BackoffSettings(initial: 90, maximum: 2 * 86_400))
        #expect(config.confirmation.minFeeds == 3)
        #expect(!config.confirmation.checksum)
        #expect(config.confirmation.maxTarballBytes == 32 << 20)
        let version = try #require(OpenSSLVersion("3.5.4"))
        #expect(
            config.confirmation.tarballURL(for: version)
                == "https://mirror.example.org/openssl/openssl-3.5.4/openssl-3.5.4.tar.gz")
        #expect(config.feeds.map(\.name) == ["github-releases", "github-tags", "local-api", "source"])
        #expect(
            config.feeds.map(\.kind) == [.githubReleasesAtom, .githubTagsAtom, .githubReleasesJSON, .sourceListing])
        #expect(config.feeds.map(\.interval) == [300, 3600, 2, 43_200])
        #expect(config.feeds[2].url == "http://127.0.0.1:8443/releases.json")
        #expect(config.projects.map(\.name) == ["cryptography", "node.js", "curl_for-win"])
        #expect(
            config.projects[0].linked
                == .pinFile(
                    path: base + "/pin.sh", pattern: #"OPENSSL_VERSION="openssl-(?<version>[0-9a-z.-]+)""#,
                    sha256Pattern: #"OPENSSL_SHA256="(?<sha256>[0-9a-f]{64})""#))
        #expect(config.projects[0].prereleases)
        #expect(config.projects[0].eolWarningDays == 30)
        #expect(config.projects[1].linked == .literal(try #require(OpenSSLVersion("3.0.16"))))
        #expect(!config.projects[1].prereleases)
        #expect(config.projects[1].eolWarningDays == 90)
        #expect(config.projects[2].linked == .binary(path: base + "/pin.sh"))
        #expect(
            config.policy(for: config.projects[0])
                == VerdictPolicy(minFeeds: 3, checksumConfirms: false, includePrereleases: true, eolWarningDays: 30))
        #expect(config.http.timeout == 120)
        #expect(config.backoff.policy == Backoff(initial: 90, maximum: 2 * 86_400))
    }

    @Test("omitted sections take the documented defaults")
    func defaults() throws {
        let yaml = """
            feeds:
              - {name: tags, kind: github-tags-atom, url: "https://github.com/openssl/openssl/tags.atom"}
              - {name: releases, kind: github-releases-atom, url: "https://github.com/openssl/openssl/releases.atom"}
            projects:
              - {name: app, linked: {literal: 3.5.4}}
            """
        let config = try ConfigLoader.load(yaml: yaml, file: "/etc/osslwatch/osslwatch.yaml", environment: [:])
        #expect(config.stateDirectory == "/var/lib/osslwatch")
        #expect(config.http == HTTPSettings())
        #expect(config.http.connectTimeout == 10 && config.http.timeout == 60)
        #expect(config.http.maxBodyBytes == 8_388_608 && config.http.maxRedirects == 5)
        #expect(config.backoff.initial == 60 && config.backoff.maximum == 21_600)
        #expect(config.confirmation == ConfirmationSettings())
        #expect(
            config.confirmation.tarballURL
                == "https://github.com/openssl/openssl/releases/download/{tag}/openssl-{version}.tar.gz")
        #expect(config.feeds.allSatisfy { $0.interval == 300 })
        #expect(config.projects[0].eolWarningDays == 90 && !config.projects[0].prereleases)
    }

    @Test("the state directory comes from the YAML, else $STATE_DIRECTORY, else /var/lib/osslwatch")
    func stateDirectoryPrecedence() throws {
        let body = """
            feeds: [{name: tags, kind: github-tags-atom, url: "https://github.com/openssl/openssl/tags.atom"}]
            confirmation: {min_feeds: 1}
            projects: [{name: app, linked: {literal: 3.5.4}}]
            """
        let systemd = ["STATE_DIRECTORY": "/var/lib/osslwatch-unit:/var/lib/other"]
        #expect(
            try ConfigLoader.load(yaml: body, file: "/etc/x/c.yaml", environment: systemd).stateDirectory
                == "/var/lib/osslwatch-unit")
        #expect(
            try ConfigLoader.load(yaml: body, file: "/etc/x/c.yaml", environment: [:]).stateDirectory
                == "/var/lib/osslwatch")
        let explicit = "state_directory: ./var/../state\n" + body
        #expect(
            try ConfigLoader.load(yaml: explicit, file: "/etc/x/c.yaml", environment: systemd).stateDirectory
                == "/etc/x/state")
    }

    @Test(
        "durations accept plain seconds and s/m/h/d suffixes",
        arguments: [
            ("45", 45.0), ("0.5d", 43_200), ("90s", 90), ("5m", 300), ("1h", 3600), ("2d", 172_800), ("1.5h", 5400),
        ])
    func durations(text: String, seconds: Double) throws {
        let yaml = """
            backoff: {initial: 1, max: \(text)}
            feeds: [{name: tags, kind: github-tags-atom, url: "https://github.com/openssl/openssl/tags.atom"}]
            confirmation: {min_feeds: 1}
            projects: [{name: app, linked: {literal: 3.5.4}}]
            """
        #expect(try ConfigLoader.load(yaml: yaml, file: "c.yaml", environment: [:]).backoff.maximum == seconds)
    }

    @Test(
        "unit-less garbage, negative and empty durations are refused",
        arguments: ["5 m", "-5", "m", "5w", "1e3", "\"\""])
    func badDurations(text: String) throws {
        let yaml = """
            backoff: {initial: \(text)}
            feeds: [{name: tags, kind: github-tags-atom, url: "https://github.com/openssl/openssl/tags.atom"}]
            projects: [{name: app, linked: {literal: 3.5.4}}]
            """
        let error = try #require(throws: ConfigError.self) {
            try ConfigLoader.load(yaml: yaml, file: "c.yaml", environment: [:])
        }
        #expect(error.keyPath == "backoff.initial")
    }

    @Test("checking a config creates nothing, not even its state directory")
    func checkTouchesNothing() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("osslwatch-\(UUID().uuidString)").path
        let yaml = """
            state_directory: \(state)
            feeds: [{name: tags, kind: github-tags-atom, url: "https://github.com/openssl/openssl/tags.atom"}]
            confirmation: {min_feeds: 1}
            projects: [{name: app, linked: {literal: 3.5.4}}]
            """
        let config = try ConfigLoader.load(yaml: yaml, file: "/etc/c.yaml", environment: [:])
        #expect(config.stateDirectory == state)
        #expect(!FileManager.default.fileExists(atPath: state))
    }

    @Test("a missing or empty config file is reported against the file itself with exit 78")
    func missingFile() throws {
        let error = try #require(throws: ConfigError.self) {
            try ConfigLoader.load(path: "/nonexistent/osslwatch.yaml", environment: [:])
        }
        #expect(error.code == .unreadable)
        #expect(error.description == "/nonexistent/osslwatch.yaml: no such file")
        #expect(error.exitStatus == 78)
        let empty = try #require(throws: ConfigError.self) {
            try ConfigLoader.load(yaml: "# nothing\n", file: "empty.yaml", environment: [:])
        }
        #expect(empty.keyPath == "")
        #expect(empty.description.hasPrefix("empty.yaml: the file is empty"))
    }

    @Test(
        "https, and http only to loopback when allowed; IPv6 loopback counts",
        arguments: [
            ("https://example.org/feed", false, true), ("http://127.0.0.1:8080/x", true, true),
            ("http://[::1]:8080/x", true, true), ("http://localhost/x", true, true),
            ("http://localhost/x", false, false), ("http://10.0.0.1/x", true, false),
            ("file:///etc/passwd", true, false), ("https:///nohost", false, false),
            ("https://token@example.org/", false, false),
        ])
    func urlRules(url: String, loopback: Bool, accepted: Bool) {
        let yaml = """
            http: {allow_http_loopback: \(loopback)}
            feeds: [{name: f, kind: github-tags-atom, url: "\(url)"}]
            confirmation: {min_feeds: 1}
            projects: [{name: app, linked: {literal: 3.5.4}}]
            """
        let result = Result { () throws(ConfigError) in
            try ConfigLoader.load(yaml: yaml, file: "c.yaml", environment: [:])
        }
        switch result {
        case .success: #expect(accepted)
        case .failure(let error):
            #expect(!accepted)
            #expect(error.keyPath == "feeds[0].url")
            #expect(error.code == .invalidURL)
        }
    }

    @Test("config check accepts the shipped local example, whose pin file is in the repository")
    func shippedLocalExample() throws {
        let path = Self.repository.appendingPathComponent("config/examples/local.yaml").path
        let config = try ConfigLoader.load(path: path, environment: ["STATE_DIRECTORY": "/elsewhere"])
        #expect(config.stateDirectory == Self.repository.standardizedFileURL.path + "/var/state")
        #expect(config.feeds.count == 5)
        guard case .pinFile(let pin, let pattern, let sha256Pattern) = config.projects.first?.linked else {
            Issue.record("local.yaml must read the shipped pin file")
            return
        }
        let linked = try LinkedVersionReader.read(.pinFile(path: pin, pattern: pattern, sha256Pattern: sha256Pattern))
        #expect(linked.version.description == "3.5.3")
        #expect(linked.sha256?.count == 64)
    }

    @Test("the shipped osslwatch.yaml is valid apart from its pin file, which exists only on the pyca host")
    func shippedDefault() throws {
        let path = Self.repository.appendingPathComponent("config/osslwatch.yaml").path
        // With file checks on, the one failure is the production pin path: that proves the check runs.
        let error = try #require(throws: ConfigError.self) { try ConfigLoader.load(path: path, environment: [:]) }
        #expect(error.keyPath == "projects[0].linked.pin_file.path")
        #expect(error.code == .missingFile)
        let config = try ConfigLoader.load(
            path: path, environment: [:], options: ConfigLoader.Options(checkFiles: false))
        // announce-list ships commented out: its URL is an example to replace.
        #expect(config.feeds.map(\.kind) == FeedKind.allCases.filter { $0 != .announceList })
        #expect(config.feeds.map(\.url).allSatisfy { $0.hasPrefix("https://") })
        #expect(config.projects.map(\.name) == ["cryptography"])
        #expect(config.http == HTTPSettings())
        #expect(config.backoff == BackoffSettings())
        #expect(config.confirmation == ConfirmationSettings())
        #expect(
            config.projects[0].linked
                == .pinFile(
                    path: "/srv/pyca/infra/cryptography-linux/openssl-version.sh",
                    pattern: #"OPENSSL_VERSION="openssl-(?<version>[0-9a-z.-]+)""#,
                    sha256Pattern: #"OPENSSL_SHA256="(?<sha256>[0-9a-f]{64})""#))
    }
}
