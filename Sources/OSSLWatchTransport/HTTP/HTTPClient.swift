import CCurl
import Foundation
import OSSLWatchCore

/// Fetches feeds and tarballs over libcurl with the safety rules of the design: https only
/// (http only to loopback when configured), TLS verification always on, every redirect hop
/// re-checked, bounded bodies, connect and total timeouts.
///
/// Each transfer gets its own easy handle on its own dedicated `Thread`, because
/// `curl_easy_perform` blocks and must never occupy a thread of Swift's small cooperative
/// pool. Redirects are followed by this class, not by libcurl, so the scheme/host rule and
/// the GitHub-token rule are applied to every hop before any byte is sent to it.
/// Proxies: libcurl's default handling of `http_proxy`, `https_proxy` and `no_proxy`
/// (and their upper-case forms) stays on.
public final class HTTPClient: Sendable {
    public let configuration: HTTPClientConfiguration
    /// Called on the caller's side each time a transfer ends, however it ended: the daemon's
    /// watchdog is fed by this progress of the work itself, transfer by transfer, so a round of
    /// many bounded transfers never looks stalled and one stuck transfer always does.
    public let transferEnded: @Sendable () -> Void

    public init(configuration: HTTPClientConfiguration, transferEnded: @escaping @Sendable () -> Void = {}) {
        self.configuration = configuration
        self.transferEnded = transferEnded
        _ = CurlEasy.globalInit
    }

    /// The same client, calling `hook` at the end of every transfer.
    public func reportingTransfers(to hook: @escaping @Sendable () -> Void) -> HTTPClient {
        HTTPClient(configuration: configuration, transferEnded: hook)
    }

    /// Fetches `request.url`, sending its validators. Returns 2xx responses with their body
    /// and 304 with an empty one; every other outcome throws, with `status` and
    /// `retryAfter` set when the server answered.
    public func get(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        let headers = [
            request.etag.map { "If-None-Match: \($0)" },
            request.lastModified.map { "If-Modified-Since: \($0)" },
            request.accept.map { "Accept: \($0)" },
        ].compactMap { $0 }.filter(Self.isSafeHeaderLine)
        let configuration = configuration
        let cap = configuration.maxBodyBytes
        let result = await DedicatedThread.run(name: "osslwatch-http") { cancellation in
            Self.transfer(
                url: request.url,
                configuration: configuration,
                headers: headers,
                cap: cap,
                sink: nil,
                cancellation: cancellation
            )
        }
        transferEnded()
        return try result.get()
    }

    /// Streams the body of `url` into `sink` chunk by chunk (for tarballs), never holding it
    /// in memory. `maxBytes` replaces the configured body cap for this transfer. The
    /// returned response has an empty body. The sink runs on the transfer thread; if it
    /// throws, the transfer stops with `.sinkFailed`.
    public func download(
        url: String,
        maxBytes: Int,
        into sink: @escaping @Sendable (UnsafeRawBufferPointer) throws -> Void
    ) async throws(HTTPError) -> HTTPResponse {
        let configuration = configuration
        let result = await DedicatedThread.run(name: "osslwatch-http") { cancellation in
            Self.transfer(
                url: url,
                configuration: configuration,
                headers: [],
                cap: maxBytes,
                sink: sink,
                cancellation: cancellation
            )
        }
        transferEnded()
        return try result.get()
    }

    /// A header value with a line break would smuggle extra headers; such values are dropped.
    private static func isSafeHeaderLine(_ line: String) -> Bool {
        !line.unicodeScalars.contains { $0 == "\r" || $0 == "\n" || $0 == "\0" }
    }

