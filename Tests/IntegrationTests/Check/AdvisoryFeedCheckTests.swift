import Foundation
import OSSLWatch
import OSSLWatchStore
import OSSLWatchTestSupport
import Testing

/// The advisory feeds through `osslwatch check`: templated URLs over real nginx and TLS, the
/// store read back afterwards.
@Suite("advisory feeds against nginx", .serialized)
struct AdvisoryFeedCheckTests {
    let services: TestServices

    init() throws {
        services = try TestServices.load()
    }

    static func compact(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d%02d%02d", parts.year!, parts.month!, parts.day!)
    }

    @Test("{date} fetches today's advisory (yesterday's 404 is no error), {cve} then fetches its records")
    func templatedAdvisoryFeeds() async throws {
        let scenario = try CheckScenario(services)
        defer { scenario.cleanUp() }
        try scenario.serveFeeds(snapshot: "snapshot-2025-09-30")
        let fixtures = CheckScenario.fixtures.appendingPathComponent("openssl-release-metadata")
        let today = Self.compact(Date())
        try FileManager.default.createDirectory(
            at: scenario.served.appendingPathComponent("secadv"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: scenario.served.appendingPathComponent("secjson"), withIntermediateDirectories: true)
        func serve(_ path: String, _ data: Data) throws {
            try data.write(to: scenario.served.appendingPathComponent(path), options: .atomic)
        }
        try serve("secadv/\(today).txt", try Data(contentsOf: fixtures.appendingPathComponent("secadv/20250930.txt")))
        for id in ["CVE-2025-9230", "CVE-2025-9232"] {
            try serve("secjson/\(id).json", try Data(contentsOf: fixtures.appendingPathComponent("secjson/\(id).json")))
        }
        let feeds =
            scenario.standardFeeds + """

                  - name: secadv
                    kind: secadv
                    url: \(scenario.url("secadv/{date}.txt"))
                  - name: cve-records
                    kind: cve-json
                    url: \(scenario.url("secjson/{cve}.json"))
                """
        try scenario.writeConfig(feeds: feeds, projects: "  - name: cryptography\n    linked:\n      literal: 3.5.3")

        let first = try await scenario.check()
        #expect(first.status == 10, "stderr: \(first.stderr)")
        let firstFeeds = try first.feedResults()
        #expect(firstFeeds["secadv"]?["result"] as? String == "updated", "\(firstFeeds["secadv"] ?? [:])")
        #expect(firstFeeds["secadv"]?["observations"] as? Int == 3)
        #expect(firstFeeds["cve-records"]?["result"] as? String == "updated", "\(firstFeeds["cve-records"] ?? [:])")

        let store = try Store(directory: scenario.stateDirectory)
        let advisories = try store.advisories()
        #expect(advisories.map(\.cve) == ["CVE-2025-9230", "CVE-2025-9231", "CVE-2025-9232"])
        #expect(advisories.first?.affected.count == 7 && advisories.first?.fixedIn.count == 7)
        #expect(advisories.first?.sources == ["secadv", "cve-records"])
        #expect(advisories[1].affected.isEmpty, "CVE-2025-9231 has no record served")
        let dates = try store.feedURLStates(feed: "secadv")
        #expect(dates.contains { $0.key == today && $0.lastStatus == 200 })
        #expect(dates.contains { $0.lastStatus == 404 }, "yesterday was asked for and was not there")
        #expect(try store.feedState("secadv")?.errorStreak == 0)
        let records = try store.feedURLStates(feed: "cve-records")
        #expect(records.map(\.key) == ["CVE-2025-9230", "CVE-2025-9231", "CVE-2025-9232"])
        #expect(records.map(\.lastStatus) == [200, 404, 200])

        // Second round: today's advisory answers 304, known records are not asked for again,
        // the missing one is; a hostile body now served for it fails the feed, stores nothing.
        try serve("secjson/CVE-2025-9231.json", Data("{\"cveMetadata\": [".utf8))
        let logged = try scenario.accessLogLines().count
        let second = try await scenario.check()
        #expect(second.status == 10, "stderr: \(second.stderr)")
        let secondFeeds = try second.feedResults()
        #expect(secondFeeds["secadv"]?["result"] as? String == "unchanged", "\(secondFeeds["secadv"] ?? [:])")
        #expect(secondFeeds["cve-records"]?["result"] as? String == "failed")
        #expect((secondFeeds["cve-records"]?["error"] as? String)?.contains("CVE-2025-9231.json") == true)
        let lines = try scenario.accessLogLines().dropFirst(logged)
        #expect(lines.contains { $0.contains("secadv/\(today).txt") && $0.contains("\" 304 ") }, "\(lines)")
        #expect(!lines.contains { $0.contains("CVE-2025-9230.json") }, "\(lines)")
        #expect(lines.contains { $0.contains("CVE-2025-9231.json") }, "\(lines)")
        #expect(try store.advisories() == advisories)
    }
}
