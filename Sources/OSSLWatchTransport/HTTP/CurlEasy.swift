import CCurl

/// One libcurl easy handle set up the way every transfer of osslwatch needs it, HTTP and SMTP
/// alike, so the two cannot drift apart on the parts that keep a transfer safe: no signals,
/// the peer's certificate and host name always verified (against the configured CA file when
/// one is given), a connect timeout, libcurl's reason kept in an error buffer, and the header
/// and progress callbacks that reach the owner (a `CurlObserver`) while `perform` runs.
///
/// A class because it owns the handle, the error buffer and the one string list the handle
/// points to (request headers, or recipients); `deinit` frees the list after the handle.
final class CurlEasy {
    /// libcurl needs one process-wide initialisation before any handle exists; a static `let`
    /// runs it exactly once, thread-safely. `HTTPClient` and `SMTPClient` touch it when created.
    static let globalInit: Int32 = Int32(curl_global_init(Int(CURL_GLOBAL_DEFAULT)).rawValue)

    let handle: UnsafeMutableRawPointer
    /// The string list given at creation, for the option that takes it.
    private(set) var list: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// Returns nil only when libcurl cannot allocate a handle.
    init?(
        list lines: [String],
        caFile: String?,
        connectTimeout: Double
    ) {
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        for line in lines {
            list = curl_slist_append(list, line)
        }
        _ = osw_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = osw_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1)
        _ = osw_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile {
            _ = osw_easy_setopt_string(handle, CURLOPT_CAINFO, caFile)
        }
        _ = osw_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(connectTimeout))
        _ = osw_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
    }

    /// Set by `observe`; unowned because the observer owns this handle and outlives it.
    private unowned(unsafe) var observer: (any CurlObserver)?

    /// Hands every header line (HTTP) or server reply line (SMTP) to `observer`, and asks it
    /// whether to abort as the transfer progresses.
    func observe(_ observer: some CurlObserver) {
        self.observer = observer
        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = osw_easy_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, curlEasyHeader)
        _ = osw_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
        _ = osw_easy_setopt_xferinfo(handle, curlEasyProgress)
        _ = osw_easy_setopt_pointer(handle, CURLOPT_XFERINFODATA, context)
        _ = osw_easy_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
    }

    fileprivate func receiveHeaderLine(_ line: String) {
        observer?.receiveHeaderLine(line)
    }

    fileprivate func shouldAbort() -> Bool {
        observer?.shouldAbort() ?? false
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(list)
        errorBuffer.deallocate()
    }

    /// libcurl's own words on why the last transfer failed ("" when it did not say).
    var errorMessage: String { String(cString: errorBuffer) }

    /// Why a transfer that ended with `code` failed, for an error message: libcurl's own words
    /// from the error buffer (`message`) when it left any, else the code's generic text.
    static func reason(_ code: CURLcode, message: String) -> String {
        message.isEmpty ? String(cString: curl_easy_strerror(code)) : message
    }

    /// The results that mean the TLS handshake or the peer's certificate failed; HTTP and SMTP
    /// report them alike.
    static let tlsFailures = [
        CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM,
    ]

    /// CURLINFO_RESPONSE_CODE: the last HTTP status or SMTP reply code libcurl saw.
    var responseCode: Int {
        var code = 0
        _ = osw_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    /// Seconds as libcurl's millisecond options take them: at least 1 (0 would mean no limit),
    /// at most what a C long of 32 bits holds.
    static func milliseconds(_ seconds: Double) -> Int {
        guard seconds.isFinite, seconds > 0 else { return 1 }
        return Int(min(seconds * 1000, Double(Int32.max)).rounded(.up))
    }
}

private func curlEasyHeader(
    _ buffer: UnsafeMutablePointer<CChar>?,
    _ size: Int,
    _ count: Int,
    _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let context, let buffer else { return 0 }
    let easy = Unmanaged<CurlEasy>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    easy.receiveHeaderLine(String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self))
    return length
}

private func curlEasyProgress(
    _ context: UnsafeMutableRawPointer?,
    _ downloadTotal: curl_off_t,
    _ downloadNow: curl_off_t,
    _ uploadTotal: curl_off_t,
    _ uploadNow: curl_off_t
) -> Int32 {
    guard let context else { return 0 }
    let easy = Unmanaged<CurlEasy>.fromOpaque(context).takeUnretainedValue()
    return easy.shouldAbort() ? 1 : 0
}

/// What the owner of a `CurlEasy` hears while `perform` runs, on the transfer's thread.
///
/// A protocol so the C callbacks that turn libcurl's header and progress calls into these
/// are written once, in `CurlEasy`, for HTTP and SMTP alike.
protocol CurlObserver: AnyObject {
    /// One header line (HTTP) or server reply line (SMTP), line ending included.
    func receiveHeaderLine(_ line: String)

    /// Asked about once a second and on every progress; true aborts the transfer.
    func shouldAbort() -> Bool
}
