public import Foundation
public import Logging
public import OSSLWatchCore
public import OSSLWatchStore

/// Drives every project's release checklist, journaling each step in the store before and
/// after its effect so that a crash at any moment is recoverable.
///
/// Only one runner may advance a store at a time (the daemon's): `advance` treats a step it
/// finds `running` as interrupted by a crash of the previous process.
public struct PipelineRunner: Sendable {
    public var configuration: Configuration
    public var store: Store
    public var logger: Logger
    /// Performs the steps; a test may put a fake here where the real effect cannot run.
    public var executor: any StepExecuting
    /// `osslwatch run --dry-run`: besides the executor's printing command steps, no mail is
    /// sent (drafts are written and say why). A project's `dry_run: true` does the same for it.
    public var dryRun: Bool
    /// Set by the daemon when it starts stopping: no further step begins.
    package let stopFlag: CancellationFlag?
    /// What the entry point read from the machine: the clock every step, run and message time
    /// comes from, and the environment (where the mail credentials are looked up,
    /// `$CREDENTIALS_DIRECTORY`).
    public var surroundings: Surroundings

    package init(
        configuration: Configuration, store: Store, logger: Logger, executor: any StepExecuting,
        stopFlag: CancellationFlag? = nil, dryRun: Bool = false, surroundings: Surroundings
    ) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
        self.executor = executor
        self.stopFlag = stopFlag
        self.dryRun = dryRun
        self.surroundings = surroundings
    }

    /// Whether mail of `project` is withheld: the daemon's `--dry-run` or the project's `dry_run`.
    func isDryRun(_ project: String) -> Bool {
        dryRun || (configuration.projects.first(where: { $0.name == project })?.dryRun ?? false)
    }

    var stopping: Bool { Task.isCancelled || (stopFlag?.isCancelled ?? false) }

    /// Recovers interrupted steps, creates runs for patch-update verdicts and the pending `.run`
    /// requests handed over (`PendingRequests`, read once by the caller), gives unfinished runs the advisories learnt since they were created, then
    /// moves every active run forward until a gate, a failure or its end.
    /// Never throws: what fails is logged, and the next advance tries again.
    public func advance(now: Date, runRequests: [ControlRequest] = []) async {
        recover(now: now)
        createRunsFromVerdicts(now: now)
        handleRunRequests(runRequests, now: now)
        let runs: [RunRecord]
        do {
            runs = try store.unfinishedRuns()
        } catch {
            logger.error("runs not read", metadata: ["error": "\(error)"])
            return
        }
        applyLateAdvisories(to: runs, now: now)
        for run in runs {
            guard !stopping else { return }
            await drive(run.id)
        }
        guard !stopping else { return }
        await deliverOutbox(now: surroundings.now())
    }

    // MARK: - Recovery

    func recover(now: Date) {
        recoverOutbox(now: now)
        do {
            for step in try store.recoverInterrupted(at: now) {
                logStep(
                    step.runID, step: step.name, state: step.state, attempt: nil, message: "interrupted step recovered",
                    extra: ["reason": "\(step.reason ?? (step.idempotent ? "idempotent: runs again" : "-"))"])
            }
        } catch {
            logger.error("interrupted steps not recovered", metadata: ["error": "\(error)"])
        }
    }

    // MARK: - Creating runs

    private func createRunsFromVerdicts(now: Date) {
        let verdicts: [Verdict]
        do {
            verdicts = try store.latestVerdicts()
        } catch {
            logger.error("verdicts not read", metadata: ["error": "\(error)"])
            return
        }
        for verdict in verdicts {
            guard verdict.kind == .patchUpdate || verdict.findings.contains(.patchUpdate),
                let target = verdict.target,
                let project = configuration.projects.first(where: { $0.name == verdict.project }),
                !project.steps.isEmpty
            else { continue }
            do {
                let existing = try store.runs(project: project.name)
                // One run per target, and none for a target older than one already run (a
                // forced newer run, or a verdict that moved back): it would only be superseded.
                if existing.contains(where: { $0.target >= target }) { continue }
                if project.supersede == .never,
                    try store.unfinishedRuns(project: project.name).contains(where: { $0.target < target })
                {
                    continue
                }
                _ = try createRun(project, previous: verdict.linked, target: target, forced: false, now: now)
            } catch {
                logger.error(
                    "run not created",
                    metadata: ["project": "\(project.name)", "target": "\(target)", "error": "\(error)"])
            }
        }
    }

    private func handleRunRequests(_ requests: [ControlRequest], now: Date) {
        for request in requests {
            let note = forcedRun(request, now: now)
            do {
                try store.markHandled(request.id, at: now, note: note)
                logger.notice(
                    "request handled", metadata: ["request": "\(request.id)", "kind": "run", "note": "\(note)"])
            } catch {
                logger.error("request not marked handled", metadata: ["request": "\(request.id)", "error": "\(error)"])
            }
        }
    }

    /// Creates the run a `trigger --project P --version V` asked for, whatever the verdict
    /// says, and returns the note for the request.
    private func forcedRun(_ request: ControlRequest, now: Date) -> String {
        guard let name = request.project, let project = configuration.projects.first(where: { $0.name == name }) else {
            return "no run: unknown project \(request.project ?? "(none)")"
        }
        guard let version = request.version, OpenSSLVersion.parse(bare: version.description) == version else {
            return "no run: the request names no valid OpenSSL version"
        }
        guard !project.steps.isEmpty else { return "no run: project \(name) has no steps configured" }
        do {
            if let existing = try store.run(project: name, target: version) {
                return "run \(existing.id) already exists for \(name) \(version) (\(existing.state.rawValue))"
            }
            let previous =
                try store.latestVerdicts().first(where: { $0.project == name })?.linked
                ?? LinkedVersionReader.read(project.linked).version
            guard let run = try createRun(project, previous: previous, target: version, forced: true, now: now) else {
                return "no run: one already exists for \(name) \(version)"
            }
            return "run \(run.id) created for \(name) \(version)"
        } catch {
            return "no run: \(error)"
        }
    }

    /// Creates a run (nil when one exists for the pair) and applies the supersede policy to
    /// the project's older unfinished runs.
    func createRun(
        _ project: ProjectSettings, previous: OpenSSLVersion, target: OpenSSLVersion, forced: Bool, now: Date
    )
        throws -> RunRecord?
    {
        let next = nextRelease(for: project)
        // What the target fixes relative to the version it replaces: a non-empty list makes
        // the run a security release (`when: security` steps, the security announcement).
        let fixed = AdvisoryIndex(try store.advisories()).fixed(by: target, since: previous)
        guard
            let run = try store.createRun(
                project: project.name, previous: previous, target: target, nextRelease: try? next.get(),
                advisories: fixed.map(\.cve), isSecurity: !fixed.isEmpty, forced: forced,
                steps: project.steps.map(\.plan), at: now)
        else { return nil }
        var facts: Logger.Metadata = [
            "run": "\(run.id)", "project": "\(run.project)", "previous": "\(previous)", "target": "\(target)",
            "forced": "\(forced)", "next_release": "\(run.nextRelease ?? "-")",
            "advisories": "\(run.advisories.joined(separator: ","))", "security": "\(run.isSecurity)",
        ]
        if let severity = AdvisoryIndex.highestSeverity(fixed) { facts["severity"] = "\(severity.rawValue)" }
        if case .failure(let error) = next { facts["next_release_error"] = "\(error)" }
        logger.notice("run created", metadata: facts)
        for older in try store.unfinishedRuns(project: project.name)
        where older.id != run.id && older.target < target && project.supersede != .never {
            if project.supersede == .atNextGate, older.state == .active {
                try store.supersede(run: older.id, by: run.id, target: run.target, now: false, at: now)
                logger.notice(
                    "run will be superseded at its next gate",
                    metadata: ["run": "\(older.id)", "project": "\(older.project)", "by": "\(run.id)"])
            } else {
                try supersede(older, by: run, now: now)
            }
        }
        return run
    }

    private func supersede(_ run: RunRecord, by newer: RunRecord, now: Date) throws {
        try store.supersede(run: run.id, by: newer.id, target: newer.target, now: true, at: now)
        logger.notice(
            "run superseded",
            metadata: [
                "run": "\(run.id)", "project": "\(run.project)", "by": "\(newer.id)", "target": "\(newer.target)",
            ])
    }

    /// The project's next release: the patch bump of its version file, or the literal.
    func nextRelease(for project: ProjectSettings) -> Result<String, StepError> {
        if let file = project.versionFile {
            return Result { () throws(StepError) in try NextRelease.next(path: file.path, pattern: file.pattern) }
        }
        if let literal = project.nextRelease { return .success(literal) }
        return .failure(
            StepError(.invalidInput, "project \(project.name) configures neither version_file nor next_release"))
    }

    // MARK: - Driving a run

    /// Executes the run's steps in order until it stops (gate, failure, end, daemon stopping).
    func drive(_ id: Int64) async {
        do {
            while !stopping {
                guard let run = try store.run(id) else { return }
                if run.state != .active {
                    try supersedeAtGate(run)
                    return
                }
                guard let project = configuration.projects.first(where: { $0.name == run.project }) else {
                    return
                }
                let steps = try store.steps(run: id)
                guard let step = steps.first(where: { !$0.state.isSettled }) else {
                    try store.finishRun(run: id, state: .done, reason: nil, at: surroundings.now())
                    logger.notice("run done", metadata: ["run": "\(id)", "project": "\(run.project)", "state": "done"])
                    return
                }
                guard step.state == .pending else { return }
                guard let settings = project.steps.first(where: { $0.name == step.name && $0.kind == step.kind }) else {
                    try mark(
                        run, step, .needsAttention,
                        .words(
                            "step \(step.name) (\(step.kind.rawValue)) is no longer in the configuration: restore it, or skip"
                        ))
                    continue
                }
                if settings.when == .security, !run.isSecurity {
                    try mark(run, step, .skipped, .notSecurity)
                    continue
                }
                if case .approval(let message) = settings.action {
                    try mark(run, step, .waitingApproval, message.map { .words($0) })
                    continue
                }
                if settings.kind == .announce, let mail = configuration.mail {
                    guard try await announce(run, step, project, mail) else { return }
                    continue
                }
                guard try await execute(run, step, settings, project) else { return }
            }
        } catch {
            logger.error("run not advanced", metadata: ["run": "\(id)", "error": "\(error)"])
        }
    }

    /// A run that stopped at a gate while a newer run waits behind it is superseded now.
    private func supersedeAtGate(_ run: RunRecord) throws {
        guard RunMachine.supersedesAtGate(state: run.state, supersededBy: run.supersededBy),
            let newer = run.supersededBy, let newerRun = try store.run(newer)
        else { return }
        try supersede(run, by: newerRun, now: surroundings.now())
    }

    func mark(_ run: RunRecord, _ step: StepRecord, _ state: StepState, _ reason: StepReason?) throws {
        try store.markStep(run: run.id, step: step.name, state: state, because: reason, at: surroundings.now())
        logStep(
            run.id, step: step.name, state: state, attempt: nil, message: "step",
            extra: ["reason": "\(reason?.text ?? "-")"])
    }

    /// Journals `running`, performs the step, journals the outcome. Returns false when the
    /// run must not go on in this advance (the daemon is stopping).
    private func execute(_ run: RunRecord, _ step: StepRecord, _ settings: StepSettings, _ project: ProjectSettings)
        async throws -> Bool
    {
        let attempt = try store.beginStep(run: run.id, step: step.name, at: surroundings.now()) { number in
            executor.logPaths(settings, run: run.id, attempt: number)
        }
        logStep(run.id, step: step.name, state: .running, attempt: attempt.number, message: "step")
        let started = ContinuousClock.now
        var result: StepResult
        switch facts(run, project) {
        case .failure(let error):
            result = .failed(error)
        case .success(let facts):
            result = await executor.execute(settings, facts: facts, attempt: attempt.number, project: project)
        }
        let duration = String(format: "%.3fs", (ContinuousClock.now - started).seconds)
        guard let state = result.state else {
            logStep(
                run.id, step: step.name, state: .running, attempt: attempt.number, message: "step left running",
                extra: ["reason": "\(result.reason ?? "daemon stopping")", "duration": "\(duration)"])
            return false
        }
        if let sha256 = result.sha256 {
            try store.setRunFacts(run: run.id, sha256: sha256, at: surroundings.now())
        }
        try store.finishStep(
            run: run.id, step: step.name, attempt: attempt.number, state: state, reason: result.reason,
            exitCode: result.exitCode, stdoutPath: result.stdoutPath, stderrPath: result.stderrPath,
            dryRun: result.isDryRun, at: surroundings.now())
        var extra: Logger.Metadata = ["duration": "\(duration)", "reason": "\(result.reason ?? "-")"]
        if let code = result.exitCode { extra["exit_code"] = "\(code)" }
        logStep(run.id, step: step.name, state: state, attempt: attempt.number, message: "step", extra: extra)
        return true
    }

    private func facts(_ run: RunRecord, _ project: ProjectSettings) -> Result<RunFacts, StepError> {
        Result { () throws(StepError) -> RunFacts in
            try RunFacts(
                runID: run.id, project: run.project, previous: run.previous, target: run.target, sha256: run.sha256,
                nextRelease: try nextRelease(of: run, project), advisories: run.advisories,
                isSecurity: run.isSecurity)
        }
    }

    /// The run's next release: as recorded, else read now (and recorded) when it was unknown
    /// at the run's creation.
    func nextRelease(of run: RunRecord, _ project: ProjectSettings) throws(StepError) -> String {
        if let next = run.nextRelease { return next }
        let read = try nextRelease(for: project).get()
        try? store.setRunFacts(run: run.id, nextRelease: read, at: surroundings.now())
        return read
    }

    func logStep(
        _ run: Int64, step: String, state: StepState, attempt: Int?, message: Logger.Message,
        extra: Logger.Metadata = [:]
    ) {
        var metadata: Logger.Metadata = [
            "run": "\(run)", "step": "\(step)", "state": "\(state.rawValue)",
            "attempt": "\(attempt.map(String.init) ?? "-")",
        ]
        if let project = try? store.run(run)?.project { metadata["project"] = "\(project)" }
        metadata.merge(extra) { _, new in new }
        let level: Logger.Level = state == .failed || state == .needsAttention ? .warning : .notice
        logger.log(level: level, message, metadata: metadata)
    }
}

