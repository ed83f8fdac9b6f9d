import Foundation

/// The whole, validated configuration: what the daemon and the CLI run with.
///
/// Values are final after the loader (`ConfigLoader.load`): defaults filled in, durations in seconds,
/// relative paths made absolute against the config file's directory.
public struct Configuration: Sendable, Hashable {
    /// Where the state database lives: the YAML's `state_directory`, else `$STATE_DIRECTORY`
    /// (systemd's `StateDirectory=`), else `/var/lib/osslwatch`.
    public var stateDirectory: String
    public var http: HTTPSettings
    public var backoff: BackoffSettings
    public var confirmation: ConfirmationSettings
    public var feeds: [FeedSettings]
    public var projects: [ProjectSettings]
    public var daemon: DaemonSettings
    /// Severity policy, end-of-life notices and pre-announcement matching (issue 6).
    public var advisories: AdvisorySettings
    /// Announcement drafts and SMTP delivery; `nil` when the config has no `mail:` section.
    public var mail: MailSettings?
    /// The config file this was loaded from, as given; errors found later name it.
    public var file: String

    public init(
        stateDirectory: String = Configuration.fallbackStateDirectory, http: HTTPSettings = HTTPSettings(),
        backoff: BackoffSettings = BackoffSettings(), confirmation: ConfirmationSettings = ConfirmationSettings(),
        feeds: [FeedSettings], projects: [ProjectSettings], daemon: DaemonSettings = DaemonSettings(),
        advisories: AdvisorySettings = AdvisorySettings(), mail: MailSettings? = nil,
        file: String = Configuration.defaultPath
    ) {
        self.stateDirectory = stateDirectory
        self.http = http
        self.backoff = backoff
        self.confirmation = confirmation
        self.feeds = feeds
        self.projects = projects
        self.daemon = daemon
        self.advisories = advisories
        self.mail = mail
        self.file = file
    }

    /// Where the daemon and the CLI look without `--config`.
    public static let defaultPath = "/etc/osslwatch/osslwatch.yaml"
    /// The state directory when neither the YAML nor `$STATE_DIRECTORY` names one.
    public static let fallbackStateDirectory = "/var/lib/osslwatch"

    /// `path` made absolute against `base` and normalised (`~` expanded, `.` and `..` removed).
    package static func absolute(_ path: String, relativeTo base: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return (expanded as NSString).standardizingPath }
        return ((base as NSString).appendingPathComponent(expanded) as NSString).standardizingPath
    }

    /// The directory of the config file; relative names resolve against it.
    public var directory: String {
        let absolute = Self.absolute(file, relativeTo: FileManager.default.currentDirectoryPath)
        return (absolute as NSString).deletingLastPathComponent
    }

    /// The verdict policy of one project: the shared confirmation rule plus the project's own
    /// pre-release and end-of-life settings.
    public func policy(for project: ProjectSettings) -> VerdictPolicy {
        VerdictPolicy(
            minFeeds: confirmation.minFeeds, checksumConfirms: confirmation.checksum,
            includePrereleases: project.prereleases, eolWarningDays: project.eolWarningDays)
    }
}
