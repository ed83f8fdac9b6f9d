import Foundation
import OSSLWatch
import OSSLWatchTestSupport
import Testing

/// `osslwatch status` and `osslwatch trigger` as an operator runs them: the real binary against
/// a real store, and for delivery the real daemon (`osslwatch run`) polling the test nginx.
@Suite("osslwatch status and trigger", .serialized)
struct ControlCommandTests {
    let services: TestServices

    init() throws {
        services = try TestServices.load()
    }

    private func status(_ scenario: CheckScenario, pidFile: String, json: Bool = true) async throws
        -> OSSLWatchBinary.Result
    {
        try await OSSLWatchBinary.run(
            ["status", "--config", scenario.configPath, "--pid-file", pidFile] + (json ? ["--json"] : []))
    }

    private func pending(_ result: OSSLWatchBinary.Result) throws -> [[String: Any]] {
        try result.json()["pendingRequests"] as? [[String: Any]] ?? []
    }

    private static let project = """
          - name: cryptography
            linked:
              literal: 3.5.3
        """

    @Test("status on a fresh store: exit 0, daemon not running, feeds never polled, no verdict, no request")
    func statusFresh() async throws {
        let scenario = try CheckScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(projects: Self.project)
        let pidFile = scenario.work.appendingPathComponent("osslwatch.pid").path

        let text = try await status(scenario, pidFile: pidFile, json: false)
        #expect(text.status == 0, "\(text.stderr)")
        let lock = StateLock.path(in: scenario.stateDirectory)
        #expect(text.stdout.contains("daemon     not running (\(pidFile): no daemon holds \(lock))"), "\(text.stdout)")
        #expect(text.stdout.contains("cryptography: no verdict yet"))
        #expect(text.stdout.contains("Pending requests: none"))
        #expect(!text.stdout.contains("Runs"), "runs do not exist yet and must not be shown")

        let json = try await status(scenario, pidFile: pidFile)
        #expect(json.status == 0)
        let object = try json.json()
        #expect((object["daemon"] as? [String: Any])?["running"] as? Bool == false)
        let feeds = object["feeds"] as? [[String: Any]] ?? []
        #expect(feeds.count == 5)
        #expect(feeds.allSatisfy { $0["health"] as? String == "never" })
        let projects = object["projects"] as? [[String: Any]] ?? []
        #expect(projects.count == 1 && projects.first?["verdict"] == nil)
        #expect(try pending(json).isEmpty)
        #expect(object["runs"] == nil)
    }

    @Test("a pin file missing for a moment (a branch switch) stops check, not the store commands")
    func storeCommandsIgnoreMissingPinFile() async throws {
        let scenario = try CheckScenario(services)
        defer { scenario.cleanUp() }
        let pin = scenario.work.appendingPathComponent("openssl-version.sh").path
        try scenario.writeConfig(
            projects: """
                  - name: cryptography
                    linked:
                      pin_file:
                        path: \(pin)
                        pattern: 'OPENSSL_VERSION="openssl-(?<version>[0-9a-z.-]+)"'
                """)
        let pidFile = scenario.work.appendingPathComponent("osslwatch.pid").path
        let check = try await scenario.check()
        #expect(check.status == 78, "\(check.stderr)")
        #expect(check.stderr.contains("does not exist"), "\(check.stderr)")
        // trigger records its request and says the daemon is not running (69), as without a pin file.
        for (arguments, expected) in [
            (["status", "--pid-file", pidFile], 0), (["runs"], 0), (["drafts"], 0),
            (["trigger", "--pid-file", pidFile], 69),
        ] {
            let result = try await OSSLWatchBinary.run(arguments + ["--config", scenario.configPath])
            #expect(result.status == Int32(expected), "\(arguments): \(result.stderr)")
        }
    }

    @Test("status after a check: every feed ok with a last success, the saved verdict with its time")
    func statusAfterCheck() async throws {
        let scenario = try CheckScenario(services)
        defer { scenario.cleanUp() }
        try scenario.serveFeeds()
        try scenario.writeConfig(projects: Self.project)
        let check = try await scenario.check()
        #expect([0, 10].contains(check.status), "\(check.stderr)")
        let pidFile = scenario.work.appendingPathComponent("osslwatch.pid").path

        let json = try await status(scenario, pidFile: pidFile)
        #expect(json.status == 0, "\(json.stderr)")
        let object = try json.json()
        let feeds = object["feeds"] as? [[String: Any]] ?? []
        #expect(feeds.count == 5)
        for feed in feeds {
            #expect(feed["health"] as? String == "ok", "\(feed)")
            #expect(feed["lastSuccess"] is String && feed["lastStatus"] as? Int == 200, "\(feed)")
            #expect(feed["nextPoll"] is String)
        }
        let project = (object["projects"] as? [[String: Any]])?.first
        let verdict = project?["verdict"] as? [String: Any]
        #expect(verdict?["kind"] as? String == "patch-update", "\(String(describing: project))")
        #expect(verdict?["linked"] as? String == "3.5.3")
        #expect(project?["computedAt"] is String)

        let text = try await status(scenario, pidFile: pidFile, json: false)
        #expect(text.stdout.contains("cryptography: patch-update, linked 3.5.3:"), "\(text.stdout)")
        #expect(text.stdout.contains("github-releases   ok"), "\(text.stdout)")
    }

