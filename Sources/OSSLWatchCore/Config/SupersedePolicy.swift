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
