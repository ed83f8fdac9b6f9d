import Foundation
import OSSLWatchCore

/// Every git command osslwatch runs, through one place that makes git run nothing of the
/// checkout's own: no hook (`core.hooksPath=/dev/null`, which covers pre-commit,
/// post-checkout, reference-transaction and the rest), no fsmonitor, no clean/smudge/process
/// filter named by `.gitattributes` (each configured `filter.<driver>` is blanked), no
/// attributes file, no automatic gc or maintenance left running in the background, no
/// submodule recursion, and no optional lock (`GIT_OPTIONAL_LOCKS=0`: `status` does not
/// take `index.lock` just to refresh it). The environment is the runner's minimal one, so no
/// `GIT_CONFIG_*`, `GIT_DIR` or `GIT_EXTERNAL_DIFF` of the daemon reaches git. Only plumbing
/// that never runs an external diff or textconv is used.
///
/// Each command's output lands in the runner's log directory as `<step>-git<K>-attempt<N>`.
struct GitSession {
    let repository: String
    let runner: CommandRunner
    let timeout: Double
    let attempt: Int
    let step: String
    /// `-c` options that override the checkout's configuration on every call.
    private(set) var overrides = GitSession.fixedOverrides
    /// Where each command's start and end are recorded once set (after lock recovery), so a
    /// lock a killed command leaves can be told from someone else's.
    var journal: GitAttemptJournal?
    private var count = 0

    /// What every git call gets, before the filter drivers are known.
    static let fixedOverrides = [
        "core.hooksPath=/dev/null", "core.fsmonitor=false", "core.attributesFile=/dev/null",
        "gc.auto=0", "maintenance.auto=false", "fetch.recurseSubmodules=false", "submodule.recurse=false",
        "core.untrackedCache=false",
    ].flatMap { ["-c", $0] }

    init(repository: String, runner: CommandRunner, timeout: Double, attempt: Int, step: String = "update-pin") {
        self.repository = repository
        self.runner = runner
        self.timeout = timeout
        self.attempt = attempt
        self.step = step
    }

    /// Reads which filter drivers the checkout configures and blanks each one's `clean`,
    /// `smudge` and `process` (an empty command runs nothing), so `.gitattributes` in the
    /// tree cannot make git run them. Call before any command that touches the worktree.
    mutating func neutraliseFilters() async throws(StepError) {
        let outcome = try await run(["config", "--null", "--name-only", "--get-regexp", #"^filter\..*\."#])
        guard outcome.termination == .exited(0) else { return }
        let text = try PipelineFiles.readText(outcome.stdoutPath ?? "", kind: "git output", maxBytes: 1 << 20)
        var drivers = Set<String>()
        for key in text.split(separator: "\0") {
            guard key.hasPrefix("filter."), let dot = key.lastIndex(of: ".") else { continue }
            let name = key[key.index(key.startIndex, offsetBy: 7)..<dot]
            if !name.isEmpty { drivers.insert(String(name)) }
        }
        for driver in drivers.sorted() {
            let fields = ["clean=", "smudge=", "process=", "required=false"]
            overrides += fields.flatMap { ["-c", "filter.\(driver).\($0)"] }
        }
    }

    /// Runs `git <arguments>` in the checkout and returns its stdout, or throws with its stderr log path.
    mutating func output(_ arguments: [String], environment: [String: String] = [:]) async throws(StepError)
        -> String
    {
        let outcome = try await run(arguments, environment: environment)
        do {
            try outcome.requireSuccess()
        } catch {
            let detail = (try? PipelineFiles.readText(outcome.stderrPath ?? "", kind: "log", maxBytes: 4096)) ?? ""
            let firstLine = detail.split(separator: "\n").first.map { ": \($0)" } ?? ""
            throw StepError(
                error.code == .commandFailed ? .repositoryState : error.code,
                "git \(arguments.first { !$0.hasPrefix("-") && !$0.contains("=") } ?? "") in \(repository) failed\(firstLine) (\(error.message))"
            )
        }
        return try PipelineFiles.readText(outcome.stdoutPath ?? "", kind: "git output", maxBytes: 8 << 20)
    }

    /// The commit a ref names, or `nil` when it does not exist.
    mutating func resolve(_ ref: String) async throws(StepError) -> String? {
        try await optional(["rev-parse", "--verify", "--quiet", "\(ref)^{commit}"])
    }

    /// The trimmed stdout of a command that may fail for an expected reason (a missing ref
    /// or config key), or `nil` when it did.
    mutating func optional(_ arguments: [String]) async throws(StepError) -> String? {
        let outcome = try await run(arguments)
        guard outcome.termination == .exited(0) else { return nil }
        let text = try PipelineFiles.readText(outcome.stdoutPath ?? "", kind: "git output", maxBytes: 4096)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private mutating func run(_ arguments: [String], environment: [String: String] = [:]) async throws(StepError)
        -> CommandOutcome
    {
        count += 1
        var extra = environment
        extra["GIT_TERMINAL_PROMPT"] = "0"
        extra["GIT_OPTIONAL_LOCKS"] = "0"
        let spec = CommandSpec(
            argv: ["git"] + overrides + arguments, workingDirectory: repository, timeout: timeout,
            environment: extra)
        try journal?.begin()
        let outcome: CommandOutcome
        do {
            outcome = try await runner.run(spec, step: "\(step)-git\(count)", attempt: attempt)
        } catch {
            try journal?.end()
            throw error
        }
        try journal?.end()
        return outcome
    }
}
