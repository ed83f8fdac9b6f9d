public import Foundation
public import OSSLWatchCore
public import OSSLWatchStore

/// Writes the daemon's figures for node_exporter's textfile collector, in the Prometheus text
/// exposition format, replacing the file atomically so the collector never reads half of it.
///
/// Everything comes from the store (feed health, latest verdicts): what an alert needs
/// without an HTTP server in the daemon. Release runs are not among the figures: `osslwatch
/// runs` shows them.
public struct MetricsWriter: Sendable {
    public let path: String

    /// Renders the figures of `configuration`'s feeds and projects from `store` and replaces
    /// the file (temporary in the same directory + rename, mode 0644). `feedStates`, when the
    /// caller has just read them, spares a second read of the store.
    public func write(configuration: Configuration, store: Store, now: Date, feedStates: [FeedState]? = nil) throws {
        let text = try Self.render(configuration: configuration, store: store, now: now, feedStates: feedStates)
        try AtomicFile.write(Array(text.utf8), to: path, mode: 0o644)
    }

    /// The exposition text for `configuration`, from what `store` holds now (feed states from
    /// `feedStates` when given).
    public static func render(
        configuration: Configuration, store: Store, now: Date, feedStates: [FeedState]? = nil
    ) throws(StoreError) -> String {
        let read: [FeedState]
        if let feedStates { read = feedStates } else { read = try store.feedStates() }
        let states = Dictionary(read.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let verdicts = Dictionary(
            try store.latestVerdicts().map { ($0.project, $0) }, uniquingKeysWith: { first, _ in first })
        let feeds = configuration.feeds.map { states[$0.name] ?? FeedState(name: $0.name) }
        // Judged by the release feeds as they are now, as `status` does: no stale reassurance.
        let evidence = ReleaseEvidence.assess(feeds: configuration.feeds, states: feeds, now: now)
        let projects = configuration.projects.map { ($0.name, verdicts[$0.name]?.judged(by: evidence)) }
        return render(feeds: feeds, projects: projects, now: now, evidence: evidence)
    }

    /// The exposition text for the given feed states and per-project latest verdicts (nil when a
    /// project has none yet), in the order given.
    /// - Parameter evidence: how fresh the release feeds are; adds `osslwatch_release_feeds_fresh` when given.
    public static func render(
        feeds: [FeedState], projects: [(name: String, verdict: Verdict?)], now: Date, evidence: ReleaseEvidence? = nil
    ) -> String {
        var document = MetricsDocument()
        document.gauge(
            "osslwatch_metrics_generated_timestamp_seconds",
            help: "When osslwatch wrote this file, in seconds since the epoch.", [([], now.timeIntervalSince1970)])
        document.gauge(
            "osslwatch_feed_last_success_timestamp_seconds",
            help: "Last poll of the feed that returned 200 or 304 and parsed, in seconds since the epoch.",
            feeds.compactMap { feed in feed.lastSuccess.map { ([("feed", feed.name)], $0.timeIntervalSince1970) } })
        document.gauge(
            "osslwatch_feed_error_streak", help: "Consecutive failed polls of the feed; 0 after a success.",
            feeds.map { ([("feed", $0.name)], Double($0.errorStreak)) })
        document.gauge(
            "osslwatch_feed_last_http_status",
            help: "HTTP status of the feed's last response; absent when no response was received yet.",
            feeds.compactMap { feed in feed.lastStatus.map { ([("feed", feed.name)], Double($0)) } })
        if let evidence {
            document.gauge(
                "osslwatch_release_feeds_fresh",
                help: "1 when a release feed was read successfully within three of its intervals (an hour at least); "
                    + "0 when not, and every verdict that would be up-to-date is unknown.",
                [([], evidence.isFresh ? 1 : 0)])
            document.gauge(
                "osslwatch_release_feeds_last_good_read_timestamp_seconds",
                help: "The newest successful read of any release feed, in seconds since the epoch; absent when never.",
                evidence.lastGoodRead.map { [([], $0.timeIntervalSince1970)] } ?? [])
        }
        let known = projects.compactMap { project in project.verdict.map { (project.name, $0) } }
        document.gauge(
            "osslwatch_project_linked_info",
            help: "The OpenSSL version the project links statically (value always 1).",
            known.map { name, verdict in ([("project", name), ("version", verdict.linked.description)], 1) })
        document.gauge(
            "osslwatch_project_latest_info",
            help: "The newest confirmed stable OpenSSL release of each series, per project policy (value always 1).",
            known.flatMap { name, verdict in
                verdict.latestPerSeries.sorted(by: { $0.key < $1.key }).map { series, version in
                    ([("project", name), ("series", series.description), ("version", version.description)], 1)
                }
            })
        document.gauge(
            "osslwatch_project_verdict",
            help: "The project's current verdict: 1 for the current kind, 0 for the others.",
            known.flatMap { name, verdict in
                VerdictKind.allCases.map {
                    ([("project", name), ("verdict", $0.rawValue)], $0 == verdict.kind ? 1 : 0)
                }
            })
        return document.text
    }
}

/// A Prometheus text exposition document being built: families in order, each with its
/// `# HELP` and `# TYPE` lines before its samples, label values escaped.
struct MetricsDocument {
    private(set) var text = ""

    /// One gauge family: its `# HELP` and `# TYPE` lines, then one line per sample,
    /// `name{label="value",...} value`.
    mutating func gauge(_ name: String, help: String, _ samples: [(labels: [(String, String)], value: Double)]) {
        text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) gauge\n"
        for (labels, value) in samples {
            text += name
            if !labels.isEmpty {
                text += "{" + labels.map { "\($0.0)=\"\(Self.escapeLabel($0.1))\"" }.joined(separator: ",") + "}"
            }
            text += " " + Self.format(value) + "\n"
        }
    }

    /// Label values escape backslash, double quote and line feed, as the format requires.
    static func escapeLabel(_ value: String) -> String {
        var escaped = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// HELP text escapes backslash and line feed only.
    static func escapeHelp(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Integers without a fraction; other values in Swift's shortest round-tripping form.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
