public import Foundation
public import OSSLWatchCore
public import OSSLWatchStore

/// The result of `osslwatch check`: feed health and one verdict per project.
public struct CheckReport: Sendable, Encodable {
    /// A project's line of the report: what it links and what that means now.
    public struct ProjectReport: Sendable, Encodable {
        public var name: String
        public var linked: LinkedVersion?
        /// Why the linked version could not be read; the project then has no verdict.
        public var linkedError: String?
        public var verdict: Verdict?
    }

    public var checkedAt: Date
    public var feeds: [FeedPollOutcome]
    /// Stored health of each feed after this check.
    public var feedStates: [FeedState]
    public var projects: [ProjectReport]
    public var series: [SeriesInfo]
    /// How many advisories the store holds: with none, "no known CVE" means nothing.
    public var knownAdvisories: Int = 0

    /// The exit status `osslwatch check` ends with; see `CheckExitCode`.
    public var exitCode: CheckExitCode {
        if projects.contains(where: { $0.verdict?.isActionable == true }) { return .actionable }
        if projects.contains(where: { $0.linkedError != nil }) { return .linkedUnreadable }
        if feeds.contains(where: \.isUnavailable) { return .feedsUnavailable }
        // No feed failed this time, yet the release feeds' word is too old to believe (all held back).
        if projects.contains(where: { $0.verdict?.kind == .unknown }) { return .feedsUnavailable }
        return .ok
    }
}

extension CheckReport {
    /// The report of one `PollRound` over every feed, with the series and the number of
    /// advisories the store holds after it.
    /// - Throws: why the round derived no verdicts, or why the store could not be read back.
    public init(_ round: PollRound.Summary, store: Store) throws {
        if let failure = round.failure { throw failure }
        self.init(
            checkedAt: round.startedAt, feeds: round.outcomes, feedStates: try round.feedStates.get(),
            projects: round.projects, series: try store.seriesInfo(), knownAdvisories: try store.advisories().count)
    }
}

/// Exit statuses of `osslwatch check`, declared (and so in `allCases`) in the order they win
/// when several apply; 78 ends the run before any other.
public enum CheckExitCode: Int32, Sendable, CaseIterable {
    /// The configuration is invalid (EX_CONFIG); nothing was polled.
    case config = 78
    /// At least one project has a confirmed patch release of its linked series to ship.
    case actionable = 10
    /// A project's linked version could not be read (EX_DATAERR).
    case linkedUnreadable = 65
    /// At least one feed could not be read, or a verdict is `unknown` for want of a recent
    /// release-feed read (EX_UNAVAILABLE); verdicts use what is stored.
    case feedsUnavailable = 69
    /// Every project is up to date, or has notices only (new series, end of life, pre-release).
    case ok = 0

    /// One line for `--help` and the README.
    public var meaning: String {
        switch self {
        case .ok: "up to date, or notices only (new series, end of life)"
        case .actionable: "a confirmed patch release of a linked series: a downstream release is due"
        case .linkedUnreadable: "a project's linked OpenSSL version could not be read"
        case .feedsUnavailable: "one or more feeds could not be read (or are backing off), or a verdict is unknown"
        case .config: "the configuration is invalid"
        }
    }
}
