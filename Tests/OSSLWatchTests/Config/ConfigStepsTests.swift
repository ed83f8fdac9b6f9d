import Foundation
import OSSLWatch
import OSSLWatchCore
import Testing

@Suite struct ConfigStepsTests {
    static let base = ConfigYAML.minimal()

    func load(_ project: String) throws(ConfigError) -> Configuration {
        try ConfigLoader.load(yaml: Self.base + project, file: "/tmp/steps-test.yaml", environment: [:])
    }

    static let full = """
            version_file:
              path: repo/pyproject.toml
              pattern: '^version = "(?<version>[^"]+)"$'
            dry_run: true
            supersede: immediately
            steps:
              - name: verify
                kind: verify-tarball
                keyring: keys/openssl.gpg
                fingerprint: BA54 73A2 B058 7B07 FB27  CF2D 2160 94DF D0CB 81EF
              - name: pin
                kind: update-pin
                repository: infra
                file: cryptography-linux/openssl-version.sh
                pattern: '^export OPENSSL_VERSION="(?<version>[^"]+)"$'
                sha256_pattern: '^export OPENSSL_SHA256="(?<sha256>[0-9a-f]+)"$'
                author_name: osslwatch
                author_email: osslwatch@example.org
              - name: bump
                kind: command
                argv: [python3, release.py, bump-version]
                working_directory: repo
                timeout: 5m
                environment:
                  PYTHONDONTWRITEBYTECODE: "1"
              - name: release-gate
                kind: approval
                message: cut the release?
              - name: advisory
                kind: command
                when: security
                idempotent: true
                argv: [./advisory.sh]
              - name: wheels
                kind: verify-artifact
                path: dist/{next_release}
              - name: announce
                kind: announce

        """

