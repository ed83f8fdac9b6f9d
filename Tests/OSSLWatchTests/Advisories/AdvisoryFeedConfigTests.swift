import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

/// The advisory feed kinds in the config: placeholders and `title_pattern`, errors by key path.
struct AdvisoryFeedConfigTests {
    static func load(feeds: String) throws(ConfigError) -> Configuration {
        let yaml = """
            feeds:
            \(feeds)
            projects:
              - {name: app, linked: {literal: 3.5.4}}
            confirmation: {checksum: true}
            """
        return try ConfigLoader.load(yaml: yaml, file: "/etc/osslwatch/osslwatch.yaml", environment: [:])
    }

    @Test func advisoryKindsWithTemplatesAndATitlePatternLoad() throws {
        let config = try Self.load(
            feeds: """
                  - {name: secadv, kind: secadv, url: "https://openssl-library.org/news/secadv/{date}.txt"}
                  - name: cve
                    kind: cve-json
                    url: "https://raw.githubusercontent.com/openssl/release-metadata/main/secjson/{cve}.json"
                  - {name: one, kind: secadv, url: "https://openssl-library.org/news/secadv/20250930.txt"}
                  - {name: announce, kind: announce-list, url: "https://lists.example.org/a.atom", title_pattern: "^Heads up"}
                """)
        #expect(config.feeds.map(\.kind) == [.secadv, .cveJSON, .secadv, .announceList])
        #expect(config.feeds.map(\.isTemplated) == [true, true, false, false])
        #expect(config.feeds[0].url == "https://openssl-library.org/news/secadv/{date}.txt")
        #expect(config.feeds[3].titlePattern == "^Heads up")
        #expect(config.feeds[0].titlePattern == nil)
    }

    @Test func wrongPlaceholderIsAnErrorAtTheURL() {
        for (kind, url) in [
            ("secadv", "https://x.example/{cve}.txt"), ("cve-json", "https://x.example/{date}.json"),
            ("github-tags-atom", "https://x.example/{date}.atom"), ("secadv", "https://x.example/{date"),
        ] {
            let error = #expect(throws: ConfigError.self) {
                try Self.load(feeds: "  - {name: f, kind: \(kind), url: \"\(url)\"}")
            }
            #expect(error?.keyPath == "feeds[0].url", "\(kind) \(url)")
            #expect(error?.code == .invalidURL)
        }
        let http = #expect(throws: ConfigError.self) {
            try Self.load(feeds: "  - {name: f, kind: secadv, url: \"http://x.example/{date}.txt\"}")
        }
        #expect(http?.keyPath == "feeds[0].url")
    }

    @Test func titlePatternErrorsNameTheKey() {
        let broken = #expect(throws: ConfigError.self) {
            try Self.load(
                feeds: "  - {name: a, kind: announce-list, url: \"https://x.example/a\", title_pattern: \"([\"}")
        }
        #expect(broken?.keyPath == "feeds[0].title_pattern")
        #expect(broken?.code == .invalidRegex)
        let elsewhere = #expect(throws: ConfigError.self) {
            try Self.load(feeds: "  - {name: a, kind: secadv, url: \"https://x.example/a\", title_pattern: \"x\"}")
        }
        #expect(elsewhere?.keyPath == "feeds[0].title_pattern")
        let typo = #expect(throws: ConfigError.self) {
            try Self.load(feeds: "  - {name: a, kind: announce-list, url: \"https://x.example/a\", title_patern: x}")
        }
        #expect(typo?.code == .unknownKey)
        #expect(typo?.description.contains("title_pattern") == true)
    }
}
