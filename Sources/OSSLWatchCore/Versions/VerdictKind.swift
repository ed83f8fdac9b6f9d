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
