import Foundation
import OSSLWatchTestSupport
import Testing

/// One daemon test's world: a `CheckScenario` (served feeds, state directory, config path)
/// plus a notify socket playing systemd, a pid file, and the log of the running daemon.
struct DaemonScenario {
    let base: CheckScenario
    let notify: NotifyListener

    init(_ services: TestServices) throws {
        base = try CheckScenario(services)
        notify = try NotifyListener(path: base.work.appendingPathComponent("notify").path)
        try base.serveFeeds()
    }

    var configPath: String { base.configPath }
    var pidFile: String { base.work.appendingPathComponent("osslwatch.pid").path }

    /// A feed item with a long interval, so only signals (and the first round) cause polls.
    func feed(_ name: String, kind: String, file: String, interval: String = "1h") -> String {
        """
          - name: \(name)
            kind: \(kind)
            url: \(base.url(file))
            interval: \(interval)
        """
    }

    var releasesFeed: String { feed("github-releases", kind: "github-releases-atom", file: "releases.atom") }

    /// A feed named `stalled` on the test server that accepts and never answers.
    func stalledFeed(kind: String, file: String) -> String {
        """
          - name: stalled
            kind: \(kind)
            url: http://127.0.0.1:\(base.services.stallPort)/\(file)
            interval: 1h
        """
    }
    var tagsFeed: String { feed("github-tags", kind: "github-tags-atom", file: "tags.atom") }

    /// The top of every daemon test's config: state in this scenario, TLS through the test CA,
    /// loopback http allowed, a 2 s connect timeout, one feed enough to confirm, no checksum
    /// check, and the `daemon:` section last so a caller may add to it.
    func settingsYAML(timeout: Int, stopTimeout: Int = 5) -> String {
        """
        state_directory: \(base.stateDirectory)
        http:
          ca_file: \(base.services.caFile)
          allow_http_loopback: true
          connect_timeout: 2
          timeout: \(timeout)
        confirmation:
          min_feeds: 1
          checksum: false
        daemon:
          stop_timeout: \(stopTimeout)
        """
    }

    /// Writes the config: the shared settings, the feeds, one project linking 3.5.3.
    func writeConfig(feeds: String, timeout: Int = 5, stopTimeout: Int = 5, metricsFile: String? = nil) throws {
        let yaml = """
            \(settingsYAML(timeout: timeout, stopTimeout: stopTimeout))
            \(metricsFile.map { "  metrics_file: \($0)" } ?? "")
            feeds:
            \(feeds)
            projects:
              - name: cryptography
                linked:
                  literal: 3.5.3

            """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Starts `osslwatch run` with NOTIFY_SOCKET (and WATCHDOG_USEC unless nil).
    func start(watchdogMicroseconds: Int? = 400_000, logName: String = "daemon.log") throws -> DaemonProcess {
        var environment = ["NOTIFY_SOCKET": notify.path]
        if let watchdogMicroseconds { environment["WATCHDOG_USEC"] = "\(watchdogMicroseconds)" }
        return try DaemonProcess(
            arguments: ["run", "--config", configPath, "--pid-file", pidFile, "--log-level", "info"],
            environment: environment, logPath: base.work.appendingPathComponent(logName).path)
    }

    /// Starts a daemon and waits for READY=1 and the end of its first poll round (every feed in
    /// `files` polled at least once).
    func startAndSettle(
        files: [String], watchdog: Int? = 400_000, logName: String = "daemon.log"
    ) async throws -> DaemonProcess {
        let daemon = try start(watchdogMicroseconds: watchdog, logName: logName)
        let settled = try await Wait.until(timeout: .seconds(15)) {
            try notifications("READY=1") >= 1 && !daemon.logLines(containing: "poll round finished").isEmpty
                && files.allSatisfy { try requests(for: $0).count >= 1 }
        }
        try #require(settled, "no READY=1 and first round: \(notify.texts) log: \(daemon.log)")
        return daemon
    }

    /// Sends SIGTERM and expects a clean exit within `bound`.
    func stop(
        _ daemon: DaemonProcess, within bound: Duration = .seconds(10),
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        await daemon.terminate(within: bound, sourceLocation: sourceLocation)
        #expect(
            daemon.exitedCleanly, "\(daemon.exitDescription); log: \(daemon.log)", sourceLocation: sourceLocation)
    }

    /// Access-log lines for one served file of this scenario.
    func requests(for file: String) throws -> [String] {
        try base.accessLogLines().filter { $0.contains("/\(base.name)/\(file) ") }
    }

    /// Notify messages equal to `text`.
    func notifications(_ text: String) -> Int {
        notify.texts.filter { $0 == text }.count
    }

    func cleanUp() {
        notify.stop()
        base.cleanUp()
    }
}
