import Foundation

/// How a project wants releases judged: when a release counts as confirmed, whether
/// pre-releases matter, and how early to warn about its series' end of life.
public struct VerdictPolicy: Sendable, Hashable, Codable {
    /// Distinct feeds that must have seen a release before it is trusted on sightings alone.
    public var minFeeds: Int
    /// Whether one sighting plus a tarball matching its published `.sha256` also confirms.
    public var checksumConfirms: Bool
    /// Whether a pre-release newer than every stable release is reported at all.
    public var includePrereleases: Bool
    /// How many days before the linked series' end of life `eol-soon` starts.
    public var eolWarningDays: Int

    public init(
        minFeeds: Int = 2, checksumConfirms: Bool = true, includePrereleases: Bool = false, eolWarningDays: Int = 90
    ) {
        self.minFeeds = minFeeds
        self.checksumConfirms = checksumConfirms
        self.includePrereleases = includePrereleases
        self.eolWarningDays = eolWarningDays
    }
}
