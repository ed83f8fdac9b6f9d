public import Foundation
public import Logging
public import OSSLWatchCore
public import OSSLWatchStore

/// Turns a run (or a verdict's notice) into a draft: the message rendered from the templates,
/// written to the outbox and the Maildir, with a review copy when `mail.review` is set.
///
/// Drafting is idempotent by key: the same run and step, or the same notice key, always
/// finds the row drafted first, so neither a crash nor a repeated advance makes a second draft.
public struct Announcer: Sendable {
    public var mail: MailSettings
    public var store: Store
    public var maildir: Maildir
    public var logger: Logger
    /// `--dry-run` or the project's `dry_run`: drafts are written but nothing is approved for
    /// sending without a human (review copies are withheld, notices wait), each saying why.
    public var dryRun: Bool = false

    public static func key(run: Int64, step: String) -> String { "run:\(run):\(step)" }

    /// The run's announcement, drafted now unless it exists. A new draft waits for approval
    /// (its step goes to waiting-approval with it) and, with `mail.review`, its review copy is
    /// approved for sending at once (in a dry run it is recorded cancelled, never sent).
    public func draftAnnouncement(
        run: RunRecord, step: String, project: ProjectSettings, nextRelease: String, now: Date
    ) throws(OutboxError) -> OutboxRecord {
        let key = Self.key(run: run.id, step: step)
        if let existing = try existing(key) { return existing }
        let kind: MessageKind = run.isSecurity ? .securityAnnouncement : .announcement
        let settings = project.announce ?? AnnounceSettings()
        var bullets: [String] = []
        if let file = settings.changelogFile {
            do {
                bullets = try ChangelogExcerpt.read(file: file, version: nextRelease).bullets
            } catch {
                // A dry run's changelog command only printed, so the section may be missing: the
                // draft is still written, without bullets, to be reviewed.
                guard dryRun else { throw OutboxError(.render, "changelog: \(error)") }
                logger.warning(
                    "dry run: announcement drafted without changelog bullets",
                    metadata: ["run": "\(run.id)", "project": "\(project.name)", "error": "\(error)"])
            }
        }
        let advisories = try storeCall { () throws(StoreError) in try store.advisories(ids: run.advisories) }
        let context = AnnouncementContext.release(
            project: project.name, displayName: settings.displayName ?? project.name, nextRelease: nextRelease,
            previous: run.previous, target: run.target, date: now, changelogPage: settings.changelogURL ?? "",
            packageURL: settings.packageURL ?? "", signature: mail.signature, changelogBullets: bullets,
            advisories: advisories)
        var to = settings.to ?? mail.to
        if kind == .securityAnnouncement { to += mail.securityTo.filter { !to.contains($0) } }
        let cc = settings.cc ?? mail.cc
        let messageID = MailMessage.messageID(run: run.id, kind: kind, domain: mail.domain)
        let drafted = try render(
            kind: kind, project: project.name, context: context, to: to, cc: cc, messageID: messageID, date: now)
        let name = Self.fileName(now)
        let message = OutboxDraft(
            key: key, kind: kind.rawValue, project: project.name, runID: run.id, step: step,
            messageID: Self.bare(messageID), subject: drafted.subject, maildirFile: name,
            envelopeFrom: envelopeFrom, recipients: try Self.envelope(to + cc), message: drafted.bytes,
            state: .drafted, reason: dryRun ? Store.dryRunReason : nil)
        var review: OutboxDraft?
        if let reviewer = mail.review {
            review = message
            review?.key = key + ":review"
            review?.role = .review
            review?.recipients = try Self.envelope([reviewer])
            review?.state = dryRun ? .cancelled : .approved
        }
        return try record(message, review: review, now: now)
    }

    /// A notice to the maintainers, drafted unless its key exists; approved at once unless
    /// `mail.notices.approval` asks for a human or this is a dry run (then it waits, drafted,
    /// saying "dry run: not sent"). Returns nil when there are no maintainers.
    public func draftNotice(_ notice: Notice, displayName: String, now: Date) throws(OutboxError) -> OutboxRecord? {
        guard !mail.maintainers.isEmpty else { return nil }
        if let existing = try existing(notice.key) { return existing }
        var context = notice.context
        context.displayName = displayName
        context.signature = mail.signature
        let messageID = "<osslwatch.\(notice.idPart)@\(mail.domain.lowercased())>"
        let drafted = try render(
            kind: .notice, project: notice.project, context: context, to: mail.maintainers, cc: [],
            messageID: messageID, date: now)
        let draft = OutboxDraft(
            key: notice.key, kind: MessageKind.notice.rawValue, project: notice.project,
            messageID: Self.bare(messageID), subject: drafted.subject, maildirFile: Self.fileName(now),
            envelopeFrom: envelopeFrom, recipients: try Self.envelope(mail.maintainers), message: drafted.bytes,
            state: mail.noticesNeedApproval || dryRun ? .drafted : .approved, reason: dryRun ? Store.dryRunReason : nil)
        return try record(draft, review: nil, now: now)
    }

