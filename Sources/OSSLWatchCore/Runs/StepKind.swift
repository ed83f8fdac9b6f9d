/// The kinds of step a project's checklist is made of, as spelled in the YAML `kind` key.
public enum StepKind: String, Sendable, Codable, CaseIterable {
    /// Download the tarball, its `.sha256` and `.asc`; check digest and signature.
    case verifyTarball = "verify-tarball"
    /// Rewrite the pin file in a git checkout and commit it on a branch named from the target.
    case updatePin = "update-pin"
    /// Run an argv with the run's facts in its environment.
    case command
    /// Wait for `osslwatch approve`.
    case approval
    /// Check that built artifacts link the target OpenSSL.
    case verifyArtifact = "verify-artifact"
    /// Draft the release announcement, wait for its approval, send it once (with `mail:`;
    /// without, it records that it was reached).
    case announce

    /// Whether a step of this kind may be re-run after an interruption when the config does not
    /// say: every kind but `command` either has no effect outside the store or converges
    /// (update-pin finds its own commit); a command's effect is unknown.
    public var defaultIdempotent: Bool { self != .command }
}
