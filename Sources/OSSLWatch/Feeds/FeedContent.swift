/// What a feed body yields: release sightings, series support facts, or both.
public struct FeedContent: Sendable, Hashable {
    public var observations: [Observation]
    public var series: [SeriesInfo]

    public init(observations: [Observation] = [], series: [SeriesInfo] = []) {
        self.observations = observations
        self.series = series
    }
}