/// Runs that learn of their advisories late.
///
/// A release is confirmed by the release feeds, and its run created, as soon as both agree; the
/// advisory text naming it comes from its own feed, on its own schedule, and may arrive after.
/// So at every advance each unfinished run is compared with what its target fixes now. New CVEs
/// make it a security release (the list only grows: an advisory removed later changes nothing):
///
/// - steps skipped as "not a security release" are pending again. The runner drives the first
///   unsettled step, so they run next, even when the run waits at a later gate or later steps
///   are already done: a security step run late is better than one never run.
/// - an unsent plain announcement is withdrawn and the security variant drafted in its place
///   (another Message-ID), to be approved again. One that is out, or may be, is left alone: the
///   maintainers hear that the security advisory must be announced by hand.
extension PipelineRunner {
    /// Gives the unfinished `runs` (the list the advance then drives) the CVEs their targets
    /// are now known to fix.
    func applyLateAdvisories(to runs: [RunRecord], now: Date) {
        guard !runs.isEmpty else { return }
        let index: AdvisoryIndex
        do {
            index = AdvisoryIndex(try store.advisories())
        } catch {
            logger.error("advisories of runs not refreshed", metadata: ["error": "\(error)"])
            return
        }
        for run in runs {
            let fixed = index.fixed(by: run.target, since: run.previous)
            guard fixed.contains(where: { !run.advisories.contains($0.cve) }) else { continue }
            do {
                guard let update = try store.addAdvisories(run: run.id, cves: fixed.map(\.cve), at: now) else {
                    continue
                }
                report(update, fixed: fixed, wasSecurity: run.isSecurity, now: now)
            } catch {
                logger.error(
                    "run advisories not updated",
                    metadata: ["run": "\(run.id)", "project": "\(run.project)", "error": "\(error)"])
            }
        }
    }

