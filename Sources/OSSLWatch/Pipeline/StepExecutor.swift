import Foundation
public import Logging
public import OSSLWatchCore
public import OSSLWatchTransport

/// Performs one configured step with the existing executors (TarballVerifier, PinUpdater,
/// CommandRunner, ArtifactVerifier). It has no state of its own and never touches the store:
/// the runner journals before and after calling it.
public protocol StepExecuting: Sendable {
    func execute(_ step: StepSettings, facts: RunFacts, attempt: Int, project: ProjectSettings) async -> StepResult
    /// Where an attempt's output will go, when known before it starts (command steps).
    func logPaths(_ step: StepSettings, run: Int64, attempt: Int) -> (stdout: String, stderr: String)?
}

extension StepExecuting {
    public func logPaths(_ step: StepSettings, run: Int64, attempt: Int) -> (stdout: String, stderr: String)? {
        nil
    }
}

/// The real executor: each kind's effect, with logs and work files under
/// `<state directory>/runs/<run id>/`.
public struct StepExecutor: StepExecuting {
    public var stateDirectory: String
    public var client: HTTPClient
    public var logger: Logger
    /// `--dry-run`: command and update-pin steps log what they would do instead of doing it.
    public var dryRun: Bool
    /// The environment the entry point read; commands get only its minimal part
    /// (`CommandRunner.minimalEnvironment(from:)`).
    public var environment: [String: String]
    /// The daemon's stop flag: a git lock recovery waiting for old children gives up on it.
    package var stopFlag: CancellationFlag?

    public init(
        stateDirectory: String, client: HTTPClient, logger: Logger, dryRun: Bool, environment: [String: String]
    ) {
        self.stateDirectory = stateDirectory
        self.client = client
        self.logger = logger
        self.dryRun = dryRun
        self.environment = environment
    }

    /// `<state directory>/runs/<id>`: a run's logs and downloads.
    public func runDirectory(_ run: Int64) -> String {
        URL(fileURLWithPath: stateDirectory).appendingPathComponent("runs").appendingPathComponent(String(run)).path
    }

    /// `<run directory>/logs`: where command output goes, as `logPaths` announces it and `execute` writes it.
    func logDirectory(_ run: Int64) -> String {
        (runDirectory(run) as NSString).appendingPathComponent("logs")
    }

    public func logPaths(_ step: StepSettings, run: Int64, attempt: Int) -> (stdout: String, stderr: String)? {
        guard case .command = step.action, !dryRun else { return nil }
        return CommandRunner(logDirectory: logDirectory(run), baseEnvironment: [:]).logPaths(
            step: step.name, attempt: attempt)
    }

