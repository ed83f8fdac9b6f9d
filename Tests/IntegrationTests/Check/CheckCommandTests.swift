import Foundation
import OSSLWatchTestSupport
import Testing

/// `osslwatch check` as a user runs it: the real binary, real nginx over TLS, real files.
@Suite("osslwatch check against nginx", .serialized)
struct CheckCommandTests {
    let services: TestServices

    init() throws {
        services = try TestServices.load()
    }

    @Test("first check parses every feed, the second gets 304s and parses nothing, a changed feed is picked up")
    func conditionalPolling() async throws {
        let scenario = try CheckScenario(services)
        defer { scenario.cleanUp() }
        try scenario.serveFeeds(snapshot: "snapshot-2025-09-30")
        try scenario.writeConfig(projects: "  - name: cryptography\n    linked:\n      literal: 3.5.3")

        let first = try await scenario.check()
        #expect(first.status == 10, "stderr: \(first.stderr)")
        let firstFeeds = try first.feedResults()
        #expect(firstFeeds.count == 5)
        for (name, feed) in firstFeeds {
            #expect(feed["result"] as? String == "updated", "\(name): \(feed)")
            #expect(feed["status"] as? Int == 200, "\(name): \(feed)")
        }
        let verdict = try #require(try first.verdict("cryptography"))
        #expect(verdict["kind"] as? String == "patch-update")
        #expect(verdict["target"] as? String == "3.5.4")

        let logged = try scenario.accessLogLines().count
        let second = try await scenario.check()
        #expect(second.status == 10, "stderr: \(second.stderr)")
        for (name, feed) in try second.feedResults() {
            #expect(feed["result"] as? String == "unchanged", "\(name): \(feed)")
            #expect(feed["status"] as? Int == 304, "\(name): \(feed)")
            #expect(feed["observations"] as? Int == 0, "\(name): \(feed)")
        }
        let secondLines = try scenario.accessLogLines().dropFirst(logged)
        #expect(secondLines.count == 5)
        #expect(secondLines.allSatisfy { $0.contains("\" 304 ") }, "\(secondLines)")
        #expect(try second.verdict("cryptography")?["target"] as? String == "3.5.4")

        // Only the release feeds change; rewriting data.json would give it a new mtime, and so
        // a new ETag, whenever the second changed since the first write.
        try scenario.serveFeeds(metadata: false)
        let third = try await scenario.check()
        #expect(third.status == 10, "stderr: \(third.stderr)")
        let thirdFeeds = try third.feedResults()
        for name in ["github-releases", "github-tags", "github-api", "source-page"] {
            #expect(thirdFeeds[name]?["result"] as? String == "updated", "\(name): \(thirdFeeds[name] ?? [:])")
        }
        #expect(thirdFeeds["release-metadata"]?["result"] as? String == "unchanged", "data.json did not change")
        // Feeds are polled at once, so whichever stores a release first reports it as new.
        let new = thirdFeeds.values.flatMap { $0["newVersions"] as? [String] ?? [] }
        #expect(new.contains("3.5.7") && new.contains("4.0.1"), "\(new)")
        #expect(try third.verdict("cryptography")?["target"] as? String == "3.5.7")
    }

