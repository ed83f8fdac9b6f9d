import CCurl

/// One libcurl easy handle set up the way every transfer of osslwatch needs it, HTTP and SMTP
/// alike, so the two cannot drift apart on the parts that keep a transfer safe: no signals,
/// the peer's certificate and host name always verified (against the configured CA file when
/// one is given), a connect timeout, libcurl's reason kept in an error buffer, and the header
/// and progress callbacks that reach the owner while `perform` runs.
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

    /// Hands every header line (HTTP) or server reply line (SMTP) to `header`, and lets
    /// `progress` abort the transfer by returning non-zero; both get `context`, the owner.
    func observe(context: UnsafeMutableRawPointer, header: osw_data_callback, progress: osw_xferinfo_callback) {
        _ = osw_easy_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, header)
        _ = osw_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
        _ = osw_easy_setopt_xferinfo(handle, progress)
        _ = osw_easy_setopt_pointer(handle, CURLOPT_XFERINFODATA, context)
        _ = osw_easy_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(list)
        errorBuffer.deallocate()
    }

    /// libcurl's own words on why the last transfer failed ("" when it did not say).
    var errorMessage: String { String(cString: errorBuffer) }

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
