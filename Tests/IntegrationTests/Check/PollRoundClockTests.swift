import Foundation
import Logging
import OSSLWatch
import OSSLWatchStore
import OSSLWatchTestSupport
import Testing

/// A poll round run in this process at a time the test chooses, against real nginx and a real
/// store: every time it records and judges by is that time, never the machine's clock.
@Suite("a poll round at an injected time", .serialized)
struct PollRoundClockTests {
    let services: TestServices
    let logger = Logger(label: "test")

    init() throws {
        services = try TestServices.load()
    }

    func round(_ scenario: CheckScenario, at date: Date, metricsFile: String? = nil) throws -> PollRound {
        let configuration = try ConfigLoader.load(path: scenario.configPath, environment: [:])
        let store = try Store(directory: scenario.stateDirectory)
        let watcher = Watcher(
            configuration: configuration, store: store, surroundings: .fixed(at: date), logger: logger)
        return PollRound(watcher: watcher, metricsFile: metricsFile)
    }

    @Test("a round at an injected time records that time; judged a day later, the verdict is unknown")
    func injectedClock() async throws {
        let scenario = try CheckScenario(services)
        defer { scenario.cleanUp() }
        try scenario.serveFeeds(snapshot: "snapshot-2025-09-30")
        try scenario.writeConfig(projects: "  - name: cryptography\n    linked:\n      literal: 3.6.0")
        let start = Date(timeIntervalSince1970: 1_759_276_800)  // 2025-10-01T00:00:00Z

        let first = try await round(scenario, at: start).perform()
        #expect(first.failure == nil, "\(first.failure.map { "\($0)" } ?? "")")
        #expect(first.startedAt == start)
        #expect(first.outcomes.allSatisfy { $0.result == .updated }, "\(first.outcomes)")
        #expect(first.projects.first?.verdict?.kind == .upToDate)
        let store = try Store(directory: scenario.stateDirectory)
        #expect(try store.feedState("github-releases")?.lastSuccess == start)
        #expect(try store.latestVerdictsWithTime().first?.computedAt == start)

        // No feed polled since: a day later by the injected clock, nothing vouches for up-to-date.
        let dayLater = start.addingTimeInterval(86_400)
        let metrics = scenario.work.appendingPathComponent("osslwatch.prom").path
        let later = try await round(scenario, at: dayLater, metricsFile: metrics).derive(reason: "test")
        #expect(later.projects.first?.verdict?.kind == .unknown)
        #expect(try store.latestVerdictsWithTime().first?.verdict.kind == .unknown)
        #expect(try store.latestVerdictsWithTime().first?.computedAt == dayLater)
    }

    @Test("a changed advisory text makes the round poll the CVE-record feed too, though it was not among its feeds")
    func advisoryFollowUp() async throws {
        let scenario = try CheckScenario(services)
        defer { scenario.cleanUp() }
        try scenario.serveFeeds(snapshot: "snapshot-2025-09-30")
        let fixtures = CheckScenario.fixtures.appendingPathComponent("openssl-release-metadata")
        for folder in ["secadv", "secjson"] {
            try FileManager.default.createDirectory(
                at: scenario.served.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        for file in ["secadv/20250930.txt", "secjson/CVE-2025-9230.json", "secjson/CVE-2025-9232.json"] {
            try Data(contentsOf: fixtures.appendingPathComponent(file)).write(
                to: scenario.served.appendingPathComponent(file))
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
        // Noon on the advisory's day, so {date} asks for 20250930 (and the day before).
        let poll = try round(scenario, at: Date(timeIntervalSince1970: 1_759_233_600))
        let secadv = try #require(poll.configuration.feeds.first { $0.name == "secadv" })

        let summary = await poll.perform(feeds: [secadv])
        #expect(summary.outcomes.map(\.feed) == ["secadv", "cve-records"])
        #expect(summary.outcomes.map(\.result) == [.updated, .updated], "\(summary.outcomes)")
        let advisories = try poll.store.advisories()
        #expect(advisories.map(\.cve) == ["CVE-2025-9230", "CVE-2025-9231", "CVE-2025-9232"])
        #expect(advisories.first?.sources == ["secadv", "cve-records"])
        #expect(try poll.store.feedState("github-releases") == nil, "only the given feed and its follower")
    }
}
