public import Foundation

/// What one project should do about OpenSSL right now, with the facts that led there.
public struct Verdict: Sendable, Hashable, Codable {
    public var project: String
    public var linked: OpenSSLVersion
    /// The most urgent finding.
    public var kind: VerdictKind
    /// Every finding that applies, most urgent first; `up-to-date` appears whenever no patch update does.
    public var findings: [VerdictKind]
    /// The newest confirmed release of the linked series newer than `linked`, when there is one.
    public var target: OpenSSLVersion?
    /// The newest confirmed stable release of every series the feeds have shown.
    public var latestPerSeries: [Series: OpenSSLVersion]
    /// The target's confirmation; without a target, the newest unconfirmed newer release of the
    /// linked series ("3.5.5 seen by 1 of 2 feeds"); `nil` when there is neither.
    public var confirmation: Confirmation?
    /// End of life of the linked series, when data.json knows it.
    public var eol: MetadataDate?
    /// One human line, e.g. "3.5.4 released (linked 3.5.3), confirmed by 2 feeds, fixes 3 CVEs, highest Moderate".
    public var message: String
    /// Known CVEs affecting the linked version, most severe first, each with its fixing release.
    public var vulnerabilities: [KnownVulnerability]
    /// CVE ids the target fixes relative to the linked version; a run for the target records them.
    public var fixes: [String]
    /// The highest severity among `fixes`: what decides how urgent the update is.
    public var severity: Severity?
    /// A pre-announced security release that may concern the linked series and has not been seen yet.
    public var expectedRelease: PreAnnouncement?
    /// With `eol-soon` or `linked-series-eol`: the supported series to move to, LTS first, then newest.
    public var supportedSeries: [Series]
    /// The newest successful read of a release feed when the verdict was made; with `unknown`,
    /// how long the feeds have been silent.
    public var lastGoodRead: Date?

    public init(
        project: String, linked: OpenSSLVersion, kind: VerdictKind, findings: [VerdictKind], target: OpenSSLVersion?,
        latestPerSeries: [Series: OpenSSLVersion], confirmation: Confirmation?, eol: MetadataDate?, message: String,
        vulnerabilities: [KnownVulnerability] = [], fixes: [String] = [], severity: Severity? = nil,
        expectedRelease: PreAnnouncement? = nil, supportedSeries: [Series] = [], lastGoodRead: Date? = nil
    ) {
        self.project = project
        self.linked = linked
        self.kind = kind
        self.findings = findings
        self.target = target
        self.latestPerSeries = latestPerSeries
        self.confirmation = confirmation
        self.eol = eol
        self.message = message
        self.vulnerabilities = vulnerabilities
        self.fixes = fixes
        self.severity = severity
        self.expectedRelease = expectedRelease
        self.supportedSeries = supportedSeries
        self.lastGoodRead = lastGoodRead
    }

    private enum CodingKeys: String, CodingKey {
        case project, linked, kind, findings, target, latestPerSeries, confirmation, eol, message
        case vulnerabilities, fixes, severity, expectedRelease, supportedSeries, lastGoodRead
    }

    /// Reads verdicts stored before advisories existed too: the newer fields default to empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        project = try container.decode(String.self, forKey: .project)
        linked = try container.decode(OpenSSLVersion.self, forKey: .linked)
        kind = try container.decode(VerdictKind.self, forKey: .kind)
        findings = try container.decode([VerdictKind].self, forKey: .findings)
        target = try container.decodeIfPresent(OpenSSLVersion.self, forKey: .target)
        latestPerSeries = try container.decode([Series: OpenSSLVersion].self, forKey: .latestPerSeries)
        confirmation = try container.decodeIfPresent(Confirmation.self, forKey: .confirmation)
        eol = try container.decodeIfPresent(MetadataDate.self, forKey: .eol)
        message = try container.decode(String.self, forKey: .message)
        vulnerabilities = try container.decodeIfPresent([KnownVulnerability].self, forKey: .vulnerabilities) ?? []
        fixes = try container.decodeIfPresent([String].self, forKey: .fixes) ?? []
        severity = try container.decodeIfPresent(Severity.self, forKey: .severity)
        expectedRelease = try container.decodeIfPresent(PreAnnouncement.self, forKey: .expectedRelease)
        supportedSeries = try container.decodeIfPresent([Series].self, forKey: .supportedSeries) ?? []
        lastGoodRead = try container.decodeIfPresent(Date.self, forKey: .lastGoodRead)
    }

    /// The verdict as it stands once the release feeds' word has gone stale since it was made
    /// (`status` reading a verdict the daemon saved hours ago): an `up-to-date` becomes
    /// `unknown` with the reason; every other finding stands, it rests on what the store holds.
    public func judged(by evidence: ReleaseEvidence) -> Verdict {
        guard !evidence.isFresh, let index = findings.firstIndex(of: .upToDate) else { return self }
        var judged = self
        judged.findings[index] = .unknown
        judged.findings.sort { $0.urgency > $1.urgency }
        judged.kind = judged.findings.first ?? .unknown
        judged.message =
            (evidence.reason ?? "the release feeds have not been read recently") + "; when last read: "
            + message
        judged.lastGoodRead = evidence.lastGoodRead
        return judged
    }

    /// Only a confirmed patch release of the linked series asks the project to release.
    public var isActionable: Bool { kind == .patchUpdate }
}

/// What a project should know about its linked OpenSSL, from "nothing to do" to "release now".
public enum VerdictKind: String, Sendable, Hashable, Codable, CaseIterable {
    case upToDate = "up-to-date"
    /// A confirmed newer release of the linked series: the one kind that starts a release run.
    case patchUpdate = "patch-update"
    /// A newer stable series exists; adopting it waits for the project's own feature release.
    case newSeries = "new-series"
    /// A pre-release newer than every stable release; only reported when the policy asks.
    case prerelease
    /// The linked series is past its end of life: no more security fixes will come.
    case linkedSeriesEOL = "linked-series-eol"
    /// The linked series' end of life falls inside the policy's warning window.
    case eolSoon = "eol-soon"
    /// No newer release is known, but the release feeds have not been read successfully
    /// within their expected interval: there is no evidence to call it up to date.
    case unknown

    /// Higher is more urgent; the verdict's `kind` is its most urgent finding.
    public var urgency: Int {
        switch self {
        case .patchUpdate: 6
        case .linkedSeriesEOL: 5
        case .eolSoon: 4
        case .unknown: 3
        case .newSeries: 2
        case .prerelease: 1
        case .upToDate: 0
        }
    }
}