    public func execute(_ step: StepSettings, facts: RunFacts, attempt: Int, project: ProjectSettings) async
        -> StepResult
    {
        let directory = runDirectory(facts.runID)
        let runner = CommandRunner(
            logDirectory: logDirectory(facts.runID),
            baseEnvironment: CommandRunner.minimalEnvironment(from: environment),
            childLockPath: ChildLock.path(stateDirectory: stateDirectory))
        do {
            switch step.action {
            case .verifyTarball(let template, let keyring, let fingerprint, let maxBytes):
                let verifier = TarballVerifier(
                    tarballURLTemplate: template, keyringPath: keyring, expectedFingerprint: fingerprint,
                    maxTarballBytes: maxBytes, client: client, runner: runner)
                let work = (directory as NSString).appendingPathComponent("tarball")
                let verified = try await verifier.verify(facts.target, workDirectory: work, attempt: attempt)
                return StepResult(
                    state: .done, reason: "sha256 \(verified.sha256), signed by \(verified.signerFingerprint)",
                    sha256: verified.sha256)
            case .updatePin(let repository, let file, let pattern, let sha256Pattern, let name, let email, let base):
                if dryRun || project.dryRun {
                    // A dry run leaves every repository as it is: no branch, no commit.
                    logger.notice(
                        "dry run: pin not updated",
                        metadata: [
                            "run": "\(facts.runID)", "project": "\(facts.project)", "step": "\(step.name)",
                            "repository": "\(repository)", "file": "\(file)", "version": "\(facts.target)",
                            "sha256": "\(facts.sha256 ?? "-")",
                        ])
                    return .dryRun
                }
                var updater = PinUpdater(
                    repository: repository, pinFile: file,
                    rewriter: PinRewriter(versionPattern: pattern, sha256Pattern: sha256Pattern), authorName: name,
                    authorEmail: email, runner: runner, base: base, logger: logger)
                updater.stopFlag = stopFlag
                updater.journalDirectory = GitAttemptJournal.directory(stateDirectory: stateDirectory)
                let update = try await updater.update(facts, attempt: attempt)
                let how = update.created ? "committed" : "already committed"
                return StepResult(state: .done, reason: "\(how) \(update.commit) on \(update.branch)")
            case .command(let spec):
                var commands = runner
                commands.dryRun = dryRun || project.dryRun
                let outcome = try await commands.run(spec, step: step.name, attempt: attempt, facts: facts)
                return result(of: outcome, step: step, facts: facts)
            case .verifyArtifact(let path, let maxBytes):
                let verifier = ArtifactVerifier(
                    pathTemplate: path, client: client, maxDownloadBytes: maxBytes,
                    workDirectory: (directory as NSString).appendingPathComponent("artifact"))
                let report = try await verifier.verify(facts)
                return StepResult(
                    state: .done, reason: "\(report.entries.count) artifacts link OpenSSL \(report.target)")
            case .approval:
                return StepResult(state: .failed, reason: "an approval step is a gate, not an effect")
            case .announce:
                return StepResult(state: .done, reason: "reached; no mail: section configured, nothing drafted")
            }
        } catch {
            // Stopped by the daemon stopping, not failed: the step stays `running` and the
            // recovery rule decides at the next start (a download re-runs, a command waits).
            if error.code == .cancelled || Task.isCancelled { return StepResult(state: nil, reason: error.message) }
            return .failed(error)
        }
    }

    private func result(of outcome: CommandOutcome, step: StepSettings, facts: RunFacts) -> StepResult {
        var exitCode: Int32?
        switch outcome.termination {
        case .notRun:
            let environment = outcome.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            logger.notice(
                "dry run: command not started",
                metadata: [
                    "run": "\(facts.runID)", "project": "\(facts.project)", "step": "\(step.name)",
                    "argv": "\(outcome.argv)", "working_directory": "\(outcome.workingDirectory ?? "-")",
                    "environment": "\(environment.joined(separator: " "))",
                ])
            return .dryRun
        case .cancelled:
            return StepResult(
                state: nil, reason: "stopped with the daemon", stdoutPath: outcome.stdoutPath,
                stderrPath: outcome.stderrPath)
        case .exited(let status):
            exitCode = status
        case .signaled, .timedOut:
            break
        }
        var result = StepResult(
            state: .done, reason: nil, exitCode: exitCode, stdoutPath: outcome.stdoutPath,
            stderrPath: outcome.stderrPath)
        do {
            try outcome.requireSuccess()
        } catch {
            result.state = .failed
            result.reason = error.message
        }
        return result
    }
}

/// How one execution of a step ended, as the runner records it after the effect.
public struct StepResult: Sendable, Hashable {
    /// `done` or `failed`; nil when the step was stopped by the daemon stopping: its row stays
    /// `running` and the recovery rule decides at the next start.
    public var state: StepState?
    public var reason: String?
    public var exitCode: Int32?
    public var stdoutPath: String?
    public var stderrPath: String?
    /// The digest verify-tarball proved, recorded on the run.
    public var sha256: String?

    /// The effect was only printed (`--dry-run`); the reason and the attempt say so.
    static let dryRun = StepResult(state: .done, reason: AttemptOutcome.dryRun.rawValue)

    /// Whether the effect was only printed: the attempt records `dryRun`.
    var isDryRun: Bool { state == .done && reason == Self.dryRun.reason }

    static func failed(_ error: StepError) -> StepResult {
        StepResult(state: .failed, reason: error.message)
    }
}
