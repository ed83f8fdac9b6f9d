/// One downstream project that links OpenSSL statically: the items of the `projects` list.
public struct ProjectSettings: Sendable, Hashable {
    /// A slug (`[a-z0-9][a-z0-9._-]*`): it names the project in the store, in branches and in messages.
    public var name: String
    /// Where the linked OpenSSL version is read; paths are absolute after loading.
    public var linked: LinkedSource
    /// Whether alpha and beta releases of OpenSSL are reported for this project.
    public var prereleases: Bool
    /// How many days before the linked series' end of life to start warning.
    public var eolWarningDays: Int

    public init(name: String, linked: LinkedSource, prereleases: Bool = false, eolWarningDays: Int = 90) {
        self.name = name
        self.linked = linked
        self.prereleases = prereleases
        self.eolWarningDays = eolWarningDays
    }
}
