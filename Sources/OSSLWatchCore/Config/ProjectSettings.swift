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
    /// The release checklist a run walks, in order; empty means verdicts only, no runs.
    public var steps: [StepSettings]
    /// Where the project's current release is read for the patch bump.
    public var versionFile: VersionFileSettings?
    /// A literal next release, used when there is no version file.
    public var nextRelease: String?
    /// Command steps print their argv and environment instead of running.
    public var dryRun: Bool
    /// What a newer target does to an unfinished run.
    public var supersede: SupersedePolicy
    /// What its announcements say (names, links, changelog, list overrides); nil: defaults.
    public var announce: AnnounceSettings?

    public init(
        name: String, linked: LinkedSource, prereleases: Bool = false, eolWarningDays: Int = 90,
        steps: [StepSettings] = [], versionFile: VersionFileSettings? = nil, nextRelease: String? = nil,
        dryRun: Bool = false, supersede: SupersedePolicy = .atNextGate, announce: AnnounceSettings? = nil
    ) {
        self.name = name
        self.linked = linked
        self.prereleases = prereleases
        self.eolWarningDays = eolWarningDays
        self.steps = steps
        self.versionFile = versionFile
        self.nextRelease = nextRelease
        self.dryRun = dryRun
        self.supersede = supersede
        self.announce = announce
    }
}

/// What happens to a project's unfinished run when a newer target arrives (3.5.5 while the
/// 3.5.4 run waits): the YAML `supersede` key of a project.
public enum SupersedePolicy: String, Sendable, Hashable, CaseIterable {
    /// The new run starts; the old one keeps going until it next stops at a gate (an approval
    /// or needs-attention), where it is marked superseded. A failed old run is superseded at once.
    case atNextGate = "at-next-gate"
    /// The new run starts and the old one is marked superseded at once.
    case immediately
    /// The old run is never superseded; the newer target gets its run only once no older run
    /// of the project is unfinished (finish, or cancel it). A forced run still starts.
    case never
}
