import CCurl
import Foundation
import OSSLWatchCore

/// One request/response exchange on its own libcurl easy handle, run synchronously on the
/// calling (dedicated, non-cooperative) thread. Redirects are not followed here:
/// `HTTPClient` checks every hop before asking for it.
///
/// A class because libcurl's callbacks reach it through an unretained pointer while `perform`
/// runs; the handle, with the setup HTTP and SMTP share, is a `CurlEasy`.
final class CurlHop: CurlObserver {
    /// What a finished hop produced; `code` is libcurl's result.
    struct Outcome {
        var code: CURLcode
        var curlMessage: String
        var status: Int
        var headers: [String: String]
        var body: Data
        var redirectURL: String?
        var effectiveURL: String
        var capExceeded: Bool
        var sinkError: (any Error)?
    }

    /// What every request says it comes from.
    static let userAgent = "osslwatch/\(OSSLWatchVersion.current)"

    private let easy: CurlEasy
    private let cap: Int
    private let sink: (@Sendable (UnsafeRawBufferPointer) throws -> Void)?
    private let cancellation: CancellationFlag

    private var status = 0
    private var headers: [String: String] = [:]
    private var body = Data()
    private var received = 0
    private var capExceeded = false
    private var sinkError: (any Error)?

    /// Returns nil only when libcurl cannot allocate a handle.
    init?(
        url: String,
        settings: HTTPSettings,
        requestHeaders: [String],
        cap: Int,
        sink: (@Sendable (UnsafeRawBufferPointer) throws -> Void)?,
        cancellation: CancellationFlag
    ) {
        guard
            let easy = CurlEasy(
                list: requestHeaders, caFile: settings.caFile, connectTimeout: settings.connectTimeout)
        else { return nil }
        self.easy = easy
        self.cap = cap
        self.sink = sink
        self.cancellation = cancellation
        configure(url: url, settings: settings)
    }

    private func configure(url: String, settings: HTTPSettings) {
        let handle = easy.handle
        let protocols = settings.allowHTTPLoopback ? "http,https" : "https"
        _ = osw_easy_setopt_string(handle, CURLOPT_URL, url)
        _ = osw_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, protocols)
        _ = osw_easy_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, protocols)
        _ = osw_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        _ = osw_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, CurlEasy.milliseconds(settings.timeout))
        _ = osw_easy_setopt_string(handle, CURLOPT_USERAGENT, Self.userAgent)
        _ = osw_easy_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")
        _ = osw_easy_setopt_off(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(cap))
        _ = osw_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, easy.list)

        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = osw_easy_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, curlHopWrite)
        _ = osw_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        easy.observe(self)
    }

    /// Runs the blocking transfer. Call once, on a thread that may block.
    func perform() -> Outcome {
        let code = curl_easy_perform(easy.handle)
        var redirect: UnsafeMutablePointer<CChar>?
        _ = osw_easy_getinfo_string(easy.handle, CURLINFO_REDIRECT_URL, &redirect)
        var effective: UnsafeMutablePointer<CChar>?
        _ = osw_easy_getinfo_string(easy.handle, CURLINFO_EFFECTIVE_URL, &effective)
        let responseCode = easy.responseCode
        return Outcome(
            code: code,
            curlMessage: easy.errorMessage,
            status: status != 0 ? status : responseCode,
            headers: headers,
            body: body,
            redirectURL: redirect.map { String(cString: $0) },
            effectiveURL: effective.map { String(cString: $0) } ?? "",
            capExceeded: capExceeded,
            sinkError: sinkError
        )
    }

    /// Body bytes, already decoded by libcurl. Only a 2xx body is kept (or streamed);
    /// redirect and error bodies are counted against the cap and dropped.
    fileprivate func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        received += bytes.count
        if received > cap {
            capExceeded = true
            return false
        }
        guard (200..<300).contains(status) else { return true }
        if let sink {
            do {
                try sink(bytes)
            } catch {
                sinkError = error
                return false
            }
        } else {
            body.append(contentsOf: bytes)
        }
        return true
    }

    /// One header line. A status line starts a new response (a proxy's CONNECT answer or
    /// a 100 Continue comes first), so it resets what was collected.
    func receiveHeaderLine(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return }
        if trimmed.hasPrefix("HTTP/") {
            let fields = trimmed.split(separator: " ", maxSplits: 2)
            status = fields.count >= 2 ? Int(fields[1]) ?? 0 : 0
            headers = [:]
            received = 0
            return
        }
        guard let colon = trimmed.firstIndex(of: ":") else { return }
        let name = trimmed[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        headers[name] = value
    }

    /// True once the calling task is cancelled.
    func shouldAbort() -> Bool { cancellation.isCancelled }
}

private func curlHopWrite(
    _ buffer: UnsafeMutablePointer<CChar>?,
    _ size: Int,
    _ count: Int,
    _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let context else { return 0 }
    let hop = Unmanaged<CurlHop>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    guard length > 0 else { return 0 }
    let accepted = hop.receive(UnsafeRawBufferPointer(start: buffer, count: length))
    return accepted ? length : 0
}
