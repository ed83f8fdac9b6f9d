import Foundation
import OSSLWatch
import OSSLWatchCore
import OSSLWatchTestSupport
import OSSLWatchTransport
import Testing

/// The real `HTTPClient` against the real nginx, stalled server and dead port that
/// `scripts/test-services start` runs. Serialized: some tests rewrite files in the docroot.
@Suite(.serialized) struct HTTPClientIntegrationTests {
    let services: TestServices

    init() throws {
        services = try TestServices.load()
    }

    func client(
        totalTimeout: Double = 20,
        maxBodyBytes: Int = 8 << 20,
        allowHTTPLoopback: Bool = false,
        githubToken: String? = nil,
        caFile: String?? = .none
    ) -> HTTPClient {
        HTTPClient(
            settings: HTTPSettings(
                connectTimeout: 2,
                timeout: totalTimeout,
                maxBodyBytes: maxBodyBytes,
                caFile: caFile ?? services.caFile,
                allowHTTPLoopback: allowHTTPLoopback
            ),
            githubToken: githubToken
        )
    }

    /// The error `operation` throws, or nil (recorded as an issue) when it succeeds.
    func failure(
        _ operation: () async throws -> HTTPResponse,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async -> HTTPError? {
        do {
            let response = try await operation()
            Issue.record("expected an HTTPError, got HTTP \(response.status)", sourceLocation: sourceLocation)
        } catch let error as HTTPError {
            return error
        } catch {
            Issue.record("expected an HTTPError, got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    @Test("a first GET returns 200 with nginx's validators and a second GET with them returns 304 and no body")
    func conditionalGet() async throws {
        let client = client()
        let first = try await client.get(HTTPRequest(url: services.httpsURL("/feed.xml")))
        #expect(first.status == 200)
        #expect(String(decoding: first.body, as: UTF8.self).contains("<feed"))
        #expect(first.contentType == "application/xml")
        let etag = try #require(first.etag)
        let lastModified = try #require(first.lastModified)

        let second = try await client.get(
            HTTPRequest(url: services.httpsURL("/feed.xml"), etag: etag, lastModified: lastModified)
        )
        #expect(second.isNotModified)
        #expect(second.body.isEmpty)
    }

    @Test("a file rewritten with new content and mtime is fetched again with 200 despite the old validators")
    func changedFileIsRefetched() async throws {
        let path = services.docroot + "/changing.json"
        let old = Date(timeIntervalSinceNow: -3600)
        try Data("[1]\n".utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: path)
        let client = client()
        let first = try await client.get(HTTPRequest(url: services.httpsURL("/changing.json")))
        #expect(String(decoding: first.body, as: UTF8.self) == "[1]\n")

        try Data("[1, 2]\n".utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: path)
        let second = try await client.get(
            HTTPRequest(url: services.httpsURL("/changing.json"), etag: first.etag, lastModified: first.lastModified)
        )
        #expect(second.status == 200)
        #expect(String(decoding: second.body, as: UTF8.self) == "[1, 2]\n")
        #expect(second.etag != first.etag)
    }

    @Test("a certificate from another CA is refused as a TLS failure")
    func otherCARefused() async throws {
        let error = await failure {
            try await client().get(HTTPRequest(url: "https://localhost:\(services.otherCAPort)/feed.xml"))
        }
        #expect(error?.code == .tlsFailed)
    }

    @Test("the test CA's certificate is refused without the CA file: the system store does not trust it")
    func testCANotTrustedBySystemStore() async throws {
        let error = await failure {
            try await client(caFile: .some(nil)).get(HTTPRequest(url: services.httpsURL("/feed.xml")))
        }
        #expect(error?.code == .tlsFailed)
    }

    @Test("a redirect to file:// or ftp:// is refused before anything is read")
    func redirectToOtherSchemesRefused() async throws {
        for path in ["/redirect/file", "/redirect/ftp"] {
            let error = await failure {
                try await client(allowHTTPLoopback: true).get(HTTPRequest(url: services.httpsURL(path)))
            }
            #expect(error?.code == .refusedURL, "\(path)")
            #expect(error?.message.contains("refused redirect") == true, "\(path)")
        }
    }

    @Test("a redirect from https to plain http is refused unless http to loopback is allowed")
    func redirectToHTTPRefusedByDefault() async throws {
        let url = services.httpsURL("/redirect/http-loopback")
        let refused = await failure { try await client().get(HTTPRequest(url: url)) }
        #expect(refused?.code == .refusedURL)

        let allowed = try await client(allowHTTPLoopback: true).get(HTTPRequest(url: url))
        #expect(allowed.status == 200)
        #expect(allowed.effectiveURL.hasPrefix("http://127.0.0.1:\(services.httpPort)/"))
    }

    @Test("plain http to a host that is not loopback is refused even when http to loopback is allowed")
    func redirectToRemoteHTTPRefused() async throws {
        let error = await failure {
            try await client(allowHTTPLoopback: true).get(HTTPRequest(url: services.httpsURL("/redirect/http-remote")))
        }
        #expect(error?.code == .refusedURL)
        #expect(error?.url.contains("192.0.2.1") == true)
    }

    @Test("a plain http URL is refused without allowHTTPLoopback and fetched with it")
    func plainHTTPURL() async throws {
        let url = services.httpURL("/data.json")
        let refused = await failure { try await client().get(HTTPRequest(url: url)) }
        #expect(refused?.code == .refusedURL)
        let allowed = try await client(allowHTTPLoopback: true).get(HTTPRequest(url: url))
        #expect(allowed.status == 200)
    }

    @Test("five redirects are followed, a sixth is refused")
    func redirectLimit() async throws {
        let five = try await client().get(HTTPRequest(url: services.httpsURL("/chain/5")))
        #expect(five.status == 200)
        #expect(five.effectiveURL.hasSuffix("/chain/0"))

        let error = await failure { try await client().get(HTTPRequest(url: services.httpsURL("/chain/6"))) }
        #expect(error?.code == .tooManyRedirects)
    }

    @Test("a 20 MiB body is cut off at the 8 MiB cap")
    func bodyCap() async throws {
        let error = await failure { try await client().get(HTTPRequest(url: services.httpsURL("/big.bin"))) }
        #expect(error?.code == .bodyTooLarge)
    }

    @Test("a gzip response small on the wire but 20 MiB decoded is cut off at the 8 MiB cap")
    func decodedBodyCap() async throws {
        let error = await failure { try await client().get(HTTPRequest(url: services.httpsURL("/big.json"))) }
        #expect(error?.code == .bodyTooLarge)
    }

    @Test("the gzip response really is compressed on the wire and decoded in full under a larger cap")
    func gzipIsDecoded() async throws {
        let probe = UUID().uuidString
        let response = try await client(maxBodyBytes: 32 << 20).get(
            HTTPRequest(url: services.httpsURL("/big.json?probe=\(probe)"))
        )
        #expect(response.headers["content-encoding"] == "gzip")
        #expect(response.body.count == 20 << 20 + 4)
        let log = try String(contentsOfFile: services.accessLog, encoding: .utf8)
        let line = try #require(log.split(separator: "\n").last { $0.contains(probe) })
        let fields = line.split(separator: " ")
        let sent = try #require(fields.count > 9 ? Int(fields[9]) : nil)
        #expect(sent < 1 << 20)
    }

    @Test("429 with Retry-After: 120 gives an HTTPError whose retryAfter is two minutes ahead")
    func tooManyRequests() async throws {
        let before = Date()
        let error = await failure { try await client().get(HTTPRequest(url: services.httpsURL("/status/429"))) }
        #expect(error?.code == .httpStatus)
        #expect(error?.status == 429)
        let retryAfter = try #require(error?.retryAfter)
        #expect(retryAfter >= before.addingTimeInterval(120))
        #expect(retryAfter <= Date().addingTimeInterval(120))
    }

    @Test("a server hold counts from the client's injected clock, not the machine's: Retry-After: 120 at a fixed time")
    func holdCountsFromInjectedClock() async throws {
        let fixed = Date(timeIntervalSince1970: 1_790_000_000)
        let pinned = HTTPClient(settings: client().settings, now: { fixed })
        let error = await failure { try await pinned.get(HTTPRequest(url: services.httpsURL("/status/429"))) }
        #expect(error?.status == 429)
        #expect(error?.retryAfter == fixed.addingTimeInterval(120))
    }

    @Test("503 with an HTTP-date Retry-After in 2100 gives a retryAfter clamped to a day, saying so")
    func serviceUnavailable() async throws {
        let before = Date()
        let error = await failure { try await client().get(HTTPRequest(url: services.httpsURL("/status/503"))) }
        #expect(error?.status == 503)
        let retryAfter = try #require(error?.retryAfter)
        #expect(retryAfter >= before.addingTimeInterval(86_400) && retryAfter <= Date().addingTimeInterval(86_400))
        #expect(error?.hold?.wasClamped == true)
        #expect(error?.hold?.header == "Retry-After: Fri, 01 Jan 2100 00:00:00 GMT")
    }

    @Test("403 with X-RateLimit-Remaining 0 gives X-RateLimit-Reset as retryAfter, clamped to a day")
    func rateLimited() async throws {
        let before = Date()
        let error = await failure {
            try await client().get(HTTPRequest(url: services.httpsURL("/status/403-rate-limit")))
        }
        #expect(error?.status == 403)
        let retryAfter = try #require(error?.retryAfter)
        #expect(retryAfter >= before.addingTimeInterval(86_400) && retryAfter <= Date().addingTimeInterval(86_400))
        #expect(error?.hold?.header == "X-RateLimit-Reset: 4102444800")
    }

    @Test("404 is an HTTP status error without retryAfter")
    func notFound() async throws {
        let error = await failure { try await client().get(HTTPRequest(url: services.httpsURL("/status/404"))) }
        #expect(error?.code == .httpStatus)
        #expect(error?.status == 404)
        #expect(error?.retryAfter == nil)
    }

    @Test("a dead port fails fast with a connect error")
    func deadPort() async throws {
        let start = ContinuousClock.now
        let error = await failure {
            try await client().get(HTTPRequest(url: "https://127.0.0.1:\(services.deadPort)/feed.xml"))
        }
        #expect(error?.code == .connectFailed)
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test("a server that accepts and never answers times out within the 1 s total timeout")
    func stalledServer() async throws {
        let start = ContinuousClock.now
        let error = await failure {
            try await client(totalTimeout: 1).get(HTTPRequest(url: "https://127.0.0.1:\(services.stallPort)/"))
        }
        #expect(error?.code == .timedOut)
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(900))
        #expect(elapsed < .seconds(4))
    }

    @Test("cancelling the task stops a transfer stuck on a stalled server long before its timeout")
    func cancellation() async throws {
        let client = client(totalTimeout: 30)
        let url = "https://127.0.0.1:\(services.stallPort)/"
        let start = ContinuousClock.now
        let task = Task { try await client.get(HTTPRequest(url: url)) }
        task.cancel()
        let error = await failure { try await task.value }
        #expect(error?.code == .cancelled)
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test("requests carry User-Agent osslwatch/<version> and the validators, and no token to a non-GitHub host")
    func requestHeaders() async throws {
        let response = try await client(githubToken: "ghp_secret_for_test").get(
            HTTPRequest(url: services.httpsURL("/echo"), etag: "\"abc\"", lastModified: "Tue, 24 Nov 2026 10:00:00 GMT")
        )
        let fields = String(decoding: response.body, as: UTF8.self).split(
            separator: "|", omittingEmptySubsequences: false)
        #expect(fields.count == 4)
        guard fields.count == 4 else { return }
        #expect(fields[0].isEmpty)
        #expect(fields[1] == "osslwatch/\(OSSLWatchVersion.current)")
        #expect(fields[2] == "\"abc\"")
        #expect(fields[3] == "Tue, 24 Nov 2026 10:00:00 GMT")
    }

    @Test("no error message contains the GitHub token")
    func tokenNeverInErrors() async throws {
        let token = "ghp_secret_for_test"
        for path in ["/status/429", "/redirect/file", "/chain/6", "/big.bin"] {
            let error = await failure {
                try await client(githubToken: token).get(HTTPRequest(url: services.httpsURL(path)))
            }
            #expect(error.map { !"\($0)".contains(token) } == true, "\(path)")
        }
    }

    @Test("download streams a 20 MiB file through SHA-256 and the digest equals the file's")
    func downloadStreams() async throws {
        let stream = try SHA256Stream()
        let response = try await client().download(url: services.httpsURL("/big.bin"), maxBytes: 32 << 20) { bytes in
            try stream.update(bytes)
        }
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
        let expected = try SHA256Stream.hex(of: Data(contentsOf: URL(fileURLWithPath: services.docroot + "/big.bin")))
        #expect(try stream.finalize() == expected)
    }

    @Test("download enforces its own byte cap")
    func downloadCap() async throws {
        let error = await failure {
            try await client().download(url: services.httpsURL("/big.bin"), maxBytes: 1 << 20) { _ in }
        }
        #expect(error?.code == .bodyTooLarge)
    }

    @Test("a throwing download sink stops the transfer with sinkFailed")
    func downloadSinkFailure() async throws {
        struct Full: Error {}
        let error = await failure {
            try await client().download(url: services.httpsURL("/big.bin"), maxBytes: 32 << 20) { _ in throw Full() }
        }
        #expect(error?.code == .sinkFailed)
    }
}
