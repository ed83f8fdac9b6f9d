import Foundation
import OSSLWatch
import OSSLWatchCore
import OSSLWatchTransport
import Testing

@Suite struct BackoffTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let backoff = Backoff(initial: 60, maximum: 3600)

    @Test("the base delay doubles per consecutive error and stops at the maximum")
    func exponentialAndCapped() {
        #expect(backoff.baseDelay(errorStreak: 0) == 0)
        #expect(backoff.baseDelay(errorStreak: 1) == 60)
        #expect(backoff.baseDelay(errorStreak: 2) == 120)
        #expect(backoff.baseDelay(errorStreak: 6) == 1920)
        #expect(backoff.baseDelay(errorStreak: 7) == 3600)
        #expect(backoff.baseDelay(errorStreak: 1000) == 3600)
    }

    @Test("jitter 0 waits half the base delay, jitter 1 the whole, and out-of-range jitter is clamped")
    func jitterRange() {
        #expect(backoff.nextPoll(now: now, errorStreak: 3, notBefore: nil, jitter: 0) == now.addingTimeInterval(120))
        #expect(backoff.nextPoll(now: now, errorStreak: 3, notBefore: nil, jitter: 0.5) == now.addingTimeInterval(180))
        #expect(backoff.nextPoll(now: now, errorStreak: 3, notBefore: nil, jitter: 1) == now.addingTimeInterval(240))
        #expect(backoff.nextPoll(now: now, errorStreak: 3, notBefore: nil, jitter: 7) == now.addingTimeInterval(240))
        #expect(backoff.nextPoll(now: now, errorStreak: 3, notBefore: nil, jitter: -1) == now.addingTimeInterval(120))
    }

    @Test("a server's retryAfter later than the backoff delay wins")
    func retryAfterLaterWins() {
        let notBefore = now.addingTimeInterval(7200)
        let error = HTTPError(.httpStatus, url: "https://x", "HTTP 429", status: 429, retryAfter: notBefore)
        #expect(backoff.nextPoll(now: now, errorStreak: 1, notBefore: error.retryAfter, jitter: 1) == notBefore)
        #expect(backoff.nextPoll(now: now, errorStreak: 50, notBefore: error.retryAfter, jitter: 1) == notBefore)
    }

    @Test("a retryAfter earlier than the backoff delay does not shorten it")
    func retryAfterEarlierIgnored() {
        let error = HTTPError(
            .httpStatus, url: "https://x", "HTTP 503", status: 503, retryAfter: now.addingTimeInterval(5))
        #expect(
            backoff.nextPoll(now: now, errorStreak: 2, notBefore: error.retryAfter, jitter: 1)
                == now.addingTimeInterval(120))
    }
}
