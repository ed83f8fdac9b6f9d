import Foundation

/// A small pyca/cryptography look-alike made at test time: two git checkouts under `root`.
///
/// - `infra/`: the pyca/infra pin, `cryptography-linux/openssl-version.sh`, with the two
///   exported variables osslwatch rewrites and build-flag lines it must leave alone.
/// - `cryptography/`: `pyproject.toml` (`version = "46.0.1"`), `CHANGELOG.rst` with
///   anchored, `~`-underlined version headings, and the project's own scripts written by the
///   test: `release.py` (`bump-version [X]`, `release`) and `scripts/openssl-changelog.py`.
///
/// The scripts read the run's facts from `OSSLWATCH_*` environment variables (argv elements
/// in the config are fixed text, so `bump-version` without an argument takes
/// `$OSSLWATCH_NEXT_RELEASE`). Each appends `<name> <value>` to `$E2E_JOURNAL` when set, so a
/// test can count how often each effect happened.
struct DownstreamProject {
    let root: URL

    var infra: URL { root.appendingPathComponent("infra") }
    var project: URL { root.appendingPathComponent("cryptography") }
    var pinFile: URL { infra.appendingPathComponent("cryptography-linux/openssl-version.sh") }
    var changelog: URL { project.appendingPathComponent("CHANGELOG.rst") }
    var pyproject: URL { project.appendingPathComponent("pyproject.toml") }
    /// `release.py release` writes the built "extension module" here: a file holding the
    /// `OpenSSL X.Y.Z <date>` text of the OpenSSL the infra pin on the run's branch names.
    var dist: URL { project.appendingPathComponent("dist") }
    /// `release.py release` writes this marker when it ran.
    var releasedMarker: URL { project.appendingPathComponent("RELEASED") }

    static let previousDigest = String(repeating: "ab", count: 32)

    /// The pin in the pyca/infra shape; only the two quoted values may ever change.
    static func pinText(version: String, digest: String) -> String {
        """
        # Sourced by the cryptography-linux builders; keep the exported names.
        export OPENSSL_VERSION="openssl-\(version)"
        export OPENSSL_SHA256="\(digest)"
        # Flags are passed to OpenSSL's Configure as they are.
        export OPENSSL_BUILD_FLAGS="no-ssl3 no-ssl3-method no-zlib no-shared no-comp no-dynamic-engine"
        export OPENSSL_BUILD_FLAGS_WINDOWS="no-ssl3 no-ssl3-method no-zlib no-shared no-comp"

        """
    }

    static let changelogText = """
        Changelog
        =========

        .. _v46-0-1:

        46.0.1 - 2025-09-16
        ~~~~~~~~~~~~~~~~~~~

        * Fixed an issue with verifying certificates with an empty issuer.

        .. _v46-0-0:

        46.0.0 - 2025-09-16
        ~~~~~~~~~~~~~~~~~~~

        * Added support for Python 3.14.

        """

    static let pyprojectText = """
        [project]
        name = "cryptography"
        version = "46.0.1"
        requires-python = ">=3.8"

        """

    /// The test's own release.py, shaped like pyca's: `bump-version X` and `release`.
    static let releaseScript = #"""
        import datetime, os, pathlib, re, subprocess, sys

        HERE = pathlib.Path(__file__).resolve().parent


        def journal(name, value):
            path = os.environ.get("E2E_JOURNAL")
            if path:
                with open(path, "a") as f:
                    f.write(f"{name} {value}\n")


