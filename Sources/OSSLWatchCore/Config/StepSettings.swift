/// One configured step of a project's checklist (an item of `projects[N].steps`).
///
/// The step's name, kind and idempotence are copied into each run when it is created; the
/// kind's fields are read from the config when the step executes, by the step's name.
public struct StepSettings: Sendable, Hashable {
    /// When the step applies.
    public enum When: String, Sendable, Hashable, CaseIterable {
        /// Every run.
        case always
        /// Only runs whose target fixes vulnerabilities; other runs skip it.
        case security
    }

    /// The kind and the kind's own fields.
    public enum Action: Sendable, Hashable {
        /// `tarball_url` template (`{version}`, `{tag}`), `keyring` (binary OpenPGP keyring),
        /// optional `fingerprint`, `max_bytes`.
        case verifyTarball(tarballURL: String, keyring: String, fingerprint: String?, maxBytes: Int)
        /// Rewrite `file` in the git checkout `repository` with `pattern` (group `version`) and
        /// `sha256_pattern` (group `sha256`), committed as `author_name <author_email>` on a new
        /// branch from the branch `base` (never from whatever is checked out).
        case updatePin(
            repository: String, file: String, pattern: String, sha256Pattern: String?, authorName: String,
            authorEmail: String, base: String = StepSettings.defaultPinBase)
        /// An argv with working directory, timeout and extra environment.
        case command(CommandSpec)
        /// Wait for `osslwatch approve`; `message` tells the approver what they approve.
        case approval(message: String?)
        /// A file, directory or URL of artifacts; `{version}`, `{tag}`, `{previous}`, `{next_release}`,
        /// `{project}`; `max_bytes` caps a download.
        case verifyArtifact(path: String, maxBytes: Int = StepSettings.defaultMaxDownloadBytes)
        /// Drafts, holds for approval and sends the announcement (see `PipelineRunner.announce`).
        case announce
    }

    /// A slug, unique within the project; it names the step in the store, logs and the CLI.
    public var name: String
    public var when: When
    /// Whether the step re-runs after an interruption (else it waits in needs-attention).
    public var idempotent: Bool
    public var action: Action

    public init(name: String, when: When = .always, idempotent: Bool? = nil, action: Action) {
        self.name = name
        self.when = when
        self.action = action
        self.idempotent = idempotent ?? Self.kind(of: action).defaultIdempotent
    }

    public var kind: StepKind { Self.kind(of: action) }

    /// `main`: the branch pin bumps start from when the config names none.
    public static let defaultPinBase = "main"
    /// Wheels bundling libcrypto are tens of megabytes; this leaves room without letting a
    /// wrong URL fill the disk.
    public static let defaultMaxDownloadBytes = 256 << 20

    /// What a new run copies of this step.
    public var plan: StepPlan { StepPlan(name: name, kind: kind, idempotent: idempotent) }

    static func kind(of action: Action) -> StepKind {
        switch action {
        case .verifyTarball: return .verifyTarball
        case .updatePin: return .updatePin
        case .command: return .command
        case .approval: return .approval
        case .verifyArtifact: return .verifyArtifact
        case .announce: return .announce
        }
    }
}
