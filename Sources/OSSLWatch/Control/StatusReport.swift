public import Foundation
public import OSSLWatchCore
public import OSSLWatchStore

/// What `osslwatch status` shows, read from the store and the state directory's lock only: it works whether
/// or not the daemon runs, and never touches the network. Release runs are in `RunsReport`.
public struct StatusReport: Sendable, Encodable {
    /// Whether a daemon is there to signal: the process holding the state directory's lock.
    public struct DaemonState: Sendable, Encodable, Hashable {
        public var running: Bool
        public var pid: Int32?
        public var pidFile: String
        /// Why it is considered not running (no daemon holds the lock, ...); nil when running.
        public var detail: String?
    }

    public struct FeedStatus: Sendable, Encodable, Hashable {
        public enum Health: String, Sendable, Encodable {
            /// Never polled by this store.
            case never
            /// The last poll succeeded (200 parsed, or 304).
            case ok
            /// The last poll failed; `errorStreak` counts how many in a row.
            case failing
        }

        public var name: String
        public var kind: String
        public var health: Health
        public var lastSuccess: Date?
        public var lastAttempt: Date?
        public var lastStatus: Int?
        public var errorStreak: Int
        public var lastError: String?
        public var nextPoll: Date?
        public var notBefore: Date?
    }

    /// One configured project's latest saved verdict.
    public struct ProjectStatus: Sendable, Encodable {
        public var name: String
        /// The latest verdict saved by `check` or the daemon; nil when none was computed yet.
        public var verdict: Verdict?
        public var computedAt: Date?
    }

    public var generatedAt: Date
    public var configFile: String
    public var stateDirectory: String
    public var daemon: DaemonState
    public var feeds: [FeedStatus]
    public var projects: [ProjectStatus]
    /// Requests `trigger` recorded that the daemon has not handled yet, oldest first.
    public var pendingRequests: [ControlRequest]
    /// Support facts per series (data.json), for the end-of-life lines.
    public var series: [SeriesInfo] = []
    /// How many advisories the store holds: with none, "no known CVE" means nothing.
    public var knownAdvisories: Int = 0

    /// Reads the store and asks who holds the state directory's lock (`pidFile` is only shown).
    public static func load(configuration: Configuration, store: Store, pidFile: PIDFile, now: Date = Date())
        throws(StoreError) -> StatusReport
    {
        let states = Dictionary(try store.feedStates().map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let verdicts = Dictionary(
            try store.latestVerdictsWithTime().map { ($0.verdict.project, $0) },
            uniquingKeysWith: { first, _ in first })
        let feeds = configuration.feeds.map { feed in
            let state = states[feed.name]
            let health: FeedStatus.Health =
                state == nil || state?.lastAttempt == nil ? .never : (state?.isFailing == true ? .failing : .ok)
            return FeedStatus(
                name: feed.name, kind: feed.kind.rawValue, health: health, lastSuccess: state?.lastSuccess,
                lastAttempt: state?.lastAttempt, lastStatus: state?.lastStatus, errorStreak: state?.errorStreak ?? 0,
                lastError: state?.lastError, nextPoll: state?.nextPoll, notBefore: state?.notBefore)
        }
        // A saved verdict is judged again by how fresh the release feeds are now: one saved as
        // up-to-date by a daemon that has since stopped, or whose feeds all fail, is unknown.
        let evidence = ReleaseEvidence.assess(feeds: configuration.feeds, states: Array(states.values), now: now)
        let projects = configuration.projects.map { project in
            ProjectStatus(
                name: project.name, verdict: verdicts[project.name]?.verdict.judged(by: evidence),
                computedAt: verdicts[project.name]?.computedAt)
        }
        let daemon: DaemonState
        do {
            if let pid = try StateLock.holder(directory: configuration.stateDirectory) {
                daemon = DaemonState(running: true, pid: pid, pidFile: pidFile.path, detail: nil)
            } else {
                daemon = DaemonState(
                    running: false, pid: nil, pidFile: pidFile.path,
                    detail: "no daemon holds \(StateLock.path(in: configuration.stateDirectory))")
            }
        } catch {
            daemon = DaemonState(running: false, pid: nil, pidFile: pidFile.path, detail: error.description)
        }
        return StatusReport(
            generatedAt: now, configFile: configuration.file, stateDirectory: configuration.stateDirectory,
            daemon: daemon, feeds: feeds, projects: projects,
            pendingRequests: try PendingRequests.read(from: store).all,
            series: try store.seriesInfo(), knownAdvisories: try store.advisoryCount())
    }
}
