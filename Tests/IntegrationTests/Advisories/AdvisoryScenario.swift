import Foundation
import OSSLWatchTestSupport

/// A daemon world on 30 Sep 2025: the release feeds showing 3.5.4, the real advisory text of
/// that day and its three CVE records served by nginx, and a project linking 3.5.3 whose
/// checklist has one command step for every run and one only for security releases.
struct AdvisoryScenario {
    let daemon: DaemonScenario

    static let september2025 = ["CVE-2025-9230", "CVE-2025-9231", "CVE-2025-9232"]

    init(_ services: TestServices) throws {
        daemon = try DaemonScenario(services)
        do {
            try daemon.base.serveFeeds(snapshot: "snapshot-2025-09-30")
        } catch {
            daemon.cleanUp()
            throw error
        }
    }

    var base: CheckScenario { daemon.base }
    /// Each step appends one line here.
    var journal: String { base.work.appendingPathComponent("journal").path }

    /// Serves `secadv/20250930.txt` and the three `secjson/CVE-2025-923x.json` records, as the fixtures hold them.
    func serveAdvisories() throws {
        let metadata = CheckScenario.fixtures.appendingPathComponent("openssl-release-metadata")
        try serve("secadv/20250930.txt", from: metadata)
        for cve in Self.september2025 {
            try serve("secjson/\(cve).json", from: metadata)
        }
    }

    /// Copies `path` from `root` to the same path in the served folder.
    private func serve(_ path: String, from root: URL) throws {
        try serve(path, data: try Data(contentsOf: root.appendingPathComponent(path)))
    }

    /// Writes a served file through a temporary name in its folder, so nginx never serves half of it.
    func serve(_ path: String, data: Data) throws {
        let target = base.served.appendingPathComponent(path)
        let folder = target.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(target.lastPathComponent).tmp")
        try data.write(to: temporary)
        _ = try? FileManager.default.removeItem(at: target)
        try FileManager.default.moveItem(at: temporary, to: target)
    }

    /// `25th November 2026`: how OpenSSL writes a day in advisories and announcements (UTC).
    static func longDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        let day = parts.day ?? 1
        let suffix = (11...13).contains(day % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][day % 10] ?? "th"
        let months = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ]
        return "\(day)\(suffix) \(months[(parts.month ?? 1) - 1]) \(parts.year ?? 2026)"
    }

    /// The 30 Sep 2025 advisory text re-dated to today (UTC) with CVE-2025-9230 raised to
    /// High: an urgent advisory published now.
    static func urgentAdvisoryToday(now: Date = Date()) throws -> Data {
        let url = CheckScenario.fixtures.appendingPathComponent("openssl-release-metadata/secadv/20250930.txt")
        var text = try String(contentsOf: url, encoding: .utf8)
        text = text.replacingOccurrences(of: "[30th September 2025]", with: "[\(longDate(now))]")
        if let first = text.range(of: "Severity: Moderate") {
            text.replaceSubrange(first, with: "Severity: High")
        }
        return Data(text.utf8)
    }

    /// An announce-list Atom feed with one "Forthcoming OpenSSL Releases" message: `versions`
    /// to be released on `day`, highest severity High.
    static func preAnnouncement(versions: [String], day: Date) -> Data {
        let named = versions.joined(separator: " and ")
        let text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
              <title>openssl-announce</title>
              <id>tag:lists.example.org,2026:openssl-announce</id>
              <updated>2026-01-01T00:00:00Z</updated>
              <entry>
                <title>[openssl-announce] Forthcoming OpenSSL Releases</title>
                <id>tag:lists.example.org,2026:openssl-announce/msg-1</id>
                <updated>2026-01-01T00:00:00Z</updated>
                <link rel="alternate" href="https://lists.example.org/openssl-announce/msg-1.html"/>
                <content type="text">The OpenSSL project team plans to publish the releases OpenSSL \(named).
            These releases will be made available on \(longDate(day)) between 1300-1700 UTC.
            They fix security defects. The highest severity issue fixed in each of these releases is High.</content>
              </entry>
            </feed>
            """
        return Data(text.utf8)
    }

    /// The advisory text (fixed URL) and the CVE records (`{cve}`, polled every 2 s so the
    /// records follow the text within a few rounds).
    var advisoryFeeds: String {
        """
          - name: secadv
            kind: secadv
            url: \(base.url("secadv/20250930.txt"))
            interval: 1h
          - name: cve-records
            kind: cve-json
            url: \(base.url("secjson/{cve}.json"))
            interval: 2s
        """
    }

    /// A command step appending `<name> security=<0|1> advisories=<ids>` to the journal.
    func journalStep(_ name: String, when: String = "always") -> String {
        let script = "echo \"\(name) security=$OSSLWATCH_SECURITY advisories=$OSSLWATCH_ADVISORIES\" >> \(journal)"
        return """
                  - name: \(name)
                    kind: command
                    when: \(when)
                    argv: ['/bin/sh', '-c', '\(script)']
                    timeout: 30
            """
    }

    /// Writes the config: both Atom release feeds, the advisory feeds when asked, one project
    /// linking 3.5.3 with the two journal steps.
    func writeConfig(advisories: Bool, advisoryFeeds custom: String? = nil, extra: String = "") throws {
        let feeds = [daemon.releasesFeed, daemon.tagsFeed] + (advisories ? [custom ?? advisoryFeeds] : [])
        let yaml = """
            \(daemon.settingsYAML(timeout: 10))
            feeds:
            \(feeds.joined(separator: "\n"))
            projects:
              - name: cryptography
                linked:
                  literal: 3.5.3
                next_release: 46.0.2
                steps:
            \(journalStep("every-release"))
            \(journalStep("security-only", when: "security"))
            \(extra)

            """
        try yaml.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
    }

    /// `osslwatch ARGS --config <this config>`.
    func osslwatch(_ arguments: [String]) async throws -> OSSLWatchBinary.Result {
        try await OSSLWatchBinary.run(arguments + ["--config", daemon.configPath])
    }

    /// The first run of `runs --json`, once there is one and it has finished (or the time is up).
    func waitForFinishedRun(timeout: Duration = .seconds(120)) async throws -> RunView? {
        var view: RunView?
        _ = try await Wait.until(timeout: timeout, every: Wait.spawnInterval) {
            let result = try await osslwatch(["runs", "--json"])
            guard result.status == 0,
                let run = (try result.json()["runs"] as? [[String: Any]])?.first,
                let id = (run["id"] as? NSNumber)?.int64Value
            else { return false }
            let shown = try await osslwatch(["runs", "show", String(id), "--json"])
            guard shown.status == 0 else { return false }
            view = RunView(json: try shown.json())
            return ["done", "failed", "needs-attention", "cancelled"].contains(view?.state ?? "")
        }
        return view
    }

    func journalLines() -> [String] {
        ((try? String(contentsOfFile: journal, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func cleanUp() { daemon.cleanUp() }
}
