import Testing

@testable import OSSLWatch
@testable import OSSLWatchTransport

@Suite struct HTTPURLTests {
    @Test(
        "loopback hosts are recognised",
        arguments: ["http://127.0.0.1:8080/x", "http://127.1.2.3/", "http://localhost/", "http://[::1]:80/"])
    func loopback(url: String) throws {
        let parsed = try #require(HTTPURL(url))
        #expect(parsed.isLoopback)
        #expect(parsed.refusal(allowHTTPLoopback: true) == nil)
        #expect(parsed.refusal(allowHTTPLoopback: false) != nil)
    }

    @Test(
        "hosts that merely look like loopback are not",
        arguments: [
            "http://127.0.0.1.evil.example/", "http://128.0.0.1/", "http://localhost.evil.example/", "http://[::2]/",
        ])
    func notLoopback(url: String) throws {
        let parsed = try #require(HTTPURL(url))
        #expect(!parsed.isLoopback)
        #expect(parsed.refusal(allowHTTPLoopback: true) != nil)
    }

    @Test(
        "schemes other than https and http are refused",
        arguments: ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://h/", "dict://h/"])
    func otherSchemes(url: String) throws {
        let parsed = try #require(HTTPURL(url))
        #expect(parsed.refusal(allowHTTPLoopback: true) != nil)
    }

    @Test("https to any host is allowed")
    func httpsAllowed() throws {
        #expect(
            try #require(HTTPURL("https://github.com/openssl/openssl/releases.atom")).refusal(allowHTTPLoopback: false)
                == nil)
    }

    @Test("the redacted form drops user-info")
    func redacted() throws {
        let parsed = try #require(HTTPURL("https://user:secret@example.com/path"))
        #expect(!parsed.redacted.contains("secret"))
        #expect(parsed.redacted.contains("example.com/path"))
    }
}
