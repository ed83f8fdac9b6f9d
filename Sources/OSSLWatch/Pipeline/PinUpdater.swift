import Foundation
public import Logging
public import OSSLWatchCore

/// The update-pin step: commits the new OpenSSL version and digest to the pin file in a
/// local git checkout, on a branch named from the target, and never pushes (a `command`
/// step does that if the project wants it).
///
/// The commit is built with git plumbing (a blob, a tree from a private index, `commit-tree`)
/// and the branch is created in one `update-ref` that fails if it exists; only then is it
/// checked out. So a crash at any point leaves either no branch or a branch holding exactly
/// this change, and the worktree is never half-edited: running the step again is safe and
/// makes no second commit. A git lock file such a crash leaves is removed on the next
/// attempt once `GitLockRecovery` proves it was made by a git of ours that no longer runs;
/// a lock of anyone else fails the step and stays.
///
/// The branch starts from `base` (after a fetch when the base tracks a remote), never from
/// whatever is checked out, so bumps are never stacked. All git runs through `GitSession`,
/// which runs no hook, fsmonitor or filter of the checkout.
public struct PinUpdater: Sendable {
    /// The git checkout (its top-level directory).
    public var repository: String
    /// The pin file, relative to `repository` (`cryptography-linux/openssl-version.sh`).
    public var pinFile: String
    /// Which parts of the pin file change.
    public var rewriter: PinRewriter
    /// Author and committer of the commit; no global git identity is needed.
    public var authorName: String
    public var authorEmail: String
    /// Runs git; its output lands in the runner's log directory as `update-pin-git<K>-attempt<N>`.
    public var runner: CommandRunner
    /// Seconds any one git command may take.
    public var gitTimeout: Double = 120
    /// The branch every bump starts from.
    public var base: String = PinUpdater.defaultBase
    /// Where stale git lock removals are logged.
    public var logger: Logger?
    /// Where the git commands of each checkout are journaled (`GitAttemptJournal`), the
    /// evidence that a lock file is osslwatch's own; `nil`: no lock is ever removed.
    var journalDirectory: String?
    /// The daemon's stop flag, which ends a lock recovery's wait for old children.
    package var stopFlag: CancellationFlag?

    /// `main`: the branch bumps start from when the config names none.
    public static let defaultBase = StepSettings.defaultPinBase