    private func report(_ update: Store.AdvisoryUpdate, fixed: [Advisory], wasSecurity: Bool, now: Date) {
        let run = update.run
        let addedCVEs = update.added.joined(separator: ",")
        let base: Logger.Metadata = ["run": "\(run.id)", "project": "\(run.project)", "target": "\(run.target)"]
        func facts(_ extra: Logger.Metadata) -> Logger.Metadata { base.merging(extra) { _, new in new } }
        logger.notice(
            wasSecurity ? "run learnt of more advisories" : "run is a security release: advisory learnt after it began",
            metadata: facts([
                "added": "\(addedCVEs)", "advisories": "\(run.advisories.joined(separator: ","))",
                "severity": "\(AdvisoryIndex.highestSeverity(fixed)?.rawValue ?? "-")",
                "reopened": "\(update.reopened.joined(separator: ","))",
            ]))
        for draft in update.withdrawn {
            logger.notice(
                "draft withdrawn: the security announcement is drafted instead and needs approval",
                metadata: facts(["draft": "\(draft)"]))
        }
        for draft in update.staleDrafts {
            logger.warning(
                "drafted security announcement names fewer CVEs than the run: cancel it, or add them by hand",
                metadata: facts(["draft": "\(draft)", "added": "\(addedCVEs)"]))
        }
        guard !update.alreadyAnnounced.isEmpty else { return }
        logger.warning(
            "plain announcement already out: announce the security advisory by hand",
            metadata: facts(["steps": "\(update.alreadyAnnounced.joined(separator: ","))", "added": "\(addedCVEs)"]))
        guard let mail = configuration.mail else { return }
        let added = fixed.filter { update.added.contains($0.cve) }
        let notice = Notice.lateAdvisory(run: run, advisories: added, nextRelease: run.nextRelease)
        let displayName =
            configuration.projects.first(where: { $0.name == run.project })?.announce?.displayName ?? run.project
        do {
            _ = try Announcer(
                mail: mail, store: store, maildir: maildir, logger: logger, dryRun: isDryRun(run.project)
            ).draftNotice(notice, displayName: displayName, now: now)
        } catch {
            logger.error("notice not drafted", metadata: ["key": "\(notice.key)", "error": "\(error)"])
        }
    }
}

