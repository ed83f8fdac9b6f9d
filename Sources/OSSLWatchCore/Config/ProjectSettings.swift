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

/// Where a project's statically linked OpenSSL version is read from, as its config names it.
///
/// The reader never trusts the source's text: whatever it finds becomes an `OpenSSLVersion`
/// through the strict parser or is refused.
public enum LinkedSource: Sendable, Hashable {
    /// The version, stated in the config itself.
    case literal(OpenSSLVersion)
    /// A pin file (pyca/infra's `openssl-version.sh`) read with a regular expression whose
    /// named group `version` holds the version or tag, and optionally `sha256` the tarball hash.
    case pinFile(path: String, pattern: String, sha256Pattern: String?)
    /// A statically linked program or library carrying the `OpenSSL X.Y.Z DD Mon YYYY` text.
    case binary(path: String)
    /// A Python wheel: its CycloneDX SBOMs and the version text inside its extension modules.
    case wheel(path: String)
}

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

/// What a project's announcements say about it: `projects[N].announce`.
///
/// Every field has a default drawn from the project's name, so a project needs the block
/// only to name its package and changelog pages or to send to other lists.
public struct AnnounceSettings: Sendable, Hashable {
    /// The name in subjects and text (`PyCA cryptography`); default: the project's name.
    public var displayName: String?
    /// Where the release is published (`https://pypi.org/project/cryptography/`).
    public var packageURL: String?
    /// The changelog page; the release's anchor (`#v46-0-2`) is appended.
    public var changelogURL: String?
    /// The changelog source (absolute) whose section for the next release gives the bullets.
    public var changelogFile: String?
    /// Replaces `mail.to` for this project's announcements when given.
    public var to: [String]?
    /// Replaces `mail.cc` for this project's announcements when given.
    public var cc: [String]?

    public init(
        displayName: String? = nil, packageURL: String? = nil, changelogURL: String? = nil,
        changelogFile: String? = nil, to: [String]? = nil, cc: [String]? = nil
    ) {
        self.displayName = displayName
        self.packageURL = packageURL
        self.changelogURL = changelogURL
        self.changelogFile = changelogFile
        self.to = to
        self.cc = cc
    }
}

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