    /// Whether `name` can be a base branch: not an option, no whitespace, control characters,
    /// `..` or characters git refuses in ref names.
    public static func isBranchName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix("-") && !name.hasPrefix("/") && !name.hasSuffix("/")
            && !name.hasSuffix(".lock") && !name.contains("..") && !name.contains("@{") && !name.contains("//")
            && name.unicodeScalars.allSatisfy { scalar in
                scalar.value > 0x20 && scalar.value != 0x7f && !"~^:?*[\\".unicodeScalars.contains(scalar)
            }
    }

    /// `osslwatch/openssl-3.5.4`: one branch per target, so a re-run finds its own work.
    public static func branchName(for target: OpenSSLVersion) -> String {
        "osslwatch/openssl-\(target)"
    }

    /// The commit subject, also how a re-run recognises its own commit.
    public static func subject(for target: OpenSSLVersion) -> String {
        "Bump OpenSSL to \(target)"
    }

    /// Commits the pin of `facts.target` with `facts.sha256` (which must be set: verify-tarball
    /// runs first) on a new branch from `base` and checks it out.
    public func update(_ facts: RunFacts, attempt: Int = 1) async throws(StepError) -> PinUpdate {
        guard let sha256 = facts.sha256 else {
            throw StepError(.invalidInput, "update-pin needs the verified SHA-256: run verify-tarball first")
        }
        try checkIdentity()
        try checkPinPath()
        guard Self.isBranchName(base) else {
            throw StepError(.invalidInput, "base \(base.debugDescription) is not a branch name")
        }
        let journal = journalDirectory.map { GitAttemptJournal(root: $0, repository: repository) }
        let window = journal?.window(processStart: GitAttemptJournal.processStart)
        var git = GitSession(repository: repository, runner: runner, timeout: gitTimeout, attempt: attempt)
        let identity = ["-c", "user.name=\(authorName)", "-c", "user.email=\(authorEmail)"]
        let remote = try await git.optional(["config", "--get", "branch.\(base).remote"])
        try await recoverLocks(&git, remote: remote, window: window)
        git.journal = journal
        try await git.neutraliseFilters()
        let branch = Self.branchName(for: facts.target)
        let existing = try await git.resolve("refs/heads/\(branch)")
        let status = try await git.output(["status", "--porcelain=v1", "--untracked-files=all"])
        if let first = status.split(separator: "\n").first,
            try await !Self.isInterruptedCheckout(of: branch, exists: existing != nil, status: status, git: &git)
        {
            throw StepError(
                .repositoryState,
                "the worktree of \(repository) has uncommitted changes (\(first.trimmingCharacters(in: .whitespaces))): commit or stash them first"
            )
        }
        if let existing {
            return try await reuse(branch: branch, tip: existing, facts: facts, sha256: sha256, git: &git)
        }
        let head = try await baseCommit(&git, remote: remote)
        let entry = try await git.output(["ls-tree", head, "--", pinFile]).trimmed
        guard let mode = entry.split(separator: " ").first, mode == "100644" || mode == "100755" else {
            throw StepError(
                .missingFile, "pin file \(pinFile) is not a regular file committed on \(base) of \(repository)")
        }
        let original = try await git.output(["cat-file", "blob", "\(head):\(pinFile)"])
        let rewritten = try rewriter.rewrite(original, target: facts.target, sha256: sha256, file: pinFile)
        guard rewritten != original else {
            throw StepError(
                .alreadyCurrent, "pin file \(pinFile) already pins \(facts.target) with this SHA-256: nothing to commit"
            )
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "osslwatch-pin-\(UUID().uuidString)")
        try PipelineFiles.makeDirectory(scratch.path, kind: "scratch directory")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let content = scratch.appendingPathComponent("pin").path
        do {
            try Data(rewritten.utf8).write(to: URL(fileURLWithPath: content))
        } catch {
            throw StepError(.io, "cannot write \(content): \(error.localizedDescription)")
        }
        let blob = try await git.output(["hash-object", "-w", "--no-filters", "--", content]).trimmed
        let index = ["GIT_INDEX_FILE": scratch.appendingPathComponent("index").path]
        _ = try await git.output(["read-tree", head], environment: index)
        _ = try await git.output(["update-index", "--cacheinfo", "\(mode),\(blob),\(pinFile)"], environment: index)
        let tree = try await git.output(["write-tree"], environment: index).trimmed
        let body = """
            Update \(pinFile) from OpenSSL \(facts.previous) to \(facts.target).

            Tarball SHA-256: \(sha256)
            Made by osslwatch (run \(facts.runID)).
            """
        let commit = try await git.output(
            identity + ["commit-tree", tree, "-p", head, "-m", Self.subject(for: facts.target), "-m", body]
        ).trimmed
        _ = try await git.output(["update-ref", "refs/heads/\(branch)", commit, ""])
        _ = try await git.output(["checkout", "--quiet", branch])
        return PinUpdate(branch: branch, commit: commit, created: true)
    }

    /// Whether the changes `status` lists are a checkout of `branch` that a crash cut short:
    /// git had written the branch's content to the index and the worktree but not yet moved
    /// HEAD. Then the index and the worktree hold exactly the branch's tree and nothing is
    /// untracked, and `reuse` finishes the checkout; anything else is someone's own change.
    private static func isInterruptedCheckout(
        of branch: String, exists: Bool, status: String, git: inout GitSession
    ) async throws(StepError) -> Bool {
        guard exists, !status.split(separator: "\n").contains(where: { $0.hasPrefix("??") }) else { return false }
        guard try await git.optional(["diff-index", "--cached", "--quiet", "refs/heads/\(branch)", "--"]) != nil else {
            return false
        }
        return try await git.optional(["diff-files", "--quiet"]) != nil
    }

    /// The branch exists: succeed if its tip is exactly this change (checking it out), else refuse.
    private func reuse(branch: String, tip: String, facts: RunFacts, sha256: String, git: inout GitSession)
        async throws(StepError) -> PinUpdate
    {
        let different = StepError(
            .repositoryState,
            "branch \(branch) already exists in \(repository) with different content: delete it or finish it by hand")
        let subject = try await git.output(["log", "-1", "--format=%s", tip]).trimmed
        guard subject == Self.subject(for: facts.target), try await git.resolve("\(tip)^") != nil else {
            throw different
        }
        let changed = try await git.output(["diff-tree", "--no-commit-id", "--name-only", "-r", "\(tip)^", tip])
        guard changed.split(separator: "\n") == [Substring(pinFile)] else { throw different }
        let before = try await git.output(["cat-file", "blob", "\(tip)^:\(pinFile)"])
        let after = try await git.output(["cat-file", "blob", "\(tip):\(pinFile)"])
        guard try rewriter.rewrite(before, target: facts.target, sha256: sha256, file: pinFile) == after else {
            throw different
        }
        _ = try await git.output(["checkout", "--quiet", branch])
        return PinUpdate(branch: branch, commit: tip, created: false)
    }

    /// The commit bumps start from: the base's upstream after a fetch when the base tracks a
    /// remote (`branch.<base>.remote`), else the local base branch.
    private func baseCommit(_ git: inout GitSession, remote: String?) async throws(StepError) -> String {
        if let remote, remote != "." {
            _ = try await git.output(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--", remote])
            guard let commit = try await git.resolve("\(base)@{upstream}") else {
                throw StepError(
                    .repositoryState,
                    "the upstream of base branch \(base) (remote \(remote)) does not exist in \(repository) after a fetch"
                )
            }
            return commit
        }
        guard let commit = try await git.resolve("refs/heads/\(base)") else {
            throw StepError(
                .repositoryState,
                "base branch \(base) does not exist in \(repository): set base: to the branch bumps start from")
        }
        return commit
    }

    /// Removes git lock files a killed earlier attempt left, once no git of ours can hold them.
    /// `window` is when a git of ours could have made them, read before this attempt's git ran.
    private func recoverLocks(_ git: inout GitSession, remote: String?, window: GitAttemptJournal.Window?)
        async throws(StepError)
    {
        guard let childLock = runner.childLockPath else { return }
        let dirs = try await git.output(["rev-parse", "--absolute-git-dir", "--git-common-dir"])
            .split(separator: "\n").map(String.init)
        guard dirs.count == 2 else {
            throw StepError(.repositoryState, "git rev-parse did not name the git dir of \(repository)")
        }
        let common = dirs[1].hasPrefix("/") ? dirs[1] : (repository as NSString).appendingPathComponent(dirs[1])
        let recovery = GitLockRecovery(
            repository: repository, gitDirectory: dirs[0], commonDirectory: common,
            remote: remote == "." ? nil : remote, childLockPath: childLock, window: window, stop: stopFlag,
            logger: logger)
        _ = try await recovery.recover(timeout: gitTimeout)
    }

    private func checkIdentity() throws(StepError) {
        for value in [authorName, authorEmail]
        where value.isEmpty || value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw StepError(.invalidInput, "git author name and email must be set and on one line")
        }
    }

    /// The pin path stays inside the checkout and cannot be read as a git option.
    private func checkPinPath() throws(StepError) {
        let parts = pinFile.split(separator: "/", omittingEmptySubsequences: false)
        let ok =
            !pinFile.isEmpty && !pinFile.hasPrefix("/") && !pinFile.hasPrefix("-") && !pinFile.utf8.contains(0)
            && parts.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." && $0 != ".git" }
        guard ok else {
            throw StepError(
                .invalidInput, "pin file \(pinFile.debugDescription) must be a plain path inside the checkout")
        }
    }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}