/// The downstream release a run produces: the patch bump of the project's current version,
/// read from the project's own file (pyproject.toml) so no one has to type it.
///
/// Release numbers here are strictly digits separated by dots; anything else (a `rc1`
/// suffix, spaces, shell text) is refused, because the value becomes an environment
/// variable and a branch or tag name downstream.
public enum NextRelease {
    /// Version files are small; anything bigger is not one.
    static let maxFileBytes = 1 << 20

    /// `46.0.1` -> `46.0.2`; `1.2` -> `1.3`. The last component is incremented.
    public static func patchBump(of current: String) throws(StepError) -> String {
        let valid = try validate(current)
        var parts = valid.split(separator: ".").map(String.init)
        guard let last = parts.last, let number = Int(last), number < Int.max else {
            throw StepError(.invalidInput, "release \(current.debugDescription) cannot be bumped")
        }
        parts[parts.count - 1] = String(number + 1)
        return parts.joined(separator: ".")
    }

    /// Reads the project's current release from `path` with `pattern`, a Swift regex whose
    /// named group `version` captures it (`^version = "(?<version>[^"]+)"$` for
    /// pyproject.toml). `^` and `$` match at line ends. Every match must agree.
    public static func readCurrent(path: String, pattern: String) throws(StepError) -> String {
        let regex = try Regex.pattern(pattern, group: "version") { StepError(.badPattern, "version \($0)") }
        let text = try PipelineFiles.readText(path, kind: "version file", maxBytes: maxFileBytes)
        let found = text.matches(of: regex).compactMap { $0.output["version"]?.substring.map(String.init) }
        guard let first = found.first else {
            throw StepError(.badPattern, "version file \(path): pattern \(pattern) matches nothing")
        }
        guard found.allSatisfy({ $0 == first }) else {
            throw StepError(.badPattern, "version file \(path): pattern \(pattern) matches different versions")
        }
        do {
            return try validate(first)
        } catch {
            throw StepError(.invalidInput, "version file \(path): \(error.message)")
        }
    }

    public static func next(path: String, pattern: String) throws(StepError) -> String {
        try patchBump(of: readCurrent(path: path, pattern: pattern))
    }

    /// Returns `text` if it is digits separated by single dots (at most 8 parts), else throws.
    public static func validate(_ text: String) throws(StepError) -> String {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let ok =
            (1...8).contains(parts.count)
            && parts.allSatisfy { part in
                (1...9).contains(part.utf8.count) && part.utf8.allSatisfy(RunFacts.isDigit)
            }
        guard ok else {
            throw StepError(.invalidInput, "release \(text.debugDescription) is not digits separated by dots")
        }
        return text
    }
}
