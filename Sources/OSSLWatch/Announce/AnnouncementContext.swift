public import Foundation
public import OSSLWatchCore

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
    }

    /// The project's slug from the config (`cryptography`).
    public var project: String
    /// The name in subjects and text (`PyCA cryptography`).
    public var displayName: String
    /// The project's release being announced (`46.0.2`); empty for notices.
    public var nextRelease: String = ""
    /// The changelog anchor of that release (`v46-0-2`).
    public var anchor: String = ""
    /// The full changelog link, ending in `#<anchor>` for a release.
    public var changelogURL: String = ""
    /// Where the release is published (`https://pypi.org/project/cryptography/`).
    public var packageURL: String = ""
    /// The OpenSSL version the release links (`3.5.4`); for notices, the linked version.
    public var openssl: String = ""
    /// The OpenSSL version the previous release linked (`3.5.3`).
    public var previous: String = ""
    /// The release day, `2025-09-30`.
    public var date: String = ""
    /// The release's changelog entries without the leading `* `, each one logical line;
    /// always includes the OpenSSL line for a release.
    public var changelogBullets: [String] = []
    /// The sender's sign-off, possibly several lines.
    public var signature: String = ""
    /// The CVEs the OpenSSL update fixes, most severe first.
    public var advisories: [AdvisoryLine] = []
    /// The highest severity among `advisories`, when any is rated.
    public var highestSeverity: String?
    /// True when `advisories` is not empty.
    public var isSecurity: Bool = false

    // Notice fields.

    /// The verdict kind a notice reports (`new-series`, `eol-soon`, ...), nil for releases.
    public var verdictKind: String?
    /// The series concerned: the new series, or the linked series nearing or past its end of life.
    public var series: String?
    /// The linked series' end of life, `2026-09-07`.
    public var eolDate: String?
    /// Supported series to move to, LTS first.
    public var supportedSeries: [String] = []
    /// The announced day of an expected OpenSSL security release.
    public var expectedDate: String?
    /// A free-form line for the maintainers (the verdict's reason).
    public var message: String?
    public var isNewSeries: Bool = false
    public var isEOLSoon: Bool = false
    public var isLinkedSeriesEOL: Bool = false
    /// CVEs affecting the linked version are known and no release fixes them yet, or one is rated
    /// High or Critical.
    public var isUrgentAdvisory: Bool = false
    /// OpenSSL pre-announced a security release.
    public var isExpectedRelease: Bool = false

    /// The changelog anchor pyca-style RST gives a release: `46.0.2` -> `v46-0-2`
    /// (every character but ASCII letters and digits becomes `-`, letters are lower-cased).
    public static func anchor(for release: String) -> String {
        var out = "v"
        for scalar in release.unicodeScalars {
            let isAlnum = scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar))
            out += isAlnum ? String(scalar).lowercased() : "-"
        }
        return out
    }

    /// The changelog entry pyca writes for an OpenSSL update, without the leading `* `.
    public static func defaultOpenSSLLine(_ target: OpenSSLVersion) -> String {
        "Updated Windows, macOS, and Linux wheels to be compiled with OpenSSL \(target)."
    }

    /// `2025-09-30` in UTC.
    public static func day(_ date: Date) -> String { date.utcDay }

    /// The context for a release announcement (plain or security).
    ///
    /// - `changelogPage`: the changelog page; `#<anchor>` replaces any fragment it has.
    /// - `changelogBullets`: the release's entries as `ChangelogExcerpt` read them (may be empty);
    ///   `opensslLine` (default: pyca's wording) is added at the end unless an entry already
    ///   names `OpenSSL <target>`.
    /// - `advisories`: the CVEs the update fixes; sorted most severe first, then by id.
    public static func release(
        project: String, displayName: String, nextRelease: String, previous: OpenSSLVersion, target: OpenSSLVersion,
        date: Date, changelogPage: String, packageURL: String, signature: String, changelogBullets: [String] = [],
        opensslLine: String? = nil, advisories: [Advisory] = []
    ) -> AnnouncementContext {
        let anchor = anchor(for: nextRelease)
        let page = changelogPage.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        var bullets = changelogBullets
        if !bullets.contains(where: { mentions($0, version: target) }) {
            bullets.append(opensslLine ?? defaultOpenSSLLine(target))
        }
        let lines = advisoryLines(advisories, series: target.series)
        return AnnouncementContext(
            project: project, displayName: displayName, nextRelease: nextRelease, anchor: anchor,
            changelogURL: "\(page)#\(anchor)", packageURL: packageURL, openssl: target.description,
            previous: previous.description, date: day(date), changelogBullets: bullets, signature: signature,
            advisories: lines, highestSeverity: advisories.compactMap(\.severity).max()?.rawValue,
            isSecurity: !lines.isEmpty)
    }

    /// The context for a notice to the maintainers; `topic` sets the matching `is...` flag.
    public static func notice(
        topic: NoticeTopic, project: String, displayName: String, linked: OpenSSLVersion, signature: String = "",
        series: Series? = nil, eolDate: Date? = nil, supportedSeries: [Series] = [], expected: Date? = nil,
        advisories: [Advisory] = [], highestSeverity: Severity? = nil, message: String? = nil
    ) -> AnnouncementContext {
        let rated = advisories.compactMap(\.severity).max()
        let highest = [rated, highestSeverity].compactMap { $0 }.max()
        var context = AnnouncementContext(
            project: project, displayName: displayName, openssl: linked.description, signature: signature,
            advisories: advisoryLines(advisories, series: linked.series), highestSeverity: highest?.rawValue,
            verdictKind: topic.rawValue, series: series?.description, eolDate: eolDate.map(day),
            supportedSeries: supportedSeries.map(\.description), expectedDate: expected.map(day), message: message)
        switch topic {
        case .newSeries: context.isNewSeries = true
        case .eolSoon: context.isEOLSoon = true
        case .linkedSeriesEOL: context.isLinkedSeriesEOL = true
        case .urgentAdvisory: context.isUrgentAdvisory = true
        case .expectedRelease: context.isExpectedRelease = true
        }
        return context
    }

    static func advisoryLines(_ advisories: [Advisory], series: Series) -> [AdvisoryLine] {
        advisories.sorted { lhs, rhs in
            switch (lhs.severity, rhs.severity) {
            case (let left?, let right?) where left != right: left > right
            case (.some, nil): true
            case (nil, .some): false
            default: lhs.cve < rhs.cve
            }
        }
        .map {
            AdvisoryLine(
                cve: $0.cve, title: $0.title, severity: $0.severity?.rawValue, fixedIn: $0.fixedIn[series]?.description)
        }
    }

    /// Whether a changelog entry already names `OpenSSL <version>` (followed by a non-version character).
    static func mentions(_ bullet: String, version: OpenSSLVersion) -> Bool {
        let needle = "OpenSSL \(version)"
        var search = bullet[...]
        while let range = search.range(of: needle) {
            let rest = search[range.upperBound...]
            let continues: Bool =
                switch rest.first {
                case nil: false
                case let next? where next.isLetter || next.isNumber: true
                case ".": rest.dropFirst().first?.isNumber ?? false
                default: false
                }
            if !continues { return true }
            search = rest
        }
        return false
    }

    /// A context with every optional set, every list non-empty and every flag true, so a check
    /// against it enters every section of a template.
    static let templateSample = AnnouncementContext(
        project: "project", displayName: "Project", nextRelease: "1.0.1", anchor: "v1-0-1",
        changelogURL: "https://example.org/changelog/#v1-0-1", packageURL: "https://example.org/project/",
        openssl: "3.5.4", previous: "3.5.3", date: "2025-09-30", changelogBullets: ["entry"],
        signature: "signature",
        advisories: [AdvisoryLine(cve: "CVE-2025-0001", title: "title", severity: "High", fixedIn: "3.5.4")],
        highestSeverity: "High", isSecurity: true, verdictKind: "new-series", series: "3.6", eolDate: "2026-09-07",
        supportedSeries: ["3.5"], expectedDate: "2025-09-30", message: "message", isNewSeries: true,
        isEOLSoon: true, isLinkedSeriesEOL: true, isUrgentAdvisory: true, isExpectedRelease: true)
}