    /// Writes the row's bytes to the Maildir again when its file is gone from `new/` and `cur/`
    /// (a crash between the row and the file); a file a client moved is left alone. Only a
    /// message not yet sent or settled is restored: a crash leaves it drafted or approved, and a
    /// settled one's file the reader deleted stays deleted (notices are planned every advance).
    public func ensureDraftFile(_ record: OutboxRecord) throws(OutboxError) {
        guard [.drafted, .approved, .retryWait].contains(record.state) else { return }
        guard maildir.find(record.maildirFile) == nil else { return }
        guard let bytes = try storeCall({ () throws(StoreError) in try store.outboxMessage(record.id) }) else { return }
        try maildir.deliver(bytes, name: record.maildirFile)
    }

    // MARK: - Internals

    /// The row drafted earlier under `key`, its Maildir file restored if a crash lost it.
    private func existing(_ key: String) throws(OutboxError) -> OutboxRecord? {
        let found = try storeCall { () throws(StoreError) in try store.outbox(key: key) }
        if let found { try ensureDraftFile(found) }
        return found
    }

    private var envelopeFrom: String {
        mail.smtp.envelopeFrom ?? ((try? MailAddress(parsing: mail.from).addrSpec) ?? mail.from)
    }

    private func render(
        kind: MessageKind, project: String, context: AnnouncementContext, to: [String], cc: [String],
        messageID: String, date: Date
    ) throws(OutboxError) -> (subject: String, bytes: [UInt8]) {
        do {
            let text = try TemplateSet(directory: mail.templates).render(kind: kind, project: project, context: context)
            let message = try MailMessage(
                from: MailAddress(parsing: mail.from),
                to: to.map { text throws(MailError) in try MailAddress(parsing: text) },
                cc: cc.map { text throws(MailError) in try MailAddress(parsing: text) }, subject: text.subject,
                date: date, messageID: messageID, body: text.body)
            return (text.subject, message.rfc5322())
        } catch {
            throw OutboxError(.render, "\(kind.rawValue) for \(project) not drafted: \(error)")
        }
    }

    /// Records the row first (so a crash leaves a row whose file `ensureDraftFile` restores,
    /// never a file without a row), then delivers the file.
    private func record(_ draft: OutboxDraft, review: OutboxDraft?, now: Date) throws(OutboxError)
        -> OutboxRecord
    {
        let (record, created) = try storeCall { () throws(StoreError) in
            try store.createDraft(draft, review: review, at: now)
        }
        if created {
            try maildir.deliver(draft.message, name: record.maildirFile)
            var metadata = record.logMetadata
            metadata["file"] = "\(maildir.find(record.maildirFile) ?? "-")"
            metadata["review_copy"] = "\(review != nil)"
            logger.notice("draft written", metadata: metadata)
        } else {
            try ensureDraftFile(record)
        }
        return record
    }

    private static func fileName(_ date: Date) -> String {
        Maildir.uniqueName(date: date, sequence: Int64(UInt32.random(in: 0...UInt32.max)))
    }

    static func bare(_ messageID: String) -> String {
        messageID.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
    }

    /// The envelope recipients: each address's addr-spec, once.
    static func envelope(_ addresses: [String]) throws(OutboxError) -> [String] {
        var seen: [String] = []
        for text in addresses {
            let spec: String
            do {
                spec = try MailAddress(parsing: text).addrSpec
            } catch {
                throw OutboxError(.invalidInput, "\(error)")
            }
            if !seen.contains(spec) { seen.append(spec) }
        }
        return seen
    }

    private func storeCall<T>(_ body: () throws(StoreError) -> T) throws(OutboxError) -> T {
        do {
            return try body()
        } catch {
            throw OutboxError(.store, "\(error)")
        }
    }
}

/// Why a message could not be drafted or handed to the sender: one line naming the file,
/// template or credential at fault.
public typealias OutboxError = OneLineError<OutboxErrorCode>

/// The codes of `OutboxError`, for the callers that branch on them.
public enum OutboxErrorCode: String, Sendable, Hashable {
    /// The Maildir could not be created or written.
    case io
    /// The template or the message could not be rendered (the `MailError` says where).
    case render
    /// A run fact or a configured address is unusable for a message.
    case invalidInput = "invalid-input"
    /// The SMTP password could not be read.
    case credential
    /// The store refused or failed.
    case store
}
