/// What a feed body yields: release sightings, series support facts, advisories,
/// pre-announcements, or a mix.
public struct FeedContent: Sendable, Hashable {
    public var observations: [Observation]
    public var series: [SeriesInfo]
    public var advisories: [Advisory]
    public var preAnnouncements: [PreAnnouncement]

    public init(
        observations: [Observation] = [], series: [SeriesInfo] = [], advisories: [Advisory] = [],
        preAnnouncements: [PreAnnouncement] = []
    ) {
        self.observations = observations
        self.series = series
        self.advisories = advisories
        self.preAnnouncements = preAnnouncements
    }
}
