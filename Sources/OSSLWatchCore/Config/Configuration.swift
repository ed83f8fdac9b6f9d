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
    /// Severity policy, end-of-life notices and pre-announcement matching.
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

    /// The verdict policy of one project: the shared confirmation rule plus the project's own
    /// pre-release and end-of-life settings.
    public func policy(for project: ProjectSettings) -> VerdictPolicy {
        VerdictPolicy(
            minFeeds: confirmation.minFeeds, checksumConfirms: confirmation.checksum,
            includePrereleases: project.prereleases, eolWarningDays: project.eolWarningDays)
    }
}

/// A configuration file that cannot be used; the daemon and the CLI refuse to start with it.
///
/// The description is the one line an operator needs: the file, the key path inside it and
/// what is wrong, e.g. `/etc/osslwatch/osslwatch.yaml: projects[0].linked.pin_file.pattern:
/// regex has no named group "version"`.
public struct ConfigError: CodedError, Hashable {
    public enum Code: String, Sendable, Hashable {
        /// The file could not be read.
        case unreadable
        /// The text is not YAML.
        case syntax
        /// A key that the schema does not know (usually a typo).
        case unknownKey
        /// A required key is absent.
        case missingKey
        /// A value of the wrong YAML type (a list where a mapping belongs, text where a number belongs).
        case wrongType
        /// A value of the right type that the schema does not accept (out of range, not a known kind).
        case invalidValue
        /// A URL that osslwatch would refuse to fetch.
        case invalidURL
        /// A regular expression that does not compile or lacks its named groups.
        case invalidRegex
        /// Two feeds or two projects with one name.
        case duplicateName
        /// A file the config names does not exist or cannot be read.
        case missingFile
    }

    /// The exit status for every configuration error: `EX_CONFIG` from sysexits.
    public static let exitStatus: Int32 = 78

    public let code: Code
    /// The configuration file, as given.
    public let file: String
    /// Where in the file: `projects[0].linked.pin_file.pattern`; empty for the whole file.
    public let keyPath: String
    /// What is wrong and, where it helps, what to write instead.
    public let message: String

    public init(_ code: Code, file: String, keyPath: String, _ message: String) {
        self.code = code
        self.file = file
        self.keyPath = keyPath
        self.message = message
    }

    /// Always 78 (`EX_CONFIG`); a property so callers need not know the constant.
    public var exitStatus: Int32 { Self.exitStatus }

    public var description: String {
        let text = message.replacingOccurrences(of: "\n", with: " ")
        if keyPath.isEmpty { return "\(file): \(text)" }
        return "\(file): \(keyPath): \(text)"
    }
}

/// How feeds and tarballs are fetched: the `http` section of the config.
public struct HTTPSettings: Sendable, Hashable {
    /// Seconds allowed to establish a connection.
    public var connectTimeout: Double
    /// Seconds allowed for a whole transfer.
    public var timeout: Double
    /// Largest body accepted from a feed, also after decompression.
    public var maxBodyBytes: Int
    public var maxRedirects: Int
    /// An extra CA bundle (absolute path); verification itself can never be turned off.
    public var caFile: String?
    /// Permits `http://` to 127.0.0.1, ::1 and localhost: for test configs against a local server.
    public var allowHTTPLoopback: Bool
    /// The GitHub token file, made absolute against the config's directory. It is not read at
    /// load time: `CredentialFile.read(name:environment:)` looks for its file name in
    /// `$CREDENTIALS_DIRECTORY` first (systemd `LoadCredential=`), then reads this path.
    public var githubTokenFile: String?
    /// `max_retry_after`: the longest a server's `Retry-After` or rate-limit reset may hold a
    /// feed back, seconds (1 s to a day, default a day); longer requests are clamped and logged.
    public var maxRetryAfter: Double

    /// The longest a server may hold a feed back: one day. A real rate limit resets within
    /// an hour; anything longer is a misconfigured or hostile server, and the feed's own
    /// backoff still applies on top of this.
    public static let maximumServerHold: Double = 86_400

