import Foundation
import OSSLWatch
import OSSLWatchCore
import OSSLWatchTestSupport

/// One end-to-end pipeline world: the OpenSSL feeds as they were on 2025-09-30 (3.5.4 is the
/// newest 3.5) and a real 3.5.4 tarball with its `.sha256` and a detached signature by a key
/// made at test time, all served by the test nginx; a downstream project linking 3.5.3 (its
/// infra pin); and the real daemon started with a notify socket and a pid file.
struct PipelineE2EScenario {
    let daemon: DaemonScenario
    let tarball: PipelineTarballScenario
    let downstream: DownstreamProject

    var work: URL { daemon.base.work }
    var configPath: String { daemon.configPath }
    var stateDirectory: String { daemon.base.stateDirectory }
    /// Every downstream script appends `<step> <value>` here.
    var journal: String { work.appendingPathComponent("journal").path }
    /// Where `release.py release` writes the built extension module for 46.0.2.
    var artifactTemplate: String { downstream.dist.path + "/cryptography-{next_release}" }

    init(_ services: TestServices, snapshot: String = "snapshot-2025-09-30") async throws {
        daemon = try DaemonScenario(services)
        do {
            try daemon.base.serveFeeds(snapshot: snapshot)
            tarball = try await PipelineTarballScenario(services, version: "3.5.4")
        } catch {
            daemon.cleanUp()
            throw error
        }
        do {
            downstream = try await DownstreamProject(root: daemon.base.work.appendingPathComponent("downstream"))
        } catch {
            tarball.cleanUp()
            daemon.cleanUp()
            throw error
        }
    }

    /// The verify-tarball step of the test: the served tarball, the test keyring and key.
    func verifyTarballStep(keyring: String? = nil) -> String {
        """
              - name: verify-tarball
                kind: verify-tarball
                tarball_url: \(services.httpsURL("/\(tarball.name)/openssl-{version}.tar.gz"))
                keyring: \(keyring ?? tarball.keyringPath)
                fingerprint: \(tarball.trusted.fingerprint)
        """
    }

    /// The update-pin step on the infra checkout, with the shipped config's patterns.
    var updatePinStep: String {
        """
              - name: update-pin
                kind: update-pin
                repository: \(downstream.infra.path)
                file: cryptography-linux/openssl-version.sh
                pattern: 'OPENSSL_VERSION="openssl-(?<version>[0-9a-z.-]+)"'
                sha256_pattern: 'OPENSSL_SHA256="(?<sha256>[0-9a-f]{64})"'
                author_name: osslwatch
                author_email: osslwatch@example.org
        """
    }

    /// A command step running python3 in the downstream checkout with the journal in its environment.
    func commandStep(_ name: String, _ arguments: [String], idempotent: Bool = false, timeout: Int = 30) -> String {
        let argv = (["/usr/bin/python3"] + arguments).map { "'\($0)'" }.joined(separator: ", ")
        return """
                  - name: \(name)
                    kind: command
                    argv: [\(argv)]
                    working_directory: \(downstream.project.path)
                    timeout: \(timeout)
                    idempotent: \(idempotent)
                    environment:
                      E2E_JOURNAL: \(journal)
                      E2E_INFRA: \(downstream.infra.path)
            """
    }

    var services: TestServices { daemon.base.services }

