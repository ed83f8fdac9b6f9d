import Foundation
import OSSLWatch
import OSSLWatchTransport
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

@Suite struct ServerHoldTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(
        "a hold further than a day is cut to a day and remembers the header as sent",
        arguments: [
            ["retry-after": "9999999999"], ["retry-after": "99999999999999999999"],
            ["retry-after": "Fri, 01 Jan 2100 00:00:00 GMT"],
            ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "253402300800"],
            ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "99999999999999999999999"],
        ])
    func clampedToADay(headers: [String: String]) throws {
        let hold = try #require(RetryAfter.hold(status: 429, headers: headers, now: now))
        #expect(hold.until == now.addingTimeInterval(86_400))
        #expect(hold.wasClamped)
        let raw = try #require(headers["retry-after"] ?? headers["x-ratelimit-reset"])
        #expect(hold.header.hasSuffix(raw))
    }

    @Test("a configured limit below a day clamps sooner; one above a day is still a day")
    func configuredLimit() {
        let headers = ["retry-after": "9999999999"]
        #expect(RetryAfter.date(status: 503, headers: headers, now: now, limit: 5) == now.addingTimeInterval(5))
        #expect(RetryAfter.date(status: 503, headers: headers, now: now, limit: 1e9) == now.addingTimeInterval(86_400))
    }

    @Test("a hold in the past or right now is no hold at all")
    func pastIgnored() {
        #expect(RetryAfter.hold(status: 503, headers: ["retry-after": "0"], now: now) == nil)
        #expect(
            RetryAfter.hold(status: 503, headers: ["retry-after": "Thu, 01 Jan 2015 00:00:00 GMT"], now: now) == nil)
        let spent = ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "1000"]
        #expect(RetryAfter.hold(status: 403, headers: spent, now: now) == nil)
    }

    @Test("a hold within a day is kept as asked, not marked clamped")
    func withinLimitKept() throws {
        let hold = try #require(RetryAfter.hold(status: 429, headers: ["retry-after": "120"], now: now))
        #expect(hold.until == now.addingTimeInterval(120) && !hold.wasClamped)
    }

    @Test("a successful answer that spent the last request gives its reset, validated; one with budget left none")
    func rateLimitReset() {
        let spent = ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "1800003600"]
        #expect(
            RetryAfter.rateLimitReset(headers: spent, now: now)?.until == Date(timeIntervalSince1970: 1_800_003_600))
        let left = ["x-ratelimit-remaining": "59", "x-ratelimit-reset": "1800003600"]
        #expect(RetryAfter.rateLimitReset(headers: left, now: now) == nil)
    }
}
