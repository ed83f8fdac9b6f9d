import CCurl
import Foundation
import OSSLWatchCore

/// One SMTP transaction on its own libcurl easy handle, run synchronously on the calling
/// (dedicated, non-cooperative) thread: connect, STARTTLS or implicit TLS, AUTH, MAIL FROM,
/// RCPT TO for every recipient (none may fail), DATA with the message.
///
/// A class because libcurl's callbacks reach it through an unretained pointer while `perform`
/// runs; the handle, with the setup SMTP and HTTP share, is a `CurlEasy`.
final class SMTPTransfer: CurlObserver {
    /// What a finished transaction produced.
    struct Outcome {
        var code: CURLcode
        var curlMessage: String
        /// CURLINFO_RESPONSE_CODE: the last reply code libcurl saw.
        var responseCode: Int
        /// The reply that explains a failure: the first 4xx/5xx, else the last reply (AUTH
        /// challenges excluded).
        var explainingReply: SMTPReply?
        /// The server's reply after the end of the message, if it came.
        var finalReply: SMTPReply?
        /// The message's last byte was handed to libcurl, so the server may hold the whole
        /// message (libcurl adds the end-of-data marker itself).
        var uploadFinished: Bool
        var deadlinePassed: Bool
    }

    private let easy: CurlEasy
    private let message: [UInt8]
    private let cancellation: CancellationFlag
    private let deadline: ContinuousClock.Instant

    private var offset = 0
    private var uploadFinished = false
    private var parser = SMTPReplyParser()
    private var finalReply: SMTPReply?
    private var repliesBeforeEnd = 0
    private var deadlinePassed = false
    private var socket = curl_socket_t(-1)

    /// Returns nil only when libcurl cannot allocate a handle.
    init?(
        endpoint: SMTPSettings.Endpoint,
        settings: SMTPSettings,
        password: String?,
        envelope: SMTPEnvelope,
        message: [UInt8],
        cancellation: CancellationFlag,
        deadline: ContinuousClock.Instant
    ) {
        guard
            let easy = CurlEasy(
                list: envelope.recipients.map { "<\($0)>" },
                caFile: settings.caFile,
                connectTimeout: settings.connectTimeout)
        else { return nil }
        self.easy = easy
        self.message = message
        self.cancellation = cancellation
        self.deadline = deadline
        configure(endpoint: endpoint, settings: settings, password: password, envelope: envelope)
    }

