import Foundation
import OSSLWatch
import OSSLWatchCore

/// OpenSSL's real release history, read from the release-metadata fixtures: newsflash.md rows
/// (releases, alphas, betas; withdrawn `~struck~` rows skipped), the advisories' "should upgrade
/// to" lines (dated by file name) and data.json's past series release dates (the X.Y.0 releases).
struct ReleaseHistory {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Each version with the first date it was published.
    var published: [OpenSSLVersion: Date]
    var series: [SeriesInfo]

    static func load() throws -> ReleaseHistory {
        guard let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            throw Failure(description: "Fixtures folder missing")
        }
        let root = fixtures.appendingPathComponent("openssl-release-metadata")
        var history = ReleaseHistory(published: [:], series: [])
        try history.readNewsflash(root.appendingPathComponent("newsflash.md"))
        try history.readAdvisories(root.appendingPathComponent("secadv"))
        try history.readSeries(root.appendingPathComponent("data.json"))
        return history
    }

    static func day(_ text: String) -> Date {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        var components = DateComponents()
        components.calendar = Calendar(identifier: .gregorian)
        components.timeZone = TimeZone(identifier: "UTC")
        (components.year, components.month, components.day) = (parts[0], parts[1], parts[2])
        return components.date ?? .distantPast
    }

    /// Releases published on or before `date`, each seen by `sources`.
    func releases(asOf date: Date, sources: Set<String> = ["github-releases", "github-api"]) -> [Release] {
        published.filter { $0.value <= date }.map { Release(version: $0.key, sources: sources, firstSeen: $0.value) }
    }

    private mutating func add(_ version: OpenSSLVersion?, _ date: Date?) {
        guard let version, let date else { return }
        if let existing = published[version], existing <= date { return }
        published[version] = date
    }

    private mutating func readNewsflash(_ url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        let release = /^\| (\d\d)-(\w{3})-(\d{4}) \| (?:Final version of )?OpenSSL (\S+) is now available/
        let pre = /^\| (\d\d)-(\w{3})-(\d{4}) \| (Alpha|Beta) (\d+) of OpenSSL (\d+\.\d+) is now available/
        for line in text.split(separator: "\n") {
            if let match = line.firstMatch(of: release) {
                add(OpenSSLVersion(String(match.4)), Self.date(match.1, match.2, match.3))
            } else if let match = line.firstMatch(of: pre) {
                let bare = "\(match.6).0-\(match.4.lowercased())\(match.5)"
                add(OpenSSLVersion(bare), Self.date(match.1, match.2, match.3))
            }
        }
    }

    private mutating func readAdvisories(_ folder: URL) throws {
        let upgrade = /should upgrade to OpenSSL (\d[0-9a-z.]*[0-9a-z])/
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".txt") {
            let stamp = file.dropLast(4)
            let date = Self.day("\(stamp.prefix(4))-\(stamp.dropFirst(4).prefix(2))-\(stamp.suffix(2))")
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: upgrade) { add(OpenSSLVersion(String(match.1)), date) }
        }
    }

    private mutating func readSeries(_ url: URL) throws {
        struct Entry: Decodable {
            var release: String
            var eol: String
            var lts: Bool
        }
        let entries = try JSONDecoder().decode([String: Entry].self, from: Data(contentsOf: url))
        for (name, entry) in entries {
            guard let series = Series(name), let release = MetadataDate(entry.release),
                let eol = MetadataDate(entry.eol)
            else { throw Failure(description: "data.json entry \(name) does not parse") }
            self.series.append(SeriesInfo(series: series, release: release, eol: eol, lts: entry.lts))
            if release.day != nil {
                add(OpenSSLVersion(major: series.major, minor: series.minor, patch: 0), release.start)
            }
        }
    }

    private static func date(_ day: Substring, _ month: Substring, _ year: Substring) -> Date? {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard let index = months.firstIndex(of: String(month)) else { return nil }
        return Self.day("\(year)-\(index + 1)-\(day)")
    }
}