/// What update-pin left behind: the branch and commit a later `command` step pushes or
/// opens a pull request from.
public struct PinUpdate: Sendable, Hashable, Codable {
    /// `osslwatch/openssl-<version>`.
    public var branch: String
    /// The full commit id on `branch` holding the new pin.
    public var commit: String
    /// `false` when the branch already held exactly this change (a re-run after a crash).
    public var created: Bool
}

/// The byte-exact part of update-pin: replaces only the text the `version` and `sha256`
/// named groups capture and leaves every other byte of the pin file as it was, so the
/// build flags and comments next to the pin never change by accident.
public struct PinRewriter: Sendable {
    /// A Swift regex with a named group `version` (and optionally `sha256`); `^`/`$` match at line ends.
    public var versionPattern: String
    /// A Swift regex with a named group `sha256`; `nil` when `versionPattern` captures it.
    public var sha256Pattern: String?

    /// Returns `text` with every captured version replaced by `target` in the form it had
    /// (`openssl-3.5.4` for a tag, `3.5.4` for a bare version) and every captured digest by
    /// `sha256` (upper-case if the old one was). `file` only names the file in errors.
    public func rewrite(_ text: String, target: OpenSSLVersion, sha256: String, file: String) throws(StepError)
        -> String
    {
        guard RunFacts.isSHA256(sha256) else {
            throw StepError(.invalidInput, "SHA-256 \(sha256.debugDescription) is not 64 hex digits")
        }
        let versionRegex = try Regex.pattern(versionPattern, group: "version") {
            StepError(.badPattern, "pin file \(file): \($0)")
        }
        let digestSource = sha256Pattern ?? versionPattern
        let digestRegex = try Regex.pattern(digestSource, group: "sha256") {
            StepError(.badPattern, "pin file \(file): \($0)")
        }
        var replacements: [(range: Range<String.Index>, text: String)] = []
        for match in text.matches(of: versionRegex) {
            guard let capture = match.output["version"], let range = capture.range, let old = capture.substring
            else { continue }
            let captured = String(old)
            if OpenSSLVersion.parse(bare: captured) != nil {
                replacements.append((range, target.description))
            } else if OpenSSLVersion.parse(tag: captured) != nil {
                replacements.append((range, target.tag))
            } else {
                throw StepError(
                    .badPattern,
                    "pin file \(file): pattern \(versionPattern) captured \(captured.debugDescription), not an OpenSSL version"
                )
            }
        }
        guard !replacements.isEmpty else {
            throw StepError(.badPattern, "pin file \(file): pattern \(versionPattern) matches nothing")
        }
        var digests = 0
        for match in text.matches(of: digestRegex) {
            guard let capture = match.output["sha256"], let range = capture.range, let old = capture.substring
            else { continue }
            guard RunFacts.isSHA256(old) else {
                throw StepError(
                    .badPattern,
                    "pin file \(file): pattern \(digestSource) captured \(String(old).debugDescription), not 64 hex digits"
                )
            }
            let upper = old.contains { $0.isUppercase }
            replacements.append((range, upper ? sha256.uppercased() : sha256.lowercased()))
            digests += 1
        }
        guard digests > 0 else {
            throw StepError(.badPattern, "pin file \(file): sha256 pattern \(digestSource) matches nothing")
        }
        replacements.sort { $0.range.lowerBound < $1.range.lowerBound }
        var result = ""
        var cursor = text.startIndex
        for replacement in replacements {
            guard replacement.range.lowerBound >= cursor else {
                throw StepError(.badPattern, "pin file \(file): the version and sha256 captures overlap")
            }
            result += text[cursor..<replacement.range.lowerBound]
            result += replacement.text
            cursor = replacement.range.upperBound
        }
        result += text[cursor...]
        return result
    }
}