    private func configure(
        endpoint: SMTPSettings.Endpoint,
        settings: SMTPSettings,
        password: String?,
        envelope: SMTPEnvelope
    ) {
        let handle = easy.handle
        _ = osw_easy_setopt_string(handle, CURLOPT_URL, endpoint.url)
        _ = osw_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, endpoint.implicitTLS ? "smtps" : "smtp")
        // Mail goes straight to the configured server, never through an http(s)/all proxy
        // taken from the environment.
        _ = osw_easy_setopt_string(handle, CURLOPT_PROXY, "")
        let plainAllowed = !endpoint.implicitTLS && !settings.requireSTARTTLS && endpoint.isLoopback
        let useSSL = plainAllowed ? CURLUSESSL_TRY : CURLUSESSL_ALL
        _ = osw_easy_setopt_long(handle, CURLOPT_USE_SSL, Int(useSSL.rawValue))
        // The deadline is enforced by the progress callback, which also cuts the connection;
        // libcurl's own limits sit a little later and only back it up.
        let backstop = settings.timeout + Self.backstopSeconds
        _ = osw_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, CurlEasy.milliseconds(backstop))
        _ = osw_easy_setopt_long(handle, CURLOPT_SERVER_RESPONSE_TIMEOUT, Int(backstop.rounded(.up)))
        if let user = settings.user {
            _ = osw_easy_setopt_string(handle, CURLOPT_USERNAME, user)
            _ = osw_easy_setopt_string(handle, CURLOPT_PASSWORD, password ?? "")
        }
        _ = osw_easy_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(envelope.from)>")
        _ = osw_easy_setopt_slist(handle, CURLOPT_MAIL_RCPT, easy.list)
        _ = osw_easy_setopt_mail_rcpt_allowfails(handle, 0)
        _ = osw_easy_setopt_long(handle, CURLOPT_UPLOAD, 1)
        _ = osw_easy_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.count))

        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = osw_easy_setopt_data_callback(handle, CURLOPT_READFUNCTION, smtpTransferRead)
        _ = osw_easy_setopt_pointer(handle, CURLOPT_READDATA, context)
        // libcurl hands every server reply line to the header callback; the AUTH exchange
        // the client sends never passes here.
        easy.observe(self)
        _ = osw_easy_setopt_sockopt(handle, smtpTransferSocket)
        _ = osw_easy_setopt_pointer(handle, CURLOPT_SOCKOPTDATA, context)
    }

    /// How much later than the deadline libcurl's own timeouts fire.
    private static let backstopSeconds = 5.0

    /// Runs the blocking transaction. Call once, on a thread that may block.
    func perform() -> Outcome {
        let code = curl_easy_perform(easy.handle)
        return Outcome(
            code: code,
            curlMessage: easy.errorMessage,
            responseCode: easy.responseCode,
            explainingReply: parser.firstFailure ?? parser.last,
            finalReply: finalReply,
            uploadFinished: uploadFinished,
            deadlinePassed: deadlinePassed
        )
    }

    /// Copies the next part of the message into libcurl's buffer; 0 ends the upload.
    ///
    /// The message counts as handed over as soon as its last byte is copied, not when libcurl
    /// asks for more and gets 0: knowing the size (CURLOPT_INFILESIZE_LARGE), libcurl ends the
    /// upload without that last call when it sent exactly as many bytes as the size says,
    /// which is every message without a line starting with "." (dot-stuffing adds bytes).
    fileprivate func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let count = min(capacity, message.count - offset)
        if count > 0 {
            message.withUnsafeBytes { bytes in
                UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + offset, byteCount: count)
            }
            offset += count
        }
        if offset == message.count, !uploadFinished {
            uploadFinished = true
            repliesBeforeEnd = parser.replies.count
        }
        return max(count, 0)
    }

    func receiveHeaderLine(_ line: String) {
        parser.feed(line)
        if uploadFinished, finalReply == nil, parser.replies.count > repliesBeforeEnd {
            finalReply = parser.replies[repliesBeforeEnd]
        }
    }

    /// True aborts the transfer: the task was cancelled, or the total time is up (libcurl's
    /// own timeout does not bound every wait of the SMTP state machine).
    ///
    /// Aborting also shuts the socket down: libcurl still says QUIT on the way out and would
    /// wait for the answer, which a server that is slow to reply (the reason for giving up)
    /// would delay just as long.
    func shouldAbort() -> Bool {
        if ContinuousClock.now >= deadline {
            deadlinePassed = true
        }
        guard cancellation.isCancelled || deadlinePassed else { return false }
        // Only the progress callback, inside perform, calls this: the socket is still open.
        if socket >= 0 {
            _ = shutdown(socket, Int32(SHUT_RDWR))
        }
        return true
    }

    /// The connection's socket, so an abort can cut it (CURLINFO_ACTIVESOCKET is not set
    /// until the first transfer on a connection completes).
    fileprivate func opened(socket: curl_socket_t) {
        self.socket = socket
    }
}

private func smtpTransferRead(
    _ buffer: UnsafeMutablePointer<CChar>?,
    _ size: Int,
    _ count: Int,
    _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let context, let buffer else { return Int(CURL_READFUNC_ABORT) }
    let transfer = Unmanaged<SMTPTransfer>.fromOpaque(context).takeUnretainedValue()
    return transfer.read(into: buffer, capacity: size * count)
}

private func smtpTransferSocket(
    _ context: UnsafeMutableRawPointer?,
    _ socket: curl_socket_t,
    _ purpose: curlsocktype
) -> Int32 {
    if let context {
        Unmanaged<SMTPTransfer>.fromOpaque(context).takeUnretainedValue().opened(socket: socket)
    }
    return Int32(CURL_SOCKOPT_OK)
}
