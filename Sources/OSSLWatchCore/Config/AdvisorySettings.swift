public import Foundation

/// How advisories change what osslwatch does (the `advisories:` section): which severities
/// are urgent and what urgency means, the default end-of-life warning, and how pre-announced
/// releases are awaited.
public struct AdvisorySettings: Sendable, Hashable {
    /// What happens when an advisory of an urgent severity appears.
    public struct Urgency: Sendable, Hashable {
        /// Severities that count as urgent; empty turns urgency off.
        public var severities: Set<Severity> = [.high, .critical]
        /// The poll interval of the release feeds while urgent, in seconds; never lengthens a feed's own interval.
        public var fastPollInterval: TimeInterval = 60
        /// How long after the advisory's publication the release feeds are polled fast, in seconds.
        public var fastPollFor: TimeInterval = 48 * 3600
        /// Whether the maintainers' notice about an urgent advisory goes out at once rather than with the next digest.
        public var notifyAtOnce = true

        public init() {}
    }

    /// How long after a pre-announced day the release is still awaited (shown, polled for): a
    /// release that slipped by days is still expected, one that slipped by weeks is not.
    public static let preAnnouncementGrace: TimeInterval = 7 * 86_400

    public var urgent = Urgency()
    /// The `eol-soon` window for projects that do not set their own `eol_warning_days`.
    public var eolWarningDays = 90
    /// Whether the release feeds are polled at the urgent interval from a pre-announced date
    /// on, until a release of that date is seen (or `preAnnouncementGrace` has passed).
    public var preAnnouncementFastPoll = true

    public init() {}

    /// Whether an advisory (or a fix, or a pre-announcement) of `severity` is urgent; an unknown severity is not.
    public func isUrgent(_ severity: Severity?) -> Bool {
        severity.map { urgent.severities.contains($0) } ?? false
    }

    /// Whether the maintainers' notice about something of `severity` should be sent at once.
    public func notifyAtOnce(for severity: Severity?) -> Bool {
        isUrgent(severity) && urgent.notifyAtOnce
    }

    /// The end of the fast-polling window an urgent advisory opens; `nil` when it opens none
    /// (not urgent, or no publication date to count from).
    public func fastPollUntil(for advisory: Advisory) -> Date? {
        guard isUrgent(advisory.severity), let published = advisory.published else { return nil }
        return published.addingTimeInterval(urgent.fastPollFor)
    }
}
