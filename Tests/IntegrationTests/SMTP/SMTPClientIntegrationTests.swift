import Foundation
import OSSLWatch
import OSSLWatchCore
import OSSLWatchTestSupport
import OSSLWatchTransport
import Testing

/// The real `SMTPClient` against the real aiosmtpd server that `scripts/test-services start`
/// runs (STARTTLS + AUTH, smtps + AUTH, a server without STARTTLS). Every test uses its own
/// recipient addresses (a UUID in the local part), so tests may run in parallel and find
/// their own messages in the shared mailbox.
@Suite struct SMTPClientIntegrationTests {
    let services: TestServices

    init() throws {
        services = try TestServices.load()
    }

    func client(
        url: String? = nil,
        requireSTARTTLS: Bool = true,
        user: String?? = .none,
        password: String?? = .none,
        caFile: String?? = .none,
        timeout: Double = 30
    ) -> SMTPClient {
        SMTPClient(
            settings: SMTPSettings(
                url: url ?? services.smtpStartTLSURL,
                requireSTARTTLS: requireSTARTTLS,
                user: user ?? services.smtpUser,
                caFile: caFile ?? services.caFile,
                connectTimeout: 5,
                timeout: timeout
            ),
            password: password ?? services.smtpPassword
        )
    }

    /// A fresh address whose local part starts with `prefix` (which steers the server).
    func address(_ prefix: String = "rcpt") -> String {
        "\(prefix)-\(UUID().uuidString.lowercased())@example.org"
    }