    /// Writes the config: both GitHub Atom feeds of the snapshot (one feed confirms), the
    /// project linking what the infra pin says, its version file, and `steps` (YAML list items).
    func writeConfig(steps: String, projectExtra: String = "", feeds: String? = nil, stopTimeout: Int = 5) throws {
        let yaml = """
            \(daemon.settingsYAML(timeout: 10, stopTimeout: stopTimeout))
            feeds:
            \(feeds ?? daemon.releasesFeed + "\n" + daemon.tagsFeed)
            projects:
              - name: cryptography
                linked:
                  pin_file:
                    path: \(downstream.pinFile.path)
                    pattern: 'OPENSSL_VERSION="openssl-(?<version>[0-9a-z.-]+)"'
                    sha256_pattern: 'OPENSSL_SHA256="(?<sha256>[0-9a-f]{64})"'
                version_file:
                  path: \(downstream.pyproject.path)
                  pattern: '^version = "(?<version>[^"]+)"$'
            \(projectExtra)
                steps:
            \(steps)

            """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// The full checklist of the end-to-end test, in the shipped config's order.
    var checklistSteps: String {
        [
            verifyTarballStep(),
            updatePinStep,
            commandStep("changelog", ["scripts/openssl-changelog.py"]),
            commandStep("bump-version", ["release.py", "bump-version"]),
            """
                  - name: release-gate
                    kind: approval
            """,
            commandStep("release", ["release.py", "release"]),
            """
                  - name: verify-wheels
                    kind: verify-artifact
                    path: \(artifactTemplate)
                  - name: security-advisory
                    kind: approval
                    when: security
                  - name: send-gate
                    kind: approval
                  - name: announce
                    kind: announce
            """,
        ].joined(separator: "\n")
    }

    /// Starts the real daemon (`osslwatch run`) with the notify socket and no watchdog.
    func start(logName: String = "daemon.log") throws -> DaemonProcess {
        try daemon.start(watchdogMicroseconds: nil, logName: logName)
    }

    /// Waits until the dry run `daemon` has made its copy of the store, then points the config
    /// file at that copy, so `runs`, `drafts`, `approve`... (which read the config) see what the
    /// dry run records. The daemon read the file at its start and keeps its own directory.
    func followDryRun(_ daemon: DaemonProcess) async throws {
        var copy: String?
        _ = await Wait.until(timeout: .seconds(30)) {
            copy = daemon.log.firstMatch(of: /dry run: working on a copy.* copy=(\S+)/).map { String($0.1) }
            return copy != nil || !daemon.isRunning
        }
        guard let copy else {
            throw OSSLWatchBinary.Failure(description: "the dry run made no copy; log: \(daemon.log)")
        }
        let text = try String(contentsOfFile: configPath, encoding: .utf8)
        try text.replacingOccurrences(of: "state_directory: \(stateDirectory)\n", with: "state_directory: \(copy)\n")
            .write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// `osslwatch ARGS --config <this config> --pid-file <this pid file>` where the command takes them.
    func osslwatch(_ arguments: [String]) async throws -> OSSLWatchBinary.Result {
        var full = arguments + ["--config", configPath]
        if ["approve", "retry", "skip", "cancel"].contains(arguments.first ?? "") {
            full += ["--pid-file", daemon.pidFile]
        }
        return try await OSSLWatchBinary.run(full)
    }

    /// `osslwatch runs --json`'s runs.
    func runs() async throws -> [[String: Any]] {
        let result = try await osslwatch(["runs", "--json"])
        guard result.status == 0 else {
            throw OSSLWatchBinary.Failure(description: "runs exited \(result.status): \(result.stderr)")
        }
        return try result.json()["runs"] as? [[String: Any]] ?? []
    }

    /// `osslwatch runs show RUN --json`.
    func show(_ run: Int64) async throws -> RunView {
        let result = try await osslwatch(["runs", "show", String(run), "--json"])
        guard result.status == 0 else {
            throw OSSLWatchBinary.Failure(description: "runs show exited \(result.status): \(result.stderr)")
        }
        return RunView(json: try result.json())
    }

    /// Polls `runs --json` until a run exists; returns its id.
    func waitForRun(timeout: Duration = .seconds(30)) async throws -> Int64? {
        var id: Int64?
        _ = try await Wait.until(timeout: timeout, every: Wait.spawnInterval) {
            id = try await runs().first.flatMap { ($0["id"] as? NSNumber)?.int64Value }
            return id != nil
        }
        return id
    }

    /// Polls `runs show --json` until `condition` holds; returns the last view either way.
    @discardableResult
    func wait(for run: Int64, timeout: Duration = .seconds(60), until condition: (RunView) -> Bool) async throws
        -> RunView
    {
        var last = try await show(run)
        _ = try await Wait.until(timeout: timeout, every: Wait.spawnInterval) {
            last = try await show(run)
            return condition(last)
        }
        return last
    }

    /// Serves `releases.atom` and `tags.atom` holding one entry per tag, exactly as given
    /// (XML-escaped), newest first: for feeds whose tags are crafted.
    func serveAtom(tags: [String]) throws {
        func escaped(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let entries = tags.enumerated().map { index, tag in
            """
              <entry>
                <id>tag:github.com,2008:Repository/7634677/\(escaped(tag))</id>
                <updated>2025-09-30T14:\(String(format: "%02d", 59 - index)):00Z</updated>
                <link rel="alternate" type="text/html" href="https://github.com/openssl/openssl/releases/tag/\(escaped(tag))"/>
                <title>\(escaped(tag))</title>
              </entry>
            """
        }.joined(separator: "\n")
        let feed = """
            <?xml version="1.0" encoding="UTF-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-US">
              <id>tag:github.com,2008:https://github.com/openssl/openssl/releases</id>
              <title>Release notes from openssl</title>
              <updated>2025-09-30T15:00:00Z</updated>
            \(entries)
            </feed>

            """
        try daemon.base.replace("releases.atom", with: Data(feed.utf8))
        try daemon.base.replace("tags.atom", with: Data(feed.utf8))
    }

    /// Processes whose command line mentions `text` (a path unique to this scenario).
    func processes(mentioning text: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data, as: UTF8.self).contains(text)
        }
    }

    /// Every process below `pid` (children, grandchildren), read from /proc: the processes
    /// systemd's KillMode=control-group would kill together with the daemon.
    func descendants(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        var parents: [Int32: Int32] = [:]
        for child in entries.compactMap(Int32.init) {
            guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = Int32(fields[1]) { parents[child] = parent }
        }
        var found: [Int32] = []
        var frontier = [pid]
        while let next = frontier.popLast() {
            let children = parents.filter { $0.value == next }.map(\.key)
            found += children
            frontier += children
        }
        return found
    }

    /// Journal lines, counted per step name.
    func journalCounts() -> [String: Int] {
        let text = (try? String(contentsOfFile: journal, encoding: .utf8)) ?? ""
        var counts: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            counts[String(line.split(separator: " ").first ?? ""), default: 0] += 1
        }
        return counts
    }

    func cleanUp() {
        tarball.cleanUp()
        daemon.cleanUp()
    }
}

/// `osslwatch runs show --json` read back: the run's state and reason, each step's state.
struct RunView: CustomStringConvertible {
    let json: [String: Any]

    var run: [String: Any] { json["run"] as? [String: Any] ?? [:] }
    var state: String { run["state"] as? String ?? "?" }
    var reason: String? { run["reason"] as? String }
    var steps: [[String: Any]] { json["steps"] as? [[String: Any]] ?? [] }

    func step(_ name: String) -> [String: Any]? { steps.first { $0["name"] as? String == name } }
    func stepState(_ name: String) -> String? { step(name)?["state"] as? String }
    func stepReason(_ name: String) -> String? { step(name)?["reason"] as? String }
    func attempts(_ name: String) -> [[String: Any]] { step(name)?["attempts"] as? [[String: Any]] ?? [] }

    /// One line per step, for failure messages.
    var description: String {
        "run \(state)\(reason.map { " (\($0))" } ?? ""): "
            + steps.map { "\($0["name"] as? String ?? "?")=\($0["state"] as? String ?? "?")" }.joined(separator: ", ")
    }
}