        def git(*args, cwd=HERE):
            subprocess.run(["git", *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL)


        def bump_version(version):
            if not re.fullmatch(r"[0-9]+(\.[0-9]+)*", version):
                sys.exit(f"release.py: {version!r} is not a release number")
            pyproject = HERE / "pyproject.toml"
            text = pyproject.read_text()
            text = re.sub(r'(?m)^version = "[^"]*"$', f'version = "{version}"', text)
            pyproject.write_text(text)
            changelog = HERE / "CHANGELOG.rst"
            lines = changelog.read_text()
            heading = f"{version} - (unreleased)"
            dated = f"{version} - {datetime.date.today().isoformat()}"
            if heading in lines:
                lines = lines.replace(heading + "\n" + "~" * len(heading), dated + "\n" + "~" * len(dated))
            elif dated not in lines:
                anchor = ".. _v" + version.replace(".", "-") + ":"
                head, sep, rest = lines.partition("=========\n\n")
                lines = head + sep + f"{anchor}\n\n{dated}\n{'~' * len(dated)}\n\n" + rest
            changelog.write_text(lines)
            git("commit", "-q", "-am", f"Bump version to {version}")
            journal("bump-version", version)


        def release():
            text = (HERE / "pyproject.toml").read_text()
            version = re.search(r'(?m)^version = "([^"]*)"$', text).group(1)
            target = os.environ["OSSLWATCH_VERSION"]
            infra = os.environ["E2E_INFRA"]
            pin = subprocess.run(
                ["git", "show", f"osslwatch/openssl-{target}:cryptography-linux/openssl-version.sh"],
                cwd=infra, check=True, capture_output=True, text=True,
            ).stdout
            linked = re.search(r'OPENSSL_VERSION="openssl-([^"]+)"', pin).group(1)
            out = HERE / "dist" / f"cryptography-{version}"
            out.mkdir(parents=True, exist_ok=True)
            blob = b"\x7fELF\x02\x01\x01" + b"\0" * 64 + f"OpenSSL {linked} 30 Sep 2025".encode() + b"\0" * 16
            (out / "_rust.abi3.so").write_bytes(blob)
            git("tag", "-a", version, "-m", f"{version} release")
            (HERE / "RELEASED").write_text(version + "\n")
            journal("release", version)


        if __name__ == "__main__":
            if len(sys.argv) >= 2 and sys.argv[1] == "bump-version":
                bump_version(sys.argv[2] if len(sys.argv) > 2 else os.environ["OSSLWATCH_NEXT_RELEASE"])
            elif sys.argv[1:] == ["release"]:
                release()
            else:
                sys.exit("usage: release.py bump-version [X] | release")

        """#

    /// Adds the checklist's changelog line under a heading for the next release.
    static let changelogScript = #"""
        import os, pathlib, re, subprocess, sys

        HERE = pathlib.Path(__file__).resolve().parent.parent
        target = os.environ["OSSLWATCH_VERSION"]
        release = os.environ["OSSLWATCH_NEXT_RELEASE"]
        if not re.fullmatch(r"[0-9]+(\.[0-9]+)*", release) or not re.fullmatch(r"[0-9a-z.-]+", target):
            sys.exit("openssl-changelog.py: unexpected facts")
        line = f"* Updated Windows, macOS, and Linux wheels to be compiled with OpenSSL {target}."
        path = HERE / "CHANGELOG.rst"
        text = path.read_text()
        if line not in text:
            heading = f"{release} - (unreleased)"
            anchor = ".. _v" + release.replace(".", "-") + ":"
            head, sep, rest = text.partition("=========\n\n")
            text = head + sep + f"{anchor}\n\n{heading}\n{'~' * len(heading)}\n\n{line}\n\n" + rest
            path.write_text(text)
            subprocess.run(["git", "commit", "-q", "-am", f"Changelog for OpenSSL {target}"], cwd=HERE, check=True)
        journal = os.environ.get("E2E_JOURNAL")
        if journal:
            with open(journal, "a") as f:
                f.write(f"changelog {target}\n")

        """#

    /// Creates both checkouts with one commit each on `main`.
    init(root: URL) async throws {
        self.root = root
        let manager = FileManager.default
        try manager.createDirectory(at: pinFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try manager.createDirectory(at: project.appendingPathComponent("scripts"), withIntermediateDirectories: true)
        try Self.pinText(version: "3.5.3", digest: Self.previousDigest).write(
            to: pinFile, atomically: true, encoding: .utf8)
        try Self.changelogText.write(to: changelog, atomically: true, encoding: .utf8)
        try Self.pyprojectText.write(to: pyproject, atomically: true, encoding: .utf8)
        try Self.releaseScript.write(
            to: project.appendingPathComponent("release.py"), atomically: true, encoding: .utf8)
        try Self.changelogScript.write(
            to: project.appendingPathComponent("scripts/openssl-changelog.py"), atomically: true, encoding: .utf8)
        try "dist/\n".write(to: project.appendingPathComponent(".gitignore"), atomically: true, encoding: .utf8)
        for checkout in [infra, project] {
            try await Self.git(["init", "-q", "-b", "main"], in: checkout)
            try await Self.git(["config", "user.name", "Downstream Maintainer"], in: checkout)
            try await Self.git(["config", "user.email", "maintainer@example.org"], in: checkout)
            try await Self.git(["add", "-A"], in: checkout)
            try await Self.git(["commit", "-q", "-m", "Initial import"], in: checkout)
        }
    }

    /// Runs git in a checkout and returns its standard output; throws with its output unless it exits 0.
    @discardableResult
    static func git(_ arguments: [String], in directory: URL) async throws -> String {
        try await PipelineGPG.run(["git"] + arguments, in: directory.path)
    }

    /// `git show REF:PATH` in the infra checkout, or nil when the ref or file does not exist.
    func infraFile(at ref: String) async -> String? {
        try? await Self.git(["show", "\(ref):cryptography-linux/openssl-version.sh"], in: infra)
    }

    func read(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }
}