    @Test("the text report names the linked version, the verdict, the target and every feed")
    func textReport() async throws {
        let scenario = try CheckScenario(services)
        defer { scenario.cleanUp() }
        try scenario.serveFeeds()
        try scenario.writeConfig(projects: "  - name: cryptography\n    linked:\n      literal: 3.5.7")
        let result = try await OSSLWatchBinary.run(["check", "--config", scenario.configPath])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("Project cryptography"))
        #expect(result.stdout.contains("linked     3.5.7"))
        #expect(result.stdout.contains("verdict    new-series"), "\(result.stdout)")
        for feed in ["github-releases", "github-tags", "github-api", "source-page", "release-metadata"] {
            #expect(result.stdout.contains(feed))
        }
        #expect(result.stdout.contains("exit 0"))
    }

    @Test("a release seen by one feed waits; a matching published .sha256 confirms it, a wrong one never does")
    func checksumConfirmation() async throws {
        let scenario = try CheckScenario(services)
        defer { scenario.cleanUp() }
        try scenario.serveFeeds()
        let tarball = Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try scenario.replace("openssl-3.5.7.tar.gz", with: tarball)
        let digest = try await sha256(of: tarball)
        try scenario.replace(
            "openssl-3.5.7.tar.gz.sha256", with: Data("0000\(digest.dropFirst(4)) *openssl-3.5.7.tar.gz\n".utf8))
        // The tags feed is still the old one: only the releases feed has seen 3.5.7.
        let oldTags = CheckScenario.fixtures.appendingPathComponent("feeds/snapshot-2025-09-30/tags.atom")
        try scenario.replace("old-tags.atom", with: try Data(contentsOf: oldTags))
        let oneFeed = """
              - name: github-releases
                kind: github-releases-atom
                url: \(scenario.url("releases.atom"))
              - name: github-tags
                kind: github-tags-atom
                url: \(scenario.url("old-tags.atom"))
            """
        let project = "  - name: cryptography\n    linked:\n      literal: 3.5.6"
        try scenario.writeConfig(feeds: oneFeed, projects: project)

        let pending = try await scenario.check()
        #expect(pending.status == 0, "stderr: \(pending.stderr)")
        let waiting = try #require(try pending.verdict("cryptography"))
        #expect(waiting["kind"] as? String == "up-to-date")
        let confirmation = try #require(waiting["confirmation"] as? [String: Any])
        #expect(confirmation["version"] as? String == "3.5.7")
        #expect(confirmation["isConfirmed"] as? Bool == false)

        let checksumRule = "  checksum: true\n  tarball_url: \(scenario.url("openssl-{version}.tar.gz"))"
        try scenario.writeConfig(feeds: oneFeed, projects: project, confirmation: checksumRule)
        let wrong = try await scenario.check()
        #expect(wrong.status == 0, "a wrong digest must not confirm; stderr: \(wrong.stderr)")
        #expect(wrong.stdout.contains("mismatch"), "\(wrong.stdout)")

        // A fresh state, so the mismatch recorded above is not what the next check sees.
        try FileManager.default.removeItem(atPath: scenario.stateDirectory)
        try scenario.replace("openssl-3.5.7.tar.gz.sha256", with: Data("\(digest) *openssl-3.5.7.tar.gz\n".utf8))
        let confirmed = try await scenario.check()
        #expect(confirmed.status == 10, "stderr: \(confirmed.stderr)")
        let verdict = try #require(try confirmed.verdict("cryptography"))
        #expect(verdict["kind"] as? String == "patch-update")
        #expect(verdict["target"] as? String == "3.5.7")

        // 3.5.5 and 3.5.6 were seen by one feed too, but they are not newer than the linked
        // 3.5.6, so their tarballs are never fetched; nor is any other series'.
        let tarballRequests = try scenario.accessLogLines().filter { $0.contains(".tar.gz") }
        #expect(!tarballRequests.isEmpty)
        #expect(tarballRequests.allSatisfy { $0.contains("openssl-3.5.7.tar.gz") }, "\(tarballRequests)")
    }

    @Test("a feed entry shaped like shell code is dropped and never runs")
    func shellShapedVersionNeverRuns() async throws {
        let scenario = try CheckScenario(services)
        defer { scenario.cleanUp() }
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("pwned-\(UUID().uuidString)").path
        let atom = """
            <?xml version="1.0" encoding="UTF-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
              <id>tag:github.com,2008:https://github.com/openssl/openssl/releases</id>
              <title>Release notes from openssl</title>
              <updated>2026-06-09T14:20:03Z</updated>
              <entry>
                <id>tag:github.com,2008:Repository/7634677/openssl-3.5.9$(touch \(marker))</id>
                <updated>2026-06-09T14:20:03Z</updated>
                <link rel="alternate" type="text/html" href="https://github.com/openssl/openssl/releases/tag/openssl-3.5.9$(touch \(marker))"/>
                <title>OpenSSL 3.5.9$(touch \(marker))</title>
              </entry>
              <entry>
                <id>tag:github.com,2008:Repository/7634677/openssl-3.5.8;touch \(marker)</id>
                <updated>2026-06-09T14:20:03Z</updated>
                <link rel="alternate" type="text/html" href="https://github.com/openssl/openssl/releases/tag/openssl-3.5.8;touch \(marker)"/>
                <title>OpenSSL 3.5.8;touch \(marker)</title>
              </entry>
            </feed>
            """
        try scenario.replace("releases.atom", with: Data(atom.utf8))
        let feed = """
              - name: github-releases
                kind: github-releases-atom
                url: \(scenario.url("releases.atom"))
            """
        try scenario.writeConfig(
            feeds: feed, projects: "  - name: p\n    linked:\n      literal: 3.5.7",
            confirmation: "  min_feeds: 1\n  checksum: false")
        let result = try await scenario.check()
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(try result.feedResults()["github-releases"]?["result"] as? String == "updated")
        #expect(!result.stdout.contains("3.5.9"))
        #expect(!result.stdout.contains("3.5.8"))
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("a broken config exits 78 with one line naming the key path; config check accepts a good one")
    func configErrors() async throws {
        let scenario = try CheckScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(projects: "  - name: p\n    linkd:\n      literal: 3.5.7")
        let broken = try await scenario.check()
        #expect(broken.status == 78)
        let lines = broken.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(broken.stderr)")
        #expect(broken.stderr.contains("projects[0]"), "\(broken.stderr)")
        #expect(broken.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: scenario.stateDirectory), "nothing may be created")

        try scenario.writeConfig(projects: "  - name: p\n    linked:\n      literal: 3.5.7")
        let good = try await OSSLWatchBinary.run(["config", "check", "--config", scenario.configPath])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("OK"))
        #expect(!FileManager.default.fileExists(atPath: scenario.stateDirectory), "config check creates nothing")
    }

    @Test("an unreachable feed exits 69 and then backs off without a request until --force")
    func unreachableFeedBacksOff() async throws {
        let scenario = try CheckScenario(services)
        defer { scenario.cleanUp() }
        try scenario.serveFeeds()
        let feeds =
            scenario.standardFeeds + """

                  - name: rate-limited
                    kind: github-releases-json
                    url: \(services.httpsURL("/status/429"))
                  - name: dead
                    kind: github-releases-atom
                    url: https://127.0.0.1:\(services.deadPort)/releases.atom
                """
        try scenario.writeConfig(feeds: feeds, projects: "  - name: p\n    linked:\n      literal: 3.5.7")
        let first = try await scenario.check()
        #expect(first.status == 69, "stderr: \(first.stderr)")
        let firstFeeds = try first.feedResults()
        #expect(firstFeeds["dead"]?["result"] as? String == "failed")
        #expect(firstFeeds["rate-limited"]?["result"] as? String == "failed")
        #expect(firstFeeds["rate-limited"]?["status"] as? Int == 429)
        #expect(firstFeeds["github-releases"]?["result"] as? String == "updated")
        let nextPoll = try #require(firstFeeds["rate-limited"]?["nextPoll"] as? String)
        let retryAt = try #require(ISO8601DateFormatter().date(from: nextPoll))
        #expect(retryAt.timeIntervalSinceNow > 100, "Retry-After: 120 must hold the feed back; next poll \(nextPoll)")

        let second = try await scenario.check()
        #expect(second.status == 69)
        #expect(try second.feedResults()["dead"]?["result"] as? String == "backing-off")
        #expect(try second.feedResults()["rate-limited"]?["result"] as? String == "backing-off")

        // --force overrides osslwatch's own backoff, never the server's Retry-After.
        let forced = try await scenario.check(["--force"])
        #expect(try forced.feedResults()["dead"]?["result"] as? String == "failed")
        #expect(try forced.feedResults()["rate-limited"]?["result"] as? String == "backing-off")
    }

    @Test("a project whose binary holds no OpenSSL version text exits 65 and the others still get verdicts")
    func unreadableLinkedVersion() async throws {
        let scenario = try CheckScenario(services)
        defer { scenario.cleanUp() }
        try scenario.serveFeeds()
        let projects = """
              - name: broken
                linked:
                  binary: /bin/true
              - name: fine
                linked:
                  literal: 3.5.7
            """
        try scenario.writeConfig(projects: projects)
        let result = try await scenario.check()
        #expect(result.status == 65, "stderr: \(result.stderr)")
        let reports = try result.json()["projects"] as? [[String: Any]] ?? []
        #expect(reports.first { $0["name"] as? String == "broken" }?["linkedError"] is String)
        #expect(try result.verdict("fine")?["kind"] as? String == "new-series")
    }
}

/// SHA-256 of `data` via the system's sha256sum, independent of the code under test.
private func sha256(of data: Data) async throws -> String {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("digest-\(UUID().uuidString)")
    try data.write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let output = try await ChildProcess.run(["/usr/bin/sha256sum", file.path], stderr: .inherited)
    return String(output.stdoutText.prefix(64))
}
