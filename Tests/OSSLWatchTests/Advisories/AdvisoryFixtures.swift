import Foundation
import OSSLWatch
import Testing

@testable import OSSLWatchCore

/// The real advisories of the release-metadata fixtures, read by the real parsers and merged
/// per CVE the way the store merges them (text and record).
enum AdvisoryFixtures {
    static func root() throws -> URL {
        let fixtures = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return fixtures.appendingPathComponent("openssl-release-metadata")
    }

    /// Every CVE of `secadv/*.txt` and `secjson/CVE-*.json`, merged by id.
    static func all(texts: Bool = true, records: Bool = true) throws -> [Advisory] {
        let root = try root()
        var merged: [String: Advisory] = [:]
        let add = { (content: FeedContent) in
            for advisory in content.advisories {
                merged[advisory.cve] = merged[advisory.cve].map { $0.merging(advisory) } ?? advisory
            }
        }
        let files = { (folder: String) throws -> [URL] in
            try FileManager.default.contentsOfDirectory(
                at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil
            )
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        }
        if texts {
            for url in try files("secadv") where url.pathExtension == "txt" {
                add(
                    try SecurityAdvisoryParser().parse(
                        try Data(contentsOf: url), contentType: "text/plain", feed: "secadv"))
            }
        }
        if records {
            for url in try files("secjson") where url.lastPathComponent.hasPrefix("CVE-") {
                add(
                    try CVERecordParser().parse(
                        try Data(contentsOf: url), contentType: "application/json", feed: "cve-json"))
            }
        }
        return merged.values.sorted { $0.cve < $1.cve }
    }

    static func version(_ text: String) throws -> OpenSSLVersion {
        try #require(OpenSSLVersion(text))
    }

    static func series(_ text: String) throws -> Series {
        try #require(Series(text))
    }
}