    public init(
        connectTimeout: Double = 10, timeout: Double = 60, maxBodyBytes: Int = 8 << 20, maxRedirects: Int = 5,
        caFile: String? = nil, allowHTTPLoopback: Bool = false, githubTokenFile: String? = nil,
        maxRetryAfter: Double = HTTPSettings.maximumServerHold
    ) {
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
        self.maxRedirects = maxRedirects
        self.caFile = caFile
        self.allowHTTPLoopback = allowHTTPLoopback
        self.githubTokenFile = githubTokenFile
        self.maxRetryAfter = maxRetryAfter
    }
}

/// How long a failing feed waits before its next try: the `backoff` section of the config.
public struct BackoffSettings: Sendable, Hashable {
    /// Seconds to wait after the first failure; doubled per further failure.
    public var initial: Double
    /// The cap on the wait, in seconds.
    public var maximum: Double

    public init(initial: Double = 60, maximum: Double = 6 * 3600) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The backoff policy these settings configure.
    public var policy: Backoff { Backoff(initial: initial, maximum: maximum) }
}

/// When a release counts as real enough to act on: the `confirmation` section of the config.
public struct ConfirmationSettings: Sendable, Hashable {
    /// The default tarball location, GitHub's release asset.
    public static let defaultTarballURL =
        "https://github.com/openssl/openssl/releases/download/{tag}/openssl-{version}.tar.gz"

    /// How many distinct feeds must see a release for it to be confirmed by sightings alone.
    public var minFeeds = 2
    /// Whether one sighting plus a tarball matching its published `.sha256` also confirms.
    public var checksum = true
    /// Where the tarball is; `{version}` (`3.5.4`) and `{tag}` (`openssl-3.5.4`) are substituted.
    /// The `.sha256` lives at the same URL with `.sha256` appended.
    public var tarballURL = Self.defaultTarballURL
    /// Largest tarball streamed through SHA-256.
    public var maxTarballBytes = 64 << 20

    public init() {}

    /// The tarball URL of one release.
    public func tarballURL(for version: OpenSSLVersion) -> String {
        Self.expand(tarballURL, version: version.description, tag: version.tag)
    }

    package static func expand(_ template: String, version: String, tag: String) -> String {
        template.replacingOccurrences(of: "{version}", with: version).replacingOccurrences(of: "{tag}", with: tag)
    }
}

/// How `osslwatch run` behaves as a service.
public struct DaemonSettings: Sendable, Hashable {
    /// Longest wait for a running step or poll to finish after SIGTERM before the daemon
    /// records what it interrupted and exits.
    public var stopTimeout: Double
    /// Random spread added to each feed's interval, as a fraction of it (0.1 = up to +10 %),
    /// so polls of many feeds and many installations do not fall on the same second.
    public var jitter: Double
    /// Prometheus text file for node_exporter's textfile collector; nil writes none.
    public var metricsFile: String?

    public init(stopTimeout: Double = 20, jitter: Double = 0.1, metricsFile: String? = nil) {
        self.stopTimeout = stopTimeout
        self.jitter = jitter
        self.metricsFile = metricsFile
    }
}

/// One feed to poll: the items of the `feeds` list.
public struct FeedSettings: Sendable, Hashable {
    /// Unique name; it is what the store, the confirmation rule and messages call the feed.
    public var name: String
    public var kind: FeedKind
    /// Validated: `https`, or `http` to loopback when the config allows it; no user info.
    public var url: String
    /// Seconds between polls while the feed is healthy.
    public var interval: Double
    /// `announce-list` only: the regular expression (case-insensitive) a message title must
    /// match to be read as a pre-announcement; `nil` means `AnnounceListParser.defaultTitlePattern`.
    public var titlePattern: String?

    public init(name: String, kind: FeedKind, url: String, interval: Double = 300, titlePattern: String? = nil) {
        self.name = name
        self.kind = kind
        self.url = url
        self.interval = interval
        self.titlePattern = titlePattern
    }

    /// True when the URL holds the kind's placeholder (`{date}`, `{cve}`) and so stands for
    /// many URLs, each fetched with its own validators.
    public var isTemplated: Bool {
        guard let placeholder = kind.urlPlaceholder else { return false }
        return url.contains(placeholder)
    }
}
