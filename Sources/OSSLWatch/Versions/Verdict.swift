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
    /// One human line, e.g. "3.5.4 released (linked 3.5.3), confirmed by 2 feeds".
    public var message: String

    public init(
        project: String, linked: OpenSSLVersion, kind: VerdictKind, findings: [VerdictKind], target: OpenSSLVersion?,
        latestPerSeries: [Series: OpenSSLVersion], confirmation: Confirmation?, eol: MetadataDate?, message: String
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
    }

    /// Only a confirmed patch release of the linked series asks the project to release.
    public var isActionable: Bool { kind == .patchUpdate }
}