    @Test("trigger with no daemon: exit 69, a clear message, and the request is pending in status")
    func triggerWithoutDaemon() async throws {
        let scenario = try CheckScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(projects: Self.project)
        let pidFile = scenario.work.appendingPathComponent("osslwatch.pid").path

        let poll = try await OSSLWatchBinary.run(["trigger", "--config", scenario.configPath, "--pid-file", pidFile])
        #expect(poll.status == 69, "\(poll.stdout)\(poll.stderr)")
        #expect(poll.stderr.contains("request 1 recorded: poll every feed now"), "\(poll.stderr)")
        let lock = StateLock.path(in: scenario.stateDirectory)
        #expect(poll.stderr.contains("the daemon is not running (no daemon holds \(lock)); nothing was signalled"))
        #expect(poll.stderr.contains("handled when `osslwatch run` next starts"))

        // A stale pid file (a process that has exited) changes nothing: no daemon holds the lock.
        try "999999\n".write(toFile: pidFile, atomically: true, encoding: .utf8)
        let run = try await OSSLWatchBinary.run([
            "trigger", "--config", scenario.configPath, "--pid-file", pidFile, "--version", "openssl-3.5.4",
        ])
        #expect(run.status == 69, "\(run.stderr)")
        #expect(run.stderr.contains("request 2 recorded: run for cryptography to OpenSSL 3.5.4"), "\(run.stderr)")
        #expect(run.stderr.contains("the daemon is not running (no daemon holds \(lock))"), "\(run.stderr)")

        let requests = try await pending(try status(scenario, pidFile: pidFile))
        #expect(requests.map { $0["kind"] as? String } == ["poll", "run"])
        #expect(requests.last?["version"] as? String == "3.5.4")
        #expect(requests.last?["project"] as? String == "cryptography")
        let text = try await status(scenario, pidFile: pidFile, json: false)
        #expect(text.stdout.contains("#2  run cryptography 3.5.4"), "\(text.stdout)")
    }

    @Test("hostile or unknown input is refused before anything is recorded")
    func hostileInput() async throws {
        let scenario = try CheckScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(projects: Self.project)
        let pidFile = scenario.work.appendingPathComponent("osslwatch.pid").path
        let marker = scenario.work.appendingPathComponent("pwned").path

        let hostile = try await OSSLWatchBinary.run([
            "trigger", "--config", scenario.configPath, "--pid-file", pidFile, "--version", "3.5.4; touch \(marker)",
        ])
        #expect(hostile.status == 65, "\(hostile.stderr)")
        #expect(hostile.stderr.contains("not an OpenSSL version"), "\(hostile.stderr)")
        let unknown = try await OSSLWatchBinary.run([
            "trigger", "--config", scenario.configPath, "--pid-file", pidFile, "--project", "$(id)", "--version",
            "3.5.4",
        ])
        #expect(unknown.status == 64, "\(unknown.stderr)")
        #expect(unknown.stderr.contains("unknown project"))
        let broken = try await OSSLWatchBinary.run(["trigger", "--config", scenario.work.path + "/missing.yaml"])
        #expect(broken.status == 78, "\(broken.stderr)")

        #expect(try await pending(try status(scenario, pidFile: pidFile)).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("trigger against the real daemon: exit 0, a poll of every feed in nginx's access log, the request handled")
    func triggerRealDaemon() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(feeds: scenario.releasesFeed + "\n" + scenario.tagsFeed)
        let daemon = try await scenario.startAndSettle(files: ["releases.atom", "tags.atom"], watchdog: nil)
        defer { daemon.send(SIGKILL) }

        let trigger = try await OSSLWatchBinary.run([
            "trigger", "--config", scenario.configPath, "--pid-file", scenario.pidFile,
        ])
        #expect(trigger.status == 0, "\(trigger.stdout)\(trigger.stderr)")
        #expect(
            trigger.stdout.contains("sent SIGUSR1 to the osslwatch daemon (pid \(daemon.pid))"), "\(trigger.stdout)")
        let polled = try await Wait.until(timeout: .seconds(10)) {
            try scenario.requests(for: "releases.atom").count == 2 && scenario.requests(for: "tags.atom").count == 2
        }
        #expect(polled, "access log: \((try? scenario.base.accessLogLines()) ?? []); log: \(daemon.log)")
        let handled = try await Wait.until(timeout: .seconds(10), every: Wait.spawnInterval) {
            try pending(try await status(scenario.base, pidFile: scenario.pidFile)).isEmpty
        }
        #expect(handled, "the request is still pending; log: \(daemon.log)")

        // --pid instead of the pid file reaches the same daemon: a third poll of each feed.
        let byPID = try await OSSLWatchBinary.run([
            "trigger", "--config", scenario.configPath, "--pid", "\(daemon.pid)",
        ])
        #expect(byPID.status == 0, "\(byPID.stdout)\(byPID.stderr)")
        let polledAgain = try await Wait.until(timeout: .seconds(10)) {
            try scenario.requests(for: "releases.atom").count == 3 && scenario.requests(for: "tags.atom").count == 3
        }
        #expect(polledAgain, "log: \(daemon.log)")

        let running = try await status(scenario.base, pidFile: scenario.pidFile)
        let state = try running.json()["daemon"] as? [String: Any]
        #expect(state?["running"] as? Bool == true && state?["pid"] as? Int == Int(daemon.pid), "\(running.stdout)")

        await scenario.stop(daemon)
        let after = try await OSSLWatchBinary.run([
            "trigger", "--config", scenario.configPath, "--pid-file", scenario.pidFile,
        ])
        #expect(after.status == 69, "\(after.stderr)")
    }
}
