import Foundation
import Logging
import OSSLWatchCore
import OSSLWatchStore

/// The announce step and the outbox, as the runner drives them.
///
/// The announce step is journaled like every other step: `beginStep` before the sender,
/// `finishStep` after it with what became of the message. The outbox row is the mail's own
/// journal for sending it at most once: drafting is idempotent (one row per run and step), the
/// step waits while the row is drafted, and the row is `sending` during the SMTP transaction.
/// Only the runner sends, inside an advance, so a row found `sending` before an advance was
/// interrupted.
extension PipelineRunner {
    /// The drafts folder of this configuration's state directory.
    var maildir: Maildir { Maildir(stateDirectory: configuration.stateDirectory) }

    private func sender(_ mail: MailSettings, project: String) -> OutboxSender {
        OutboxSender(
            mail: mail, store: store, logger: logger, surroundings: surroundings,
            dryRun: isDryRun(project))
    }

    /// Turns every row left `sending` into needs-attention (with its announce step).
    func recoverOutbox(now: Date) {
        do {
            for record in try store.recoverSending(at: now) {
                logger.warning(
                    "message interrupted while sending: not sent again without a human", metadata: record.logMetadata)
            }
        } catch {
            logger.error("outbox not recovered", metadata: ["error": "\(error)"])
        }
    }

    /// Moves a pending announce step: drafts its message (the step then waits for approval),
    /// sends it once approved, and mirrors the row's outcome. Returns false when the run
    /// cannot move in this advance (a retry not yet due, a send that could not start).
    /// In a dry run the approved draft is not sent: the row is cancelled ("dry run: not
    /// sent") and the step done, as a dry-run command step is.
    func announce(_ run: RunRecord, _ step: StepRecord, _ project: ProjectSettings, _ mail: MailSettings)
        async throws -> Bool
    {
        let key = Announcer.key(run: run.id, step: step.name)
        guard let record = try store.outbox(key: key) else {
            try draft(run, step, project, mail)
            return true
        }
        let due = record.state == .approved || record.state == .retryWait
        switch record.state {
        case _ where due && isDryRun(run.project):
            let withheld = try store.finishDryRun(record.id, at: surroundings.now())
            logStep(
                run.id, step: step.name, state: .done, attempt: nil, message: "step",
                extra: ["draft": "\(withheld.id)", "reason": "\(withheld.reason ?? "-")"])
            return true
        case .approved, .retryWait:
            guard OutboxMachine(record).isDue(at: surroundings.now()) else { return false }
            let sender = sender(mail, project: run.project)
            // Read the login first: a send that cannot start records no attempt.
            guard let login = sender.login(for: record) else { return false }
            let attempt = try store.beginStep(run: run.id, step: step.name, at: surroundings.now())
            let after = try await sender.send(record, login: login)
            let result = OutboxMachine(after).attemptResult(attemptsBefore: record.attempts)
            try store.finishStep(
                run: run.id, step: step.name, attempt: attempt.number, state: result.state, reason: result.reason,
                outcome: result.attempt?.outcome, at: surroundings.now())
            return after.state != record.state
        default:
            let state = try store.syncAnnounceStep(record, at: surroundings.now())
            if let state { logStep(run.id, step: step.name, state: state, attempt: nil, message: "step") }
            return state != nil
        }
    }

    private func draft(_ run: RunRecord, _ step: StepRecord, _ project: ProjectSettings, _ mail: MailSettings) throws {
        let announcer = Announcer(
            mail: mail, store: store, maildir: maildir, logger: logger, dryRun: isDryRun(project.name))
        let record: OutboxRecord
        do {
            record = try announcer.draftAnnouncement(
                run: run, step: step.name, project: project, nextRelease: try nextRelease(of: run, project),
                now: surroundings.now())
        } catch let error as OutboxError {
            try mark(run, step, .failed, .words(error.message))
            return
        } catch let error as StepError {
            try mark(run, step, .failed, .words(error.message))
            return
        }
        logStep(
            run.id, step: step.name, state: .waitingApproval, attempt: nil, message: "step",
            extra: ["draft": "\(record.id)", "subject": "\(record.subject)"])
    }

    /// After the runs: drafts the notices the verdicts call for, restores draft files a crash
    /// lost, and sends what is due that no run step sends (notices, review copies).
    func deliverOutbox(now: Date) async {
        guard let mail = configuration.mail else { return }
        let announcer = Announcer(mail: mail, store: store, maildir: maildir, logger: logger)
        if !mail.maintainers.isEmpty {
            do {
                for verdict in try store.latestVerdicts() {
                    guard let project = configuration.projects.first(where: { $0.name == verdict.project }) else {
                        continue
                    }
                    var noticer = announcer
                    noticer.dryRun = isDryRun(project.name)
                    for notice in Notice.plan(for: verdict, advisories: configuration.advisories) {
                        do {
                            _ = try noticer.draftNotice(
                                notice, displayName: project.announce?.displayName ?? project.name, now: now)
                        } catch {
                            logger.error("notice not drafted", metadata: ["key": "\(notice.key)", "error": "\(error)"])
                        }
                    }
                }
            } catch {
                logger.error("verdicts not read for notices", metadata: ["error": "\(error)"])
            }
        }
        do {
            for id in try store.cancelDraftsOfClosedRuns(at: now) {
                logger.notice("draft withdrawn: its run ended without it", metadata: ["draft": "\(id)"])
            }
            for record in try store.outboxRecords(state: .drafted) {
                try? announcer.ensureDraftFile(record)
            }
            for record in try store.dueOutbox(now: surroundings.now())
            where record.runID == nil || record.role == .review {
                guard !stopping else { return }
                _ = try await sender(mail, project: record.project).send(record)
            }
        } catch {
            logger.error("outbox not delivered", metadata: ["error": "\(error)"])
        }
    }
}