    @Test("every step kind is read with its fields, defaults and paths made absolute")
    func fullProject() throws {
        let project = try #require(try load(Self.full).projects.first)
        #expect(
            project.steps.map(\.name) == ["verify", "pin", "bump", "release-gate", "advisory", "wheels", "announce"])
        #expect(
            project.steps.map(\.kind) == [
                .verifyTarball, .updatePin, .command, .approval, .command, .verifyArtifact, .announce,
            ])
        #expect(project.steps.map(\.idempotent) == [true, true, false, true, true, true, true])
        #expect(project.steps.map(\.when) == [.always, .always, .always, .always, .security, .always, .always])
        #expect(project.dryRun)
        #expect(project.supersede == .immediately)
        #expect(project.versionFile?.path == "/tmp/repo/pyproject.toml")
        #expect(
            project.steps[0].action
                == .verifyTarball(
                    tarballURL: ConfirmationSettings.defaultTarballURL, keyring: "/tmp/keys/openssl.gpg",
                    fingerprint: "BA5473A2B0587B07FB27CF2D216094DFD0CB81EF", maxBytes: 64 << 20))
        #expect(
            project.steps[2].action
                == .command(
                    CommandSpec(
                        argv: ["python3", "release.py", "bump-version"], workingDirectory: "/tmp/repo", timeout: 300,
                        environment: ["PYTHONDONTWRITEBYTECODE": "1"])))
        #expect(project.steps[3].action == .approval(message: "cut the release?"))
        guard case .updatePin(let repository, let file, _, let sha256Pattern, _, _, let base) = project.steps[1].action
        else {
            Issue.record("pin is not update-pin")
            return
        }
        #expect(repository == "/tmp/infra")
        #expect(file == "cryptography-linux/openssl-version.sh")
        #expect(sha256Pattern != nil)
        #expect(base == "main")
    }

    @Test("a project without steps has none, at-next-gate supersede and no dry run")
    func defaults() throws {
        let project = try #require(try load("").projects.first)
        #expect(project.steps.isEmpty)
        #expect(project.supersede == .atNextGate)
        #expect(!project.dryRun)
        #expect(project.versionFile == nil)
        #expect(project.nextRelease == nil)
    }

    @Test("a literal next_release is validated")
    func literalNextRelease() throws {
        #expect(try load("    next_release: 46.0.2\n").projects[0].nextRelease == "46.0.2")
        let error = try #require(throws: ConfigError.self) { try load("    next_release: 46.0.2rc1\n") }
        #expect(error.keyPath == "projects[0].next_release")
    }

    @Test(
        "bad steps are refused with the key path of the offending key",
        arguments: [
            ("steps:\n  - {name: a, kind: command, argv: \"echo hi\"}", "projects[0].steps[0].argv", "expected a list"),
            ("steps:\n  - {name: a, kind: command, argv: []}", "projects[0].steps[0].argv", "must name a program"),
            (
                "steps:\n  - {name: a, kind: command, argv: [x], shell: true}", "projects[0].steps[0].shell",
                "unknown key"
            ),
            ("steps:\n  - {name: a, kind: approval, argv: [x]}", "projects[0].steps[0].argv", "unknown key"),
            ("steps:\n  - {name: a, kind: comand, argv: [x]}", "projects[0].steps[0].kind", "did you mean \"command\""),
            ("steps:\n  - {kind: announce}", "projects[0].steps[0].name", "required key"),
            (
                "steps:\n  - {name: a, kind: announce}\n  - {name: a, kind: announce}", "projects[0].steps[1].name",
                "already used"
            ),
            (
                "steps:\n  - {name: a, kind: announce, when: sometimes}", "projects[0].steps[0].when",
                "always or security"
            ),
            (
                "steps:\n  - {name: a, kind: announce, idempotent: yes please}", "projects[0].steps[0].idempotent",
                "true or false"
            ),
            (
                "steps:\n  - {name: a, kind: command, argv: [x], timeout: forever}", "projects[0].steps[0].timeout",
                "not a duration"
            ),
            (
                "steps:\n  - {name: a, kind: command, argv: [x], environment: [A]}", "projects[0].steps[0].environment",
                "mapping"
            ),
            (
                "steps:\n  - {name: a, kind: command, argv: [x], environment: {OSSLWATCH_VERSION: x}}",
                "projects[0].steps[0].environment.OSSLWATCH_VERSION", "facts"
            ),
            (
                "steps:\n  - {name: a, kind: command, argv: [x], environment: {\"A B\": x}}",
                "projects[0].steps[0].environment.A B", "variable name"
            ),
            ("steps:\n  - {name: a, kind: verify-tarball}", "projects[0].steps[0].keyring", "required key"),
            (
                "steps:\n  - {name: a, kind: verify-tarball, keyring: k, fingerprint: abc}",
                "projects[0].steps[0].fingerprint", "40-hex"
            ),
            (
                "steps:\n  - {name: a, kind: verify-tarball, keyring: k, tarball_url: \"ftp://x/{version}\"}",
                "projects[0].steps[0].tarball_url", "scheme"
            ),
            (
                "steps:\n  - {name: a, kind: verify-tarball, keyring: k}\n  - {name: b, kind: update-pin, repository: r, file: f, pattern: 'x', author_name: n, author_email: e}",
                "projects[0].steps[1].pattern", "named group \"version\""
            ),
            (
                "steps:\n  - {name: a, kind: verify-tarball, keyring: k}\n  - {name: b, kind: update-pin, repository: r, file: ../f, pattern: '(?<version>x)', author_name: n, author_email: e}",
                "projects[0].steps[1].file", "inside the repository"
            ),
            (
                "steps:\n  - {name: b, kind: update-pin, repository: r, file: f, pattern: '(?<version>x)(?<sha256>y)', author_name: n, author_email: e}",
                "projects[0].steps[0]", "verify-tarball step before"
            ),
            ("steps:\n  - {name: a, kind: verify-artifact}", "projects[0].steps[0].path", "required key"),
            ("steps:\n  - {name: Bad Name, kind: announce}", "projects[0].steps[0].name", "not a valid name"),
            (
                "steps:\n  - {name: a, kind: verify-tarball, keyring: k}\n  - {name: b, kind: update-pin, repository: r, file: f, pattern: '(?<version>x)(?<sha256>y)', author_name: n, author_email: e, base: '--orphan'}",
                "projects[0].steps[1].base", "branch name"
            ),
            ("steps: {name: a}", "projects[0].steps", "expected a list"),
            ("supersede: later", "projects[0].supersede", "at-next-gate"),
            ("dry_run: maybe", "projects[0].dry_run", "true or false"),
            ("version_file: {path: p}", "projects[0].version_file.pattern", "required key"),
            ("version_file: {path: p, pattern: 'x'}", "projects[0].version_file.pattern", "named group"),
        ])
    func badSteps(yaml: String, keyPath: String, message: String) throws {
        let indented = yaml.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n") + "\n"
        let error = try #require(throws: ConfigError.self) { try load(indented) }
        #expect(error.keyPath == keyPath)
        #expect(error.description.contains(message), "\(error.description)")
    }
}
