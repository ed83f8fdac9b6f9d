import Foundation
import OSSLWatchCore
import Yams

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
            let patternNode = try section.required("pattern")
            let pattern = try patternNode.nonEmptyString()
            try requireGroup(pattern, "version", at: patternNode)
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
            let text = try node.string()
            guard let policy = SupersedePolicy(rawValue: text) else {
                throw node.error(
                    .invalidValue,
                    "unknown policy \(text.debugDescription); one of: "
                        + SupersedePolicy.allCases.map(\.rawValue).joined(separator: ", "))
            }
            project.supersede = policy
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
            let idempotent = try fields["idempotent"].map { value throws(ConfigError) in try value.bool() }
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
                template = try value.nonEmptyString()
                guard template.contains("{version}") || template.contains("{tag}") else {
                    throw value.error(.invalidValue, "must contain {version} or {tag}")
                }
                let sample = ConfirmationSettings.expand(template, version: "3.5.4", tag: "openssl-3.5.4")
                _ = try url(sample, at: value, allowLoopback: true)
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
            let maxBytes = try fields["max_bytes"].map { value throws(ConfigError) in
                try value.int(in: 1024...(1 << 30))
            }
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
            let pattern = try patternNode.nonEmptyString()
            try requireGroup(pattern, "version", at: patternNode)
            var sha256Pattern: String?
            if let value = fields["sha256_pattern"] {
                let text = try value.nonEmptyString()
                try requireGroup(text, "sha256", at: value)
                sha256Pattern = text
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
            return .approval(message: try fields["message"].map { value throws(ConfigError) in try value.string() })
        case .verifyArtifact:
            let maxBytes = try fields["max_bytes"].map { value throws(ConfigError) in
                try value.int(in: 1024...(4 << 30))
            }
            return .verifyArtifact(
                path: try fields.required("path").nonEmptyString(),
                maxBytes: maxBytes ?? ArtifactVerifier.defaultMaxDownloadBytes)
        case .announce:
            return .announce
        }
    }

    /// A map of variable names (`[A-Za-z_][A-Za-z0-9_]*`, not `OSSLWATCH_*`) to text.
    func environment(_ node: ConfigNode) throws(ConfigError) -> [String: String] {
        guard case .mapping(let mapping) = node.node else { throw node.wrongType("a mapping of names to text") }
        var result: [String: String] = [:]
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let scalar) = keyNode else { throw node.wrongType("a mapping with text keys") }
            let key = scalar.string
            let child = ConfigNode(node: valueNode, path: node.childPath(key), file: file)
            let bytes = Array(key.utf8)
            let isWordByte = { (byte: UInt8) in
                (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
            }
            guard let first = bytes.first, !RunFacts.isDigit(first), bytes.allSatisfy(isWordByte) else {
                throw child.error(.invalidValue, "\(key.debugDescription) is not a variable name")
            }
            guard !key.hasPrefix("OSSLWATCH_") else {
                throw child.error(.invalidValue, "OSSLWATCH_* variables are the run's facts and cannot be set here")
            }
            result[key] = try child.string()
        }
        return result
    }

    func requireGroup(_ pattern: String, _ group: String, at node: ConfigNode) throws(ConfigError) {
        guard try Regex(pattern: pattern, at: node).contains(captureNamed: group) else {
            throw node.error(.invalidRegex, "regex has no named group \"\(group)\"; write (?<\(group)>...)")
        }
    }
}

extension Regex where Output == AnyRegexOutput {
    /// Compiles a configured pattern, reporting a failure at its key.
    fileprivate init(pattern: String, at node: ConfigNode) throws(ConfigError) {
        do {
            try self.init(pattern)
        } catch {
            throw node.error(.invalidRegex, "regex does not compile: \(error)")
        }
    }
}
