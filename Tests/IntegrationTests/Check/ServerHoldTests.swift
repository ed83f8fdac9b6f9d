import Foundation
import OSSLWatchTestSupport
import Testing

/// A server's `Retry-After` and `X-RateLimit-Reset` as a hostile or broken host sends them:
/// the real binary against nginx locations that answer with absurd values.
@Suite("absurd server holds against nginx", .serialized)
struct ServerHoldTests {
    let services: TestServices

    init() throws {
        services = try TestServices.load()
    }

    /// Two feeds over the scenario's files, one behind each absurd header.
    private func feeds(_ scenario: CheckScenario) -> String {
        """
          - name: held-retry-after
            kind: github-releases-atom
            url: \(services.httpsURL("/hold/retry-after/\(scenario.name)/releases.atom"))
          - name: held-rate-limit
            kind: github-releases-json
            url: \(services.httpsURL("/hold/rate-limit/\(scenario.name)/releases.json"))
        """
    }

    private static let project = "  - name: p\n    linked:\n      literal: 3.5.3"

    private func nextPoll(_ result: OSSLWatchBinary.Result, _ feed: String) throws -> Date {
        let text = try #require(try result.feedResults()[feed]?["nextPoll"] as? String, "\(result.stdout)")
        return try #require(ISO8601DateFormatter().date(from: text))
    }

    @Test("Retry-After: 9999999999 and X-RateLimit-Reset in the year 10000 hold a feed a day at most, logged")
    func clampedToADay() async throws {
        let scenario = try CheckScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(feeds: feeds(scenario), projects: Self.project)
        let before = Date()
        let first = try await scenario.check()
        #expect(first.status == 69, "stdout: \(first.stdout)\nstderr: \(first.stderr)")
        let results = try first.feedResults()
        #expect(results["held-retry-after"]?["status"] as? Int == 503)
        #expect(results["held-rate-limit"]?["status"] as? Int == 403)
        for feed in ["held-retry-after", "held-rate-limit"] {
            let next = try nextPoll(first, feed)
            // The report gives whole seconds.
            #expect(next >= before.addingTimeInterval(86_399), "\(feed): next try \(next)")
            #expect(next <= Date().addingTimeInterval(86_400), "\(feed): next try \(next) is beyond a day")
        }
        #expect(first.stderr.contains("server hold clamped"), "\(first.stderr)")
        #expect(first.stderr.contains("Retry-After: 9999999999"), "\(first.stderr)")
        #expect(first.stderr.contains("X-RateLimit-Reset: 253402300800"), "\(first.stderr)")
        #expect(first.stderr.contains("held-retry-after") && first.stderr.contains("held-rate-limit"))

        // The store still reads: a second check backs off, status lists both feeds as failing.
        let second = try await scenario.check()
        #expect(second.status == 69, "stderr: \(second.stderr)")
        #expect(try second.feedResults()["held-rate-limit"]?["result"] as? String == "backing-off")
        let status = try await OSSLWatchBinary.run(
            ["status", "--config", scenario.configPath, "--pid-file", scenario.work.path + "/none.pid", "--json"])
        #expect(status.status == 0, "stderr: \(status.stderr)")
        let listed = try status.json()["feeds"] as? [[String: Any]] ?? []
        #expect(listed.count == 2 && listed.allSatisfy { $0["health"] as? String == "failing" }, "\(status.stdout)")
    }

    @Test("with max_retry_after 1s the held feeds are polled again once the clamped hold has passed")
    func feedResumes() async throws {
        let scenario = try CheckScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(feeds: feeds(scenario), projects: Self.project, http: "  max_retry_after: 1s")
        let first = try await scenario.check()
        #expect(first.status == 69, "stderr: \(first.stderr)")
        // Each failure names the clamped hold: "retry after <ISO time, whole seconds> (it asked for ..., clamped)".
        var held = Date()
        for feed in ["held-retry-after", "held-rate-limit"] {
            let error = try #require(try first.feedResults()[feed]?["error"] as? String, "\(first.stdout)")
            #expect(error.contains("clamped"), "\(error)")
            let text = try #require(error.components(separatedBy: "retry after ").last?.split(separator: " ").first)
            let until = try #require(ISO8601DateFormatter().date(from: String(text)), "\(error)")
            held = max(held, until.addingTimeInterval(1))
        }

        // The servers now have the files; wait for the moment the clamped holds end, then
        // force past osslwatch's own backoff (never past a server's hold).
        try scenario.serveFeeds()
        while Date() <= held { try await Task.sleep(for: .milliseconds(50)) }
        let resumed = try await scenario.check(["--force"])
        let results = try resumed.feedResults()
        #expect(results["held-retry-after"]?["result"] as? String == "updated", "\(resumed.stdout)")
        #expect(results["held-rate-limit"]?["result"] as? String == "updated", "\(resumed.stdout)")
    }

    @Test("a feed row planted with a date in the year 10000 makes check and status fail naming the row, not crash")
    func plantedRow() async throws {
        let scenario = try CheckScenario(services)
        defer { scenario.cleanUp() }
        try scenario.serveFeeds()
        try scenario.writeConfig(projects: Self.project)
        let first = try await scenario.check()
        #expect(first.status == 0 || first.status == 10, "stderr: \(first.stderr)")
        let database = scenario.stateDirectory + "/osslwatch.sqlite"
        try await ChildProcess.run([
            "/usr/bin/sqlite3", database,
            "UPDATE feeds SET next_poll = '10000-01-01 00:00:00.000' WHERE name = 'github-tags'",
        ]).checked()

        let check = try await scenario.check()
        let status = try await OSSLWatchBinary.run(
            ["status", "--config", scenario.configPath, "--pid-file", scenario.work.path + "/none.pid"])
        for (command, result) in [("check", check), ("status", status)] {
            #expect(result.status == 74, "\(command) exited \(result.status): \(result.stderr)")
            #expect(result.stderr.contains("table feeds, row name = \"github-tags\""), "\(command): \(result.stderr)")
            #expect(result.stderr.contains("column next_poll"), "\(command): \(result.stderr)")
        }
    }
}
