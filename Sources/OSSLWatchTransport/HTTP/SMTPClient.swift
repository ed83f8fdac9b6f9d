import CCurl
import Foundation
import OSSLWatchCore

/// Delivers one message per call over SMTP through libcurl, with the safety rules of the
/// design: TLS always (STARTTLS required on `smtp://`, implicit on `smtps://`; plain text only
/// to loopback and only when the settings say so), certificate verification always on, AUTH
/// with the configured user, every recipient accepted or nothing sent, connect and total
/// timeouts.
///
/// Each transaction runs on its own dedicated `Thread` (named `SMTPClient.threadName`),
/// because `curl_easy_perform` blocks and must never occupy a thread of Swift's small
/// cooperative pool. Cancelling the calling task aborts the transaction within about a second.
///
/// The password is held only to hand it to libcurl; it is never logged, never part of an
/// error, and the AUTH exchange is not captured.
public final class SMTPClient: Sendable, CustomStringConvertible {
    /// The name of the thread every transaction runs on.
    public static let threadName = "osslwatch-smtp"

    public let settings: SMTPSettings
    private let password: String?

    /// `password` is the AUTH password for `settings.user` (read by the caller from the
    /// credential file); nil when no AUTH is configured.
    public init(settings: SMTPSettings, password: String?) {
        self.settings = settings
        self.password = password
        _ = CurlEasy.globalInit
    }

    public var description: String { "SMTPClient(\(settings.url), user: \(settings.user ?? "none"))" }

    /// Sends `message` (RFC 5322 bytes with CRLF line ends, ending in CRLF) to `recipients`
    /// with `envelopeFrom` as the envelope sender, and returns the server's final reply to
    /// DATA. Every input is validated first (`.invalidInput`, nothing is sent); any recipient
    /// the server refuses fails the whole transaction before DATA.
    public func send(
        envelopeFrom: String,
        recipients: [String],
        message: [UInt8]
    ) async throws(SMTPError) -> SMTPReply {
        let endpoint = try settings.endpoint()
        let envelope = try SMTPEnvelope(from: envelopeFrom, recipients: recipients, message: message)
        if settings.user != nil {
            guard let password, SMTPEnvelope.isClean(password) else {
                throw SMTPError(.invalidInput, "the SMTP password is missing or contains control characters")
            }
        }
        if Task.isCancelled {
            throw SMTPError(.cancelled, "cancelled before connecting")
        }
        let settings = settings
        let password = password
        let result = await DedicatedThread.run(name: Self.threadName) { cancellation in
            Self.transaction(
                endpoint: endpoint,
                settings: settings,
                password: password,
                envelope: envelope,
                message: message,
                cancellation: cancellation
            )
        }
        return try result.get()
    }

    /// Runs on the dedicated thread.
    private static func transaction(
        endpoint: SMTPSettings.Endpoint,
        settings: SMTPSettings,
        password: String?,
        envelope: SMTPEnvelope,
        message: [UInt8],
        cancellation: CancellationFlag
    ) -> Result<SMTPReply, SMTPError> {
        let deadline = ContinuousClock.now + .milliseconds(Int64((settings.timeout * 1000).rounded(.up)))
        guard
            let transfer = SMTPTransfer(
                endpoint: endpoint,
                settings: settings,
                password: password,
                envelope: envelope,
                message: message,
                cancellation: cancellation,
                deadline: deadline
            )
        else {
            return .failure(SMTPError(.transfer, "libcurl could not create a handle"))
        }
        return result(of: transfer.perform(), host: endpoint.host, settings: settings)
    }

    /// Maps libcurl's result and the server's replies to the reply or an error.
    static func result(of outcome: SMTPTransfer.Outcome, host: String, settings: SMTPSettings) -> Result<
        SMTPReply, SMTPError
    > {
        // A 2xx after the end of the message means the server took responsibility for it.
        if let final = outcome.finalReply, (200..<300).contains(final.code) {
            return .success(final)
        }
        if outcome.code == CURLE_OK {
            return .success(outcome.finalReply ?? SMTPReply(code: outcome.responseCode, text: ""))
        }
        let unknown = outcome.uploadFinished && outcome.finalReply == nil
        let detail = CurlEasy.reason(outcome.code, message: outcome.curlMessage)
        let reply = outcome.finalReply ?? outcome.explainingReply
        let server = reply.map { " (server: \($0.code) \($0.text.replacingOccurrences(of: "\n", with: " / ")))" } ?? ""
        let suffix = unknown ? "; the server may already hold the message" : ""
        func failure(_ code: SMTPError.Code, _ text: String, withReply: Bool = true) -> Result<SMTPReply, SMTPError> {
            .failure(
                SMTPError(
                    code,
                    "\(host): \(text)\(withReply ? server : "")\(suffix)",
                    replyCode: withReply ? reply?.code : nil,
                    serverText: withReply ? reply?.text : nil,
                    mayHaveBeenDelivered: unknown
                )
            )
        }
        switch outcome.code {
        case CURLE_ABORTED_BY_CALLBACK where outcome.deadlinePassed:
            return failure(.timeout, "timed out after \(settings.timeout) s", withReply: false)
        case CURLE_ABORTED_BY_CALLBACK:
            return failure(.cancelled, "cancelled", withReply: false)
        case CURLE_USE_SSL_FAILED:
            return failure(.tlsRequired, "the server does not offer STARTTLS, which is required")
        case CURLE_LOGIN_DENIED:
            return failure(.auth, "authentication as \(settings.user ?? "(no user)") failed: \(detail)")
        case let code where CurlEasy.tlsFailures.contains(code):
            return failure(.tls, "TLS failed: \(detail)", withReply: false)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            return failure(.connect, "cannot connect: \(detail)", withReply: false)
        case CURLE_OPERATION_TIMEDOUT:
            return failure(.timeout, "timed out: \(detail)", withReply: false)
        default:
            break
        }
        if let reply, (400..<500).contains(reply.code) {
            return failure(.temporary, "temporary failure: \(detail)")
        }
        if let reply, (500..<600).contains(reply.code) {
            return failure(.permanent, "refused: \(detail)")
        }
        return failure(.transfer, "SMTP failed: \(detail)")
    }
}
