import Foundation
import OSSLWatch
import Testing

@Suite struct RetryAfterTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("Retry-After delay seconds are counted from now")
    func seconds() {
        #expect(RetryAfter.parse("120", now: now) == now.addingTimeInterval(120))
        #expect(RetryAfter.parse(" 0 ", now: now) == now)
    }

    @Test("Retry-After as an IMF-fixdate is that instant")
    func httpDate() {
        #expect(
            RetryAfter.parse("Fri, 01 Jan 2100 00:00:00 GMT", now: now) == Date(timeIntervalSince1970: 4_102_444_800))
    }

    @Test(
        "malformed Retry-After values are ignored", arguments: ["-5", "1.5", "soon", "", "99999999999999999999", "Fri"])
    func malformed(value: String) {
        #expect(RetryAfter.parse(value, now: now) == nil)
    }

    @Test("429 and 503 take Retry-After; a plain 403, 404 or 500 gives no retry time")
    func statuses() {
        let headers = ["retry-after": "30"]
        #expect(RetryAfter.date(status: 429, headers: headers, now: now) == now.addingTimeInterval(30))
        #expect(RetryAfter.date(status: 503, headers: headers, now: now) == now.addingTimeInterval(30))
        #expect(RetryAfter.date(status: 403, headers: headers, now: now) == nil)
        #expect(RetryAfter.date(status: 404, headers: headers, now: now) == nil)
        #expect(RetryAfter.date(status: 500, headers: headers, now: now) == nil)
    }

    @Test("GitHub's 403 with X-RateLimit-Remaining 0 waits until X-RateLimit-Reset")
    func gitHubRateLimit() {
        let headers = ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "1800003600"]
        #expect(RetryAfter.date(status: 403, headers: headers, now: now) == Date(timeIntervalSince1970: 1_800_003_600))
        let notExhausted = ["x-ratelimit-remaining": "12", "x-ratelimit-reset": "1800003600"]
        #expect(RetryAfter.date(status: 403, headers: notExhausted, now: now) == nil)
        #expect(RetryAfter.date(status: 429, headers: notExhausted, now: now) == nil)
    }

    @Test("when Retry-After and the rate-limit reset are both given, the later one wins")
    func laterWins() {
        let headers = ["retry-after": "60", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1800003600"]
        #expect(RetryAfter.date(status: 429, headers: headers, now: now) == Date(timeIntervalSince1970: 1_800_003_600))
        let laterRetry = ["retry-after": "7200", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1800003600"]
        #expect(RetryAfter.date(status: 403, headers: laterRetry, now: now) == now.addingTimeInterval(7200))
    }
}

@Suite struct HTTPResponseRateLimitTests {
    @Test("a 200 that spent the last GitHub request reports the reset time; one with budget left does not")
    func rateLimitReset() {
        let spent = HTTPResponse(
            status: 200, body: Data(), headers: ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "1800003600"],
            effectiveURL: "https://api.github.com/x")
        #expect(spent.rateLimitReset == Date(timeIntervalSince1970: 1_800_003_600))
        let left = HTTPResponse(
            status: 200, body: Data(), headers: ["x-ratelimit-remaining": "59", "x-ratelimit-reset": "1800003600"],
            effectiveURL: "https://api.github.com/x")
        #expect(left.rateLimitReset == nil)
    }
}
