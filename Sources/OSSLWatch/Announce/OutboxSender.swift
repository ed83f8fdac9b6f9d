public import Foundation
public import Logging
public import OSSLWatchCore
public import OSSLWatchStore
public import OSSLWatchTransport

/// Delivers outbox rows over SMTP, at most once each.
///
/// The row is committed `sending` before the SMTP transaction starts and leaves that state
/// only with the transaction's outcome: `sent` with the server's reply; `retry-wait` after a
/// temporary failure that cannot have delivered it (4xx, no connection), until
/// `mail.retry.attempts` tries are used; `failed` with the server's text after a permanent
/// one; `needs-attention` when the message was handed over and the reply never came.
/// A process that dies in between leaves `sending`, which `Store.recoverSending` turns into
/// needs-attention: never a second send without a human.
public struct OutboxSender: Sendable {
    public var mail: MailSettings
    public var store: Store
    public var logger: Logger
    /// The clock the row's times come from, and the environment the SMTP password's
    /// credential is looked up in (`CREDENTIALS_DIRECTORY`).
    public var surroundings: Surroundings
    /// `--dry-run` or the row's project's `dry_run`: no SMTP connection is ever opened; a due
    /// row stays as it is, its reason saying "dry run: not sent".
    public var dryRun: Bool = false

    /// The SMTP login a send needs, read before anything about the send is recorded.
    public struct Login: Sendable {
        /// The password from the `password_file` credential; nil when the config names none.
        public let password: String?
    }

    /// Reads the SMTP password for sending `record`; nil (and an error logged) when it is
    /// configured but unreadable: nothing may be sent, and nothing is recorded, so the next
    /// advance tries again without leaving a trace per try.
    public func login(for record: OutboxRecord) -> Login? {
        guard !dryRun else { return Login(password: nil) }
        do {
            return Login(
                password: try mail.smtp.passwordFile.map { name in
                    try CredentialFile.read(name: name, environment: surroundings.environment)
                })
        } catch {
            logger.error(
                "message not sent: SMTP password unreadable", metadata: ["draft": "\(record.id)", "error": "\(error)"])
            return nil
        }
    }

    /// Sends one due row and returns it as recorded afterwards (in a dry run, returns it unsent;
    /// when the password is unreadable, returns it unchanged).
    public func send(_ record: OutboxRecord) async throws(StoreError) -> OutboxRecord {
        guard let login = login(for: record) else { return record }
        return try await send(record, login: login)
    }

    /// Sends one due row with a login read by `login(for:)`.
    public func send(_ record: OutboxRecord, login: Login) async throws(StoreError) -> OutboxRecord {
        if dryRun {
            let (held, changed) = try store.holdForDryRun(record.id, at: surroundings.now())
            if changed {
                logger.notice("message not sent: dry run", metadata: held.logMetadata)
            }
            return held
        }
        let sending = try store.beginSending(record.id, at: surroundings.now())
        guard let bytes = try store.outboxMessage(record.id) else {
            return try store.finishSending(
                record.id, .failed(code: nil, text: "the message bytes are gone"), at: surroundings.now())
        }
        let settings = SMTPSettings(
            url: mail.smtp.url, requireSTARTTLS: mail.smtp.requireSTARTTLS, user: mail.smtp.user,
            caFile: mail.smtp.caFile, connectTimeout: mail.smtp.connectTimeout, timeout: mail.smtp.timeout)
        let started = ContinuousClock.now
        let outcome: Store.SendOutcome
        do {
            let reply = try await SMTPClient(settings: settings, password: login.password).send(
                envelopeFrom: sending.envelopeFrom, recipients: sending.recipients, message: bytes)
            outcome = .sent(code: reply.code, text: reply.text)
        } catch {
            outcome = Self.outcome(of: error, attempts: sending.attempts, retry: mail.retry, now: surroundings.now())
        }
        let finished = try store.finishSending(record.id, outcome, at: surroundings.now())
        var metadata = finished.logMetadata
        metadata["attempt"] = "\(finished.attempts)"
        metadata["recipients"] = "\(finished.recipients.count)"
        metadata["reply"] = "\(finished.replyText ?? "-")"
        metadata["duration"] = "\(String(format: "%.3fs", (ContinuousClock.now - started).seconds))"
        if let code = finished.replyCode { metadata["code"] = "\(code)" }
        if let next = finished.nextAttempt, finished.state == .retryWait { metadata["next_attempt"] = "\(next)" }
        let level: Logger.Level = finished.state == .sent || finished.state == .retryWait ? .notice : .warning
        logger.log(level: level, "message \(finished.state.rawValue)", metadata: metadata)
        return finished
    }

    /// What an SMTP failure means for the row: a retry while one may help and tries remain,
    /// needs-attention when the server may hold the message, failed otherwise.
    public static func outcome(of error: SMTPError, attempts: Int, retry: MailSettings.Retry, now: Date)
        -> Store.SendOutcome
    {
        // The server's own words when it refused the message; otherwise what went wrong (a TLS
        // refusal's last reply is the server's greeting, which explains nothing).
        var text = error.message
        if error.code == .temporary || error.code == .permanent, let server = error.serverText {
            text = error.replyCode.map { "\($0) \(server)" } ?? server
        }
        if error.mayHaveBeenDelivered { return .unknown(text: error.message) }
        if error.code == .cancelled { return .retry(code: nil, text: "stopped with the daemon", next: now) }
        guard error.isTemporary else { return .failed(code: error.replyCode, text: text) }
        guard attempts < retry.attempts else {
            return .failed(code: error.replyCode, text: "gave up after \(attempts) tries: \(text)")
        }
        return .retry(code: error.replyCode, text: text, next: retry.nextAttempt(after: attempts, now: now))
    }
}

extension OutboxRecord {
    /// What every log line about the message names: its id, kind, role, project, run, state and
    /// Message-ID.
    var logMetadata: Logger.Metadata {
        var metadata: Logger.Metadata = [
            "draft": "\(id)", "kind": "\(kind)", "role": "\(role.rawValue)", "project": "\(project)",
            "state": "\(state.rawValue)", "message_id": "<\(messageID)>",
        ]
        if let runID { metadata["run"] = "\(runID)" }
        return metadata
    }
}
