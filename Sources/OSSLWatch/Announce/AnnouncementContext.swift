/// Everything a mail template may print, as plain values (strings, booleans, lists), so a
/// template author sees exactly these names and a draft can be stored and re-rendered.
///
/// Built for a release by `AnnouncementContext.release(...)` and for a notice by
/// `AnnouncementContext.notice(...)`; fields a kind does not use stay empty. Templates print
/// optional fields inside a section of the same name (`{{#eolDate}}...{{/eolDate}}`).
public struct AnnouncementContext: Sendable, Hashable, Codable {
    /// One CVE the new OpenSSL release fixes.
    public struct AdvisoryLine: Sendable, Hashable, Codable {
        /// `CVE-2025-9230`.
        public var cve: String
        public var title: String
        /// `Low`, `Moderate`, `High`, `Critical`; nil when OpenSSL stated none.
        public var severity: String?
        /// The OpenSSL release of the linked series that fixes it (`3.5.4`).
        public var fixedIn: String?

        public init(cve: String, title: String, severity: String?, fixedIn: String?) {
            self.cve = cve
            self.title = title
            self.severity = severity
            self.fixedIn = fixedIn
        }
    }

    /// The project's slug from the config (`cryptography`).
    public var project: String
    /// The name in subjects and text (`PyCA cryptography`).
    public var displayName: String
    /// The project's release being announced (`46.0.2`); empty for notices.
    public var nextRelease: String
    /// The changelog anchor of that release (`v46-0-2`).
    public var anchor: String
    /// The full changelog link, ending in `#<anchor>` for a release.
    public var changelogURL: String
    /// Where the release is published (`https://pypi.org/project/cryptography/`).
    public var packageURL: String
    /// The OpenSSL version the release links (`3.5.4`); for notices, the linked version.
    public var openssl: String
    /// The OpenSSL version the previous release linked (`3.5.3`).
    public var previous: String
    /// The release day, `2025-09-30`.
    public var date: String
    /// The release's changelog entries without the leading `* `, each one logical line;
    /// always includes the OpenSSL line for a release.
    public var changelogBullets: [String]
    /// The sender's sign-off, possibly several lines.
    public var signature: String
    /// The CVEs the OpenSSL update fixes, most severe first.
    public var advisories: [AdvisoryLine]
    /// The highest severity among `advisories`, when any is rated.
    public var highestSeverity: String?
    /// True when `advisories` is not empty.
    public var isSecurity: Bool

    // Notice fields.

    /// The verdict kind a notice reports (`new-series`, `eol-soon`, ...), nil for releases.
    public var verdictKind: String?
    /// The series concerned: the new series, or the linked series nearing or past its end of life.
    public var series: String?
    /// The linked series' end of life, `2026-09-07`.
    public var eolDate: String?
    /// Supported series to move to, LTS first.
    public var supportedSeries: [String]
    /// The announced day of an expected OpenSSL security release.
    public var expectedDate: String?
    /// A free-form line for the maintainers (the verdict's reason).
    public var message: String?
    public var isNewSeries: Bool
    public var isEOLSoon: Bool
    public var isLinkedSeriesEOL: Bool
    /// CVEs affecting the linked version are known and no release fixes them yet, or one is rated
    /// High or Critical.
    public var isUrgentAdvisory: Bool
    /// OpenSSL pre-announced a security release.
    public var isExpectedRelease: Bool

    public init(
        project: String, displayName: String, nextRelease: String = "", anchor: String = "",
        changelogURL: String = "", packageURL: String = "", openssl: String = "", previous: String = "",
        date: String = "", changelogBullets: [String] = [], signature: String = "", advisories: [AdvisoryLine] = [],
        highestSeverity: String? = nil, verdictKind: String? = nil, series: String? = nil, eolDate: String? = nil,
        supportedSeries: [String] = [], expectedDate: String? = nil, message: String? = nil,
        isNewSeries: Bool = false, isEOLSoon: Bool = false, isLinkedSeriesEOL: Bool = false,
        isUrgentAdvisory: Bool = false, isExpectedRelease: Bool = false
    ) {
        self.project = project
        self.displayName = displayName
        self.nextRelease = nextRelease
        self.anchor = anchor
        self.changelogURL = changelogURL
        self.packageURL = packageURL
        self.openssl = openssl
        self.previous = previous
        self.date = date
        self.changelogBullets = changelogBullets
        self.signature = signature
        self.advisories = advisories
        self.highestSeverity = highestSeverity
        self.isSecurity = !advisories.isEmpty
        self.verdictKind = verdictKind
        self.series = series
        self.eolDate = eolDate
        self.supportedSeries = supportedSeries
        self.expectedDate = expectedDate
        self.message = message
        self.isNewSeries = isNewSeries
        self.isEOLSoon = isEOLSoon
        self.isLinkedSeriesEOL = isLinkedSeriesEOL
        self.isUrgentAdvisory = isUrgentAdvisory
        self.isExpectedRelease = isExpectedRelease
    }
}
