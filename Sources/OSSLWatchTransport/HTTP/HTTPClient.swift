import CCurl
public import Foundation
public import OSSLWatchCore

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
    /// The `http` settings every transfer obeys. Their defaults are the safe ones, and there is
    /// no switch to turn TLS verification off; a `max_retry_after` above a day
    /// (`ServerHold.maximumDelay`) still holds a feed back a day at most.
    public let settings: HTTPSettings
    /// Sent as a bearer token to `https://api.github.com` only, never anywhere else, never logged.
    public let githubToken: String?
    /// The wall-clock time a server's `Retry-After` or rate-limit reset is counted from: the
    /// caller's injected clock, so a test can pin it.
    public let now: @Sendable () -> Date
    /// Called on the caller's side each time a transfer ends, however it ended: the daemon's
    /// watchdog is fed by this progress of the work itself, transfer by transfer, so a round of
    /// many bounded transfers never looks stalled and one stuck transfer always does.
    public let transferEnded: @Sendable () -> Void

    public init(
        settings: HTTPSettings, githubToken: String? = nil, now: @escaping @Sendable () -> Date = { Date() },
        transferEnded: @escaping @Sendable () -> Void = {}
    ) {
        self.settings = settings
        self.githubToken = githubToken
        self.now = now
        self.transferEnded = transferEnded
        _ = CurlEasy.globalInit
    }

    /// The same client, calling `hook` at the end of every transfer.
    public func reportingTransfers(to hook: @escaping @Sendable () -> Void) -> HTTPClient {
        HTTPClient(settings: settings, githubToken: githubToken, now: now, transferEnded: hook)
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
        return try await transfer(url: request.url, headers: headers, cap: settings.maxBodyBytes, sink: nil)
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
        try await transfer(url: url, headers: [], cap: maxBytes, sink: sink)
    }

    /// Runs one fetch on a dedicated thread and reports its end, however it ended.
    private func transfer(
        url: String, headers: [String], cap: Int, sink: (@Sendable (UnsafeRawBufferPointer) throws -> Void)?
    ) async throws(HTTPError) -> HTTPResponse {
        let (settings, token, now) = (settings, githubToken, now)
        let result = await DedicatedThread.run(name: "osslwatch-http") { cancellation in
            Self.transfer(
                url: url, settings: settings, token: token, headers: headers, cap: cap, sink: sink, now: now,
                cancellation: cancellation)
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
        settings: HTTPSettings,
        token: String?,
        headers: [String],
        cap: Int,
        sink: (@Sendable (UnsafeRawBufferPointer) throws -> Void)?,
        now: @Sendable () -> Date,
        cancellation: CancellationFlag
    ) -> Result<HTTPResponse, HTTPError> {
        var url = original
        var redirects = 0
        // The total timeout bounds the whole fetch, redirects included, not each hop.
        let deadline = ContinuousClock.now + .milliseconds(Int64(settings.timeout * 1000))
        while true {
            guard let target = HTTPURL(url) else {
                return .failure(HTTPError(.invalidURL, url: "<unparsable URL>", "the URL does not parse"))
            }
            if let reason = target.refusal(allowHTTPLoopback: settings.allowHTTPLoopback) {
                let message = redirects == 0 ? "refused: the URL \(reason)" : "refused redirect: the target \(reason)"
                return .failure(HTTPError(.refusedURL, url: target.redacted, message))
            }
            if cancellation.isCancelled {
                return .failure(HTTPError(.cancelled, url: target.redacted, "cancelled"))
            }
            var hopHeaders = headers
            if let token, GitHubToken.shouldSendToken(to: url) {
                let line = "Authorization: Bearer \(token)"
                if isSafeHeaderLine(line) { hopHeaders.append(line) }
            }
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else {
                return .failure(
                    HTTPError(.timedOut, url: target.redacted, "timed out after \(settings.timeout) s"))
            }
            var hopSettings = settings
            let seconds = remaining.seconds
            hopSettings.timeout = seconds
            hopSettings.connectTimeout = min(settings.connectTimeout, seconds)
            guard
                let hop = CurlHop(
                    url: url,
                    settings: hopSettings,
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
                if redirects > settings.maxRedirects {
                    return .failure(
                        HTTPError(
                            .tooManyRedirects,
                            url: HTTPURL(original)?.redacted ?? target.redacted,
                            "more than \(settings.maxRedirects) redirects",
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
                            headers: outcome.headers, now: now(), limit: settings.maxRetryAfter)
                    )
                )
            }
            let hold = RetryAfter.hold(
                status: status, headers: outcome.headers, now: now(), limit: settings.maxRetryAfter)
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
        let detail = CurlEasy.reason(code, message: outcome.curlMessage)
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
        case let code where CurlEasy.tlsFailures.contains(code):
            return HTTPError(.tlsFailed, url: url, "TLS failed: \(detail)")
        case CURLE_UNSUPPORTED_PROTOCOL:
            return HTTPError(.refusedURL, url: url, "refused: \(detail)")
        default:
            return HTTPError(.transferFailed, url: url, "transfer failed: \(detail)", status: status)
        }
    }
}

/// One GET, with the validators stored from the previous successful poll of the same feed.
public struct HTTPRequest: Sendable, Hashable {
    public var url: String
    /// Sent as `If-None-Match`; a matching server answers 304 and no body travels.
    public var etag: String?
    /// Sent as `If-Modified-Since`.
    public var lastModified: String?
    /// Sent as `Accept`, for APIs that pick a representation from it (GitHub's REST API).
    public var accept: String?

    public init(url: String, etag: String? = nil, lastModified: String? = nil, accept: String? = nil) {
        self.url = url
        self.etag = etag
        self.lastModified = lastModified
        self.accept = accept
    }
}

/// A successful (2xx) or not-modified (304) answer; every other status is an `HTTPError`.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// The decoded body; empty for 304 and for `download`, whose body went to the sink.
    public var body: Data
    /// Header names lower-cased; when a header repeats, the last value wins.
    public var headers: [String: String]
    /// The URL that answered, after redirects.
    public var effectiveURL: String
    /// GitHub's `X-RateLimit-Reset` when this answer used the last request of the budget
    /// (`X-RateLimit-Remaining: 0`): a successful poll that must still not be repeated before
    /// it. Validated by the client (future, at most a day ahead), never the raw header.
    public var serverHold: ServerHold?

    /// The validator to store and send back as `If-None-Match` next time.
    public var etag: String? { headers["etag"] }
    /// The validator to store and send back as `If-Modified-Since` next time.
    public var lastModified: String? { headers["last-modified"] }
    public var contentType: String? { headers["content-type"] }
    /// True when the stored copy is still current: nothing to parse.
    public var isNotModified: Bool { status == 304 }
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
