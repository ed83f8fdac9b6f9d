/// Where a project's current release is written (`version = "46.0.1"` in pyproject.toml):
/// the next release of a run is its patch bump.
public struct VersionFileSettings: Sendable, Hashable {
    /// Absolute after loading.
    public var path: String
    /// A Swift regex with a named group `version`; `^`/`$` match at line ends.
    public var pattern: String

    public init(path: String, pattern: String) {
        self.path = path
        self.pattern = pattern
    }
}