    /// The redirect loop; runs on the dedicated thread.
    private static func transfer(
        url original: String,
        configuration: HTTPClientConfiguration,
        headers: [String],
        cap: Int,
        sink: (@Sendable (UnsafeRawBufferPointer) throws -> Void)?,
        cancellation: CancellationFlag
    ) -> Result<HTTPResponse, HTTPError> {
        var url = original
        var redirects = 0
        // The total timeout bounds the whole fetch, redirects included, not each hop.
        let deadline = ContinuousClock.now + .milliseconds(Int64(configuration.totalTimeout * 1000))
        while true {
            guard let target = HTTPURL(url) else {
                return .failure(HTTPError(.invalidURL, url: "<unparsable URL>", "the URL does not parse"))
            }
            if let reason = target.refusal(allowHTTPLoopback: configuration.allowHTTPLoopback) {
                let message = redirects == 0 ? "refused: the URL \(reason)" : "refused redirect: the target \(reason)"
                return .failure(HTTPError(.refusedURL, url: target.redacted, message))
            }
            if cancellation.isCancelled {
                return .failure(HTTPError(.cancelled, url: target.redacted, "cancelled"))
            }
            var hopHeaders = headers
            if let token = configuration.githubToken, GitHubToken.shouldSendToken(to: url) {
                let line = "Authorization: Bearer \(token)"
                if isSafeHeaderLine(line) { hopHeaders.append(line) }
            }
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else {
                return .failure(
                    HTTPError(.timedOut, url: target.redacted, "timed out after \(configuration.totalTimeout) s"))
            }
            var hopConfiguration = configuration
            let seconds = remaining.seconds
            hopConfiguration.totalTimeout = seconds
            hopConfiguration.connectTimeout = min(configuration.connectTimeout, seconds)
            guard
                let hop = CurlHop(
                    url: url,
                    configuration: hopConfiguration,
                    requestHeaders: hopHeaders,
                    cap: cap,
                    sink: sink,
                    cancellation: cancellation
                )
            else {
                return .failure(HTTPError(.transferFailed, url: target.redacted, "libcurl could not create a handle"))
            }
            let outcome = hop.perform()
            if let failure = failure(of: outcome, url: target.redacted, cap: cap) {
                return .failure(failure)
            }
            let status = outcome.status
            if [301, 302, 303, 307, 308].contains(status), let next = outcome.redirectURL {
                redirects += 1
                if redirects > configuration.maxRedirects {
                    return .failure(
                        HTTPError(
                            .tooManyRedirects,
                            url: HTTPURL(original)?.redacted ?? target.redacted,
                            "more than \(configuration.maxRedirects) redirects",
                            status: status
                        )
                    )
                }
                url = next
                continue
            }
            if (200..<300).contains(status) || status == 304 {
                return .success(
                    HTTPResponse(
                        status: status,
                        body: status == 304 ? Data() : outcome.body,
                        headers: outcome.headers,
                        effectiveURL: HTTPURL(outcome.effectiveURL)?.redacted ?? target.redacted,
                        serverHold: RetryAfter.rateLimitReset(
                            headers: outcome.headers, now: Date(), limit: configuration.maxServerHold)
                    )
                )
            }
            let hold = RetryAfter.hold(
                status: status, headers: outcome.headers, now: Date(), limit: configuration.maxServerHold)
            var message = "the server answered HTTP \(status)"
            if let hold {
                message += "; retry after \(hold.until.formatted(.iso8601))"
                if hold.wasClamped { message += " (it asked for \(hold.header), clamped)" }
            }
            return .failure(HTTPError(.httpStatus, url: target.redacted, message, status: status, hold: hold))
        }
    }

    /// Maps a failed libcurl result to an error; nil when the transfer completed.
    private static func failure(of outcome: CurlHop.Outcome, url: String, cap: Int) -> HTTPError? {
        let code = outcome.code
        if code == CURLE_OK { return nil }
        let detail = outcome.curlMessage.isEmpty ? String(cString: curl_easy_strerror(code)) : outcome.curlMessage
        let status = outcome.status == 0 ? nil : outcome.status
        switch code {
        case CURLE_FILESIZE_EXCEEDED:
            return HTTPError(.bodyTooLarge, url: url, "the body is larger than the \(cap)-byte cap", status: status)
        case CURLE_WRITE_ERROR where outcome.capExceeded:
            return HTTPError(.bodyTooLarge, url: url, "the body exceeded the \(cap)-byte cap", status: status)
        case CURLE_WRITE_ERROR where outcome.sinkError != nil:
            let reason = outcome.sinkError.map { String(describing: $0) } ?? "unknown"
            return HTTPError(.sinkFailed, url: url, "storing the body failed: \(reason)", status: status)
        case CURLE_ABORTED_BY_CALLBACK:
            return HTTPError(.cancelled, url: url, "cancelled")
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return HTTPError(.resolveFailed, url: url, "cannot resolve the host: \(detail)")
        case CURLE_COULDNT_CONNECT:
            return HTTPError(.connectFailed, url: url, "cannot connect: \(detail)")
        case CURLE_OPERATION_TIMEDOUT:
            return HTTPError(.timedOut, url: url, "timed out: \(detail)", status: status)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_CERTPROBLEM:
            return HTTPError(.tlsFailed, url: url, "TLS failed: \(detail)")
        case CURLE_UNSUPPORTED_PROTOCOL:
            return HTTPError(.refusedURL, url: url, "refused: \(detail)")
        default:
            return HTTPError(.transferFailed, url: url, "transfer failed: \(detail)", status: status)
        }
    }
}

/// Where the optional GitHub token may go: the REST API host over https, nothing else.
public enum GitHubToken {
    /// True only for `https://api.github.com` on the default port. Checked on every
    /// redirect hop, so a redirect to another host never carries the token.
    public static func shouldSendToken(to url: String) -> Bool {
        guard let parsed = HTTPURL(url) else { return false }
        return parsed.scheme == "https" && parsed.host == "api.github.com" && (parsed.port ?? 443) == 443
    }
}
