/// What a notice to the maintainers is about; selects the section of `notice.mustache`.
public enum NoticeTopic: String, Sendable, Hashable, Codable, CaseIterable {
    case newSeries = "new-series"
    case eolSoon = "eol-soon"
    case linkedSeriesEOL = "linked-series-eol"
    case urgentAdvisory = "urgent-advisory"
    case expectedRelease = "expected-release"
}