    /// A small valid RFC 5322 message: CRLF, a quoted-printable UTF-8 body, and unless
    /// `dotLines` is false, lines that start with a dot (libcurl dot-stuffs them, the server
    /// must undo it). Real announcements usually have none, which takes libcurl's other way
    /// of ending the upload.
    func message(to recipient: String, subject: String = "osslwatch SMTP test", dotLines: Bool = true) -> [UInt8] {
        let dotted =
            dotLines ? [".a line that starts with a dot", "..and one with two"] : ["no line starts with a dot"]
        let lines =
            [
                "From: osslwatch <osslwatch@example.org>",
                "To: \(recipient)",
                "Subject: \(subject)",
                "Date: Wed, 25 Nov 2026 01:00:00 +0000",
                "Message-ID: <\(UUID().uuidString.lowercased())@osslwatch.example.org>",
                "MIME-Version: 1.0",
                "Content-Type: text/plain; charset=utf-8",
                "Content-Transfer-Encoding: quoted-printable",
                "",
                "Hello from the SMTP integration test. Caf=C3=A9.",
            ] + dotted + ["", "-- ", "osslwatch"]
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// The SMTPError `operation` throws, or nil (recorded as an issue) when it succeeds.
    func failure(
        _ operation: () async throws -> SMTPReply,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async -> SMTPError? {
        do {
            let reply = try await operation()
            Issue.record("expected an SMTPError, got \(reply)", sourceLocation: sourceLocation)
        } catch let error as SMTPError {
            return error
        } catch {
            Issue.record("expected an SMTPError, got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    @Test("STARTTLS + AUTH: the server stores exactly the bytes sent, for every recipient, and they parse strictly")
    func startTLSDelivery() async throws {
        let first = address()
        let second = address()
        let sent = message(to: first)
        let reply = try await client().send(
            envelopeFrom: "bounces@example.org",
            recipients: [first, second],
            message: sent
        )
        #expect(reply.code == 250)
        #expect(reply.text.contains("queued as"))

        let stored = services.smtpMessages(to: first)
        try #require(stored.count == 1)
        let mail = stored[0]
        #expect(mail.bytes == sent)
        #expect(mail.recipients == [first, second])
        #expect(mail.mailFrom == "bounces@example.org")
        #expect(mail.listener == "starttls")
        #expect(mail.authUser == services.smtpUser)
        #expect(services.smtpMessages(to: second).map(\.number) == [mail.number])

        let parsed = try await StrictEmail.parse(path: mail.path)
        #expect(parsed.header("Subject") == "osslwatch SMTP test")
        #expect(parsed.header("To") == first)
        #expect(parsed.body.contains("Café."))
        #expect(parsed.body.contains("\n.a line that starts with a dot\n..and one with two\n"))
    }

    @Test("smtps (implicit TLS) + AUTH delivers")
    func smtpsDelivery() async throws {
        let recipient = address()
        let sent = message(to: recipient)
        let reply = try await client(url: services.smtpsURL).send(
            envelopeFrom: "bounces@example.org",
            recipients: [recipient],
            message: sent
        )
        #expect(reply.code == 250)
        let stored = services.smtpMessages(to: recipient)
        #expect(stored.map(\.bytes) == [sent])
        #expect(stored.first?.listener == "smtps")
        #expect(stored.first?.authUser == services.smtpUser)
    }

    @Test("a server that does not offer STARTTLS is refused and receives nothing")
    func noStartTLSRefused() async throws {
        let recipient = address()
        let error = await failure {
            try await client(url: services.smtpNoStartTLSURL).send(
                envelopeFrom: "bounces@example.org",
                recipients: [recipient],
                message: message(to: recipient)
            )
        }
        #expect(error?.code == .tlsRequired)
        #expect(error?.isTemporary == false)
        #expect(error?.mayHaveBeenDelivered == false)
        #expect(services.smtpMessages(to: recipient).isEmpty)
    }

    @Test("plain text is allowed only when the settings say so and the host is loopback")
    func plainTextOnlyToLoopback() async throws {
        let recipient = address()
        let sent = message(to: recipient)
        let reply = try await client(url: services.smtpNoStartTLSURL, requireSTARTTLS: false, user: .some(nil))
            .send(envelopeFrom: "bounces@example.org", recipients: [recipient], message: sent)
        #expect(reply.code == 250)
        #expect(services.smtpMessages(to: recipient).map(\.bytes) == [sent])

        let remote = await failure {
            try await client(url: "smtp://192.0.2.1:25", requireSTARTTLS: false, user: .some(nil)).send(
                envelopeFrom: "bounces@example.org",
                recipients: [recipient],
                message: sent
            )
        }
        #expect(remote?.code == .tlsRequired)
        #expect(remote?.message.contains("loopback") == true)
    }

    @Test("a certificate from another CA fails TLS verification")
    func otherCARefused() async throws {
        let recipient = address()
        let otherCA = try #require(services.values["OTHER_CA_FILE"])
        let error = await failure {
            try await client(caFile: .some(otherCA)).send(
                envelopeFrom: "bounces@example.org",
                recipients: [recipient],
                message: message(to: recipient)
            )
        }
        #expect(error?.code == .tls)
        #expect(services.smtpMessages(to: recipient).isEmpty)
    }

    @Test("a wrong password fails with .auth and the server's 535, and nothing is stored")
    func wrongPassword() async throws {
        let recipient = address()
        let password = "not-the-password-\(UUID().uuidString)"
        let error = await failure {
            try await client(password: .some(password)).send(
                envelopeFrom: "bounces@example.org",
                recipients: [recipient],
                message: message(to: recipient)
            )
        }
        #expect(error?.code == .auth)
        #expect(error?.replyCode == 535)
        #expect(error?.isTemporary == false)
        #expect(error.map { !"\($0)".contains(password) && !$0.message.contains(services.smtpPassword) } == true)
        #expect(services.smtpMessages(to: recipient).isEmpty)
    }

    @Test("a 451 is .temporary with the server's text; the next attempt delivers exactly one message")
    func temporaryThenDelivered() async throws {
        let recipient = address("tempfail")
        let sent = message(to: recipient)
        let client = client()
        let error = await failure {
            try await client.send(envelopeFrom: "bounces@example.org", recipients: [recipient], message: sent)
        }
        #expect(error?.code == .temporary)
        #expect(error?.isTemporary == true)
        #expect(error?.replyCode == 451)
        #expect(error?.serverText?.contains("try again later") == true)
        #expect(error?.message.contains("try again later") == true)
        #expect(services.smtpMessages(to: recipient).isEmpty)

        let reply = try await client.send(envelopeFrom: "bounces@example.org", recipients: [recipient], message: sent)
        #expect(reply.code == 250)
        #expect(services.smtpMessages(to: recipient).map(\.bytes) == [sent])
    }

    @Test("a 550 is .permanent with the server's text, and no recipient of the transaction gets the message")
    func permanentRefusal() async throws {
        let good = address()
        let rejected = address("reject")
        let error = await failure {
            try await client().send(
                envelopeFrom: "bounces@example.org",
                recipients: [good, rejected],
                message: message(to: good)
            )
        }
        #expect(error?.code == .permanent)
        #expect(error?.isTemporary == false)
        #expect(error?.replyCode == 550)
        #expect(error?.serverText?.contains("rejects this recipient") == true)
        #expect(error?.message.contains("rejects this recipient") == true)
        #expect(services.smtpMessages(to: good).isEmpty)
    }

    @Test(
        "invalid settings, envelope or message are refused before connecting",
        arguments: [
            ("bounces@example.org\r\nRCPT TO:<x@example.org>", ["ok@example.org"], "plain"),
            ("<bounces@example.org>", ["ok@example.org"], "plain"),
            ("bounces@example.org", ["ok@example.org> NOTIFY=NEVER"], "plain"),
            ("bounces@example.org", ["a@b@example.org\0"], "plain"),
            ("bounces@example.org", [], "plain"),
            ("bounces@example.org", ["ok@example.org"], "bare-lf"),
            ("bounces@example.org", ["ok@example.org"], "no-final-crlf"),
            ("bounces@example.org", ["ok@example.org"], "long-line"),
            ("bounces@example.org", ["ok@example.org"], "empty"),
        ]
    )
    func invalidInputRefused(from: String, recipients: [String], body: String) async throws {
        let messages: [String: [UInt8]] = [
            "plain": Array("Subject: x\r\n\r\nbody\r\n".utf8),
            "bare-lf": Array("Subject: x\n\nbody\n".utf8),
            "no-final-crlf": Array("Subject: x\r\n\r\nbody".utf8),
            "long-line": Array("Subject: x\r\n\r\n\(String(repeating: "a", count: 999))\r\n".utf8),
            "empty": [],
        ]
        // The dead port: had the client connected, the error would be .connect.
        let client = client(url: "smtp://127.0.0.1:\(services.deadPort)")
        let error = await failure {
            try await client.send(envelopeFrom: from, recipients: recipients, message: messages[body] ?? [])
        }
        #expect(error?.code == .invalidInput)
        #expect(error?.isTemporary == false)
    }

    @Test(
        "unusable settings are refused before connecting",
        arguments: [
            "http://127.0.0.1:25", "smtp://user:secret@127.0.0.1:25", "smtp://127.0.0.1:25/?x=1", "smtp://",
            "smtp://127.0.0.1:25/bad host", "smtp://127.0.0.1:25\r\n",
        ]
    )
    func invalidSettingsRefused(url: String) async throws {
        let error = await failure {
            try await client(url: url).send(
                envelopeFrom: "bounces@example.org",
                recipients: ["ok@example.org"],
                message: Array("Subject: x\r\n\r\nbody\r\n".utf8)
            )
        }
        #expect(error?.code == .invalidInput)
        let noPassword = await failure {
            try await client(password: .some(nil)).send(
                envelopeFrom: "bounces@example.org",
                recipients: ["ok@example.org"],
                message: Array("Subject: x\r\n\r\nbody\r\n".utf8)
            )
        }
        #expect(noPassword?.code == .invalidInput)
    }

    @Test("a server that accepts the connection but never greets times out as a temporary failure")
    func stalledServerTimesOut() async throws {
        let error = await failure {
            try await client(url: "smtp://127.0.0.1:\(services.stallPort)", timeout: 2).send(
                envelopeFrom: "bounces@example.org",
                recipients: ["ok@example.org"],
                message: Array("Subject: x\r\n\r\nbody\r\n".utf8)
            )
        }
        #expect(error?.code == .timeout)
        #expect(error?.mayHaveBeenDelivered == false)
        #expect(error?.isTemporary == true)
        // No bound on the elapsed time: under the full suite the 2-thread pool can take tens of
        // seconds to resume this task, and `.timeout` already says the client's deadline fired.
    }

    @Test("no reply after the message times out as 'may have been delivered', which is not retried")
    func heldReplyTimesOut() async throws {
        let recipient = address("hold")
        let started = ContinuousClock.now
        let error = await failure {
            try await client(timeout: 3).send(
                envelopeFrom: "bounces@example.org",
                recipients: [recipient],
                message: message(to: recipient)
            )
        }
        #expect(error?.code == .timeout)
        #expect(error?.mayHaveBeenDelivered == true)
        #expect(error?.isTemporary == false)
        // The server answers a held message after 60 s: a `.timeout` at all means the client gave
        // up first. The elapsed bound only catches a timeout that never fired (the suite's busy
        // 2-thread pool can delay resuming this task by tens of seconds, so no tighter bound).
        #expect(ContinuousClock.now - started < .seconds(58))
        #expect(services.smtpMessages(to: recipient).count == 1)
    }

    @Test("the transaction runs on its own named thread, not the cooperative pool, and cancelling aborts it")
    func dedicatedThreadAndCancellation() async throws {
        let recipient = address("hold")
        let client = client(timeout: 120)
        let message = message(to: recipient)
        let task = Task { () async throws(SMTPError) -> SMTPReply in
            try await client.send(envelopeFrom: "bounces@example.org", recipients: [recipient], message: message)
        }
        // The server holds its final reply for 60 s after storing the message: the transfer
        // is then blocked in libcurl, on the thread that must not belong to the pool.
        _ = await Wait.until(timeout: .seconds(60), every: .milliseconds(50)) {
            !services.smtpMessages(to: recipient).isEmpty
        }
        try #require(services.smtpMessages(to: recipient).count == 1)
        #expect(Self.threadNames().contains(SMTPClient.threadName))

        task.cancel()
        let error = await failure { try await task.value }
        #expect(error?.code == .cancelled)
        #expect(error?.mayHaveBeenDelivered == true)
        #expect(error?.isTemporary == false)
        // Had cancelling not aborted the transfer, the server's 250 after its 60 s hold would
        // have made it succeed; the error itself is the proof, not a stopwatch.
    }

    /// How a transaction loses the server's final reply after the whole message went over.
    enum LostReply: String, CaseIterable, Sendable {
        /// The server holds its reply (hold-*) past the client's total timeout.
        case timeout
        /// The server cuts the connection after storing the message (drop-*).
        case dropped
        /// The calling task is cancelled while the server holds its reply (hold-*).
        case cancelled
    }

    @Test(
        "a message whose reply never comes after its last byte went over is 'may have been delivered', not retried",
        arguments: LostReply.allCases, [true, false]
    )
    func lostFinalReplyIsNeverRetried(lost: LostReply, dotLines: Bool) async throws {
        let recipient = address(lost == .dropped ? "drop" : "hold")
        let client = client(timeout: lost == .timeout ? 3 : 120)
        let message = message(to: recipient, dotLines: dotLines)
        let task = Task { () async throws(SMTPError) -> SMTPReply in
            try await client.send(envelopeFrom: "bounces@example.org", recipients: [recipient], message: message)
        }
        if lost == .cancelled {
            let stored = await Wait.until(timeout: .seconds(60), every: .milliseconds(50)) {
                !services.smtpMessages(to: recipient).isEmpty
            }
            try #require(stored, "the server never stored the message")
            task.cancel()
        }
        let error = await failure { try await task.value }
        #expect(error?.code == [.timeout: .timeout, .dropped: .transfer, .cancelled: .cancelled][lost])
        #expect(error?.mayHaveBeenDelivered == true, "\(String(describing: error))")
        #expect(error?.isTemporary == false)
        #expect(error?.message.contains("the server may already hold the message") == true)
        if let error {
            let outcome = OutboxSender.outcome(
                of: error, attempts: 1, retry: MailSettings.Retry(initial: 1, maximum: 2, attempts: 4), now: Date())
            #expect(outcome == .unknown(text: error.message))
        }
        #expect(services.smtpMessages(to: recipient).map(\.bytes) == [message])
    }

    /// The names (`comm`) of this process's threads.
    static func threadNames() -> [String] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.compactMap { task in
            (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}
