import Foundation
import OSSLWatchCore

/// The pipeline part of a project: `steps`, `version_file`, `next_release`, `dry_run`, `supersede`.
extension ConfigParser {
    static let stepCommonKeys = ["name", "kind", "when", "idempotent"]
    static let stepKindKeys: [StepKind: [String]] = [
        .verifyTarball: ["tarball_url", "keyring", "fingerprint", "max_bytes"],
        .updatePin: ["repository", "file", "pattern", "sha256_pattern", "author_name", "author_email", "base"],
        .command: ["argv", "working_directory", "timeout", "environment"],
        .approval: ["message"],
        .verifyArtifact: ["path", "max_bytes"],
        .announce: [],
    ]
    static let versionFileKeys = ["path", "pattern"]

    func pipeline(_ fields: ConfigNode.Mapping, into project: inout ProjectSettings) throws(ConfigError) {
        if let node = fields["steps"] { project.steps = try steps(node) }
        if let node = fields["version_file"] {
            let section = try node.mapping(keys: Self.versionFileKeys)
            let path = try self.path(try section.required("path"))
            let pattern = try groupPattern(try section.required("pattern"), "version")
            project.versionFile = VersionFileSettings(path: path, pattern: pattern)
        }
        if let node = fields["next_release"] {
            let text = try node.nonEmptyString()
            do {
                project.nextRelease = try NextRelease.validate(text)
            } catch {
                throw node.error(.invalidValue, error.message)
            }
            if project.versionFile != nil {
                throw node.error(.invalidValue, "give either version_file or next_release, not both")
            }
        }
        if let node = fields["dry_run"] { project.dryRun = try node.bool() }
        if let node = fields["supersede"] {
            project.supersede = try node.choice(SupersedePolicy.self, what: "policy", suggest: false)
        }
    }

    func steps(_ node: ConfigNode) throws(ConfigError) -> [StepSettings] {
        var seen: [String: String] = [:]
        var result: [StepSettings] = []
        for item in try node.sequence() {
            let allKeys = Self.stepCommonKeys + StepKind.allCases.flatMap { Self.stepKindKeys[$0] ?? [] }
            let loose = try item.mapping(keys: allKeys)
            let kind = try loose.required("kind").choice(StepKind.self, what: "step kind")
            let fields = try item.mapping(keys: Self.stepCommonKeys + (Self.stepKindKeys[kind] ?? []))
            let name = try uniqueName(fields, of: item, what: "step", seen: &seen)
            var when = StepSettings.When.always
            if let value = fields["when"] {
                let text = try value.string()
                guard let parsed = StepSettings.When(rawValue: text) else {
                    throw value.error(.invalidValue, "must be always or security, not \(text.debugDescription)")
                }
                when = parsed
            }
            let idempotent = try fields["idempotent"]?.bool()
            let action = try action(kind, fields)
            if kind == .updatePin, !result.contains(where: { $0.kind == .verifyTarball }) {
                throw item.error(
                    .invalidValue,
                    "an update-pin step needs a verify-tarball step before it (it pins the proven digest)")
            }
            result.append(StepSettings(name: name, when: when, idempotent: idempotent, action: action))
        }
        return result
    }

    func action(_ kind: StepKind, _ fields: ConfigNode.Mapping) throws(ConfigError) -> StepSettings.Action {
        switch kind {
        case .verifyTarball:
            var template = ConfirmationSettings.defaultTarballURL
            if let value = fields["tarball_url"] {
                template = try tarballTemplate(value, allowLoopback: true, tagAlone: true)
            }
            // The keyring is checked when the step runs: a missing one stops that run with a
            // reason instead of keeping the whole daemon from starting.
            let keyring = try path(try fields.required("keyring"))
            var fingerprint: String?
            if let value = fields["fingerprint"] {
                let text = try value.nonEmptyString().replacingOccurrences(of: " ", with: "")
                guard text.utf8.count == 40, text.utf8.allSatisfy(RunFacts.isHexDigit) else {
                    throw value.error(.invalidValue, "must be a 40-hex-digit OpenPGP fingerprint (spaces allowed)")
                }
                fingerprint = text.uppercased()
            }
            let maxBytes = try fields["max_bytes"]?.int(in: 1024...(1 << 30))
            return .verifyTarball(
                tarballURL: template, keyring: keyring, fingerprint: fingerprint, maxBytes: maxBytes ?? 64 << 20)
        case .updatePin:
            let repository = try path(try fields.required("repository"))
            let fileNode = try fields.required("file")
            let file = try fileNode.nonEmptyString()
            guard !file.hasPrefix("/"), !file.split(separator: "/").contains("..") else {
                throw fileNode.error(.invalidValue, "must be a path inside the repository, without ..")
            }
            let patternNode = try fields.required("pattern")
            let pattern = try groupPattern(patternNode, "version")
            var sha256Pattern: String?
            if let value = fields["sha256_pattern"] {
                sha256Pattern = try groupPattern(value, "sha256")
            } else if !(try Regex(pattern: pattern, at: patternNode).contains(captureNamed: "sha256")) {
                throw patternNode.error(
                    .invalidRegex, "captures no sha256: add a (?<sha256>...) group or a sha256_pattern key")
            }
            var base = PinUpdater.defaultBase
            if let value = fields["base"] {
                base = try value.nonEmptyString()
                guard PinUpdater.isBranchName(base) else {
                    throw value.error(.invalidValue, "must be a branch name like main (no spaces, not starting with -)")
                }
            }
            return .updatePin(
                repository: repository, file: file, pattern: pattern, sha256Pattern: sha256Pattern,
                authorName: try fields.required("author_name").nonEmptyString(),
                authorEmail: try fields.required("author_email").nonEmptyString(), base: base)
        case .command:
            let argvNode = try fields.required("argv")
            let argv = try argvNode.sequence().map { word throws(ConfigError) in try word.string() }
            guard let program = argv.first, !program.isEmpty else {
                throw argvNode.error(
                    .invalidValue, "must name a program: a list like [python, release.py, bump-version]")
            }
            var spec = CommandSpec(argv: argv)
            if let value = fields["working_directory"] { spec.workingDirectory = try path(value) }
            if let value = fields["timeout"] { spec.timeout = try value.duration(in: 1...86_400) }
            if let value = fields["environment"] { spec.environment = try environment(value) }
            return .command(spec)
        case .approval:
            return .approval(message: try fields["message"]?.string())
        case .verifyArtifact:
            let maxBytes = try fields["max_bytes"]?.int(in: 1024...(4 << 30))
            return .verifyArtifact(
                path: try fields.required("path").nonEmptyString(),
                maxBytes: maxBytes ?? ArtifactVerifier.defaultMaxDownloadBytes)
        case .announce:
            return .announce
        }
    }

    /// A map of variable names (`[A-Za-z_][A-Za-z0-9_]*`, not `OSSLWATCH_*`) to text.
    func environment(_ node: ConfigNode) throws(ConfigError) -> [String: String] {
        var result: [String: String] = [:]
        try node.forEachEntry(expected: "a mapping of names to text") { key, child throws(ConfigError) in
            guard let first = key.first, !first.isNumber, Self.isASCIIWord(key, others: "_") else {
                throw child.error(.invalidValue, "\(key.debugDescription) is not a variable name")
            }
            guard !key.hasPrefix("OSSLWATCH_") else {
                throw child.error(.invalidValue, "OSSLWATCH_* variables are the run's facts and cannot be set here")
            }
            result[key] = try child.string()
        }
        return result
    }
}
