/// Answers "which known CVEs affect this version, and which release fixes them" from the
/// stored advisories, without the store: pure, so the verdict engine, the pipeline and the
/// tests all join advisories to versions by the same rules.
///
/// A CVE record's affected ranges are the authority for the series they cover; for a series
/// no range mentions, the advisory text's "OpenSSL X.Y users should upgrade to OpenSSL X.Y.Z"
/// line decides (affected when older than that release, in the same series). A series that
/// neither names is taken as unaffected: a guess in either direction would mislead.
public struct AdvisoryIndex: Sendable, Hashable {
    /// Every advisory, one per CVE id, ordered by id.
    public let advisories: [Advisory]

    /// Builds the index; a CVE listed twice keeps its first entry.
    public init(_ advisories: [Advisory]) {
        var seen: Set<String> = []
        self.advisories = advisories.filter { seen.insert($0.cve).inserted }.sorted { Self.cveOrder($0.cve, $1.cve) }
    }

    /// The advisories that affect `linked`, most severe first (unknown severity last), then by id.
    public func affecting(_ linked: OpenSSLVersion) -> [Advisory] {
        Self.ordered(advisories.filter { Self.affects($0, linked) })
    }

    /// The CVEs affecting `linked` that `target` no longer has: what upgrading fixes.
    public func fixed(by target: OpenSSLVersion, since linked: OpenSSLVersion) -> [Advisory] {
        affecting(linked).filter { !Self.affects($0, target) }
    }

    /// The release of `series` that fixes `advisory`: the advisory text's upgrade line, else
    /// the upper bound of a record range in that series; `nil` when neither names one.
    public func fixingRelease(for advisory: Advisory, series: Series) -> OpenSSLVersion? {
        if let fixed = advisory.fixedIn[series] { return fixed }
        return advisory.affected.filter { Self.covers($0, series) }.compactMap(\.fixed).filter { $0.series == series }
            .min()
    }

    /// The CVEs affecting `linked` as a verdict reports them, with the fixing release of its series.
    public func vulnerabilities(of linked: OpenSSLVersion) -> [KnownVulnerability] {
        affecting(linked).map { advisory in
            let fix = fixingRelease(for: advisory, series: linked.series)
            return KnownVulnerability(
                cve: advisory.cve, title: advisory.title, severity: advisory.severity, fixedBy: fix,
                premiumOnly: fix != nil && advisory.fixedIn[linked.series] == fix
                    && advisory.premiumOnly.contains(linked.series))
        }
    }

    /// Whether `advisory` affects `version`.
    ///
    /// Ranges are compared on the final release, so `3.6.0-beta1` counts as inside a range
    /// that starts at `3.6.0`: a pre-release carries the code of the release it leads to.
    public static func affects(_ advisory: Advisory, _ version: OpenSSLVersion) -> Bool {
        let series = version.series
        let ranges = advisory.affected.filter { covers($0, series) }
        if !ranges.isEmpty {
            let final = version.final
            return ranges.contains { range in
                guard range.introduced <= final else { return false }
                guard let fixed = range.fixed else { return true }
                return version < fixed
            }
        }
        guard let fixed = advisory.fixedIn[series] else { return false }
        return version < fixed
    }

    /// The highest severity among `advisories`; `nil` when none states one.
    public static func highestSeverity(_ advisories: [Advisory]) -> Severity? {
        advisories.compactMap(\.severity).max()
    }

    /// Whether a range speaks about `series`: it starts in it, or its fix is in it.
    static func covers(_ range: AffectedRange, _ series: Series) -> Bool {
        range.introduced.series == series || range.fixed?.series == series
    }

    static func ordered(_ advisories: [Advisory]) -> [Advisory] {
        advisories.sorted { left, right in
            if left.severity != right.severity {
                guard let a = left.severity else { return false }
                guard let b = right.severity else { return true }
                return a > b
            }
            return cveOrder(left.cve, right.cve)
        }
    }

    /// Orders CVE ids by year, then by number (`CVE-2025-9232` before `CVE-2025-10001`).
    public static func cveOrder(_ left: String, _ right: String) -> Bool {
        let key = { (id: String) -> (Int, Int) in
            let parts = id.split(separator: "-")
            guard parts.count == 3, let year = Int(parts[1]), let number = Int(parts[2]) else { return (0, 0) }
            return (year, number)
        }
        let (a, b) = (key(left), key(right))
        return a != b ? a < b : left < right
    }
}

/// One CVE that affects a project's linked OpenSSL, as `check`, `status` and the notices show
/// it: enough to judge the urgency without opening the advisory.
public struct KnownVulnerability: Sendable, Hashable, Codable {
    /// `CVE-2025-9230`.
    public var cve: String
    public var title: String
    /// `nil` when neither the advisory text nor the CVE record stated one.
    public var severity: Severity?
    /// The release of the linked series that fixes it; `nil` when no source names one (the
    /// series may be out of support, or the fix not yet released).
    public var fixedBy: OpenSSLVersion?
    /// Whether `fixedBy` is for premium support customers only (1.1.1, 1.0.2): no feed will
    /// ever show it, so the way out is a supported series.
    public var premiumOnly: Bool

    public init(
        cve: String, title: String, severity: Severity?, fixedBy: OpenSSLVersion?, premiumOnly: Bool = false
    ) {
        self.cve = cve
        self.title = title
        self.severity = severity
        self.fixedBy = fixedBy
        self.premiumOnly = premiumOnly
    }

    private enum CodingKeys: String, CodingKey {
        case cve, title, severity, fixedBy, premiumOnly
    }

    /// Decodes verdicts stored before `premiumOnly` existed too.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cve = try container.decode(String.self, forKey: .cve)
        title = try container.decode(String.self, forKey: .title)
        severity = try container.decodeIfPresent(Severity.self, forKey: .severity)
        fixedBy = try container.decodeIfPresent(OpenSSLVersion.self, forKey: .fixedBy)
        premiumOnly = try container.decodeIfPresent(Bool.self, forKey: .premiumOnly) ?? false
    }
}
